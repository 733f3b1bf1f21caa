// Userland port I/O and COM1 (0x30..0x32) as commands of the model-based runs, interleaved with
// every other family: writes and reads of ports whose effects the model knows (model-portio.ts),
// bytes fed to COM1 and read back one 0x32 at a time, bytes written with 0x32, bad 0x32 calls.
// Pointers range over the window's edges, just outside it, the shared heap and wild values.
import fc from 'fast-check';
import type { Op } from '../../../src/iut/contract.ts';
import type { PropertyContext } from '../../../src/runner/property.ts';
import { fromHex, toHex } from '../../../src/util/bytes.ts';
import { RC, type Model } from '../model.ts';
import { PORT_SYS, SERIAL_OP, u32le, UART, NIC } from '../model-portio.ts';
import { KCmd, short, valueOf, type Real } from '../engine.ts';
import { checkSyscall, hex, pidOf, syscallOp } from './clauses.ts';

/** The clauses of userland port I/O (spec/clauses/kernel.json, kernel.portio.*). */
export const CP = {
  write: 'kernel.portio.0x30.write-byte',
  writeUnchecked: 'kernel.portio.0x30.unchecked-pointers',
  read: 'kernel.portio.0x31.read-dword',
  readResult: 'kernel.portio.0x31.result-pointer',
  readPortUnchecked: 'kernel.portio.0x31.port-pointer-unchecked',
  heap: 'kernel.portio.heap-refused',
  sameDevices: 'kernel.portio.same-devices',
  serialInit: 'kernel.portio.0x32.init',
  serialRead: 'kernel.portio.0x32.read',
  serialNoByte: 'kernel.portio.0x32.read-no-byte',
  serialWrite: 'kernel.portio.0x32.write',
  unknownOp: 'kernel.decision.portio-0x32-unknown-op',
  uncheckedMemory: 'kernel.decision.portio-unchecked-pointer-memory',
  lastPorts: 'kernel.decision.portio-0x31-last-ports',
  readOrder: 'kernel.decision.portio-0x32-read-order',
  readWidth: 'kernel.decision.portio-0x32-read-width',
  nicReprogram: 'kernel.hazard.portio-nic-reprogram',
  kernelRead: 'kernel.hazard.portio-unchecked-pointers',
} as const;

const inWin = (m: Model, a: number): boolean => m.inWindow(a);
/** Pokes `bytes` at `addr` when that is the caller's memory a test may write (inside the window). */
function pokeIfMine(m: Model, r: Real, pid: number, addr: number, bytes: Uint8Array): void {
  const p = m.proc(pid);
  if (!p || !inWin(m, addr) || !inWin(m, addr + bytes.length - 1)) return;
  r.take([{ op: 'poke', pid, addr, bytes: toHex(bytes) } as Op]);
  m.memWrite(p, addr, bytes);
}

/** The 4 bytes a process's memory holds at `addr`, peeked after a syscall wrote them. */
function peek4(r: Real, pid: number, addr: number): Uint8Array | null {
  const got = r.take([{ op: 'peek', pid, addr, len: 4 }]);
  if (!got) return null;
  const b = valueOf(got[0])?.bytes;
  return typeof b === 'string' ? (fromHex(b) ?? null) : null;
}

/** Which clause a port I/O result answers for: the pointer rule that refused it, or the call's own. */
function refusal(m: Model, ptr: number, own: string): string[] {
  const heap = Number.isSafeInteger(ptr) && ptr > m.limits.userWindowEnd && ptr >= 0xc00000 && ptr <= 0xffffff;
  return heap ? [CP.heap, own] : [own];
}

export class PortWriteCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly port: number,
    readonly value: number,
    readonly portAt: number,
    readonly valueAt: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    pokeIfMine(m, r, pid, this.portAt, Uint8Array.of(this.port & 0xff, this.port >> 8));
    pokeIfMine(m, r, pid, this.valueAt, u32le(this.value));
    const at = r.pos;
    const got = r.take([syscallOp(pid, PORT_SYS.Write, this.portAt, this.valueAt, `0x30 port write: *${hex(this.portAt)} (port) ← low byte of *${hex(this.valueAt)}`)]);
    const { result, fx } = m.syscall(pid, PORT_SYS.Write, this.portAt, this.valueAt, at);
    if (!got) return;
    const unchecked = !inWin(m, this.portAt) || !inWin(m, this.valueAt);
    checkSyscall(r, at, PORT_SYS.Write, null, got[0], result, typeof result !== 'number' ? ['kernel.scheduler.process-ids', 'kernel.decision.blocking-receive-result'] : unchecked ? [CP.writeUnchecked, CP.uncheckedMemory] : [CP.write], fx.why);
    r.ck(CP.write, r.serialOf(at).length === 0 && r.wireOf(at).length === 0, () => `op #${at}: a 0x30 to port ${hex(fx.portio?.port ?? -1)} must not touch the serial line or the wire; serial ${short(r.serialOf(at))}, wire ${r.wireOf(at).length} frame(s)`);
  }
  toString(): string {
    return `port-write(${pidOf(this.idx)}, ${hex(this.port)} ← ${hex(this.value)}, @${hex(this.portAt)}, @${hex(this.valueAt)})`;
  }
}

