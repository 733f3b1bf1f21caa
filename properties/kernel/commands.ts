// The commands of the model-based kernel runs. Each one appends its ops (plan mode) or takes
// their results (check mode), updates the model, and compares what the implementation answered
// with what the clauses require. Clause ids are named at every comparison.
import fc from 'fast-check';
import type { Op, OpResult } from '../../src/iut/contract.ts';
import type { PropertyContext } from '../../src/runner/property.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import {
  buildRxFrame,
  buildTxDatagram,
  buildTxFrame,
  describeRx,
  describeTx,
  ETH_HEADER,
  PORT_POOL,
  poolPort,
  rxFrame,
  tcpDestPortOracle,
  txDatagram,
  txFrame,
  whyNoPort,
  type RxFrame,
  type RxOptions,
  type TxDatagram,
  type TxFrame,
} from './frames.ts';
import { eq, FIRST_PID, FRAME_COUNTERS, RC, SYS, type Copy, type Model, type SyscallExpect } from './model.ts';
import { isObj, KCmd, short, showResult, valueOf, type EngineConfig, type Real, type Setup } from './engine.ts';

// --- clause ids ----------------------------------------------------------------------------------

export const C = {
  tickRate: 'kernel.tick.rate',
  pollBeforePick: 'kernel.tick.poll-before-pick',
  roundRobin: 'kernel.scheduler.round-robin',
  framesPerTick: 'kernel.poll.frames-per-tick',
  nothingBeforeDriver: 'kernel.poll.nothing-before-driver',
  lastFrame: 'kernel.netframebuf.last-frame',
  message: 'kernel.netframebuf.message',
  tcpDestPort: 'kernel.routing.tcp-dest-port',
  boundPort: 'kernel.routing.bound-port',
  defaultDriver: 'kernel.routing.default-driver',
  capacity: 'kernel.registry.capacity',
  rebind: 'kernel.registry.rebind-updates',
  firstFree: 'kernel.registry.first-free',
  evict: 'kernel.registry.full-evicts-slot0',
  register: 'kernel.driver.register',
  idempotent: 'kernel.driver.idempotent',
  queueDepth: 'kernel.queue.depth',
  wake: 'kernel.queue.wake',
  returnCodes: 'kernel.syscall.return-codes',
  pointerCheck: 'kernel.syscall.pointer-check',
  rawLength: 'kernel.syscall.0x34.raw-length',
  rawBounds: 'kernel.syscall.0x34.raw-bounds',
  ipv4Serial: 'kernel.syscall.0x34.ipv4-serial',
  okayDespiteLoss: 'kernel.syscall.okay-despite-loss',
  neverOnWire: 'kernel.loopback.never-on-wire',
  loopNoDriver: 'kernel.loopback.no-driver-dropped',
  nonblocking: 'kernel.syscall.0x35.nonblocking',
  blocking: 'kernel.syscall.0x35.blocking',
  copy: 'kernel.syscall.0x35.copy',
  send0x36: 'kernel.syscall.0x36.send',
  bind: 'kernel.syscall.0x37.bind',
  netstatus: 'kernel.syscall.0x38.netstatus',
  balance: 'kernel.accounting.balance',
  build0x33Ipv4: 'kernel.syscall.0x33.ipv4',
  build0x33Tcp: 'kernel.syscall.0x33.tcp',
  replyAddresses: 'kernel.syscall.0x33.ipv4-reply-addresses',
  ipv4TotalBound: 'kernel.syscall.0x33.ipv4-total-bound',
  ipv4Bounds: 'kernel.decision.0x33-ipv4-bounds',
  icmpEchoReply: 'kernel.syscall.0x33.icmp',
  tcpRequestLayout: 'kernel.syscall.0x33.tcp-request-layout',
  tcpLengthBound: 'kernel.decision.0x33-tcp-length-bound',
  loopBothPaths: 'kernel.decision.loopback-both-paths',
  loopedIpv4: 'kernel.decision.looped-ipv4-frame',
  unknown0x33: 'kernel.decision.0x33-unknown-type',
  unknown0x34: 'kernel.decision.0x34-unknown-type',
  lengthRange: 'kernel.decision.0x34-length-out-of-range',
  ipv4Short: 'kernel.decision.0x34-ipv4-short',
  pastWindow: 'kernel.syscall.copy-past-window',
  blockingResult: 'kernel.decision.blocking-receive-result',
  byteOrder: 'kernel.syscall.0x38.byte-order',
  portRange: 'kernel.decision.bind-port-range',
  unknownPid: 'kernel.decision.0x36-unknown-pid',
  ihlBelow5: 'kernel.routing.ihl-below-5',
  undefinedNumbers: 'kernel.syscall.undefined-numbers',
  initFailure: 'kernel.decision.driver-init-failure',
  processIds: 'kernel.scheduler.process-ids',
  srcPid: 'kernel.decision.network-src-pid',
  disclosure: 'kernel.hazard.netframebuf-disclosure',
  silentLoss: 'kernel.hazard.silent-loss',
  hijack: 'kernel.hazard.port-hijack',
  uncheckedCopy: 'kernel.hazard.unchecked-copy-length',
  ipcOverwrite: 'kernel.hazard.ipc-buffer-overwrite',
} as const;

// --- wording ---------------------------------------------------------------------------------------

const hex = (n: number): string => `0x${n.toString(16)}`;
const CODE_NAMES: Record<number, string> = { [RC.Okay]: 'Okay', [RC.NotImplemented]: 'NotImplemented', [RC.InvalidInput]: 'InvalidInput', [RC.InvalidSyscall]: 'InvalidSyscall' };
const SYSCALL_NAMES: Record<number, string> = { 0x33: 'build', 0x34: 'send', 0x35: 'receive', 0x36: 'IPC send', 0x37: 'register', 0x38: 'NetStatus' };

export function fmtExpect(e: SyscallExpect | unknown, no?: number): string {
  if (typeof e !== 'number') return JSON.stringify(e);
  if (no === SYS.Receive && !(e in CODE_NAMES && e >= 0xfb)) return String(e);
  return CODE_NAMES[e] ? `0x${e.toString(16).padStart(2, '0')} ${CODE_NAMES[e]}` : String(e);
}

