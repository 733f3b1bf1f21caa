// Userland port I/O and COM1, 0x30..0x32 (spec/clauses/kernel.json, kernel.portio.*): the
// model-based run that interleaves them with every other command family, and three scenarios
// that pin what the model cannot follow — bytes 0x30 puts on COM1's THR, what COM1 looks like
// after 0x32's init, and every pointer check at the window's edges and on the shared heap.
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, Violation, type Checks, type PropertyContext, type PropertyDef } from '../../src/runner/property.ts';
import { must, mustEqual, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { expandIo } from '../../src/iut/io-format.ts';
import { CP } from './commands/index.ts';
import { setupArb } from './engine.ts';
import { machineProperty } from './machine.ts';
import { RC } from './model.ts';
import { NIC, PORT_SYS, SERIAL_OP, UART, u32le } from './model-portio.ts';
import { commandArb } from './commands/index.ts';

/** A scenario and the checks of its results, built together so they cannot drift apart. */
export class Plan {
  readonly ops: Op[] = [];
  readonly checks: ((trace: Trace, t: Checks) => void)[] = [];
  add(op: Op, check?: (trace: Trace, at: number, t: Checks) => void): number {
    const at = this.ops.push(op) - 1;
    if (check) this.checks.push((trace, t) => check(trace, at, t));
    return at;
  }
  run(trace: Trace, t: Checks): void {
    for (const c of this.checks) c(trace, t);
  }
}

export const hx = (n: number): string => `0x${n.toString(16)}`;
const resultOf = (trace: Trace, at: number, what: string): unknown => okValue<{ result: unknown }>(trace, at, what).result;
/** The serial bytes the trace says the UART put on the line during op `at`. */
export function serialAt(trace: Trace, at: number): string {
  const s = trace.observations?.serial;
  return (Array.isArray(s) ? s : []).map((x) => (x && typeof x === 'object' && !Array.isArray(x) && x.op === at && typeof x.bytes === 'string' ? x.bytes : '')).join('');
}

/** The port accesses the `io` observation lists for op `at`, as "out 0x3f9=0x00" strings. */
export function ioAt(trace: Trace, at: number): string[] {
  const io = trace.observations?.io;
  return expandIo(Array.isArray(io) ? io : [], at).map((a) => `${a.dir} ${hx(a.port)}=${hx(a.value)}`);
}

/** Pokes a u16 port number and a u32 value into process 1's memory, then runs 0x30 on them. */
export function portWrite(plan: Plan, w0: number, port: number, value: number, note: string, check?: (trace: Trace, at: number, t: Checks) => void): number {
  plan.add({ op: 'poke', pid: 1, addr: w0, bytes: toHex(Uint8Array.of(port & 0xff, port >> 8)) });
  plan.add({ op: 'poke', pid: 1, addr: w0 + 4, bytes: toHex(u32le(value)) });
  return plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Write, arg1: w0, arg2: w0 + 4, note }, check);
}

/** 0x31 of `port` into w0 + 8, then a peek of the 4 bytes stored; `check` gets the hex stored. */
function portRead(plan: Plan, w0: number, port: number, note: string, clause: string, want: string): void {
  plan.add({ op: 'poke', pid: 1, addr: w0, bytes: toHex(Uint8Array.of(port & 0xff, port >> 8)) });
  plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Read, arg1: w0, arg2: w0 + 8, note }, (tr, at, t) => t.check(clause, () => mustEqual(resultOf(tr, at, '0x31'), RC.Okay, `op #${at}: ${note}`)));
  plan.add({ op: 'peek', pid: 1, addr: w0 + 8, len: 4 }, (tr, at, t) =>
    t.check(clause, () => mustEqual(okValue<{ bytes: string }>(tr, at, 'peek').bytes, want, `op #${at}: the u32 0x31 stored (little-endian) after "${note}"`)),
  );
}

const boot = (mac: Uint8Array): Op => ({ op: 'boot', mac: toHex(mac), ip: '0a000001' });