export class PortReadCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly port: number,
    readonly portAt: number,
    readonly resultAt: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    pokeIfMine(m, r, pid, this.portAt, Uint8Array.of(this.port & 0xff, this.port >> 8));
    const at = r.pos;
    const got = r.take([syscallOp(pid, PORT_SYS.Read, this.portAt, this.resultAt, `0x31 port read: port *${hex(this.portAt)} → *${hex(this.resultAt)}`)]);
    const { result, fx } = m.syscall(pid, PORT_SYS.Read, this.portAt, this.resultAt, at);
    // The peek is planned from the model's answer, so plan and check take the same ops.
    const now = result === RC.Okay ? peek4(r, pid, this.resultAt) : null;
    if (!got) return;
    const clauses = typeof result !== 'number' ? ['kernel.scheduler.process-ids', 'kernel.decision.blocking-receive-result'] : result === RC.InvalidInput ? refusal(m, this.resultAt, CP.readResult) : !inWin(m, this.portAt) ? [CP.readPortUnchecked, CP.uncheckedMemory] : [CP.read, CP.sameDevices, CP.lastPorts];
    checkSyscall(r, at, PORT_SYS.Read, this.resultAt, got[0], result, clauses, fx.why);
    if (result !== RC.Okay || fx.portio?.value === undefined) return;
    const want = u32le(fx.portio.value);
    const p = fx.portio.port ?? 0;
    const whose = !inWin(m, this.portAt) || !inWin(m, this.portAt + 1) ? [CP.uncheckedMemory, CP.readPortUnchecked] : p > 0xfffc ? [CP.lastPorts, CP.read] : m.ports.mapped(p) ? [CP.sameDevices, CP.read] : [CP.read];
    if (now) r.ck(whose, toHex(now) === toHex(want), () => `op #${at}: 0x31 of port ${hex(p)} should store ${hex(fx.portio!.value!)} (${toHex(want)}, little-endian) at ${hex(this.resultAt)}; the process's memory holds ${toHex(now)}`);
  }
  toString(): string {
    return `port-read(${pidOf(this.idx)}, ${hex(this.port)}, @${hex(this.portAt)} → @${hex(this.resultAt)})`;
  }
}

export class SerialFeedCmd extends KCmd {
  constructor(readonly bytes: number[]) {
    super();
  }
  exec(m: Model, r: Real): void {
    r.take([{ op: 'feed-serial', bytes: toHex(Uint8Array.from(this.bytes)) }]);
    m.ports.serialRx.push(...this.bytes);
  }
  toString(): string {
    return `feed-serial(${toHex(Uint8Array.from(this.bytes))})`;
  }
}

export class SerialCallCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly sub: number,
    readonly arg2: number,
    readonly value = 0,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    if (this.sub === SERIAL_OP.Write) pokeIfMine(m, r, pid, this.arg2, u32le(this.value));
    const at = r.pos;
    const got = r.take([syscallOp(pid, PORT_SYS.Serial, this.sub, this.arg2, `0x32 COM1 ${this.sub === 1 ? 'init' : this.sub === 2 ? 'read' : this.sub === 3 ? 'write' : `op ${this.sub}`}, arg2 ${hex(this.arg2)}`)]);
    const { result, fx } = m.syscall(pid, PORT_SYS.Serial, this.sub, this.arg2, at);
    const stored = this.sub === SERIAL_OP.Read && result === RC.Okay ? peek4(r, pid, this.arg2) : null;
    if (!got) return;
    const own = this.sub === SERIAL_OP.Init ? CP.serialInit : this.sub === SERIAL_OP.Read ? CP.serialRead : this.sub === SERIAL_OP.Write ? CP.serialWrite : CP.unknownOp;
    const noByte = fx.why === 'no byte is ready on COM1';
    const clauses = typeof result !== 'number' ? ['kernel.scheduler.process-ids', 'kernel.decision.blocking-receive-result'] : noByte ? [CP.serialNoByte] : result === RC.InvalidInput && own !== CP.unknownOp && own !== CP.serialInit ? refusal(m, this.arg2, own) : [own];
    checkSyscall(r, at, PORT_SYS.Serial, this.sub === SERIAL_OP.Init ? null : this.arg2, got[0], result, clauses, fx.why);
    const line = r.serialOf(at);
    const sent = fx.portio?.serialByte;
    if (sent !== undefined) r.ck(CP.serialWrite, toHex(line) === toHex(Uint8Array.of(sent)), () => `op #${at}: 0x32/0x03 should put the low byte of *${hex(this.arg2)} (${hex(sent)}) on the serial line; it carried ${short(line)}`);
    else r.ck([own], line.length === 0, () => `op #${at}: this 0x32 must not write to the serial line; it carried ${short(line)}`);
    if (stored) {
      const p = m.proc(pid);
      const want = p ? m.memRead(p, this.arg2, 4) : new Uint8Array(4);
      r.ck(CP.serialRead, stored[0] === want[0], () => `op #${at}: 0x32/0x02 should store the next byte fed to COM1 (${hex(want[0]!)}) at ${hex(this.arg2)}; memory holds ${toHex(stored)}`);
      r.ck(CP.readWidth, toHex(stored) === toHex(want), () => `op #${at}: 0x32/0x02 stores the byte as a zero-extended u32 (${toHex(want)}) at ${hex(this.arg2)}; memory holds ${toHex(stored)}`);
    }
  }
  toString(): string {
    return `serial(${pidOf(this.idx)}, op ${this.sub}, ${hex(this.arg2)}${this.sub === SERIAL_OP.Write ? `, ${hex(this.value)}` : ''})`;
  }
}