/** What a frame is, read from its bytes (for messages). */
export function describeFrame(b: Uint8Array): string {
  const port = tcpDestPortOracle(b);
  if (port !== null) return `${b.length}-byte TCP frame to port ${port}`;
  const why = whyNoPort(b) ?? 'no port';
  if (why === 'ARP' || why === 'UDP' || why === 'ICMP') return `${b.length}-byte ${why} frame`;
  if (why.startsWith('EtherType')) return `${b.length}-byte frame with ${why}`;
  return `${b.length}-byte frame (${why})`;
}

const sysNote = (no: number, rest: string): string => `${hex(no)} ${SYSCALL_NAMES[no] ?? 'unknown syscall'}${rest ? ` ${rest}` : ''}`;

function syscallOp(pid: number, no: number, arg1: number, arg2: number, note: string): Op {
  return { op: 'syscall', pid, no, arg1, arg2, note };
}

const resultOf = (r: OpResult | undefined): unknown => valueOf(r)?.result ?? (r && !r.ok ? `error ${r.error.kind}` : undefined);

/** kernel.syscall.return-codes: a documented code, 0x35's length, or one of the two non-code answers. */
export function documented(no: number, v: unknown): boolean {
  if (v === 'blocked' || v === 'no-such-process') return true;
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  if ([RC.Okay, RC.NotImplemented, RC.InvalidInput, RC.InvalidSyscall].includes(v as 0)) return true;
  return no === SYS.Receive && v >= 0 && v <= 0xffff;
}

/**
 * The common checks of one syscall result: a documented code, the model's expectation (under
 * `clauses`), and — when the implementation refused a pointer the window contains — the pointer check.
 */
function checkSyscall(r: Real, at: number, no: number, ptr: number | null, got: OpResult | undefined, exp: SyscallExpect, clauses: readonly string[], why?: string): void {
  const v = resultOf(got);
  const what = `op #${at} (${sysNote(no, '')})`;
  r.ck(C.returnCodes, documented(no, v), () => `${what} answered ${showResult(got)}, which is not a documented return code`);
  if (ptr !== null && exp !== RC.InvalidInput && v === RC.InvalidInput && r.plan === false) {
    const inside = Number.isSafeInteger(ptr) && ptr >= r.ctx.limits.userWindowStart && ptr <= r.ctx.limits.userWindowEnd;
    r.ck(C.pointerCheck, !inside, () => `${what} refused the pointer ${hex(ptr)} with InvalidInput, but it lies in the window ${hex(r.ctx.limits.userWindowStart)}..=${hex(r.ctx.limits.userWindowEnd)}`);
  }
  r.ck(clauses, v === exp, () => `${what}: expected ${fmtExpect(exp, no)}${why ? ` (${why})` : ''}, got ${fmtExpect(v, no)}`);
}

const pidOf = (idx: number): number => FIRST_PID + idx;

// --- boot, spawn, accounting -----------------------------------------------------------------------

export function boot(_m: Model, r: Real, setup: Setup): void {
  const ops: Op[] = [{ op: 'boot', mac: toHex(Uint8Array.from(setup.mac)), ip: toHex(Uint8Array.from(setup.ip)) }];
  const got = r.take(ops);
  if (got) r.ck([C.register, C.processIds], got[0]!.ok, () => `op #0 boot failed: ${showResult(got[0])}`);
}

/** `n` spawns in a row (one by default); a burst walks past the process limit. */
export class SpawnCmd extends KCmd {
  constructor(readonly n = 1) {
    super();
  }
  exec(m: Model, r: Real): void {
    for (let i = 0; i < this.n; i++) {
      const at = r.pos;
      const alive = m.procs.length;
      const got = r.take([{ op: 'spawn' }]);
      const pid = m.spawn();
      if (!got) continue;
      const why =
        pid === m.noPid
          ? `${alive} spawned processes are alive, the most the ${r.ctx.limits.maxProcesses}-process table leaves beside the kernel's own ${r.ctx.limits.kernelProcesses}: spawn answers the no-pid sentinel`
          : `pids are 1, 2, 3... in spawn order; ${alive} spawned processes are alive, at most ${m.maxSpawned} may be`;
      r.ck(C.processIds, valueOf(got[0])?.pid === pid, () => `op #${at} spawn: expected pid ${pid} (${why}), got ${showResult(got[0])}`);
    }
  }
  toString(): string {
    return this.n === 1 ? 'spawn' : `spawn×${this.n}`;
  }
}

/** An accounting snapshot: the parts add up, and each one is what the model says. */
export class CountersCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    const got = r.take([{ op: 'snapshot', fields: ['frames', 'ipc'] }]);
    if (!got) return;
    const v = valueOf(got[0]);
    const frames = v && isObj(v.frames) ? v.frames : null;
    const ipc = v && isObj(v.ipc) ? v.ipc : null;
    r.ck(C.balance, frames !== null && ipc !== null, () => `op #${at} snapshot has no 'frames'/'ipc' accounting: ${showResult(got[0])}`);
    if (!frames || !ipc) return;
    const want = m.frameCounts();
    const parts = Object.keys(want).filter((k) => k !== 'injected' && k !== 'looped');
    const sum = parts.reduce((n, k) => n + Number(frames[k] ?? NaN), 0);
    const total = Number(frames.injected ?? NaN) + Number(frames.looped ?? NaN);
    r.ck(C.balance, sum === total, () => `op #${at}: frame accounting does not add up: ${parts.map((k) => `${k} ${frames[k]}`).join(' + ')} = ${sum}, but injected ${frames.injected} + looped ${frames.looped} = ${total}`);
    for (const k of Object.keys(want)) r.ck(C.balance, frames[k] === want[k], () => `op #${at}: frames.${k} should be ${want[k]} (${explainFrames(m, k)}), got ${frames[k]}`);
    const wantIpc = m.ipcCounts();
    const ipcParts = Object.keys(wantIpc).filter((k) => k !== 'sent');
    const ipcSum = ipcParts.reduce((n, k) => n + Number(ipc[k] ?? NaN), 0);
    r.ck(C.balance, ipcSum === ipc.sent, () => `op #${at}: IPC accounting does not add up: ${ipcParts.map((k) => `${k} ${ipc[k]}`).join(' + ')} = ${ipcSum}, but sent = ${ipc.sent}`);
    for (const k of Object.keys(wantIpc)) r.ck(C.balance, ipc[k] === wantIpc[k], () => `op #${at}: ipc.${k} should be ${wantIpc[k]}, got ${ipc[k]}`);
  }
  toString(): string {
    return 'counters';
  }
}

