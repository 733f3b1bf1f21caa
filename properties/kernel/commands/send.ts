// 0x34 send: raw Ethernet (0x04) and IPv4 over SLIP (0x01), looped back when src_ip == dst_ip;
// planSend is their common start, checkAfterSend the optional snapshot right after.
import type { Op, OpResult } from '../../../src/iut/contract.ts';
import { toHex } from '../../../src/util/bytes.ts';
import { buildTxDatagram, buildTxFrame, describeAddrs, describeTx, type TxDatagram, type TxFrame } from '../frames.ts';
import { eq, RC, SYS, type Model } from '../model.ts';
import { isObj, KCmd, short, showResult, valueOf, type EngineConfig, type Real } from '../engine.ts';
import { C, checkSyscall, diff, hex, pidOf, sysNote, syscallOp } from './clauses.ts';

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
    const desc = `IPv4 datagram, total_length ${this.dgram.totalLength}${describeAddrs(this.dgram.addrs)}`;
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
