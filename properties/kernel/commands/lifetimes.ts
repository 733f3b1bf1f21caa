// Process lifetimes (feature kernel.lifetimes): spawns checked against the slot table, exit /
// kill / crash / sleep / idle, busy ticks, and ProcessesCmd — the process table, the pick and the
// registrations of dead processes in a snapshot, against the model. lifetimeArb draws them.
import fc from 'fast-check';
import type { Op } from '../../../src/iut/contract.ts';
import type { PropertyContext } from '../../../src/runner/property.ts';
import type { LifeOp, MProc, Model } from '../model.ts';
import { isObj, KCmd, showResult, valueOf, type EngineConfig, type Real } from '../engine.ts';
import { C, pidOf, showRegistry } from './clauses.ts';

/** Who holds the slots, for messages: "pid 1 (crashed), pid 3 (dead, not yet reaped)". */
const holders = (m: Model): string => m.procs.map((p) => `pid ${p.pid} in slot ${p.slot} (${m.stateOf(p)})`).join(', ') || 'none';

/** A spawn checked against the process table: the limit counts every slot held, pids only go up. */
export class LifeSpawnCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    const got = r.take([{ op: 'spawn' }]);
    const before = holders(m);
    const highest = m.nextPid - 1;
    const pid = m.spawn();
    if (!got) return;
    const v = valueOf(got[0])?.pid;
    const l = r.ctx.limits;
    if (pid === m.noPid || v === m.noPid)
      r.ck([C.tableLimit, C.processIds], v === pid, () =>
        pid === m.noPid
          ? `op #${at} spawn: the ${l.maxProcesses}-slot table is full — the kernel's own ${l.kernelProcesses} and ${before} — so spawn must answer ${m.noPid}; got ${showResult(got[0])}`
          : `op #${at} spawn: only ${m.procs.length - 1} of the ${m.maxSpawned} slots beside the kernel's own ${l.kernelProcesses} are held (${before}), so spawn must succeed with pid ${pid}; got ${showResult(got[0])}`,
      );
    else r.ck([C.pidNeverReused, C.processIds], v === pid, () => `op #${at} spawn: pids only go up and are never reused; the highest handed out so far is ${highest}, so the new process is pid ${pid}; got ${showResult(got[0])}`);
  }
  toString(): string {
    return 'spawn';
  }
}

/** exit, kill, crash, sleep N or idle for the process with index idx (pid 1 + idx). */
export class LifetimeCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly what: LifeOp,
    readonly ticks = 1,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const at = r.pos;
    const op: Op = this.what === 'sleep' ? { op: 'sleep', pid, ticks: this.ticks } : { op: this.what, pid };
    const got = r.take([op]);
    const p = m.proc(pid);
    const was = p ? m.stateOf(p) : null;
    const exp = m.lifetime(pid, this.what, this.ticks, at);
    if (!got) return;
    const g = got[0];
    const what = `op #${at} (${this})`;
    if ('refused' in exp) {
      const clause = was === 'dead' || !p ? C.deadReaped : was === 'crashed' ? C.crashedKept : C.processOps;
      r.ck([clause, C.processOps], g !== undefined && !g.ok && g.error.kind === 'invalid-argument', () => `${what} cannot happen — ${exp.refused} — so it must answer invalid-argument; got ${showResult(g)}`);
    } else {
      const state = valueOf(g)?.state;
      r.ck(C.processOps, state === exp.state, () => `${what}: pid ${pid} was ${was}; it should now be ${exp.state}, got ${showResult(g)}`);
    }
  }
  toString(): string {
    return this.what === 'sleep' ? `sleep(${pidOf(this.idx)}, ${this.ticks})` : `${this.what}(${pidOf(this.idx)})`;
  }
}