function explainFrames(m: Model, counter: string): string {
  const which = m.frames.filter((f) => counter === (f.origin === 'wire' ? 'injected' : 'looped') || FRAME_COUNTERS[f.fate] === counter);
  return which.length ? `frames ${which.map((f) => `#${f.n}`).join(', ')}` : 'none';
}

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

// --- frames from the wire and ticks ---------------------------------------------------------------

export class InjectCmd extends KCmd {
  constructor(readonly frame: RxFrame) {
    super();
  }
  exec(m: Model, r: Real): void {
    const bytes = buildRxFrame(this.frame);
    const at = r.pos;
    const got = r.take([{ op: 'inject', frame: toHex(bytes), note: describeRx(this.frame, bytes.length) }]);
    const before = m.rxEnabled;
    const exp = m.inject(bytes, at);
    if (!got) return;
    const acc = valueOf(got[0])?.accepted;
    // kernel.hazard.silent-loss: the wire does not retry; a frame the NIC refuses because no
    // driver has switched its receiver on is gone, and no syscall will ever tell anyone.
    const reason = valueOf(got[0])?.reason;
    if (acc === false && reason === 'rx-disabled')
      r.ck(C.silentLoss, false, () => `frame #${exp.frame.n} (${describeFrame(bytes)}) offered on the wire at op #${at} was refused by the NIC (rx-disabled: no driver has registered, so its receiver is off); the frame is lost and nothing tells any process`);
    if (!before) r.ck(C.nothingBeforeDriver, acc === false, () => `op #${at} inject: no driver has registered, so the NIC's receiver is off and must refuse the frame; got ${showResult(got[0])}`);
    else if (exp.accepted) r.ck(C.register, acc === true, () => `op #${at} inject: the driver initialised the NIC, which must accept a ${bytes.length}-byte frame into its ring; got ${showResult(got[0])}`);
  }
  toString(): string {
    return `inject(${this.frame.kind})`;
  }
}

/**
 * The clause a frame's routing checks, most specific first (the one a misroute fails): the IHL
 * rules of tcp_dest_port (options, IHL < 5, too short for the port), then bound port or driver.
 */
function routeClauses(bytes: Uint8Array, m: Model): string[] {
  const port = tcpDestPortOracle(bytes);
  const ipv4Tcp = bytes.length >= ETH_HEADER + 20 && bytes[12] === 0x08 && bytes[13] === 0x00 && bytes[ETH_HEADER + 9] === 6;
  const ihl = ipv4Tcp ? bytes[ETH_HEADER]! & 0x0f : 5;
  if (port !== null) {
    const target = m.lookup(port) !== null ? C.boundPort : C.defaultDriver;
    return ihl > 5 ? [C.tcpDestPort, target] : [target, C.tcpDestPort];
  }
  if (ipv4Tcp && ihl < 5) return [C.ihlBelow5, C.defaultDriver, C.tcpDestPort];
  return ipv4Tcp ? [C.tcpDestPort, C.defaultDriver] : [C.defaultDriver, C.tcpDestPort];
}

function routeWhy(bytes: Uint8Array, m: Model, dst: number): string {
  const port = tcpDestPortOracle(bytes);
  if (port !== null) return m.lookup(port) !== null ? `TCP port ${port} is bound to pid ${dst}` : `TCP port ${port} is not bound: the driver (pid ${dst}) gets it`;
  return `${whyNoPort(bytes)}: no TCP destination port, so the driver (pid ${dst}) gets it`;
}

