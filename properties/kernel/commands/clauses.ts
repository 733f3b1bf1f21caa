// The kernel clause ids (`C`) and the wording and checks every command family shares: how a
// syscall result is named, described and checked (checkSyscall, documented).
import type { Op, OpResult } from '../../../src/iut/contract.ts';
import { tcpDestPortOracle, whyNoPort } from '../frames.ts';
import { FIRST_PID, RC, SYS, type SyscallExpect } from '../model.ts';
import { isObj, short, showResult, valueOf, type Real } from '../engine.ts';

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
  // process lifetimes (feature kernel.lifetimes)
  tableLimit: 'kernel.process.table-limit',
  pidNeverReused: 'kernel.process.pid-never-reused',
  slotReuse: 'kernel.process.slot-reuse',
  deadReaped: 'kernel.process.dead-reaped',
  crashedKept: 'kernel.process.crashed-kept',
  sleepWake: 'kernel.process.sleep-wake',
  schedulable: 'kernel.process.schedulable',
  busySkipped: 'kernel.tick.busy-skipped',
  messageWakes: 'kernel.process.message-wakes',
  pidAddressing: 'kernel.process.pid-addressing',
  goneReceiver: 'kernel.process.gone-receiver',
  processSlots: 'kernel.decision.process-slots',
  processOps: 'kernel.decision.process-ops',
  sleepBoundary: 'kernel.decision.process-sleep-boundary',
  exited0x36: 'kernel.decision.process-0x36-exited',
  deadQueue: 'kernel.decision.process-dead-queue',
  driverOutlives: 'kernel.hazard.driver-outlives-process',
  bindingOutlives: 'kernel.hazard.binding-outlives-process',
  disclosure: 'kernel.hazard.netframebuf-disclosure',
  silentLoss: 'kernel.hazard.silent-loss',
  hijack: 'kernel.hazard.port-hijack',
  uncheckedCopy: 'kernel.hazard.unchecked-copy-length',
  ipcOverwrite: 'kernel.hazard.ipc-buffer-overwrite',
} as const;

// --- wording ---------------------------------------------------------------------------------------

export const hex = (n: number): string => `0x${n.toString(16)}`;
const CODE_NAMES: Record<number, string> = { [RC.Okay]: 'Okay', [RC.NotImplemented]: 'NotImplemented', [RC.InvalidInput]: 'InvalidInput', [RC.InvalidSyscall]: 'InvalidSyscall' };
export const SYSCALL_NAMES: Record<number, string> = { 0x30: 'port write', 0x31: 'port read', 0x32: 'COM1', 0x33: 'build', 0x34: 'send', 0x35: 'receive', 0x36: 'IPC send', 0x37: 'register', 0x38: 'NetStatus' };

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

export const sysNote = (no: number, rest: string): string => `${hex(no)} ${SYSCALL_NAMES[no] ?? 'unknown syscall'}${rest ? ` ${rest}` : ''}`;

export function syscallOp(pid: number, no: number, arg1: number, arg2: number, note: string): Op {
  return { op: 'syscall', pid, no, arg1, arg2, note };
}

export const resultOf = (r: OpResult | undefined): unknown => valueOf(r)?.result ?? (r && !r.ok ? `error ${r.error.kind}` : undefined);

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
export function checkSyscall(r: Real, at: number, no: number, ptr: number | null, got: OpResult | undefined, exp: SyscallExpect, clauses: readonly string[], why?: string): void {
  const v = resultOf(got);
  const what = `op #${at} (${sysNote(no, '')})`;
  r.ck(C.returnCodes, documented(no, v), () => `${what} answered ${showResult(got)}, which is not a documented return code`);
  if (ptr !== null && exp !== RC.InvalidInput && v === RC.InvalidInput && r.plan === false) {
    const inside = Number.isSafeInteger(ptr) && ptr >= r.ctx.limits.userWindowStart && ptr <= r.ctx.limits.userWindowEnd;
    r.ck(C.pointerCheck, !inside, () => `${what} refused the pointer ${hex(ptr)} with InvalidInput, but it lies in the window ${hex(r.ctx.limits.userWindowStart)}..=${hex(r.ctx.limits.userWindowEnd)}`);
  }
  r.ck(clauses, v === exp, () => `${what}: expected ${fmtExpect(exp, no)}${why ? ` (${why})` : ''}, got ${fmtExpect(v, no)}`);
}

export const pidOf = (idx: number): number => FIRST_PID + idx;

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
