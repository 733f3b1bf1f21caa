// Process lifetimes in the reference kernel (spec-notes §10, feature kernel.lifetimes): the slot
// table with the kernel's own processes, reaping, crashes, sleeps, busy ticks, what becomes of
// frames and messages for dead processes — and that a kernel without the feature is skipped, not failed.
import { describe, expect, it } from 'vitest';
import type { Implementation, Trace } from '../../src/iut/contract.ts';
import { createReference } from '../../src/iut/reference.ts';
import { frameBalance, ipcBalance } from '../../properties/kernel/balance.ts';
import { allProperties } from '../../properties/index.ts';
import { runSuite } from '../../src/runner/run.ts';
import { loadFeatures } from '../../src/spec/features.ts';
import { L, W0, arpFrame, boot, tcpFrame, withDriver } from './helpers.ts';

const ROOM = L.maxProcesses - L.kernelProcesses;

describe('process lifetimes', () => {
  it('crashed processes and dead ones not yet reaped hold their slots; the reaping tick frees them (kernel.process.table-limit)', () => {
    const { k } = boot();
    const pids = Array.from({ length: ROOM }, () => k.spawn());
    expect(k.lifetime(pids[0]!, 'crash')).toEqual({ state: 'crashed' });
    expect(k.lifetime(pids[1]!, 'exit')).toEqual({ state: 'dead' });
    expect(k.spawn()).toBe(L.noPid);
    expect(k.tick().reaped).toEqual([pids[1]]);
    const next = k.spawn();
    expect(next).toBe(pids[ROOM - 1]! + 1);
    expect(k.spawn()).toBe(L.noPid);
  });

  it('pids only go up while slots are reused, lowest free slot above the kernel\'s own (kernel.process.slot-reuse)', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    expect(k.snapshot().processes.map((p) => p.slot)).toEqual([L.kernelProcesses, L.kernelProcesses + 1]);
    expect(k.snapshot().kernelProcesses).toBe(L.kernelProcesses);
    k.lifetime(a, 'kill');
    k.tick();
    const c = k.spawn();
    expect(c).toBe(b + 1);
    expect(k.snapshot().processes.map((p) => [p.pid, p.slot])).toEqual([
      [b, L.kernelProcesses + 1],
      [c, L.kernelProcesses],
    ]);
  });

  it('a dead process is never picked, listed as dead until the next tick, then gone: syscalls answer no-such-process (kernel.process.dead-reaped)', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    k.lifetime(a, 'exit');
    expect(k.snapshot().processes.find((p) => p.pid === a)?.state).toBe('dead');
    expect(k.syscall(a, 0x38, W0, 0)).toBe('no-such-process');
    expect(k.lifetime(a, 'kill')).toEqual({ refused: expect.stringContaining('no live process') });
    const t = k.tick();
    expect(t.picked).toBe(b);
    expect(t.reaped).toEqual([a]);
    expect(k.snapshot().processes.map((p) => p.pid)).toEqual([b]);
  });

  it('only a running process can exit, crash, sleep or go idle; crashed is final (kernel.decision.process-ops)', () => {
    const { k } = boot();
    const a = k.spawn();
    expect(k.syscall(a, 0x35, 1, W0)).toBe('blocked');
    for (const op of ['exit', 'crash', 'sleep', 'idle'] as const) expect('refused' in k.lifetime(a, op, 1)).toBe(true);
    expect(k.lifetime(a, 'kill')).toEqual({ state: 'dead' });
    const b = k.spawn();
    k.lifetime(b, 'crash');
    for (const op of ['exit', 'kill', 'crash', 'sleep', 'idle'] as const) expect(k.lifetime(b, op, 1)).toEqual({ refused: expect.stringContaining('crashed') });
    expect(k.syscall(b, 0x38, W0, 0)).toBe('blocked');
  });

  it('a sleep of n ticks wakes on the n-th tick, before its poll and pick; a busy tick does not count (kernel.process.sleep-wake, kernel.tick.busy-skipped)', () => {
    const { k } = boot();
    const a = k.spawn();
    expect(k.lifetime(a, 'sleep', 2)).toEqual({ state: 'blocked' });
    expect(k.snapshot().processes[0]?.sleepUntil).toBe(2);
    expect(k.tick().picked).toBe(L.noPid);
    const busy = k.tick(true);
    expect(busy).toMatchObject({ skipped: true, tick: 1, woken: [], reaped: [], order: [] });
    const t = k.tick();
    expect(t).toMatchObject({ tick: 2, woken: [a], picked: a });
  });

  it('a busy tick neither polls nor picks: the current process keeps running, the frame waits in the ring', () => {
    const { k, hw } = boot();
    const d = withDriver(k);
    k.spawn();
    k.tick();
    k.ledger.wireInjected(hw.nic.inject(arpFrame()));
    const t = k.tick(true);
    expect(t.poll.calls).toBe(0);
    expect(t.picked).toBe(d);
    expect(k.ledger.snapshot().frames.pendingInRing).toBe(1);
    expect(k.tick().poll.received).toHaveLength(1);
  });

  it('a message wakes a sleeper and an idle process, never a crashed one (kernel.process.message-wakes, kernel.process.crashed-kept)', () => {
    const { k } = boot();
    const [s, i, c, sender] = [k.spawn(), k.spawn(), k.spawn(), k.spawn()];
    k.lifetime(s, 'sleep', 100);
    k.lifetime(i, 'idle');
    k.lifetime(c, 'crash');
    for (const t of [s, i, c]) expect(k.syscall(sender, 0x36, t, W0)).toBe(0);
    const state = (pid: number) => k.snapshot().processes.find((p) => p.pid === pid)!;
    expect(state(s)).toMatchObject({ state: 'runnable', sleepUntil: null, queueLength: 1 });
    expect(state(i)).toMatchObject({ state: 'runnable', queueLength: 1 });
    expect(state(c)).toMatchObject({ state: 'crashed', queueLength: 1 });
    const picks = Array.from({ length: 8 }, () => k.tick().picked);
    expect(picks).not.toContain(c);
  });

  it('0x36 to an exited pid is refused; the dead process\'s unread message is lostReceiverGone (kernel.decision.process-0x36-exited, process-dead-queue)', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    expect(k.syscall(b, 0x36, a, W0)).toBe(0);
    k.lifetime(a, 'exit');
    expect(k.syscall(b, 0x36, a, W0)).toBe(0xfc);
    const s = k.ledger.snapshot();
    expect(s.ipc).toMatchObject({ sent: 1, lostReceiverGone: 1, pendingUnread: 0 });
    expect(ipcBalance(s.ipc).balanced).toBe(true);
  });

  it('frames for a dead driver or binding are dropped into lostReceiverGone; the registrations stay and re-registering is a no-op (kernel.process.gone-receiver)', () => {
    const { k, hw } = boot();
    const d = withDriver(k);
    const b = k.spawn();
    const other = k.spawn();
    k.syscall(b, 0x37, 80, 0);
    k.lifetime(d, 'kill');
    k.lifetime(b, 'exit');
    k.tick();
    expect(k.syscall(other, 0x37, 0, 0)).toBe(0);
    for (const f of [arpFrame(), tcpFrame(80)]) {
      k.ledger.wireInjected(hw.nic.inject(f));
      k.tick();
    }
    const s = k.snapshot();
    expect(s.driverPid).toBe(d);
    expect(s.registry).toEqual([{ slot: 0, port: 80, pid: b }]);
    expect(s.frames.lostReceiverGone).toBe(2);
    expect(frameBalance(s.frames).balanced).toBe(true);
    expect(s.hazards['driver-outlives-process']).toBe(1);
    expect(s.hazards['binding-outlives-process']).toBe(1);
  });

  it('a message reaches its pid whatever slot the process holds (kernel.process.pid-addressing)', () => {
    const { k } = boot();
    const first = Array.from({ length: L.kernelProcesses }, () => k.spawn());
    const target = first[L.kernelProcesses - 1]!;
    expect(k.syscall(first[0]!, 0x36, target, W0)).toBe(0);
    expect(k.snapshot().processes.map((p) => p.queueLength)).toEqual(first.map((p) => (p === target ? 1 : 0)));
  });
});

