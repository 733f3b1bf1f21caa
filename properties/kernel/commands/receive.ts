// 0x35 receive, and onCopy: the check of a message copied out to a process (also used when a
// tick completes a blocked receive), with the disclosure and IPC-overwrite hazards.
import type { Op, OpResult } from '../../../src/iut/contract.ts';
import { fromHex, toHex } from '../../../src/util/bytes.ts';
import { eq, SYS, type Copy, type Model } from '../model.ts';
import { KCmd, short, valueOf, type Real } from '../engine.ts';
import { C, checkSyscall, describeFrame, hex, pidOf, sysNote, syscallOp } from './clauses.ts';

/** A message was copied out to a process: compare the peeked bytes, record the receipt, check the hazards. */
export function onCopy(m: Model, r: Real, peekAt: number, copy: Copy, peek: OpResult | undefined, what: string): void {
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

const prefixMatch = (got: Uint8Array, f: Uint8Array): boolean => {
  const n = Math.min(got.length, f.length);
  return n > 0 && eq(got.subarray(0, n), f.subarray(0, n));
};

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
