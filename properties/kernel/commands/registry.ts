// Driver registration (0x37 register), port binding (0x37 bind) and the checks of the kernel
// state they shape: the registry, NetStatus (0x38) and full snapshots (checkState).
import type { Op, OpResult } from '../../../src/iut/contract.ts';
import { fromHex, toHex } from '../../../src/util/bytes.ts';
import { eq, RC, SYS, type Model } from '../model.ts';
import { isObj, KCmd, short, showResult, valueOf, type EngineConfig, type Real } from '../engine.ts';
import { C, checkSyscall, describeFrame, hex, pidOf, resultOf, showRegistry, sysNote, syscallOp } from './clauses.ts';

// --- registration and binding --------------------------------------------------------------------

export class RegisterCmd extends KCmd {
  constructor(readonly idx: number) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const at = r.pos;
    const got = r.take([syscallOp(pid, SYS.Register, 0, 0, sysNote(SYS.Register, 'as the global driver'))]);
    const wasDriver = m.driverPid;
    const { result, fx } = m.syscall(pid, SYS.Register, 0, 0, at);
    if (!got) return;
    const clauses = fx.register === 'registered' ? [C.register] : fx.register === 'already' ? [C.idempotent] : fx.register === 'failed' ? [C.initFailure] : [C.processIds, C.blockingResult];
    checkSyscall(r, at, SYS.Register, null, got[0], result, clauses, fx.register === 'already' ? `pid ${wasDriver} is already the driver: a no-op` : fx.why);
  }
  toString(): string {
    return `register(${pidOf(this.idx)})`;
  }
}

export class BindCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly ports: number[],
    readonly cfg: EngineConfig,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    for (const port of this.ports) {
      const at = r.pos;
      const ops: Op[] = [syscallOp(pid, SYS.Register, port, 0, `0x37 bind TCP port ${port}`)];
      if (this.cfg.bindSnapshots) ops.push({ op: 'snapshot', fields: ['registry'] });
      const got = r.take(ops);
      const { result, fx } = m.syscall(pid, SYS.Register, port, 0, at);
      if (!got) continue;
      r.binds.push({ at, pid, port, result: resultOf(got[0]) });
      checkSyscall(r, at, SYS.Register, null, got[0], result, fx.bind ? [C.bind] : [C.processIds, C.blockingResult], fx.why);
      if (this.cfg.bindSnapshots && fx.bind) checkRegistry(m, r, at + 1, got[1], fx.bind.how === 'rebind' ? C.rebind : fx.bind.how === 'first-free' ? C.firstFree : C.evict, `after pid ${pid} bound port ${port}`);
    }
  }
  toString(): string {
    return `bind(${pidOf(this.idx)}, ${this.ports.join('+')})`;
  }
}

/** The snapshot's registry against the model's: occupied slots in slot order. */
export function checkRegistry(m: Model, r: Real, at: number, got: OpResult | undefined, rule: string, when: string): void {
  const v = valueOf(got);
  const reg = v && Array.isArray(v.registry) ? v.registry : null;
  r.ck([C.capacity, rule], reg !== null, () => `op #${at} snapshot has no 'registry': ${showResult(got)}`);
  if (!reg) return;
  const entries = reg.map((e) => (isObj(e) ? { slot: e.slot, port: e.port, pid: e.pid } : e));
  const ports = entries.map((e) => (isObj(e) ? e.port : null));
  r.ck(C.capacity, entries.length <= r.ctx.limits.portBindings && new Set(ports).size === ports.length, () => `op #${at} ${when}: the registry holds ${entries.length} bindings (limit ${r.ctx.limits.portBindings})${new Set(ports).size !== ports.length ? ' with a port bound twice' : ''}: ${showRegistry(entries)}`);
  const want = m.bound();
  r.ck(rule, JSON.stringify(entries) === JSON.stringify(want), () => `op #${at} ${when}: registry (slot:port→pid) should be ${showRegistry(want)}, got ${showRegistry(entries)}`);
}

// --- 0x38 and snapshots -----------------------------------------------------------------------------

