// Edges of userland port I/O the model-based run cannot reach: what an unchecked pointer reads at
// the edges of the kernel's buffers, of guest memory and of the number line
// (kernel.decision.portio-unchecked-pointer-memory), and which 0x30/0x31 calls the snapshot's
// `hazards` counts (kernel.decision.portio-hazard-events). Every edge is in every case; the
// arbitrary only varies the bytes, so a few runs cover it.
import fc from 'fast-check';
import type { Trace } from '../../src/iut/contract.ts';
import type { Checks, PropertyContext, PropertyDef } from '../../src/runner/property.ts';
import { must, mustEqual, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { CP } from './commands/index.ts';
import { CRC_BYTES, tcpFrame } from './frames.ts';
import { portReadBack } from './hazards-portio.ts';
import { NIC, PHYS_LIMIT, PORT_SYS, u32le } from './model-portio.ts';
import { RC, SYS } from './model.ts';
// The kernel address of the IPC buffer, the buf_addr every 0x36 Message carries (spec/contract/README.md).
import { IPC_MSG_BUF_ADDR } from '../../src/kernel/constants.ts';
import { hx, Plan, planProperty, portWrite, serialAt } from './portio.ts';

export const HAZARD_EVENTS = 'kernel.decision.portio-hazard-events';
/** The RTL8139 receive header before each frame in the ring (status u16, length u16). */
const RX_HEADER = 4;
/** Bit 0 of the receive status: ROK, a good frame. */
const RX_ROK = 0x01;
const align4 = (n: number): number => (n + 3) & ~3;

/** Four 0x30 byte writes that point the NIC's receive DMA at `addr` (any process may). */
function setRbstart(plan: Plan, ctx: PropertyContext, addr: number): void {
  const base = ctx.defaults.nicIoFallback + NIC.RBSTART;
  for (let i = 0; i < 4; i++) portWrite(plan, ctx.limits.userWindowStart, base + i, (addr >>> (8 * i)) & 0xff, `0x30 NIC RBSTART byte ${i}`);
}

interface MemoryCase {
  fill: number;
  payload: number;
  msg: number[];
}

function memoryPlan(a: MemoryCase, ctx: PropertyContext): Plan {
  const plan = new Plan();
  const { userWindowStart: w0, ipcMessageBytes, netFrameBufBytes } = ctx.limits;
  const net = ctx.defaults.netFrameBufAddr;
  const ipc = IPC_MSG_BUF_ADDR;
  const mac = [0x02, 0, 0, 0, 0, 1];
  plan.add({ op: 'boot', mac: toHex(Uint8Array.from(mac)), ip: '0a000001' });
  plan.add({ op: 'spawn' });
  plan.add({ op: 'spawn' });
  plan.add({ op: 'syscall', pid: 1, no: SYS.Register, arg1: 0, arg2: 0, note: '0x37 pid 1 becomes the global driver' });
  plan.add({ op: 'syscall', pid: 2, no: SYS.Register, arg1: 80, arg2: 0, note: '0x37 pid 2 binds port 80' });
  // NET_FRAME_BUF: the frame delivered to pid 2.
  const f0 = tcpFrame(80, { payload: a.payload, dstMac: mac });
  plan.add({ op: 'inject', frame: toHex(f0) });
  plan.add({ op: 'tick' });
  // The IPC buffer: a 512-byte message from pid 1 to pid 2 (never zero at its ends).
  const msg = Uint8Array.from({ length: ipcMessageBytes }, (_, i) => a.msg[i % a.msg.length]!);
  plan.add({ op: 'poke', pid: 1, addr: w0 + 0x400, bytes: toHex(msg) });
  plan.add({ op: 'syscall', pid: 1, no: SYS.Ipc, arg1: 2, arg2: w0 + 0x400, note: '0x36 pid 1 → pid 2: the IPC buffer holds the message' });
  // Guest memory: the NIC's DMA sent (one frame each) to 0, right after that frame, just past
  // NET_FRAME_BUF and just past the IPC buffer, so the bytes on either side of each kernel buffer
  // differ from it. The first two start past 2^32 - 1 (RBSTART + CBR = 2^32 and 2^32 + the first
  // frame's footprint): a 32-bit DMA master's address wraps, once on a page edge and once off it.
  const guest = new Map<number, number>();
  let cbr = align4(RX_HEADER + f0.length + CRC_BYTES);
  let low = 0; // where the next low frame's header goes
  const headers: number[] = [];
  for (const target of ['low', 'low', net + netFrameBufBytes, ipc + ipcMessageBytes] as const) {
    const frame = tcpFrame(7, { payload: a.payload + 8, dstMac: mac }).map((b, i) => (i < 6 ? b : b ^ a.fill));
    const header = target === 'low' ? low : target - RX_HEADER; // the frame's first byte lands at `target`
    if (target === 'low') low = header + align4(RX_HEADER + frame.length + CRC_BYTES);
    headers.push(header);
    setRbstart(plan, ctx, (header - cbr) >>> 0);
    plan.add({ op: 'inject', frame: toHex(frame) }, (tr, at, t) =>
      t.check(CP.uncheckedMemory, () => mustEqual(okValue<{ accepted: unknown }>(tr, at, 'inject').accepted, true, `op #${at}: a frame for our MAC with RBSTART reprogrammed to ${hx((header - cbr) >>> 0)}`)),
    );
    frame.forEach((b, i) => guest.set(header + RX_HEADER + i, b));
    cbr = align4(cbr + RX_HEADER + frame.length + CRC_BYTES);
  }
  const at0 = guest.get(RX_HEADER)!;
  const offEdge = headers[1]! + RX_HEADER;
  // Each address, and the byte 0x30 must put on COM1's THR from it (null: the ROK bit of a header).
  // No time passes between them, so at most 17 (the byte shifting and the 16-byte FIFO).
  const edges: [number, number | null, string][] = [
    [0, null, 'guest address 0: the receive header the NIC wrote there (its DMA at 2^32, wrapped)'],
    [RX_HEADER, at0, 'guest memory (a frame the NIC wrote)'],
    [offEdge, guest.get(offEdge)!, 'guest memory: a frame whose DMA started at 2^32 + its header address, wrapped'],
    [RX_HEADER + 0.5, 0, 'a fractional address'],
    [RX_HEADER - PHYS_LIMIT, 0, 'a negative address'],
    [-1, 0, 'a negative address'],
    [PHYS_LIMIT, 0, '2^32, past physical memory (a pointer does not wrap)'],
    [2 ** 53 + RX_HEADER, 0, 'an address past 2^53'],
    [net - 1, 0, 'the byte before NET_FRAME_BUF'],
    [net, f0[0]!, 'NET_FRAME_BUF[0], the last frame delivered'],
    [net + f0.length - 1, f0[f0.length - 1]!, 'the last byte of the frame in NET_FRAME_BUF'],
    [net + netFrameBufBytes - 1, 0, "NET_FRAME_BUF's last byte"],
    [net + netFrameBufBytes, guest.get(net + netFrameBufBytes)!, 'guest memory just past NET_FRAME_BUF'],
    [ipc - 1, 0, 'guest memory just before the IPC buffer'],
    [ipc, msg[0]!, "the IPC buffer's first byte"],
    [ipc + ipcMessageBytes - 1, msg[ipcMessageBytes - 1]!, "the IPC buffer's last byte"],
    [ipc + ipcMessageBytes, guest.get(ipc + ipcMessageBytes)!, 'guest memory just past the IPC buffer'],
  ];
  if (edges.length > ctx.limits.uartFifoBytes + 1) throw new Error(`memoryPlan: ${edges.length} THR writes back to back overflow the UART's FIFO`);
  for (const [addr, want, what] of edges) {
    const at = portReadBack(plan, w0, ctx, addr);
    plan.checks.push((tr: Trace, t: Checks) =>
      t.check(CP.uncheckedMemory, () => {
        mustEqual(okValue<{ result: unknown }>(tr, at, '0x30').result, RC.Okay, `op #${at}: 0x30 with its value pointer at ${addr} (unchecked)`);
        const line = serialAt(tr, at);
        if (want === null) must(line.length === 2 && (parseInt(line, 16) & RX_ROK) === RX_ROK, `op #${at}: 0x30 with its value pointer at ${hx(addr)} (${what}) should put a status byte with ROK set on the serial line; it carried ${JSON.stringify(line)}`);
        else mustEqual(line, toHex(Uint8Array.of(want)), `op #${at}: the byte 0x30 reads through its value pointer at ${addr} (${hx(addr)}, ${what}) and puts on COM1's THR`);
      }),
    );
  }
  return plan;
}

/** The hazard counts of a `snapshot` result. */
function countsAt(trace: Trace, at: number): [unknown, unknown] {
  const h = okValue<{ hazards: Record<string, unknown> | null }>(trace, at, 'snapshot').hazards;
  return [h?.['portio-nic-reprogram'] ?? 0, h?.['portio-unchecked-pointers'] ?? 0];
}

interface EventsCase {
  /** One sort key per call: the calls run in a random order, each one once. */
  keys: number[];
}

function eventsPlan(a: EventsCase, ctx: PropertyContext): Plan {
  const plan = new Plan();
  const { userWindowStart: w0, userWindowEnd: wend } = ctx.limits;
  const nic = ctx.defaults.nicIoFallback;
  const inWin = (p: number) => Number.isSafeInteger(p) && p >= w0 && p <= wend;
  const wholly = (p: number, len: number) => inWin(p) && inWin(p + len - 1);
  plan.add({ op: 'boot', mac: '020000000001', ip: '0a000001' });
  plan.add({ op: 'spawn' });
  // Port numbers the pointers at the window's end find there: unmapped ports (0x80, 0x8000).
  plan.add({ op: 'poke', pid: 1, addr: wend - 3, bytes: toHex(Uint8Array.of(0x80, 0, 0x80, 0, 0x80)) });
  const calls: { op: () => number; nic: number; unchecked: number; what: string }[] = [];
  // The NIC's I/O window and one port either side, with both pointers inside the window.
  for (const port of [nic - 1, nic, nic + NIC.SIZE - 1, nic + NIC.SIZE, ctx.defaults.comBase + 7]) {
    const reg = port - nic;
    calls.push({ op: () => portWrite(plan, w0 + 0x40, port, 0, `0x30 port ${hx(port)} ← 0`), nic: reg >= 0 && reg < NIC.SIZE ? 1 : 0, unchecked: 0, what: `0x30 to port ${hx(port)}` });
  }
  const edges = [w0 - 1, w0, wend - 3, wend - 2, wend - 1, wend, wend + 1, 0xc00000, -1, 0.5, 2 ** 53];
  const port0 = w0 + 0x20; // holds port 0x80
  const value0 = w0 + 0x24;
  for (const p of edges) {
    calls.push({ op: () => plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Write, arg1: p, arg2: value0, note: `0x30 port pointer ${p}` }), nic: 0, unchecked: wholly(p, 2) ? 0 : 1, what: `0x30 with its port pointer (2 bytes) at ${p}` });
    calls.push({ op: () => plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Write, arg1: port0, arg2: p, note: `0x30 value pointer ${p}` }), nic: 0, unchecked: wholly(p, 4) ? 0 : 1, what: `0x30 with its value pointer (4 bytes) at ${p}` });
    calls.push({ op: () => plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Read, arg1: p, arg2: w0 + 0x30, note: `0x31 port pointer ${p}` }), nic: 0, unchecked: wholly(p, 2) ? 0 : 1, what: `0x31 with its port pointer (2 bytes) at ${p}` });
  }
  // Both of 0x30's pointers outside: two events; a 0x31 refused for its result pointer dereferences nothing.
  calls.push({ op: () => plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Write, arg1: wend + 1, arg2: wend + 1, note: '0x30, both pointers past the window' }), nic: 0, unchecked: 2, what: '0x30 with both pointers past the window' });
  calls.push({ op: () => plan.add({ op: 'syscall', pid: 1, no: PORT_SYS.Read, arg1: wend + 1, arg2: wend + 1, note: '0x31 refused: its result pointer is outside' }), nic: 0, unchecked: 0, what: '0x31 refused for its result pointer' });
  plan.add({ op: 'poke', pid: 1, addr: port0, bytes: toHex(Uint8Array.of(0x80, 0, 0, 0, ...u32le(0x5a))) });
  let prev = plan.add({ op: 'snapshot', fields: ['hazards'] });
  const order = calls.map((c, i) => ({ c, k: a.keys[i % a.keys.length]! + i / calls.length })).sort((x, y) => x.k - y.k);
  for (const { c } of order) {
    const before = prev;
    c.op();
    const after = (prev = plan.add({ op: 'snapshot', fields: ['hazards'] }));
    plan.checks.push((tr, t) =>
      t.check(HAZARD_EVENTS, () => {
        const [n0, u0] = countsAt(tr, before);
        const [n1, u1] = countsAt(tr, after);
        must(typeof n0 === 'number' && typeof n1 === 'number' && typeof u0 === 'number' && typeof u1 === 'number', `ops #${before}, #${after}: hazards['portio-nic-reprogram'] and ['portio-unchecked-pointers'] must be counts`);
        mustEqual([n1 - n0, u1 - u0], [c.nic, c.unchecked], `ops #${before}..#${after}: the hazard events [portio-nic-reprogram, portio-unchecked-pointers] counted for ${c.what} (window ${hx(w0)}..=${hx(wend)}, NIC ${hx(nic)}..${hx(nic + NIC.SIZE - 1)})`);
      }),
    );
  }
  return plan;
}

export const kernelPortioEdgeProperties: PropertyDef[] = [
  planProperty<MemoryCase>({
    id: 'kernel.portio.unchecked-memory',
    title: "an unchecked 0x30 value pointer reads the kernel's buffers exactly over their extent, guest memory beside them, and zero for negative, fractional and ≥ 2^32 addresses",
    clauses: [CP.uncheckedMemory],
    arbitrary: () => fc.record({ fill: fc.integer({ min: 1, max: 0xff }), payload: fc.integer({ min: 1, max: 64 }), msg: fc.array(fc.integer({ min: 1, max: 0xff }), { minLength: 1, maxLength: 8 }) }),
    plan: memoryPlan,
    runsFactor: 0.05,
  }),
  planProperty<EventsCase>({
    id: 'kernel.portio.hazard-events',
    title: "the snapshot counts one portio-nic-reprogram per 0x30 into the NIC's I/O window and one portio-unchecked-pointers per pointer not wholly inside the window",
    clauses: [HAZARD_EVENTS],
    arbitrary: () => fc.record({ keys: fc.array(fc.nat({ max: 1000 }), { minLength: 48, maxLength: 48 }) }),
    plan: eventsPlan,
    runsFactor: 0.05,
  }),
];