/** A PIT tick that finds the scheduler lock held: skipped, nothing moves but the clock. */
export class BusyTickCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    const got = r.take([{ op: 'tick', busy: true, note: 'the PIT fires while a syscall holds the scheduler lock' }]);
    const exp = m.tick(true);
    if (!got) return;
    const v = valueOf(got[0]);
    const what = `op #${at} (busy tick)`;
    r.ck(C.busySkipped, v !== null, () => `${what} failed: ${showResult(got[0])}`);
    if (!v) return;
    const delivered = Array.isArray(v.delivered) ? v.delivered.length : 0;
    const took = delivered + (typeof v.dropped === 'number' ? v.dropped : 0) + (typeof v.polled === 'number' ? v.polled : 0);
    r.ck(C.busySkipped, v.skipped === true, () => `${what}: a tick that finds the scheduler lock held is skipped; it must report skipped: true, got ${JSON.stringify(v.skipped)}`);
    r.ck(C.busySkipped, took === 0, () => `${what}: a skipped tick does not run poll_and_deliver, yet it polled ${v.polled} time(s) and took ${delivered} frame(s)`);
    r.ck(C.busySkipped, v.tick === exp.tick && v.time === exp.tick / r.ctx.limits.pitHz, () => `${what}: a skipped tick does not count: the tick count stays ${exp.tick} (time ${exp.tick / r.ctx.limits.pitHz} s), got tick ${v.tick}, time ${v.time}`);
    r.ck(C.busySkipped, v.picked === exp.picked, () => `${what}: a skipped tick picks nobody new: ${exp.picked === m.noPid ? 'nobody' : `pid ${exp.picked}`} keeps running, got picked ${v.picked}`);
    const woke = Array.isArray(v.woken) ? v.woken : [];
    const reaped = Array.isArray(v.reaped) ? v.reaped : [];
    r.ck(C.busySkipped, woke.length === 0 && reaped.length === 0, () => `${what}: a skipped tick wakes and reaps nobody, got woken ${JSON.stringify(woke)}, reaped ${JSON.stringify(reaped)}`);
    r.ck(C.busySkipped, Array.isArray(v.order) && v.order.length === 0, () => `${what}: a skipped tick runs none of its steps, so its order is []; got ${JSON.stringify(v.order)}`);
  }
  toString(): string {
    return 'busy-tick';
  }
}

const SNAPSHOT_FIELDS = ['processes', 'current', 'kernelProcesses', 'driverPid', 'registry'];

/** The clause a process's state depends on: what last changed it, else who may be scheduled. */
const stateClause = (p: MProc): string => p.because?.clause ?? C.schedulable;

