// The receive side: the chip's ring writes (header, CRC, alignment, WRAP, ring full, address
// filter) and the driver's receive_frame (order, drop-and-continue, advance, empty, ROK ack).
// Each check rebuilds its scenario from the input (scenarios are pure functions of the input).
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { must, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { align4, ieee8023Crc32, CRC32_CHECK } from '../oracles.ts';
import {
  NIC,
  RingModel,
  advanceRingTo,
  deliveredHex,
  deliveredOf,
  dmaOf,
  footprint,
  frameHex,
  expectSame,
  frameSpec,
  initValue,
  memoOps,
  injectValue,
  ioOfOp,
  patterned,
  peekBytes,
  pollValue,
  registerValue,
  stateAt,
  u16le,
  u32le,
  type DmaObs,
  type FrameSpec,
} from './support.ts';

type Action = { kind: 'inject'; frame: FrameSpec } | { kind: 'poll' };

const actions = (min: number, max: number, maxLen: number, injectWeight = 3): fc.Arbitrary<Action[]> =>
  fc.array(
    fc.oneof(
      { weight: injectWeight, arbitrary: frameSpec(min, max).map((frame): Action => ({ kind: 'inject', frame })) },
      { weight: 2, arbitrary: fc.constant<Action>({ kind: 'poll' }) },
    ),
    { minLength: 1, maxLength: maxLen },
  );

const actionOps = (acts: Action[]): Op[] => acts.map((a): Op => (a.kind === 'inject' ? { op: 'inject', frame: frameHex(a.frame) } : { op: 'poll' }));

/**
 * Checks every inject and poll of a scenario against the ring model of the clauses: outcomes
 * (accepted at CBR / ring-full / too-small / too-large), MPC and CBR after each inject, what
 * each poll returns, RX_OFFSET and CAPR after each poll.
 */
export function checkAgainstRing(ops: Op[], trace: Trace, ctx: PropertyContext, from = 0): RingModel {
  const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
  for (let i = from; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.op === 'inject') {
      const frame = op['frame'] as string;
      const want = ring.inject(frame);
      expectSame(injectValue(trace, i), want, () => `inject of a ${frame.length / 2}-byte frame (op #${i})`);
      expectSame(stateAt(trace, i).MPC, ring.mpc, () => `MPC after op #${i}`);
      expectSame(stateAt(trace, i).CBR, ring.cbr, () => `CBR after op #${i}`);
    } else if (op.op === 'poll') {
      const buffer = (op['buffer'] as number | undefined) ?? ctx.limits.rxCallerBufferBytes;
      const want = ring.poll(buffer);
      const got = pollValue(trace, i);
      const what = (): string => (want.consumed ? `the ${want.consumed.length}-byte frame at ring offset ${want.consumed.offset}` : 'an empty ring');
      expectSame(got.length, want.length, () => `poll (op #${i}) of ${what()} into a ${buffer}-byte buffer: length`);
      if (got.frame !== want.frame) must(false, `poll (op #${i}) of ${what()}: delivered bytes differ from the frame injected`);
      const s = stateAt(trace, i);
      expectSame(s.RX_OFFSET % ring.size, ring.rxOffset, () => `RX_OFFSET after poll (op #${i})`);
      expectSame(s.CAPR, ring.capr, () => `CAPR after poll (op #${i}) (RX_OFFSET - 16)`);
    }
  }
  return ring;
}

/** Union of the DMA writes of one op as sorted, merged [start, end) intervals. */
function writtenRanges(dma: DmaObs[], op: number): [number, number][] {
  const r = dma.filter((d) => d.op === op && d.length > 0).map((d): [number, number] => [d.at, d.at + d.length]);
  r.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const x of r) {
    const last = out[out.length - 1];
    if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
    else out.push([x[0], x[1]]);
  }
  return out;
}

const rangesText = (r: [number, number][]): string => r.map(([a, b]) => `[${a}, ${b})`).join(' ') || 'none';