function devicesPlan(a: { mac: number[]; bytes: number[]; high: number }, ctx: PropertyContext): Plan {
  const plan = new Plan();
  const w0 = ctx.limits.userWindowStart;
  const com = ctx.defaults.comBase;
  const nic = ctx.defaults.nicIoFallback;
  const mac = Uint8Array.from(a.mac);
  plan.add(boot(mac));
  plan.add({ op: 'spawn' });
  // COM1's THR: each 0x30 puts exactly the low byte of its value on the line (bits 8..31 set to `high`).
  for (const b of a.bytes) {
    const value = ((a.high << 8) | b) >>> 0;
    portWrite(plan, w0, com + UART.THR, value, `0x30 COM1 THR ← ${hx(value)}`, (tr, at, t) =>
      t.check(CP.write, () => {
        mustEqual(resultOf(tr, at, '0x30'), RC.Okay, `op #${at}: 0x30 to COM1's THR`);
        mustEqual(serialAt(tr, at), toHex(Uint8Array.of(b)), `op #${at}: the serial line during a 0x30 of ${hx(value)} to THR (${hx(com)}): only its low byte`);
      }),
    );
  }
  const le = (bs: number[]) => toHex(Uint8Array.from(bs));
  portRead(plan, w0, nic + NIC.IDR0, `0x31 from the NIC's IDR0 (${hx(nic)})`, CP.sameDevices, le(a.mac.slice(0, 4)));
  portRead(plan, w0, nic + NIC.IDR0 + 2, `0x31 from the NIC's IDR2 (${hx(nic + 2)})`, CP.sameDevices, le(a.mac.slice(2, 6)));
  portRead(plan, w0, 0, '0x31 from port 0 (unmapped)', CP.sameDevices, 'ffffffff');
  portWrite(plan, w0, com + UART.SCR, 0xffffff5a, '0x30 COM1 SCR ← 0xffffff5a');
  portRead(plan, w0, com + UART.SCR, `0x31 from COM1's SCR (${hx(com + UART.SCR)}): its window ends there`, CP.sameDevices, '5affffff');
  portRead(plan, w0, 0xffff, '0x31 from port 0xFFFF: three bytes past the I/O space', CP.lastPorts, 'ffffffff');
  return plan;
}

/** COM1's registers after 0x32/0x01, read back through 0x30/0x31 (DLAB set, then cleared). */
function initPlan(a: { lcr: number; dll: number; bad: number }, ctx: PropertyContext): Plan {
  const plan = new Plan();
  const w0 = ctx.limits.userWindowStart;
  const com = ctx.defaults.comBase;
  plan.add(boot(Uint8Array.of(2, 0, 0, 0, 0, 1)));
  plan.add({ op: 'spawn' });
  // Userland scrambles COM1 first: another divisor, another line format.
  portWrite(plan, w0, com + UART.LCR, 0x80, '0x30 COM1 LCR ← DLAB');
  portWrite(plan, w0, com + UART.THR, a.dll, `0x30 COM1 DLL ← ${hx(a.dll)}`);
  portWrite(plan, w0, com + UART.LCR, a.lcr, `0x30 COM1 LCR ← ${hx(a.lcr)}`);
  plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Serial, arg1: SERIAL_OP.Init, arg2: a.bad, note: `0x32 init with arg2 = ${hx(a.bad)} (must be 0)` }, (tr, at, t) =>
    t.check(CP.serialInit, () => {
      mustEqual(resultOf(tr, at, '0x32/0x01'), RC.InvalidInput, `op #${at}: 0x32/0x01 with arg2 = ${hx(a.bad)} != 0`);
      mustEqual(ioAt(tr, at).join(', '), '', `op #${at}: the port accesses (io) of a refused 0x32/0x01`);
    }),
  );
  const div = ctx.limits.serialDivisor;
  // spec-notes §7: IER ← 0; LCR ← DLAB; DLL, DLM ← divisor; LCR ← 8N1; FCR ← 0xC7; MCR ← 0x0B.
  const sequence = [[UART.IER, 0], [UART.LCR, 0x80], [UART.THR, div & 0xff], [UART.IER, div >> 8], [UART.LCR, 0x03], [UART.FCR, 0xc7], [UART.MCR, 0x0b]].map(([r, v]) => `out ${hx(com + r!)}=${hx(v!)}`).join(', ');
  plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Serial, arg1: SERIAL_OP.Init, arg2: 0, note: '0x32 init COM1' }, (tr, at, t) =>
    t.check(CP.serialInit, () => {
      mustEqual(resultOf(tr, at, '0x32/0x01'), RC.Okay, `op #${at}: 0x32/0x01 with arg2 = 0`);
      mustEqual(ioAt(tr, at).join(', '), sequence, `op #${at}: the port accesses (io) of 0x32/0x01, the documented init`);
    }),
  );
  // LCR, MCR, LSR, MSR in one dword: 8N1 (0x03), MCR 0x0B, LSR THRE|TEMT with nothing received, no modem lines.
  portRead(plan, w0, com + UART.LCR, '0x31 from COM1 LCR..MSR after init', CP.serialInit, '030b6000');
  portWrite(plan, w0, com + UART.LCR, 0x83, '0x30 COM1 LCR ← DLAB | 8N1 (to read the divisor)');
  // DLL, DLM, IIR (FIFOs on: 0xC1), LCR: divisor 3 (38 400 baud).
  portRead(plan, w0, com + UART.THR, '0x31 from COM1 DLL..LCR with DLAB set', CP.serialInit, toHex(Uint8Array.of(ctx.limits.serialDivisor & 0xff, ctx.limits.serialDivisor >> 8, 0xc1, 0x83)));
  portWrite(plan, w0, com + UART.LCR, 0x03, '0x30 COM1 LCR ← 8N1');
  return plan;
}