/** Pointers for port I/O: the window's edges, just outside it, the shared heap, wild values. */
export function portPointerArb(ctx: PropertyContext): fc.Arbitrary<number> {
  const { userWindowStart: w0, userWindowEnd: wend } = ctx.limits;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(w0, w0 + 0x100, wend - 3) },
    { weight: 2, arbitrary: fc.constantFrom(wend, w0 - 1, wend + 1) },
    { weight: 2, arbitrary: fc.constantFrom(0xc00000, 0xfffffc, 0xffffff) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, 2 ** 40, 2 ** 53) },
  );
}

/** Ports whose effects the model knows: unmapped ones (0, 0xFFFF…), COM1's SCR, the NIC's IDR0-5. */
export function knownPortArb(ctx: PropertyContext): fc.Arbitrary<number> {
  const d = ctx.defaults;
  return fc.constantFrom(0, 0x80, 0x1234, 0xfffc, 0xfffd, 0xffff, d.comBase + UART.SCR, d.nicIoFallback + NIC.IDR0, d.nicIoFallback + NIC.IDR0 + 2);
}

/** Port writes the model can follow: unmapped ports and COM1's SCR (the NIC's IDR is not written). */
function writablePortArb(ctx: PropertyContext): fc.Arbitrary<number> {
  return fc.constantFrom(0, 0x80, 0x1234, 0xffff, ctx.defaults.comBase + UART.SCR);
}

const valueArb = fc.oneof(fc.integer({ min: 0, max: 0xff }), fc.constantFrom(0x1ff, 0xffffff00, 0xffffffff, 0x80000041));

export function portioCommandArbs(ctx: PropertyContext, idx: fc.Arbitrary<number>): { write: fc.Arbitrary<KCmd>; read: fc.Arbitrary<KCmd>; feed: fc.Arbitrary<KCmd>; serial: fc.Arbitrary<KCmd> } {
  const ptr = portPointerArb(ctx);
  const w0 = ctx.limits.userWindowStart;
  return {
    write: fc.tuple(idx, writablePortArb(ctx), valueArb, fc.oneof({ weight: 4, arbitrary: fc.constant(w0) }, { weight: 1, arbitrary: ptr }), fc.oneof({ weight: 4, arbitrary: fc.constant(w0 + 8) }, { weight: 1, arbitrary: ptr })).map(([i, p, v, pa, va]) => new PortWriteCmd(i, p, v, pa, va)),
    read: fc.tuple(idx, knownPortArb(ctx), fc.oneof({ weight: 4, arbitrary: fc.constant(w0 + 16) }, { weight: 1, arbitrary: ptr }), fc.oneof({ weight: 3, arbitrary: fc.constant(w0 + 24) }, { weight: 2, arbitrary: ptr })).map(([i, p, pa, ra]) => new PortReadCmd(i, p, pa, ra)),
    feed: fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 3 }).map((b) => new SerialFeedCmd(b)),
    serial: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(idx, ptr).map(([i, a]) => new SerialCallCmd(i, SERIAL_OP.Read, a)) },
      { weight: 3, arbitrary: fc.tuple(idx, ptr, valueArb).map(([i, a, v]) => new SerialCallCmd(i, SERIAL_OP.Write, a, v)) },
      { weight: 1, arbitrary: fc.tuple(idx, fc.oneof(fc.constantFrom(w0, 1, -1), fc.integer({ min: 1, max: 0xffffffff }))).map(([i, a]) => new SerialCallCmd(i, SERIAL_OP.Init, a)) },
      { weight: 2, arbitrary: fc.tuple(idx, fc.oneof(fc.constantFrom(0, 4, 0xff, -1, 2.5, 2 ** 40), fc.integer({ min: 4, max: 0xffff })), fc.constant(w0)).map(([i, op, a]) => new SerialCallCmd(i, op, a)) },
    ),
  };
}