describe('feature kernel.lifetimes', () => {
  /** The reference kernel without lifetimes: their ops answered unsupported-op, the feature declared or not. */
  function stack(declare: boolean): Implementation {
    const ref = createReference({ layers: ['kernel'] });
    const features = loadFeatures()
      .filter((f) => f.layer === 'kernel' && (declare || f.id !== 'kernel.lifetimes'))
      .map((f) => f.id);
    const lifetime = new Set(['exit', 'kill', 'crash', 'sleep', 'idle']);
    return {
      statement: { ...ref.statement, name: 'no-lifetimes', features },
      execute: (scenario) => {
        const trace = ref.execute(scenario) as Trace;
        const gone = (i: number) => lifetime.has(scenario.ops[i]!.op) || (scenario.ops[i]!.op === 'tick' && scenario.ops[i]!.busy === true);
        return { ...trace, results: trace.results.map((r, i) => (gone(i) ? { ok: false, error: { kind: 'unsupported-op', message: 'not implemented' } } : r)) };
      },
    };
  }
  const needs = (id: string) => id.startsWith('kernel.process.') || id.startsWith('kernel.decision.process-') || id.startsWith('kernel.tick.busy-') || id.includes('outlives-process');

  it('a kernel that does not declare it gets skip for the lifetime clauses and passes (or shows the hazards of) every other kernel clause', async () => {
    const out = await runSuite(allProperties, stack(false), { seed: 1, runs: 20, layers: ['kernel'] });
    const kernel = out.clauses.filter((c) => c.layer === 'kernel');
    expect(kernel.filter((c) => needs(c.id)).every((c) => c.verdict === 'skip')).toBe(true);
    expect(kernel.filter((c) => !needs(c.id) && c.verdict !== 'pass' && c.verdict !== 'hazard').map((c) => `${c.id}: ${c.verdict}`)).toEqual([]);
  });

  it('a kernel that declares it but answers its ops unsupported-op fails the lifetime clauses', async () => {
    const out = await runSuite(allProperties, stack(true), { seed: 1, runs: 20, layers: ['kernel'], only: ['kernel.model.lifetimes'] });
    const failed = out.clauses.filter((x) => x.verdict === 'fail').map((x) => x.id);
    expect(failed).toContain('kernel.decision.process-ops');
    expect(failed.every(needs)).toBe(true);
  });
});