/** Checks one slot in ring memory (as read back by peek-ring): header, frame, CRC-32. */
function checkSlot(mem: Uint8Array, offset: number, frame: Uint8Array, what: string, status?: number): void {
  const st = u16le(mem, offset);
  must((st & NIC.STATUS_ROK) !== 0, `${what}: header status 0x${st.toString(16)} at ring offset ${offset} lacks ROK`);
  if (status !== undefined) expectSame(`0x${st.toString(16)}`, `0x${status.toString(16)}`, `${what}: header status`);
  expectSame(u16le(mem, offset + 2), frame.length + NIC.CRC, `${what}: header length (frame + 4)`);
  must(toHex(mem.subarray(offset + NIC.HEADER, offset + NIC.HEADER + frame.length)) === toHex(frame), `${what}: frame bytes in the ring differ from the frame injected`);
  const crc = u32le(mem, offset + NIC.HEADER + frame.length);
  expectSame(`0x${crc.toString(16)}`, `0x${ieee8023Crc32(frame).toString(16)}`, `${what}: CRC-32 after the frame (little-endian)`);
}

// ------------------------------------------------------------------ scenarios

const inOrderOps = memoOps((acts: Action[]): Op[] => {
  const injects = acts.filter((a) => a.kind === 'inject').length;
  return [{ op: 'init' }, ...actionOps(acts), ...Array.from({ length: injects + 1 }, (): Op => ({ op: 'poll' }))];
});

/** Enough ring to see any slot: the ring, and the longest frame written past its end. */
const peekAll = (ctx: PropertyContext): Op => ({ op: 'peek-ring', offset: 0, length: ctx.limits.rxRingBytes + NIC.HEADER + NIC.MAX_WRITTEN + NIC.CRC });

const slotsOps = (frames: FrameSpec[], ctx: PropertyContext): Op[] => [{ op: 'init' }, ...frames.map((f): Op => ({ op: 'inject', frame: frameHex(f) })), peekAll(ctx)];

interface WrapInput {
  /** The crossing frame's header starts 4 × back bytes before the ring end. */
  back: number;
  length: number;
  seed: number;
  wrap: boolean;
}

const wrapAt = (w: WrapInput, ctx: PropertyContext): number => ctx.limits.rxRingBytes - 4 * w.back;

/** Index of the crossing frame's inject in wrapOps. */
const wrapInjectIndex = (w: WrapInput, ctx: PropertyContext): number => wrapOps(w, ctx).findIndex((o, k, all) => o.op === 'inject' && all[k + 1]?.op === 'peek-ring');

const wrapOps = memoOps((w: WrapInput, ctx: PropertyContext): Op[] => {
  const ring = ctx.limits.rxRingBytes;
  const at = wrapAt(w, ctx);
  const end = at + NIC.HEADER + w.length + NIC.CRC;
  const ops: Op[] = [{ op: 'init' }];
  if (!w.wrap) ops.push({ op: 'write-register', name: 'RCR', value: NIC.INIT_RCR & ~NIC.RCR_WRAP });
  ops.push(...advanceRingTo(at, ctx, w.seed));
  ops.push(
    { op: 'inject', frame: toHex(patterned(w.length, w.seed)) },
    { op: 'peek-ring', offset: at, length: end - at },
    { op: 'peek-ring', offset: 0, length: end - ring },
    { op: 'read-register', name: 'CBR' },
  );
  if (w.wrap) ops.push({ op: 'poll' }, { op: 'inject', frame: toHex(patterned(ctx.limits.minEthernetFrame, w.seed + 1)) }, { op: 'poll' });
  return ops;
});

type Cls = 'broadcast' | 'mine' | 'multicast' | 'other';
interface FilterInput {
  mar: number[];
  rcr: number;
  rxEnabled: boolean;
  mac: string;
  frames: { cls: Cls; body: FrameSpec }[];
}

function dstFor(cls: Cls, mac: string, seed: number): string {
  const r = patterned(6, seed);
  if (cls === 'broadcast') return 'ffffffffffff';
  if (cls === 'mine') return mac;
  if (cls === 'multicast') {
    const m = toHex(Uint8Array.from([r[0]! | 1, ...r.subarray(1)]));
    return m === 'ffffffffffff' ? '01005e000001' : m;
  }
  const u = toHex(Uint8Array.from([r[0]! & 0xfe, ...r.subarray(1)]));
  return u === mac ? (mac === '020000000001' ? '020000000002' : '020000000001') : u;
}