/** The process table, the pick, and the registrations that outlive their process, against the model. */
export class ProcessesCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    const got = r.take([{ op: 'snapshot', fields: SNAPSHOT_FIELDS }]);
    if (!got) return;
    const v = valueOf(got[0]);
    const what = `op #${at} (snapshot)`;
    const l = r.ctx.limits;
    r.ck([C.processSlots, C.deadReaped], v !== null && Array.isArray(v.processes), () => `${what} has no 'processes': ${showResult(got[0])}`);
    if (!v || !Array.isArray(v.processes)) return;
    r.ck(C.processSlots, v.kernelProcesses === l.kernelProcesses, () => `${what}: the kernel's own processes hold slots 0..${l.kernelProcesses - 1}: kernelProcesses should be ${l.kernelProcesses}, got ${JSON.stringify(v.kernelProcesses)}`);
    const listed = v.processes.filter(isObj);
    const pids = listed.map((p) => p.pid);
    const want = m.procs.map((p) => p.pid);
    const missing = m.procs.find((p) => !pids.includes(p.pid));
    const extra = pids.find((pid) => !want.includes(pid as number));
    r.ck(C.deadReaped, !missing && extra === undefined, () =>
      missing
        ? `${what}: pid ${missing.pid} should still be listed (${m.stateOf(missing)}${missing.life === 'dead' ? ': dead processes stay until the next tick reaps them' : ''}); listed: ${JSON.stringify(pids)}`
        : `${what}: pid ${extra} is listed, but it was reaped by a tick after it died: the table holds ${holders(m)}`,
    );
    for (const p of m.procs) {
      const s = listed.find((x) => x.pid === p.pid);
      if (!s) continue;
      if (s.slot !== undefined) {
        const clash = listed.find((x) => x !== s && x.slot === s.slot);
        const inRange = typeof s.slot === 'number' && s.slot >= l.kernelProcesses && s.slot < l.maxProcesses;
        r.ck(inRange && !clash && !p.reusedSlot ? C.processSlots : C.slotReuse, s.slot === p.slot, () =>
          `${what}: pid ${p.pid} should hold slot ${p.slot} (slots 0..${l.kernelProcesses - 1} are the kernel's; a spawn takes the lowest free one above, and a reaped process's slot is free again${p.reusedSlot ? `: slot ${p.slot} was freed by a reaped process` : ''}), got slot ${JSON.stringify(s.slot)}${clash ? `, which pid ${clash.pid} holds too` : ''}`,
        );
      }
      const state = m.stateOf(p);
      r.ck(stateClause(p), s.state === state, () => `${what}: pid ${p.pid} should be ${state}${p.because ? ` (${p.because.why})` : ''}, the snapshot says ${JSON.stringify(s.state)}`);
      if (s.sleepUntil !== undefined) r.ck(C.sleepBoundary, s.sleepUntil === p.sleepUntil, () => `${what}: pid ${p.pid}'s sleep_until should be ${p.sleepUntil}, got ${JSON.stringify(s.sleepUntil)}`);
      r.ck(C.pidAddressing, s.queueLength === p.queue.length, () => `${what}: pid ${p.pid} (slot ${p.slot}) should have ${p.queue.length} queued message(s) — messages for a pid reach that process whatever its slot — the snapshot says ${JSON.stringify(s.queueLength)}`);
    }
    const running = m.procs.filter((p) => m.runnable(p)).map((p) => p.pid);
    r.ck(C.schedulable, v.current === m.current, () => `${what}: the last tick should have picked ${m.current === m.noPid ? 'nobody' : `pid ${m.current}`} (only runnable processes run: ${JSON.stringify(running)}; the table: ${holders(m)}), current is ${JSON.stringify(v.current)}`);
    // Registrations of processes that are gone stay as they were (spec-notes §9.7).
    const gone = (pid: number): boolean => pid !== m.noPid && !m.live(pid);
    if (gone(m.driverPid)) r.ck(C.goneReceiver, v.driverPid === m.driverPid, () => `${what}: nothing releases NET_DRV_PID when its process dies: it should still be ${m.driverPid}, got ${JSON.stringify(v.driverPid)}`);
    if (m.bound().some((e) => gone(e.pid)) && Array.isArray(v.registry)) {
      const entries = v.registry.map((e) => (isObj(e) ? { slot: e.slot, port: e.port, pid: e.pid } : e));
      r.ck(C.goneReceiver, JSON.stringify(entries) === JSON.stringify(m.bound()), () => `${what}: nothing releases a binding when its process dies: the registry (slot:port→pid) should be ${showRegistry(m.bound())}, got ${showRegistry(entries)}`);
    }
  }
  toString(): string {
    return 'processes';
  }
}

export interface LifeMix {
  spawn?: number;
  exit?: number;
  kill?: number;
  crash?: number;
  sleep?: number;
  idle?: number;
  busyTick?: number;
}

/** The lifetime commands; `maxIdx` as in commandArb (pid = 1 + index). */
export function lifetimeArb(_ctx: PropertyContext, _cfg: EngineConfig, mix: LifeMix, o: { maxIdx?: number; maxSleep?: number } = {}): fc.Arbitrary<KCmd> {
  const idx = fc.integer({ min: 0, max: o.maxIdx ?? 2 });
  const op = (what: LifeOp) => idx.map((i): KCmd => new LifetimeCmd(i, what));
  const all: [keyof LifeMix, fc.Arbitrary<KCmd>][] = [
    ['spawn', fc.constant(null).map(() => new LifeSpawnCmd())],
    ['exit', op('exit')],
    ['kill', op('kill')],
    ['crash', op('crash')],
    ['sleep', fc.tuple(idx, fc.integer({ min: 1, max: o.maxSleep ?? 3 })).map(([i, n]) => new LifetimeCmd(i, 'sleep', n))],
    ['idle', op('idle')],
    ['busyTick', fc.constant(null).map(() => new BusyTickCmd())],
  ];
  return fc.oneof(...all.filter(([k]) => (mix[k] ?? 0) > 0).map(([k, arbitrary]) => ({ weight: mix[k]!, arbitrary })));
}

/** Whether the statement declares process lifetimes (no `features` list declares everything). */
export const declaresLifetimes = (ctx: PropertyContext): boolean => !ctx.statement.features || ctx.statement.features.includes('kernel.lifetimes');