/** Every checked pointer at the window's edges, one past them, on the heap; unchecked ones anywhere. */
function edgesPlan(a: { order: number[] }, ctx: PropertyContext): Plan {
  const plan = new Plan();
  const { userWindowStart: w0, userWindowEnd: wend } = ctx.limits;
  const edges = [w0, wend, w0 - 1, wend + 1, 0xc00000, 0xffffff, 0x1000000, 0];
  const ok = (p: number) => p >= w0 && p <= wend;
  const heap = (p: number) => p >= 0xc00000 && p <= 0xffffff;
  plan.add(boot(Uint8Array.of(2, 0, 0, 0, 0, 1)));
  plan.add({ op: 'spawn' });
  plan.add({ op: 'poke', pid: 1, addr: w0 + 0x40, bytes: toHex(u32le(0x41)) });
  for (const i of a.order) {
    const p = edges[i % edges.length]!;
    const want = ok(p) ? RC.Okay : RC.InvalidInput;
    const clause = (own: string) => (heap(p) ? CP.heap : own);
    const expect = (what: string, own: string) => (tr: Trace, at: number, t: Checks) =>
      t.check(clause(own), () => {
        mustEqual(resultOf(tr, at, what), want, `op #${at}: ${what} with the pointer ${hx(p)} (${ok(p) ? 'inside' : 'outside'} the window ${hx(w0)}..=${hx(wend)}${heap(p) ? ', on the shared heap' : ''})`);
        if (!ok(p)) mustEqual(ioAt(tr, at).join(', '), '', `op #${at}: the port accesses (io) of a ${what} refused for its pointer ${hx(p)}`);
      });
    plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Read, arg1: w0 + 0x40, arg2: p, note: `0x31 of port 0x41 into ${hx(p)}` }, expect('0x31', CP.readResult));
    plan.add({ op: 'feed-serial', bytes: '7e' });
    plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Serial, arg1: SERIAL_OP.Read, arg2: p, note: `0x32 read a byte into ${hx(p)}` }, expect('0x32/0x02', CP.serialRead));
    // A refused read leaves its byte for the next one (kernel.decision.portio-0x32-read-order).
    if (!ok(p))
      plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Serial, arg1: SERIAL_OP.Read, arg2: w0, note: '0x32 read the byte the refused call left' }, (tr, at, t) =>
        t.check(CP.readOrder, () => mustEqual(resultOf(tr, at, '0x32/0x02'), RC.Okay, `op #${at}: the byte fed before the refused 0x32/0x02 at op #${at - 1} must still be there`)),
      );
    plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Serial, arg1: SERIAL_OP.Write, arg2: p, note: `0x32 write the byte at ${hx(p)}` }, expect('0x32/0x03', CP.serialWrite));
    // Unchecked: 0x30 with both pointers here, 0x31 with its port pointer here (the result inside).
    plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Write, arg1: p, arg2: p, note: `0x30 with both pointers ${hx(p)} (unchecked)` }, (tr, at, t) =>
      t.check(CP.writeUnchecked, () => mustEqual(resultOf(tr, at, '0x30'), RC.Okay, `op #${at}: 0x30 checks neither pointer, ${hx(p)} included`)),
    );
    plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Read, arg1: p, arg2: w0 + 0x80, note: `0x31 with the port pointer ${hx(p)} (unchecked)` }, (tr, at, t) =>
      t.check(CP.readPortUnchecked, () => mustEqual(resultOf(tr, at, '0x31'), RC.Okay, `op #${at}: 0x31 does not check its port pointer, ${hx(p)} included`)),
    );
  }
  plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Serial, arg1: SERIAL_OP.Read, arg2: w0, note: '0x32 read with nothing fed' }, (tr, at, t) =>
    t.check(CP.serialNoByte, () => mustEqual(resultOf(tr, at, '0x32/0x02'), RC.InvalidInput, `op #${at}: 0x32/0x02 with no byte ready`)),
  );
  return plan;
}