export class TickCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    // What the tick will do, to plan the peek of a resumed receive.
    const woken = new Map(m.procs.map((p) => [p.pid, p.wokenBy]));
    const blockedBefore = new Set(m.procs.filter((p) => p.blocked).map((p) => p.pid));
    const driverBefore = m.driverPid;
    const exp = m.tick();
    const ops: Op[] = [{ op: 'tick' }];
    if (exp.resumed) ops.push({ op: 'peek', pid: exp.resumed.pid, addr: exp.resumed.addr, len: exp.resumed.len });
    const got = r.take(ops);
    if (!got) return;
    const v = valueOf(got[0]);
    const what = `op #${at} (tick ${exp.tick})`;
    r.ck([C.tickRate, C.pollBeforePick, C.framesPerTick, C.roundRobin], v !== null, () => `${what} failed: ${showResult(got[0])}`);
    if (!v) return;
    const hz = r.ctx.limits.pitHz;
    r.ck(C.tickRate, v.tick === exp.tick && typeof v.time === 'number' && Math.abs(v.time - exp.tick / hz) < 1e-9, () => `${what}: after ${exp.tick} ticks at ${hz} Hz expected tick ${exp.tick} and time ${exp.tick / hz} s, got tick ${v.tick}, time ${v.time}`);
    const order = Array.isArray(v.order) ? v.order : [];
    r.ck(C.pollBeforePick, order.indexOf('poll') >= 0 && order.indexOf('pick') > order.indexOf('poll'), () => `${what}: poll_and_deliver must run before the pick; the tick reported order ${JSON.stringify(order)}`);
    const delivered = Array.isArray(v.delivered) ? v.delivered.filter(isObj) : [];
    const dropped = typeof v.dropped === 'number' ? v.dropped : 0;
    const fpt = r.ctx.limits.framesPerTick;
    r.ck(C.framesPerTick, typeof v.polled !== 'number' || v.polled <= fpt, () => `${what}: ${v.polled} receive_frame calls in one tick, at most ${fpt} allowed`);
    if (driverBefore === m.noPid) r.ck(C.nothingBeforeDriver, delivered.length === 0 && dropped === 0, () => `${what}: no driver has registered, yet the tick took ${delivered.length + dropped} frame(s) from the NIC`);
    r.ck(C.framesPerTick, delivered.length + dropped === exp.delivered.length + exp.dropped.length, () =>
      `${what}: the tick should take ${exp.delivered.length + exp.dropped.length} frame(s) from the NIC (at most ${fpt} a tick, ${m.ring.length + exp.delivered.length + exp.dropped.length} waiting), it took ${delivered.length + dropped} (${delivered.length} delivered, ${dropped} dropped)`,
    );
    r.ck(C.framesPerTick, dropped === exp.dropped.length, () => `${what}: ${exp.dropped.length} frame(s) should be dropped by the driver (< ${r.ctx.limits.minRxFrame} bytes or over its ${r.ctx.limits.rxCallerBufferBytes}-byte buffer with their 4 CRC bytes), ${dropped} were`);
    exp.delivered.forEach((d, i) => {
      const g = delivered[i];
      if (!g) return;
      r.ck(routeClauses(d.frame.received, m), g.dstPid === d.dstPid, () => `${what} delivered ${describeFrame(d.frame.bytes)} (frame #${d.frame.n}) to pid ${g.dstPid}; it belongs to pid ${d.dstPid}: ${routeWhy(d.frame.received, m, d.dstPid)}`);
      r.ck(C.message, g.len === d.len, () => `${what}: the message for ${describeFrame(d.frame.bytes)} must carry port_id = its length with its 4 CRC bytes, ${d.len}, got ${g.len}`);
      if (typeof g.pushed === 'boolean') r.ck(C.queueDepth, g.pushed === d.pushed, () => `${what}: pid ${d.dstPid}'s queue ${d.pushed ? 'had room' : `was full (${r.ctx.limits.messageQueueDepth} messages)`}, so the push should ${d.pushed ? 'succeed' : 'fail'}; the tick reported pushed=${g.pushed}`);
    });
    // The pick, checked every tick under the clause the expected pick depends on.
    {
      const w = woken.get(exp.picked);
      const gotBlocked = v.picked !== exp.picked && typeof v.picked === 'number' && blockedBefore.has(v.picked) && !exp.delivered.some((d) => d.dstPid === v.picked && d.pushed);
      const clause = w && w.byPoll && w.tick === exp.tick ? C.pollBeforePick : w ? C.wake : gotBlocked ? C.blocking : exp.picked === m.noPid || blockedBefore.has(exp.picked) ? C.roundRobin : exp.delivered.some((d) => d.dstPid === exp.picked && d.pushed) ? C.pollBeforePick : C.roundRobin;
      const why =
        clause === C.pollBeforePick
          ? `this tick's poll delivered a frame to pid ${exp.picked}, which was blocked in a receive: polling before the pick makes it runnable in time`
          : clause === C.wake
            ? `a push woke pid ${exp.picked} from its blocking receive`
            : clause === C.blocking
              ? `pid ${v.picked} is blocked in a receive and must not be picked`
              : 'round-robin over the runnable processes, after the last one picked';
      r.ck(clause, v.picked === exp.picked, () => `${what}: should pick ${exp.picked === m.noPid ? 'nobody (idle)' : `pid ${exp.picked}`} (${why}), picked ${v.picked}`);
    }
    const res = isObj(v.resumed) ? v.resumed : null;
    const expRes = exp.resumed;
    r.ck([C.blockingResult, C.blocking], (res === null) === (expRes === null) && (!expRes || (res?.pid === expRes.pid && res?.result === expRes.len)), () =>
      `${what}: ${expRes ? `pid ${expRes.pid}'s blocked 0x35 should complete with ${expRes.len} (the message pushed to it)` : 'no blocked receive completes'}, the tick reported resumed=${JSON.stringify(v.resumed)}`,
    );
    if (expRes) onCopy(m, r, at + 1, expRes, got[1], `the blocked 0x35 of pid ${expRes.pid} completed by tick ${exp.tick}`);
  }
  toString(): string {
    return 'tick';
  }
}

/** A message was copied out to a process: compare the peeked bytes, record the receipt, check the hazards. */
function onCopy(m: Model, r: Real, peekAt: number, copy: Copy, peek: OpResult | undefined, what: string): void {
  const b = valueOf(peek)?.bytes;
  const got = typeof b === 'string' ? (fromHex(b) ?? new Uint8Array()) : new Uint8Array();
  r.receipts.push({ at: peekAt, copy, got });
  const origin = copy.msg.kind === 'frame' ? copy.msg.frame.origin : 'ipc';
  const extra = origin === 'loopback-raw' ? [C.neverOnWire, C.loopBothPaths] : origin === 'loopback-ipv4' ? [C.neverOnWire, C.loopedIpv4] : origin === 'ipc' ? [C.send0x36] : [];
  const src = copy.msg.kind === 'frame' ? `NET_FRAME_BUF` : 'the IPC buffer';
  r.ck([...extra, C.copy], eq(got, copy.bytes), () => `op #${peekAt}: after ${what}, the ${copy.len} bytes at ${hex(copy.addr)} should be ${src} as it was then, ${short(copy.bytes)}; got ${short(got)}`);
  if (copy.addr + copy.len - 1 > r.ctx.limits.userWindowEnd) r.ck(C.pastWindow, eq(got, copy.bytes), () => `op #${peekAt}: the copy at ${hex(copy.addr)} runs past the window end; all ${copy.len} bytes must land, got ${short(got)}`);
  // kernel.hazard.netframebuf-disclosure: what the user wants is their own frame, never another process's.
  if (copy.msg.kind === 'frame' && r.wants(C.disclosure) && !eq(got, copy.msg.frame.received)) {
    const own = copy.msg.frame;
    const other = [...m.frames].reverse().find((f) => f.dstPid !== undefined && f.dstPid !== copy.pid && f !== own && prefixMatch(got, f.received));
    if (other)
      r.ck(C.disclosure, false, () =>
        `pid ${copy.pid} read its message for frame #${own.n} (${describeFrame(own.bytes)}, delivered to it at ${own.tick ? `tick ${own.tick}` : `op #${own.op}`}) and got the bytes of frame #${other.n} (${describeFrame(other.bytes)}), which was delivered to pid ${other.dstPid} at ${other.tick ? `tick ${other.tick}` : `op #${other.op}`} and overwrote NET_FRAME_BUF before pid ${copy.pid} copied its own (the ${got.length} bytes it got start ${toHex(got.subarray(0, 8))}…)`,
      );
  }
  // kernel.hazard.ipc-buffer-overwrite: an IPC message arrives with exactly its sender's bytes.
  if (copy.msg.kind === 'ipc' && r.wants(C.ipcOverwrite) && !eq(got, copy.msg.ipc.bytes)) {
    const own = copy.msg.ipc;
    const other = [...m.ipcs].reverse().find((i) => i !== own && eq(got, i.bytes));
    r.ck(C.ipcOverwrite, false, () =>
      `pid ${copy.pid} received the IPC message pid ${own.src} sent at op #${own.op}, but got ${other ? `the bytes of the message pid ${other.src} sent to pid ${other.dst} at op #${other.op}: that 0x36 overwrote the one kernel IPC buffer before the first message was read` : 'other bytes'} (sent ${toHex(own.bytes.subarray(0, 4))}…, received ${toHex(got.subarray(0, 4))}…)`,
    );
  }
}