const filterFrames = (f: FilterInput): string[] => f.frames.map((x) => dstFor(x.cls, f.mac, x.body.seed) + frameHex(x.body));

const filterOps = (f: FilterInput, ctx: PropertyContext): Op[] => [
  { op: 'setup', mac: f.mac },
  ...marOps(f.mar),
  { op: 'inject', frame: filterFrames(f)[0]! },
  { op: 'init' },
  { op: 'write-register', name: 'RCR', value: f.rcr },
  { op: 'write-register', name: 'CR', value: f.rxEnabled ? NIC.CR_RE | NIC.CR_TE : NIC.CR_TE },
  ...filterFrames(f).map((frame): Op => ({ op: 'inject', frame })),
  peekAll(ctx),
];

/** Multicast is accepted with AM whatever the MAR hash holds (nic.rx.status-class-bits). */
const marOps = (mar: number[]): Op[] => [
  ...mar.map((v, k): Op => ({ op: 'write-register', name: `MAR${k}`, value: v })),
  ...mar.map((_, k): Op => ({ op: 'read-register', name: `MAR${k}` })),
];

/** Expected header status for a frame under an RCR, or undefined when the filter refuses it. */
function filterStatus(rcr: number, cls: Cls): number | undefined {
  if (rcr & NIC.RCR_AAP) return NIC.STATUS_ROK;
  if (cls === 'broadcast') return rcr & NIC.RCR_AB ? NIC.STATUS_ROK | NIC.STATUS_BAR : undefined;
  if (cls === 'multicast') return rcr & NIC.RCR_AM ? NIC.STATUS_ROK | NIC.STATUS_MAR : undefined;
  if (cls === 'mine') return rcr & NIC.RCR_APM ? NIC.STATUS_ROK | NIC.STATUS_PAM : undefined;
  return undefined;
}

interface DropInput {
  buffer: number;
  frames: FrameSpec[];
}

const dropOps = memoOps((d: DropInput, ctx: PropertyContext): Op[] => [
  { op: 'init' },
  ...d.frames.flatMap((f): Op[] => [
    { op: 'inject', frame: frameHex(f) },
    { op: 'poll', buffer: d.buffer },
  ]),
  // The shortest frame delivered: 14 bytes with its CRC (fits any buffer the input picks).
  { op: 'inject', frame: toHex(patterned(ctx.limits.minRxFrame - NIC.CRC, 7)) },
  { op: 'poll', buffer: d.buffer },
]);

/**
 * Frame lengths around every threshold the receive path has: the driver's are on the copied
 * length, frame + CRC (so at min - 4 and buffer - 4), the chip's on the frame itself.
 */
const dropLengths = (ctx: PropertyContext, buffer: number): fc.Arbitrary<number> => {
  const min = ctx.limits.minRxFrame;
  const c = NIC.CRC;
  return fc.oneof(
    fc.constantFrom(0, 1, min - c - 1, min - c, min - 1, min, buffer - c, buffer - c + 1, buffer, buffer + 1, NIC.MAX_WRITTEN, NIC.MAX_WRITTEN + 1),
    fc.integer({ min: 1, max: min - 1 }),
    fc.integer({ min, max: buffer }),
    fc.integer({ min: buffer + 1, max: NIC.MAX_WRITTEN + 8 }),
  );
};

interface EmptyInput {
  frames: FrameSpec[];
  extraPolls: number;
}

const emptyOps = memoOps((e: EmptyInput): Op[] => [
  { op: 'init' },
  { op: 'poll' },
  ...e.frames.map((f): Op => ({ op: 'inject', frame: frameHex(f) })),
  ...Array.from({ length: e.frames.length + e.extraPolls }, (): Op => ({ op: 'poll' })),
]);

// ------------------------------------------------------------------ properties