export class NetStatusCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly addr: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const at = r.pos;
    const { result, fx } = m.syscall(pid, SYS.Status, this.addr, 0, at);
    const ops: Op[] = [syscallOp(pid, SYS.Status, this.addr, 0, sysNote(SYS.Status, `into ${hex(this.addr)}`))];
    const n = r.ctx.limits.netStatusBytes;
    if (result === RC.Okay) ops.push({ op: 'peek', pid, addr: this.addr, len: n });
    const got = r.take(ops);
    if (!got) return;
    checkSyscall(r, at, SYS.Status, this.addr, got[0], result, typeof result !== 'number' ? [C.processIds, C.blockingResult] : result === RC.Okay ? [C.netstatus] : [C.pointerCheck], fx.why);
    if (result !== RC.Okay) return;
    const b = valueOf(got[1])?.bytes;
    const s = typeof b === 'string' ? (fromHex(b) ?? new Uint8Array()) : new Uint8Array();
    const want = m.netStatus();
    const what = `op #${at + 1} (the NetStatus pid ${pid} read)`;
    r.ck([C.netstatus], s.length === n, () => `${what}: ${n} bytes expected, got ${s.length}`);
    if (this.addr + n - 1 > r.ctx.limits.userWindowEnd)
      r.ck(C.pastWindow, eq(s, want), () => `${what}: NetStatus at ${hex(this.addr)} runs past the window end; all ${n} bytes must land there: expected ${toHex(want)}, got ${toHex(s)}`);
    r.ck([C.netstatus, C.register], eq(s.subarray(0, 6), want.subarray(0, 6)), () => `${what}: mac should be ${toHex(want.subarray(0, 6))} (${m.driverPid === m.noPid ? 'no driver yet: SYSTEM_CONFIG is zero' : "the NIC's MAC cached at registration"}), got ${toHex(s.subarray(0, 6))}`);
    r.ck(C.netstatus, eq(s.subarray(6, 10), want.subarray(6, 10)), () => `${what}: ip should be ${toHex(want.subarray(6, 10))}, got ${toHex(s.subarray(6, 10))}`);
    r.ck([C.netstatus, C.register], s[10] === want[10], () => `${what}: drv_active should be ${want[10]}, got ${s[10]}`);
    const bound = m.bound();
    r.ck([C.netstatus, C.capacity], s[11] === want[11], () => `${what}: n_ports should be ${want[11]} (the registry: ${JSON.stringify(bound.map((e) => e.port))}), got ${s[11]}`);
    const ports = s.subarray(12, n);
    const swapped = Uint8Array.from(ports, (_, i) => ports[i ^ 1] ?? 0);
    const wantPorts = want.subarray(12, n);
    r.ck(C.netstatus, eq(ports, wantPorts) || eq(swapped, wantPorts), () => `${what}: ports should be ${JSON.stringify(bound.map((e) => e.port))} in slot order then zeros, got ${toHex(ports)}`);
    r.ck(C.byteOrder, eq(ports, wantPorts), () => `${what}: ports are u16 little-endian: expected ${toHex(wantPorts)}, got ${toHex(ports)}`);
  }
  toString(): string {
    return `netstatus(${pidOf(this.idx)}, ${hex(this.addr)})`;
  }
}

/** A snapshot of the kernel state the clauses describe, against the model. */
export class SnapshotCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    const got = r.take([{ op: 'snapshot', fields: ['driverPid', 'registry', 'queueLengths', 'netFrameBuf', 'systemConfig', 'processes'] }]);
    if (!got) return;
    checkState(m, r, at, valueOf(got[0]), `op #${at} (snapshot)`);
  }
  toString(): string {
    return 'snapshot';
  }
}