/** Where two byte strings first differ, for messages. */
export function diff(want: Uint8Array, got: Uint8Array): string {
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  if (i === want.length && i === got.length) return 'the same bytes';
  return `first difference at byte ${i}: expected ${short(want.subarray(i), 12)}, got ${short(got.subarray(i), 12)}`;
}

/** A registry as a person reads it: slot:port→pid. */
export const showRegistry = (entries: unknown[]): string =>
  `[${entries.map((e) => (isObj(e) ? `${e.slot}:${e.port}→${e.pid}` : JSON.stringify(e))).join(' ')}]`;

const prefixMatch = (got: Uint8Array, f: Uint8Array): boolean => {
  const n = Math.min(got.length, f.length);
  return n > 0 && eq(got.subarray(0, n), f.subarray(0, n));
};

// --- 0x35 -----------------------------------------------------------------------------------------

export class ReceiveCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly arg1: number,
    readonly addr: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const at = r.pos;
    const p = m.proc(pid);
    const inside = p?.receive;
    const { result, fx } = m.syscall(pid, SYS.Receive, this.arg1, this.addr, at);
    const ops: Op[] = [syscallOp(pid, SYS.Receive, this.arg1, this.addr, sysNote(SYS.Receive, `(${this.arg1 === 0 ? 'non-blocking' : 'blocking'}) into ${hex(this.addr)}`))];
    if (fx.copy) ops.push({ op: 'peek', pid, addr: this.addr, len: fx.copy.len });
    // An empty non-blocking receive leaves the buffer alone: look at its first bytes.
    const untouched = result === 0 && p ? m.memRead(p, this.addr, 8) : null;
    if (untouched) ops.push({ op: 'peek', pid, addr: this.addr, len: untouched.length });
    const got = r.take(ops);
    if (!got) return;
    let clauses: string[];
    let why: string | undefined = fx.why;
    if (result === 'no-such-process') clauses = [C.processIds];
    else if (inside) clauses = [C.blockingResult];
    else if (fx.copy) {
      clauses = [C.copy];
      const msg = fx.copy.msg;
      if (msg.kind === 'frame') {
        if (msg.frame.origin !== 'wire') clauses.push(C.neverOnWire, msg.frame.origin === 'loopback-raw' ? C.loopBothPaths : C.loopedIpv4);
        why = `the oldest message is ${describeFrame(msg.frame.bytes)} (frame #${msg.frame.n}): port_id = its length`;
      } else {
        clauses.push(C.send0x36);
        why = `the oldest message is pid ${msg.ipc.src}'s IPC message (op #${msg.ipc.op}): port_id 0, so ${r.ctx.limits.ipcMessageBytes} bytes`;
      }
    } else if (result === 0) clauses = [C.nonblocking];
    else if (result === 'blocked') clauses = [C.blocking];
    else clauses = [C.pointerCheck];
    if (result === 0) why = 'the queue is empty';
    checkSyscall(r, at, SYS.Receive, this.addr, got[0], result, clauses, why);
    if (fx.copy) onCopy(m, r, at + 1, fx.copy, got[1], `pid ${pid}'s 0x35`);
    if (untouched) {
      const b = valueOf(got[1])?.bytes;
      r.ck(C.nonblocking, b === toHex(untouched), () => `op #${at + 1}: an empty non-blocking 0x35 must leave the buffer at ${hex(this.addr)} as it was (${toHex(untouched)}), it now starts ${String(b)}`);
    }
  }
  toString(): string {
    return `receive(${pidOf(this.idx)}, ${this.arg1}, ${hex(this.addr)})`;
  }
}

// --- 0x36 -----------------------------------------------------------------------------------------

export class IpcSendCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly target: number,
    readonly addr: number,
    readonly pattern: number[],
    readonly count = 1,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const p = m.proc(pid);
    const bytes = Uint8Array.from(this.pattern);
    if (p && !p.receive && this.pattern.length) {
      r.take([{ op: 'poke', pid, addr: this.addr, bytes: toHex(bytes) }]);
      m.memWrite(p, this.addr, bytes);
    }
    for (let k = 0; k < this.count; k++) this.send(m, r, pid);
  }
  private send(m: Model, r: Real, pid: number): void {
    const at = r.pos;
    const got = r.take([syscallOp(pid, SYS.Ipc, this.target, this.addr, sysNote(SYS.Ipc, `to pid ${this.target} from ${hex(this.addr)}`))]);
    const { result, fx } = m.syscall(pid, SYS.Ipc, this.target, this.addr, at);
    if (!got) return;
    const sys = got[0];
    const clauses = result === 'no-such-process' ? [C.processIds] : result === 'blocked' ? [C.blockingResult] : fx.ipc ? (fx.ipc.fate === 'lost-queue-full' ? [C.okayDespiteLoss, C.send0x36] : [C.send0x36]) : fx.why?.startsWith('no process') ? [C.unknownPid] : [C.pointerCheck];
    checkSyscall(r, at, SYS.Ipc, this.addr, sys, result, clauses, fx.ipc?.fate === 'lost-queue-full' ? `pid ${this.target}'s queue is full: the message is lost, the call still returns Okay` : fx.why);
  }
  toString(): string {
    return `ipc(${pidOf(this.idx)} -> ${this.target}${this.count > 1 ? ` x${this.count}` : ''})`;
  }
}

// --- 0x34 -----------------------------------------------------------------------------------------

/** A snapshot after a send: queue lengths and NET_FRAME_BUF, against the model. */
function checkAfterSend(m: Model, r: Real, at: number, got: OpResult | undefined, clauses: string[], when: string): void {
  const v = valueOf(got);
  if (!v) return r.ck(clauses, false, () => `op #${at} snapshot failed: ${showResult(got)}`);
  const ql = isObj(v.queueLengths) ? v.queueLengths : {};
  for (const p of m.procs) r.ck(clauses, ql[String(p.pid)] === p.queue.length, () => `op #${at} ${when}: pid ${p.pid} should have ${p.queue.length} queued message(s), the snapshot says ${ql[String(p.pid)]}`);
  const nfb = v.netFrameBuf;
  if (typeof nfb === 'string') r.ck(clauses, nfb === toHex(m.netFrameBuf), () => `op #${at} ${when}: NET_FRAME_BUF should start ${short(m.netFrameBuf, 20)}, it starts ${nfb.slice(0, 40)}…`);
}