export const nicRxProperties = [
  defineProperty({
    id: 'nic.rx.in-order',
    title: 'frames of 14..1514 bytes injected and polled in any interleaving come out intact, in order, one per receive_frame, each followed by its CRC-32',
    layer: 'nic',
    clauses: ['nic.rx.in-order', 'nic.rx.deliver-includes-crc'],
    arbitrary: (ctx) => actions(ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame, 16),
    scenario: (acts, ctx) => inOrderOps(acts, ctx),
    check: (acts, trace, ctx) => {
      okValue(trace, 0, 'init');
      const ops = inOrderOps(acts, ctx);
      const ring = checkAgainstRing(ops, trace, ctx, 1);
      expectSame(ring.unread.length, 0, 'frames never delivered');
      const polled = ops.flatMap((o, i) => (o.op === 'poll' && pollValue(trace, i).length > 0 ? [{ op: i, frame: pollValue(trace, i).frame }] : []));
      must(JSON.stringify(deliveredOf(trace)) === JSON.stringify(polled), 'observations.delivered must list exactly the frames the polls returned');
    },
    runsFactor: 0.6,
  }),
  defineProperty({
    id: 'nic.rx.slot-layout',
    title: 'each accepted frame sits in the ring behind a header (ROK, length = frame + 4) and before its CRC-32; the next starts at the next 4-byte boundary; ROK is raised',
    layer: 'nic',
    clauses: ['nic.rx.header', 'nic.rx.crc', 'nic.rx.align', 'nic.rx.rok'],
    arbitrary: () => fc.array(frameSpec(1, NIC.MAX_WRITTEN), { minLength: 1, maxLength: 6 }),
    scenario: (frames, ctx) => slotsOps(frames, ctx),
    check: (frames, trace, ctx) => {
      okValue(trace, 0, 'init');
      const ring = ctx.limits.rxRingBytes;
      expectSame(stateAt(trace, 0).ISR & NIC.ISR_ROK, 0, 'ISR.ROK before any frame');
      const mem = peekBytes(trace, frames.length + 1);
      let cbr = 0;
      for (const [k, f] of frames.entries()) {
        const i = k + 1;
        const o = injectValue(trace, i);
        if (!o.accepted) {
          must(k > 0, 'the first frame into an empty ring must be accepted');
          expectSame(o.reason, 'ring-full', `frame #${k} (${f.length} bytes) refused`);
          continue;
        }
        expectSame(o.offset, cbr, `frame #${k} written at the write offset`);
        checkSlot(mem, o.offset, patterned(f.length, f.seed), `frame #${k} (${f.length} bytes)`);
        cbr = align4(o.offset + NIC.HEADER + f.length + NIC.CRC) % ring;
        expectSame(stateAt(trace, i).CBR, cbr, `CBR after frame #${k}`);
        must((stateAt(trace, i).ISR & NIC.ISR_ROK) !== 0, `ISR.ROK after frame #${k} was written`);
      }
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'nic.rx.crc-check-value',
    title: 'the CRC the chip appends to the 9-byte frame "123456789" is 0xCBF43926 (bytes 26 39 f4 cb)',
    layer: 'nic',
    clauses: ['nic.rx.crc'],
    arbitrary: () => fc.constant(null),
    scenario: (): Op[] => [
      { op: 'init' },
      { op: 'inject', frame: toHex(new TextEncoder().encode(CRC32_CHECK.input)) },
      { op: 'peek-ring', offset: 0, length: 20 },
    ],
    check: (_x, trace) => {
      expectSame(ieee8023Crc32(new TextEncoder().encode(CRC32_CHECK.input)), CRC32_CHECK.value, 'the suite’s own CRC-32 oracle on its check value');
      const mem = peekBytes(trace, 2);
      expectSame(`0x${u32le(mem, NIC.HEADER + CRC32_CHECK.input.length).toString(16)}`, `0x${CRC32_CHECK.value.toString(16)}`, 'CRC-32("123456789") in the ring');
    },
    runsFactor: 0.01,
  }),
  defineProperty({
    id: 'nic.rx.wrap',
    title: 'a frame crossing the ring end is written in one piece into the guard with WRAP (split to the ring start without), the write offset wraps, and the driver delivers it intact',
    layer: 'nic',
    clauses: ['nic.rx.wrap'],
    arbitrary: (ctx) =>
      fc
        .record({ back: fc.integer({ min: 1, max: 400 }), length: fc.integer({ min: ctx.limits.minRxFrame, max: ctx.limits.rxCallerBufferBytes - NIC.CRC }), seed: fc.nat({ max: 999 }), wrap: fc.boolean() })
        .filter((w) => w.length + NIC.HEADER + NIC.CRC > 4 * w.back),
    scenario: (w, ctx) => wrapOps(w, ctx),
    check: (w, trace, ctx) => {
      const ring = ctx.limits.rxRingBytes;
      const at = wrapAt(w, ctx);
      const i = wrapInjectIndex(w, ctx);
      expectSame(injectValue(trace, i), { accepted: true, offset: at }, `the ${w.length}-byte frame after the ring was advanced to ${at}`);
      const frame = patterned(w.length, w.seed);
      const end = at + NIC.HEADER + w.length + NIC.CRC;
      const written = writtenRanges(dmaOf(trace), i);
      if (w.wrap) {
        expectSame(rangesText(written), rangesText([[at, end]]), 'with WRAP the chip writes header, frame and CRC in one piece past the ring end');
        checkSlot(peekBytes(trace, i + 1), 0, frame, 'the crossing frame');
      } else {
        expectSame(rangesText(written), rangesText([[0, end - ring], [at, ring]]), 'without WRAP the chip splits the frame at the ring end');
        const joined = Uint8Array.from([...peekBytes(trace, i + 1).subarray(0, ring - at), ...peekBytes(trace, i + 2)]);
        checkSlot(joined, 0, frame, 'the split frame (ring end, then ring start)');
      }
      expectSame(registerValue(trace, i + 3), align4(end) % ring, 'CBR after the crossing frame (wrapped)');
      if (w.wrap) {
        const p = pollValue(trace, i + 4);
        must(p.length === w.length + NIC.CRC && p.frame === deliveredHex(toHex(frame)), `the crossing frame was not delivered intact with its CRC (got ${p.length} bytes)`);
        expectSame(injectValue(trace, i + 5), { accepted: true, offset: align4(end) - ring }, 'the next frame starts at the wrapped write offset');
        expectSame(pollValue(trace, i + 6).length, ctx.limits.minEthernetFrame + NIC.CRC, 'the next frame is delivered (with its CRC)');
      }
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.rx.ring-full',
    title: 'a frame is written only if align4(frame + 8) < free space; a refused frame writes nothing, sets RXOVW and counts in MPC; unread frames are never touched and come out intact',
    layer: 'nic',
    clauses: ['nic.rx.ring-full', 'nic.rx.no-overwrite'],
    arbitrary: () => actions(1, NIC.MAX_WRITTEN, 24, 6),
    scenario: (acts, ctx) => inOrderOps(acts, ctx),
    check: (acts, trace, ctx) => {
      const ops = inOrderOps(acts, ctx);
      const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
      const dma = dmaOf(trace);
      let refused = 0;
      for (let i = 1; i < ops.length; i++) {
        const op = ops[i]!;
        if (op.op === 'poll') {
          ring.poll(ctx.limits.rxCallerBufferBytes);
          continue;
        }
        // Unread slots, physically (WRAP: a slot runs on past the ring end, never splits).
        const unread = ring.unread.map((u): [number, number] => [u.offset, u.offset + footprint(u.length)]);
        const want = ring.inject(op['frame'] as string);
        const got = injectValue(trace, i);
        const s = stateAt(trace, i);
        expectSame(got, want, () => `inject of a ${(op['frame'] as string).length / 2}-byte frame (op #${i}) with ${unread.length} unread frames`);
        if (!want.accepted) {
          refused++;
          expectSame(rangesText(writtenRanges(dma, i)), 'none', `a refused frame (op #${i}) must write nothing`);
          must((s.ISR & NIC.ISR_RXOVW) !== 0, `ISR.RXOVW after the refused frame (op #${i})`);
        }
        expectSame(s.MPC, ring.mpc, () => `MPC after op #${i} (${refused} refused so far)`);
        for (const [a, b] of writtenRanges(dma, i)) {
          for (const [ua, ub] of unread) {
            // Compare modulo the ring as well: a write past the end must not reach the ring start's unread data either.
            const hits = (x: number, y: number) => x < ub && ua < y;
            must(!hits(a, b) && !hits(a - ring.size, b - ring.size) && !hits(a + ring.size, b + ring.size), `op #${i} wrote [${a}, ${b}) over the unread frame at [${ua}, ${ub})`);
          }
        }
      }
      // Everything accepted comes out, intact and in order (checked by the ring walk).
      checkAgainstRing(ops, trace, ctx, 1);
    },
    runsFactor: 0.4,
  }),
  defineProperty({
    id: 'nic.rx.drop-and-continue',
    title: 'frames whose length with the CRC is under 14 bytes or over the caller’s buffer are dropped (0) yet consumed: RX_OFFSET = align4(RX_OFFSET + length + 4), CAPR = RX_OFFSET - 16, later frames flow; the chip writes 1..4092-byte frames',
    layer: 'nic',
    clauses: ['nic.rx.drop-and-continue', 'nic.rx.drop-thresholds-on-frame', 'nic.rx.advance', 'nic.rx.no-runt-filter'],
    arbitrary: (ctx) =>
      fc
        .oneof(fc.constant(ctx.limits.rxCallerBufferBytes), fc.integer({ min: ctx.limits.minRxFrame, max: ctx.limits.rxCallerBufferBytes }))
        .chain((buffer) => fc.record({ buffer: fc.constant(buffer), frames: fc.array(fc.record({ length: dropLengths(ctx, buffer), seed: fc.nat({ max: 0xffff }) }), { minLength: 1, maxLength: 10 }) })),
    scenario: (d, ctx) => dropOps(d, ctx),
    check: (d, trace, ctx) => {
      okValue(trace, 0, 'init');
      const ops = dropOps(d, ctx);
      checkAgainstRing(ops, trace, ctx, 1);
      const last = ops.length - 1;
      expectSame(pollValue(trace, last).length, ctx.limits.minRxFrame, 'a minimal frame (10 bytes + CRC) after the dropped ones is delivered');
    },
    runsFactor: 0.6,
  }),
  defineProperty({
    id: 'nic.rx.empty-and-ack',
    title: 'receive_frame on an empty ring returns 0 and writes no register; on a non-empty one it first acknowledges ROK (ISR <- 0x0001), then writes CAPR',
    layer: 'nic',
    clauses: ['nic.rx.empty', 'nic.rx.ack-rok'],
    arbitrary: (ctx) => fc.record({ frames: fc.array(frameSpec(ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame), { maxLength: 3 }), extraPolls: fc.integer({ min: 1, max: 3 }) }),
    scenario: (e, ctx) => emptyOps(e, ctx),
    check: (e, trace, ctx) => {
      const io = initValue(trace, 0).ioBase;
      const polls = emptyOps(e, ctx).flatMap((o, i) => (o.op === 'poll' ? [i] : []));
      let waiting = 0;
      let pending = e.frames.length;
      for (const i of polls) {
        const before = stateAt(trace, i - 1);
        if (i > 1 && pending > 0) {
          waiting += pending;
          pending = 0;
        }
        const outs = ioOfOp(trace, i).filter((a) => a.dir === 'out');
        if (waiting === 0) {
          expectSame(pollValue(trace, i).length, 0, `poll (op #${i}) on an empty ring`);
          expectSame(outs.length, 0, `register writes by a poll of an empty ring (op #${i})`);
          const after = stateAt(trace, i);
          expectSame([after.CAPR, after.RX_OFFSET], [before.CAPR, before.RX_OFFSET], `CAPR and RX_OFFSET across an empty poll (op #${i})`);
          continue;
        }
        waiting--;
        const isr = outs.findIndex((a) => a.port === io + NIC.ISR);
        const capr = outs.findIndex((a) => a.port === io + NIC.CAPR);
        must(isr >= 0, `poll (op #${i}) of a waiting frame never wrote ISR`);
        expectSame([outs[isr]!.width, outs[isr]!.value], [2, NIC.ISR_ROK], `poll (op #${i}): ISR acknowledge (width, value)`);
        must(capr > isr, `poll (op #${i}): ISR must be acknowledged before CAPR is written`);
        expectSame(stateAt(trace, i).ISR & NIC.ISR_ROK, 0, `ISR.ROK after poll (op #${i})`);
      }
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'nic.rx.address-filter',
    title: 'with RE set the chip takes a frame iff RCR accepts its address class (multicast whatever MAR0-7 hold); promiscuous frames carry ROK alone, filtered ones broadcast/physical/multicast bits; with RE clear nothing is taken',
    layer: 'nic',
    clauses: ['nic.rx.status-class-bits', 'nic.rx.rx-enabled'],
    arbitrary: (ctx) =>
      fc.record({
        mar: fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 8, maxLength: 8 }),
        rcr: fc.integer({ min: 0, max: 15 }).map((b) => b | NIC.RCR_WRAP),
        rxEnabled: fc.boolean(),
        mac: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((m) => toHex(Uint8Array.from([m[0]! & 0xfe, ...m.subarray(1)]))),
        frames: fc.array(fc.record({ cls: fc.constantFrom<Cls>('broadcast', 'mine', 'multicast', 'other'), body: frameSpec(ctx.limits.minRxFrame - 6, 200) }), { minLength: 1, maxLength: 6 }),
      }),
    scenario: (f, ctx) => filterOps(f, ctx),
    check: (f, trace) => {
      const m = 2 * f.mar.length;
      expectSame(f.mar.map((_, k) => registerValue(trace, 1 + f.mar.length + k)), f.mar, 'MAR0-7 read back');
      expectSame(injectValue(trace, m + 1), { accepted: false, reason: 'rx-disabled' }, 'a frame before init (CR.RE clear)');
      const frames = filterFrames(f);
      const mem = peekBytes(trace, m + 5 + frames.length);
      let expectOffset = 0;
      for (const [k, hexFrame] of frames.entries()) {
        const i = m + 5 + k;
        const status = f.rxEnabled ? filterStatus(f.rcr, f.frames[k]!.cls) : undefined;
        const got = injectValue(trace, i);
        const what = `${f.frames[k]!.cls} frame #${k} with RCR 0x${f.rcr.toString(16)}, RE ${f.rxEnabled ? 'set' : 'clear'}`;
        if (status === undefined) {
          expectSame(got, { accepted: false, reason: 'rx-disabled' }, what);
          continue;
        }
        expectSame(got, { accepted: true, offset: expectOffset }, what);
        const bytes = Uint8Array.from(Buffer.from(hexFrame, 'hex'));
        checkSlot(mem, expectOffset, bytes, what, status);
        expectOffset = align4(expectOffset + NIC.HEADER + bytes.length + NIC.CRC);
      }
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'nic.hazard.guard-overrun',
    title: 'HAZARD: the chip’s DMA never writes outside RX_BUFFER (ring + 16 + 1500-byte guard) for any frame the driver accepts (up to 2 KiB with its CRC)',
    layer: 'nic',
    clauses: ['nic.rx.guard-overrun'],
    arbitrary: (ctx) =>
      fc.record({
        back: fc.integer({ min: 1, max: 64 }),
        // Up to the longest frame the driver accepts: its CRC must fit the 2 KiB buffer too.
        length: fc.integer({ min: ctx.limits.maxEthernetFrame - 200, max: ctx.limits.rxCallerBufferBytes - NIC.CRC }),
        seed: fc.nat({ max: 999 }),
      }),
    scenario: (g, ctx) => [{ op: 'init' }, ...advanceRingTo(ctx.limits.rxRingBytes - 4 * g.back, ctx, g.seed), { op: 'inject', frame: toHex(patterned(g.length, g.seed)) }, { op: 'poll' }],
    check: (g, trace, ctx) => {
      const alloc = ctx.limits.rxRingBytes + ctx.limits.rxRingSlack + ctx.limits.rxOverrunGuardBytes;
      for (const d of dmaOf(trace)) {
        must(d.at >= 0 && d.at + d.length <= alloc, `op #${d.op} (a ${g.length}-byte frame at ring offset ${ctx.limits.rxRingBytes - 4 * g.back}) wrote [${d.at}, ${d.at + d.length}) relative to RX_BUFFER, past its ${alloc}-byte allocation`);
      }
    },
    runsFactor: 0.3,
  }),
];