/** The state clauses over a snapshot object (a snapshot op, or the trace's final snapshot). */
export function checkState(m: Model, r: Real, at: number, v: Record<string, unknown> | null, what: string): void {
  r.ck([C.register, C.idempotent, C.lastFrame, C.queueDepth], v !== null, () => `${what}: no snapshot`);
  if (!v) return;
  r.ck([C.register, C.idempotent], v.driverPid === m.driverPid, () => `${what}: NET_DRV_PID should be ${m.driverPid === m.noPid ? `the no-pid sentinel ${m.noPid}` : m.driverPid}, got ${v.driverPid}`);
  if (Array.isArray(v.registry)) {
    const entries = v.registry.map((e) => (isObj(e) ? { slot: e.slot, port: e.port, pid: e.pid } : e));
    r.ck([C.rebind, C.firstFree, C.evict, C.capacity], JSON.stringify(entries) === JSON.stringify(m.bound()), () => `${what}: registry (slot:port→pid) should be ${showRegistry(m.bound())}, got ${showRegistry(entries)}`);
  }
  const ql = isObj(v.queueLengths) ? v.queueLengths : null;
  r.ck(C.queueDepth, ql !== null, () => `${what}: no queueLengths`);
  for (const p of m.procs) r.ck(C.queueDepth, ql?.[String(p.pid)] === p.queue.length, () => `${what}: pid ${p.pid} should have ${p.queue.length} queued message(s) (at most ${r.ctx.limits.messageQueueDepth}), the snapshot says ${ql?.[String(p.pid)]}`);
  const nfb = v.netFrameBuf;
  if (typeof nfb === 'string') {
    const last = m.lastCopied;
    r.ck(C.lastFrame, nfb === toHex(m.netFrameBuf), () => `${what}: NET_FRAME_BUF should hold ${last ? `frame #${last.n} (${describeFrame(last.bytes)}) in its first ${last.received.length} bytes, then what older frames left` : 'nothing yet (zeros)'}: ${short(m.netFrameBuf, 24)}; got ${nfb.slice(0, 48)}…`);
  }
  if (isObj(v.systemConfig) && typeof v.systemConfig.mac === 'string') r.ck(C.register, v.systemConfig.mac === toHex(m.sysMac), () => `${what}: SYSTEM_CONFIG's MAC should be ${toHex(m.sysMac)}, got ${(v.systemConfig as { mac: string }).mac}`);
  if (Array.isArray(v.processes)) {
    for (const ps of v.processes) {
      if (!isObj(ps)) continue;
      const mp = m.proc(Number(ps.pid));
      if (!mp) continue;
      if (typeof ps.state === 'string') {
        const want = m.stateOf(mp);
        const clause = mp.blocked ? C.blocking : mp.receive ? C.wake : C.blocking;
        r.ck(clause, ps.state === want, () => `${what}: pid ${mp.pid} should be ${want}${mp.receive && !mp.blocked ? ' (a push woke it from its blocking receive)' : mp.blocked ? ' (blocked in a receive on an empty queue)' : ''}, the snapshot says ${ps.state}`);
      }
      // The whole queue, oldest first: its length too (a wrapped circular queue shows every message once).
      if (Array.isArray(ps.queue)) r.ck(C.queueDepth, ps.queue.length === mp.queue.length, () => `${what}: pid ${mp.pid}'s queue should list its ${mp.queue.length} queued message(s), it lists ${(ps.queue as unknown[]).length}`);
      if (typeof ps.inReceive === 'boolean') r.ck(C.blocking, ps.inReceive === (mp.receive !== null), () => `${what}: pid ${mp.pid} is ${mp.receive ? '' : 'not '}inside a blocking 0x35, the snapshot says inReceive ${ps.inReceive}`);
      (Array.isArray(ps.queue) ? ps.queue : []).forEach((q, i) => {
        const e = mp.queue[i];
        if (!isObj(q) || !e) return;
        if (e.kind === 'frame') {
          r.ck(C.message, q.portId === e.len && q.dstPid === mp.pid && !inWindow(r, q.bufAddr), () => `${what}: pid ${mp.pid}'s message ${i} (for frame #${e.frame.n}) should be { port_id ${e.len}, dst_pid ${mp.pid}, buf_addr NET_FRAME_BUF (a kernel address) }, got ${JSON.stringify(q)}`);
          r.ck(C.srcPid, q.srcPid === m.noPid, () => `${what}: a delivered frame's message carries src_pid ${m.noPid}, got ${JSON.stringify(q)}`);
        } else r.ck(C.send0x36, q.portId === 0 && q.srcPid === e.ipc.src && q.dstPid === mp.pid, () => `${what}: pid ${mp.pid}'s message ${i} (IPC from pid ${e.ipc.src}) should be { port_id 0, src_pid ${e.ipc.src}, dst_pid ${mp.pid} }, got ${JSON.stringify(q)}`);
      });
    }
  }
}

const inWindow = (r: Real, a: unknown): boolean => typeof a === 'number' && a >= r.ctx.limits.userWindowStart && a <= r.ctx.limits.userWindowEnd;