/**
 * The common start of a 0x34 send: poke the buffer into the caller's memory (unless it is
 * blocked), plan the syscall (and a snapshot right after it when configured), run it on the
 * model and take the implementation's results. Undefined when the trace has run out.
 */
function planSend(m: Model, r: Real, idx: number, addr: number, arg1: number, bytes: Uint8Array, note: string, cfg: EngineConfig) {
  const pid = pidOf(idx);
  const p = m.proc(pid);
  const ops: Op[] = [];
  if (p && !p.receive) ops.push({ op: 'poke', pid, addr, bytes: toHex(bytes) });
  const at = r.pos + ops.length;
  ops.push(syscallOp(pid, SYS.Send, arg1, addr, sysNote(SYS.Send, note)));
  if (cfg.snapshotAfterSend) ops.push({ op: 'snapshot', fields: ['queueLengths', 'netFrameBuf'] });
  if (p && !p.receive) m.memWrite(p, addr, bytes);
  const driver = m.driverPid !== m.noPid;
  const { result, fx } = m.syscall(pid, SYS.Send, arg1, addr, at);
  const got = r.take(ops);
  if (!got) return undefined;
  return { at, driver, result, fx, got, sys: got[ops.length - (cfg.snapshotAfterSend ? 2 : 1)] };
}

export class SendRawCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly frame: TxFrame,
    readonly addr: number,
    readonly cfg: EngineConfig,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const sent = planSend(m, r, this.idx, this.addr, 0x04, buildTxFrame(this.frame, [...m.sysMac]), `raw Ethernet from ${hex(this.addr)}: ${describeTx(this.frame)}`, this.cfg);
    if (!sent) return;
    const { at, driver, result, fx, got, sys } = sent;
    const looped = fx.looped !== undefined;
    const loopClauses = [C.neverOnWire, C.loopBothPaths];
    const loopResult = fx.looped?.fate === 'looped-no-driver' ? [C.okayDespiteLoss, C.loopNoDriver] : [C.loopBothPaths, C.neverOnWire];
    const clauses = typeof result !== 'number' ? [C.processIds, C.blockingResult] : result === RC.InvalidInput ? (fx.why?.startsWith('derived') ? [C.lengthRange, C.rawLength] : [C.pointerCheck]) : looped ? loopResult : fx.wire ? [C.rawLength] : [C.okayDespiteLoss];
    checkSyscall(r, at, SYS.Send, this.addr, sys, result, clauses, fx.why);
    const wire = r.wireOf(at);
    const what = `op #${at} (0x34 raw, ${describeTx(this.frame)})`;
    const minEth = r.ctx.limits.minEthernetFrame;
    if (looped) r.ck(loopClauses, wire.length === 0, () => `${what}: src_ip == dst_ip, so the frame must be looped back, never sent; the wire got ${wire.length} frame(s): ${wire.map((w) => short(w.frame, 16)).join(', ')}`);
    else if (fx.wire) {
      const want = fx.wire;
      const len = fx.wireLen ?? want.length;
      r.ck(C.rawBounds, wire.length === 1, () => `${what}: the frame must appear on the wire exactly once, it appeared ${wire.length} times`);
      const w = wire[0]?.frame;
      if (w)
        r.ck([C.rawLength, C.rawBounds], eq(w, want), () => `${what}: the wire should carry the first ${len} bytes of the buffer${len < minEth ? `, zero-padded to ${minEth}` : ''} (${want.length} bytes); it carried ${w.length} bytes, ${diff(want, w)}`);
    } else r.ck(result === RC.InvalidInput ? [C.lengthRange, C.rawBounds] : [C.okayDespiteLoss, C.rawBounds], wire.length === 0, () => `${what}: nothing may be sent (${fx.why ?? 'refused'}), the wire got ${wire.length} frame(s)`);
    const serial = r.serialOf(at);
    r.ck(looped ? loopClauses : [C.rawBounds], serial.length === 0, () => `${what}: a raw Ethernet send must not write to the serial line, it wrote ${short(serial)}`);
    if (this.cfg.snapshotAfterSend) {
      const c = looped ? (fx.looped!.fate === 'looped-no-driver' ? [C.loopNoDriver] : [C.neverOnWire, C.lastFrame]) : [C.rawLength];
      checkAfterSend(m, r, at + 1, got[got.length - 1], c, looped ? (driver ? 'right after a looped send (it is delivered at once)' : 'after a looped send with no driver (it is dropped)') : 'after a send');
    }
  }
  toString(): string {
    return `send-raw(${pidOf(this.idx)}, ${this.frame.kind})`;
  }
}