/** A plan and, optionally, a rule over the whole trace that the plan's op-by-op checks cannot state. */
export type Planned = Plan | { plan: Plan; judge: (trace: Trace) => string | null };

/**
 * A kernel property whose scenario and checks come from one Plan. A `judge`, when the plan brings
 * one, is checked under the first clause after the plan's own checks ran.
 */
export function planProperty<I>(d: { id: string; title: string; clauses: string[]; arbitrary: (ctx: PropertyContext) => fc.Arbitrary<I>; plan: (a: I, ctx: PropertyContext) => Planned; runsFactor?: number }): PropertyDef {
  const build = (a: I, ctx: PropertyContext): { plan: Plan; judge?: (trace: Trace) => string | null } => {
    const p = d.plan(a, ctx);
    return p instanceof Plan ? { plan: p } : p;
  };
  return defineProperty<I>({
    id: d.id,
    title: d.title,
    layer: 'kernel',
    clauses: d.clauses,
    arbitrary: d.arbitrary,
    scenario: (a, ctx) => build(a, ctx).plan.ops,
    check: (a, trace, ctx, t) => {
      must(trace.results.length > 0, 'the trace has no results');
      const { plan, judge } = build(a, ctx);
      plan.run(trace, t);
      const clause = d.clauses[0]!;
      if (judge)
        t.check(clause, () => {
          const broken = judge(trace);
          if (broken) throw new Violation(`${broken} [${clause}]`);
        });
    },
    ...(d.runsFactor !== undefined ? { runsFactor: d.runsFactor } : {}),
  });
}

export const kernelPortioProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.portio.model',
    title: 'userland 0x30/0x31/0x32 interleaved with frames, ticks, receives and IPC: the documented checks (and the missing ones), the codes, the bytes stored and sent',
    clauses: [CP.write, CP.writeUnchecked, CP.read, CP.readResult, CP.readPortUnchecked, CP.heap, CP.sameDevices, CP.serialInit, CP.serialRead, CP.serialNoByte, CP.serialWrite, CP.unknownOp, CP.uncheckedMemory, CP.lastPorts, CP.readWidth],
    setup: () => setupArb({ minProcs: 1, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { portWrite: 3, portRead: 4, serialFeed: 2, serialCall: 5, receive: 1, ipc: 1, inject: 1, tick: 2, sendIpv4: 1, netstatus: 1 }),
    maxCommands: 24,
  }),
  planProperty({
    id: 'kernel.portio.devices',
    title: "0x30 and 0x31 reach the drivers' devices: THR bytes on the serial line (low byte only), the NIC's station address, COM1's scratch register, unmapped ports and the top of the I/O space all ones",
    clauses: [CP.write, CP.sameDevices, CP.lastPorts],
    arbitrary: () =>
      fc.record({
        mac: fc.tuple(fc.constant(0x02), fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 5, maxLength: 5 })).map(([a, r]) => [a, ...r]),
        bytes: fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 6 }),
        high: fc.constantFrom(0, 0xffffff, 0x123456, 0x800000),
      }),
    plan: devicesPlan,
    runsFactor: 0.3,
  }),
  planProperty({
    id: 'kernel.portio.serial-init',
    title: '0x32/0x01 (arg2 = 0) brings COM1 back to the documented 38 400 baud 8N1 with FIFOs on, whatever userland did to it; arg2 != 0 is InvalidInput',
    clauses: [CP.serialInit],
    arbitrary: () => fc.record({ lcr: fc.integer({ min: 0, max: 0x7f }), dll: fc.integer({ min: 0, max: 0xff }), bad: fc.oneof(fc.constantFrom(1, -1, 0x600000), fc.integer({ min: 1, max: 0xffffffff })) }),
    plan: initPlan,
    runsFactor: 0.3,
  }),
  planProperty({
    id: 'kernel.portio.pointer-edges',
    title: 'the pointer checks of 0x31 and 0x32 at the window edges 0x600000 / 0xA00000, one past them and on the heap; 0x30 and 0x31 port pointers unchecked everywhere; a refused read keeps its byte',
    clauses: [CP.readResult, CP.heap, CP.serialRead, CP.serialWrite, CP.writeUnchecked, CP.readPortUnchecked, CP.readOrder, CP.serialNoByte],
    arbitrary: () => fc.record({ order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 1 }) }),
    plan: edgesPlan,
    runsFactor: 0.3,
  }),
];