export class SendIpv4Cmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly dgram: TxDatagram,
    readonly addr: number,
    readonly cfg: EngineConfig,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const desc = `IPv4 datagram, total_length ${this.dgram.totalLength}${this.dgram.loop ? ', src_ip == dst_ip' : ''}`;
    const sent = planSend(m, r, this.idx, this.addr, 0x01, buildTxDatagram(this.dgram), `IPv4 from ${hex(this.addr)}: ${desc}`, this.cfg);
    if (!sent) return;
    const { at, driver, result, fx, got, sys } = sent;
    const looped = fx.looped !== undefined;
    const loopClauses = [C.neverOnWire, C.loopBothPaths, C.loopedIpv4];
    const loopResult = fx.looped?.fate === 'looped-no-driver' ? [C.okayDespiteLoss, C.loopNoDriver] : [C.loopBothPaths, C.loopedIpv4, C.neverOnWire];
    const clauses =
      typeof result !== 'number'
        ? [C.processIds, C.blockingResult]
        : result === RC.InvalidInput
          ? fx.why?.startsWith('total_length') ? [C.ipv4Short] : fx.why?.startsWith('a looped') ? [C.loopedIpv4] : [C.pointerCheck]
          : looped
            ? loopResult
            : fx.serial
              ? [C.ipv4Serial]
              : [C.okayDespiteLoss];
    checkSyscall(r, at, SYS.Send, this.addr, sys, result, clauses, fx.why);
    const what = `op #${at} (0x34 IPv4, ${desc})`;
    const wire = r.wireOf(at);
    r.ck(looped ? loopClauses : [C.ipv4Serial], wire.length === 0, () => `${what}: an IPv4 send must put nothing on the Ethernet wire, it sent ${wire.length} frame(s)`);
    const serial = r.serialOf(at);
    if (looped) r.ck(loopClauses, serial.length === 0, () => `${what}: src_ip == dst_ip, so nothing may reach the serial line; it carried ${short(serial)}`);
    else if (fx.serial) r.ck(C.ipv4Serial, eq(serial, fx.serial), () => `${what}: the serial line should carry the SLIP frame ${short(fx.serial!, 24)} (END, ${this.dgram.totalLength} escaped bytes, END), it carried ${short(serial, 24)}`);
    else r.ck([C.okayDespiteLoss, C.ipv4Serial], serial.length === 0, () => `${what}: nothing may be sent (${fx.why ?? 'refused'}), the serial line carried ${short(serial)}`);
    if (this.cfg.snapshotAfterSend) {
      const c = looped ? (fx.looped!.fate === 'looped-no-driver' ? [C.loopNoDriver] : [C.neverOnWire, C.loopedIpv4, C.lastFrame]) : [C.ipv4Serial];
      checkAfterSend(m, r, at + 1, got[got.length - 1], c, looped ? (driver ? 'right after a looped datagram (delivered at once, wrapped in Ethernet)' : 'after a looped datagram with no driver (it is dropped)') : 'after a send');
    }
  }
  toString(): string {
    return `send-ipv4(${pidOf(this.idx)}, ${this.dgram.totalLength})`;
  }
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
        const want = mp.blocked ? 'blocked' : 'runnable';
        const clause = mp.blocked ? C.blocking : mp.receive ? C.wake : C.blocking;
        r.ck(clause, ps.state === want, () => `${what}: pid ${mp.pid} should be ${want}${mp.receive && !mp.blocked ? ' (a push woke it from its blocking receive)' : mp.blocked ? ' (blocked in a receive on an empty queue)' : ''}, the snapshot says ${ps.state}`);
      }
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

// --- bad input ------------------------------------------------------------------------------------

export type BadKind = 'unknown-no' | 'defined-no' | 'bad-pointer' | 'edge-pointer' | 'port-range' | 'unknown-0x33' | 'unknown-0x34' | 'unknown-pid';

export class BadCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly kind: BadKind,
    readonly no: number,
    readonly arg1: number,
    readonly arg2: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const at = r.pos;
    const notes: Record<BadKind, string> = {
      'unknown-no': 'a number rou2exOS does not define',
      'defined-no': 'defined by rou2exOS outside the modelled network ABI',
      'bad-pointer': 'pointer outside the window',
      'edge-pointer': `pointer ${hex(this.no === SYS.Status ? this.arg1 : this.arg2)} at the edge of the window (valid)`,
      'port-range': `bind ${this.arg1}, not a 16-bit port`,
      'unknown-0x33': `unknown packet type ${this.arg1}`,
      'unknown-0x34': `unknown transmit type ${this.arg1}`,
      'unknown-pid': `to pid ${this.arg1}, never spawned`,
    };
    const got = r.take([syscallOp(pid, this.no, this.arg1, this.arg2, `${SYSCALL_NAMES[this.no] ? hex(this.no) + ' ' + SYSCALL_NAMES[this.no] : `syscall ${this.no}`}: ${notes[this.kind]}`)]);
    const { result, fx } = m.syscall(pid, this.no, this.arg1, this.arg2, at);
    if (!got) return;
    if (result === 'out-of-scope') {
      // Out of this model's scope: what r2 answers is not claimed, only that it is not the
      // InvalidSyscall of an undefined number. The reference's documented out-of-scope error
      // passes that and nothing else.
      const v = resultOf(got[0]);
      r.ck(C.undefinedNumbers, v !== RC.InvalidSyscall, () => `op #${at}: rou2exOS defines syscall ${hex(this.no)} (outside the modelled network ABI); InvalidSyscall is its answer only for numbers it does not define, got ${fmtExpect(v, this.no)}`);
      return;
    }
    const clause: Record<BadKind, string> = {
      'unknown-no': C.undefinedNumbers,
      'defined-no': C.undefinedNumbers,
      'bad-pointer': C.pointerCheck,
      'edge-pointer': C.pointerCheck,
      'port-range': C.portRange,
      'unknown-0x33': C.unknown0x33,
      'unknown-0x34': C.unknown0x34,
      'unknown-pid': C.unknownPid,
    };
    const clauses = typeof result !== 'number' ? [C.processIds, C.blockingResult] : [clause[this.kind]];
    checkSyscall(r, at, this.no, this.kind === 'edge-pointer' ? (this.no === SYS.Status ? this.arg1 : this.arg2) : null, got[0], result, clauses, fx.why);
  }
  toString(): string {
    return `bad(${this.kind}, ${this.no}, ${this.arg1}, ${this.arg2})`;
  }
}

// --- arbitraries ----------------------------------------------------------------------------------

export interface Mix {
  spawn?: number;
  /** Several spawns in a row, up to two past the process limit. */
  spawnBurst?: number;
  register?: number;
  bind?: number;
  bindRange?: number;
  inject?: number;
  tick?: number;
  receive?: number;
  ipc?: number;
  ipcBurst?: number;
  sendRaw?: number;
  sendIpv4?: number;
  netstatus?: number;
  snapshot?: number;
  bad?: number;
}

export interface CommandOptions {
  rx?: RxOptions;
  /** Highest process index commands refer to (pid = 1 + index). */
  maxIdx?: number;
  /** Blocking receives (arg1 != 0) among receives, in [0, 1]. */
  blockingShare?: number;
  /** Ports binds choose from. */
  ports?: fc.Arbitrary<number>;
  /** Buffer addresses (default: addressArb). */
  addr?: fc.Arbitrary<number>;
}

export function addressArb(ctx: PropertyContext, cfg: EngineConfig): fc.Arbitrary<number> {
  const { userWindowStart: w0, userWindowEnd: wend } = ctx.limits;
  if (cfg.nearEnd)
    return fc.oneof({ weight: 1, arbitrary: fc.constant(w0) }, { weight: 2, arbitrary: fc.integer({ min: wend - 64, max: wend }) }, { weight: 2, arbitrary: fc.integer({ min: wend - 2100, max: wend }) });
  return fc.oneof({ weight: 12, arbitrary: fc.constant(w0) }, { weight: 1, arbitrary: fc.constant(wend) }, { weight: 1, arbitrary: fc.integer({ min: w0, max: wend }) });
}

export function commandArb(ctx: PropertyContext, cfg: EngineConfig, mix: Mix, o: CommandOptions = {}): fc.Arbitrary<KCmd> {
  const l = ctx.limits;
  const idx = fc.integer({ min: 0, max: o.maxIdx ?? 2 });
  const addr = o.addr ?? addressArb(ctx, cfg);
  const port = o.ports ?? poolPort();
  const blocking = o.blockingShare ?? 0.3;
  const all: [keyof Mix, fc.Arbitrary<KCmd>][] = [
    ['spawn', fc.constant(null).map(() => new SpawnCmd())],
    ['spawnBurst', fc.integer({ min: 2, max: l.maxProcesses - l.kernelProcesses + 2 }).map((n) => new SpawnCmd(n))],
    ['register', idx.map((i) => new RegisterCmd(i))],
    ['bind', fc.tuple(idx, port).map(([i, p]) => new BindCmd(i, [p], cfg))],
    [
      'bindRange',
      fc.tuple(idx, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: l.portBindings + 2 })).map(([i, base, n]) => new BindCmd(i, Array.from({ length: n }, (_, k) => base + k), cfg)),
    ],
    ['inject', rxFrame(l, o.rx).map((f) => new InjectCmd(f))],
    ['tick', fc.constant(null).map(() => new TickCmd())],
    [
      'receive',
      fc
        .tuple(idx, fc.integer({ min: 0, max: 99 }), addr)
        .map(([i, b, a]) => new ReceiveCmd(i, b >= 100 - blocking * 100 ? 1 : 0, a)),
    ],
    [
      'ipc',
      fc
        .tuple(idx, fc.oneof({ weight: 9, arbitrary: idx.map((i) => FIRST_PID + i) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: l.noPid }) }), addr, fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 8 }))
        .map(([i, t, a, pat]) => new IpcSendCmd(i, t, a, pat)),
    ],
    [
      'ipcBurst',
      fc
        .tuple(
          idx,
          idx.map((i) => FIRST_PID + i),
          addr,
          fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 4 }),
          fc.oneof(fc.integer({ min: 2, max: 4 }), fc.integer({ min: l.messageQueueDepth - 1, max: l.messageQueueDepth + 2 })),
        )
        .map(([i, t, a, pat, n]) => new IpcSendCmd(i, t, a, pat, n)),
    ],
    ['sendRaw', fc.tuple(idx, txFrame(l), addr).map(([i, f, a]) => new SendRawCmd(i, f, a, cfg))],
    ['sendIpv4', fc.tuple(idx, txDatagram(l), addr).map(([i, d, a]) => new SendIpv4Cmd(i, d, a, cfg))],
    ['netstatus', fc.tuple(idx, addr).map(([i, a]) => new NetStatusCmd(i, a))],
    ['snapshot', fc.constant(null).map(() => new SnapshotCmd())],
    ['bad', badArb(ctx, idx).map(([i, k, no, a1, a2]) => new BadCmd(i, k, no, a1, a2))],
  ];
  const chosen = all.filter(([k]) => (mix[k] ?? 0) > 0).map(([k, arbitrary]) => ({ weight: mix[k]!, arbitrary }));
  return fc.oneof(...chosen);
}

function badArb(ctx: PropertyContext, idx: fc.Arbitrary<number>): fc.Arbitrary<[number, BadKind, number, number, number]> {
  const { userWindowStart: w0, userWindowEnd: wend, noPid } = ctx.limits;
  const outside = fc.oneof(fc.constantFrom(w0 - 1, wend + 1, 0, -1, 2 ** 53), fc.integer({ min: 0, max: w0 - 1 }), fc.integer({ min: wend + 1, max: 0xffffffff }));
  // Only numbers rou2exOS does not define answer InvalidSyscall; the ones it defines are drawn apart.
  const defined = ctx.profile.syscalls.definedNotModelled;
  const unknownNo = fc.oneof(
    fc.integer({ min: 0, max: SYS.Build - 1 }).filter((n) => !defined.includes(n)),
    fc.integer({ min: SYS.Status + 1, max: 0x1000 }).filter((n) => !defined.includes(n)),
    fc.constantFrom(-1, 0.5, 2 ** 40),
  );
  return fc.oneof(
    fc.tuple(idx, fc.constant<BadKind>('unknown-no'), unknownNo, fc.integer(), fc.integer()),
    ...(defined.length ? [fc.tuple(idx, fc.constant<BadKind>('defined-no'), fc.constantFrom(...defined), fc.integer({ min: 0, max: 4 }), fc.constant(w0))] : []),
    fc.tuple(idx, fc.constant<BadKind>('bad-pointer'), fc.constantFrom(SYS.Build, SYS.Send, SYS.Receive, SYS.Ipc), fc.integer({ min: 0, max: 4 }), outside),
    fc.tuple(idx, fc.constant<BadKind>('bad-pointer'), fc.constant<number>(SYS.Status), outside, fc.constant(0)),
    // Both ends of the window are valid: a non-blocking receive (0 on an empty queue) and NetStatus.
    fc.tuple(idx, fc.constant<BadKind>('edge-pointer'), fc.constant<number>(SYS.Receive), fc.constant(0), fc.constantFrom(w0, wend)),
    fc.tuple(idx, fc.constant<BadKind>('edge-pointer'), fc.constant<number>(SYS.Status), fc.constantFrom(w0, wend), fc.constant(0)),
    fc.tuple(idx, fc.constant<BadKind>('port-range'), fc.constant<number>(SYS.Register), fc.oneof(fc.integer({ min: 0x10000, max: 0x1_0000_0000 }), fc.constantFrom(-1, 80.5)), fc.constant(0)),
    fc.tuple(idx, fc.constant<BadKind>('unknown-0x33'), fc.constant<number>(SYS.Build), fc.oneof(fc.constant(0), fc.integer({ min: 4, max: 0xffff })), fc.constant(w0)),
    fc.tuple(idx, fc.constant<BadKind>('unknown-0x34'), fc.constant<number>(SYS.Send), fc.oneof(fc.constantFrom(0, 2, 3), fc.integer({ min: 5, max: 0xffff })), fc.constant(w0)),
    fc.tuple(idx, fc.constant<BadKind>('unknown-pid'), fc.constant<number>(SYS.Ipc), fc.constantFrom(0, 50, noPid, noPid + 1, -1), fc.constant(w0)),
  );
}

export const PORTS = PORT_POOL;
