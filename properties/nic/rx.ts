// The receive side: the chip's ring writes (header, CRC, alignment, WRAP, ring full; the address
// filter is in rx-filter.ts) and the driver's receive_frame (order, drop-and-continue, advance, empty, ROK ack).
// Each check rebuilds its scenario from the input (scenarios are pure functions of the input).
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { must, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { align4, ieee8023Crc32, CRC32_CHECK } from '../oracles.ts';
import { ringCrossing, rxLength } from './arbitraries.ts';
import { checkAgainstRing, checkFrameAndCrc, checkHeader, checkPlacement, lazy, peekAll, rangesText, writtenRanges } from './rx-checks.ts';
import {
  NIC,
  RingModel,
  advanceRingTo,
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
  u32le,
  peekValue,
  type InjectValue,
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

// ------------------------------------------------------------------ scenarios

/** A frame sized from the free space when it is injected: align4(frame + 8) = free + delta. */
type FitAction = { kind: 'fit'; delta: -4 | 0 | 4; slack: number; seed: number };
type RingAction = Action | FitAction;

const ringFullActions = (ctx: PropertyContext): fc.Arbitrary<RingAction[]> =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ length: rxLength(ctx, 1, NIC.MAX_WRITTEN), seed: fc.nat({ max: 0xffff }) }).map((frame): Action => ({ kind: 'inject', frame })) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('fit' as const), delta: fc.constantFrom<-4 | 0 | 4>(-4, 0, 4), slack: fc.integer({ min: 0, max: 3 }), seed: fc.nat({ max: 0xffff }) }) },
      { weight: 2, arbitrary: fc.constant<Action>({ kind: 'poll' }) },
    ),
    { minLength: 1, maxLength: 24 },
  );

/**
 * The ring-full scenario: a fit action becomes a frame that exactly fills the free space
 * (delta 0, refused: the write offset would catch up with the read pointer), one dword under
 * (accepted) or over (refused), free space taken from the ring model of the clauses; when the
 * free space is more than one frame can fill, accepted 2000-byte frames fill it first.
 */
const ringFullOps = memoOps((acts: RingAction[], ctx: PropertyContext): Op[] => {
  const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
  const ops: Op[] = [{ op: 'init' }];
  const inject = (frame: string): void => {
    ops.push({ op: 'inject', frame });
    // MPC read through the chip's port, not only the snapshot, after every refusal.
    if (!ring.inject(frame).accepted) ops.push({ op: 'read-register', name: 'MPC' });
  };
  for (const a of acts) {
    if (a.kind === 'poll') {
      ring.poll(ctx.limits.rxCallerBufferBytes);
      ops.push({ op: 'poll' });
    } else if (a.kind === 'inject') inject(frameHex(a.frame));
    else {
      for (let k = 0; ring.free() + a.delta - NIC.HEADER - NIC.CRC > NIC.MAX_WRITTEN; k++) inject(toHex(patterned(2000, a.seed + k)));
      const length = ring.free() + a.delta - NIC.HEADER - NIC.CRC - a.slack;
      if (length >= 1) inject(toHex(patterned(length, a.seed)));
    }
  }
  const injects = ops.filter((o) => o.op === 'inject').length;
  return [...ops, ...Array.from({ length: injects + 1 }, (): Op => ({ op: 'poll' }))];
});

const inOrderOps = memoOps((acts: Action[]): Op[] => {
  const injects = acts.filter((a) => a.kind === 'inject').length;
  return [{ op: 'init' }, ...actionOps(acts), ...Array.from({ length: injects + 1 }, (): Op => ({ op: 'poll' }))];
});


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
  // The poll of the crossing frame, CAPR read through the port, then a frame at the wrapped offset.
  if (w.wrap) ops.push({ op: 'poll' }, { op: 'read-register', name: 'CAPR' }, { op: 'inject', frame: toHex(patterned(ctx.limits.minEthernetFrame, w.seed + 1)) }, { op: 'poll' });
  return ops;
});

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
    check: (acts, trace, ctx, t) => {
      const C = 'nic.rx.in-order';
      t.step(C, () => void okValue(trace, 0, 'init'));
      const ops = inOrderOps(acts, ctx);
      const ring = checkAgainstRing(ops, trace, ctx, t, { accept: C, order: C, crc: 'nic.rx.deliver-includes-crc', drop: C, thresholds: C, advance: C }, 1);
      if (ring) t.check(C, () => {
        expectSame(ring.unread.length, 0, 'frames never delivered');
        const polled = ops.flatMap((o, i) => (o.op === 'poll' && pollValue(trace, i).length > 0 ? [{ op: i, frame: pollValue(trace, i).frame }] : []));
        must(JSON.stringify(deliveredOf(trace)) === JSON.stringify(polled), 'observations.delivered must list exactly the frames the polls returned');
      });
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
    check: (frames, trace, ctx, t) => {
      // Which frames the ring takes is nic.rx.ring-full's rule (its own property): where the
      // chip's choice differs from the clauses', the slots are not this property's to judge.
      const model = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
      if (frames.some((f, k) => { const o = peekValue<InjectValue>(trace, k + 1); return o !== undefined && model.inject(frameHex(f)).accepted !== o.accepted; })) return;
      const ring = ctx.limits.rxRingBytes;
      t.check('nic.rx.rok', () => {
        okValue(trace, 0, 'init');
        expectSame(stateAt(trace, 0).ISR & NIC.ISR_ROK, 0, 'ISR.ROK before any frame');
      });
      const mem = lazy(() => peekBytes(trace, frames.length + 1));
      let cbr = 0;
      for (const [k, f] of frames.entries()) {
        const i = k + 1;
        const got: { o?: InjectValue } = {};
        t.step('nic.rx.align', () => void (got.o = injectValue(trace, i)));
        const o = got.o;
        if (!o?.accepted) continue;
        const bytes = patterned(f.length, f.seed);
        const what = `frame #${k} (${f.length} bytes)`;
        t.check('nic.rx.align', () => expectSame(o.offset, cbr, `${what} written at the write offset`));
        t.check('nic.rx.header', () => checkHeader(mem(), o.offset, bytes, what));
        t.check('nic.rx.crc', () => checkFrameAndCrc(mem(), o.offset, bytes, what));
        cbr = align4(o.offset + NIC.HEADER + f.length + NIC.CRC) % ring;
        t.check('nic.rx.align', () => expectSame(stateAt(trace, i).CBR, cbr, `CBR after ${what}`));
        t.check('nic.rx.rok', () => must((stateAt(trace, i).ISR & NIC.ISR_ROK) !== 0, `ISR.ROK after ${what} was written`));
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
    title: 'a frame crossing the ring end (its header in any dword up to the last) is written in one piece into the guard with WRAP (split to the ring start without), the write offset wraps, the driver delivers it intact and its read offset wraps with it (CAPR = RX_OFFSET - 16 in 16 bits)',
    layer: 'nic',
    clauses: ['nic.rx.wrap', 'nic.rx.advance'],
    arbitrary: (ctx) => fc.record({ crossing: ringCrossing(ctx), seed: fc.nat({ max: 999 }), wrap: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }).map(({ crossing, seed, wrap }): WrapInput => ({ ...crossing, seed, wrap })),
    scenario: (w, ctx) => wrapOps(w, ctx),
    check: (w, trace, ctx, t) => {
      const ring = ctx.limits.rxRingBytes;
      const at = wrapAt(w, ctx);
      const i = wrapInjectIndex(w, ctx);
      // The ring must be where the scenario put it: the driver's read pointer at the crossing
      // frame (where it is not, that is nic.rx.advance's rule, not this one).
      if (stateAt(trace, i - 1).CAPR !== ((at - 16) & 0xffff)) return;
      const frame = patterned(w.length, w.seed);
      const end = at + NIC.HEADER + w.length + NIC.CRC;
      const next = align4(end) - ring;
      t.check('nic.rx.wrap', () => {
        expectSame(injectValue(trace, i), { accepted: true, offset: at }, `the ${w.length}-byte frame after the ring was advanced to ${at}`);
        const written = writtenRanges(dmaOf(trace), i);
        if (w.wrap) {
          expectSame(rangesText(written), rangesText([[at, end]]), 'with WRAP the chip writes header, frame and CRC in one piece past the ring end');
          checkPlacement(peekBytes(trace, i + 1), 0, frame, 'the crossing frame');
        } else {
          expectSame(rangesText(written), rangesText([[0, end - ring], [at, ring]]), 'without WRAP the chip splits the frame at the ring end');
          const joined = Uint8Array.from([...peekBytes(trace, i + 1).subarray(0, ring - at), ...peekBytes(trace, i + 2)]);
          checkPlacement(joined, 0, frame, 'the split frame (ring end, then ring start)');
        }
        expectSame(registerValue(trace, i + 3), next, 'CBR after the crossing frame (wrapped)');
        if (w.wrap) {
          // Intact: the frame's bytes (what follows them is nic.rx.deliver-includes-crc's rule).
          const p = pollValue(trace, i + 4);
          must(p.frame.startsWith(toHex(frame)), `the crossing frame (header at ring offset ${at}) was not delivered intact (got ${p.length} bytes)`);
          expectSame(injectValue(trace, i + 6), { accepted: true, offset: next }, 'the next frame starts at the wrapped write offset');
          must(pollValue(trace, i + 7).frame.startsWith(toHex(patterned(ctx.limits.minEthernetFrame, w.seed + 1))), 'the next frame, after the wrapped write offset, was not delivered intact');
        }
      });
      // The driver's read offset wraps too: RX_OFFSET = align4(...) mod ring, CAPR 16 below it
      // in 16 bits (0xFFF0 when it lands on 0), in the snapshot and read through the port.
      if (w.wrap) {
        t.check('nic.rx.advance', () => {
          okValue(trace, i + 4, 'poll of the crossing frame');
          const s = stateAt(trace, i + 4);
          const capr = (next - 16) & 0xffff;
          expectSame([s.RX_OFFSET % ring, s.CAPR], [next, capr], `RX_OFFSET, CAPR after the frame with its header at ${at}, crossing the ring end by ${end - ring} bytes`);
          expectSame(`0x${registerValue(trace, i + 5, 'CAPR read through its port').toString(16)}`, `0x${capr.toString(16)}`, 'CAPR read through its port after the crossing frame');
        });
      }
    },
    runsFactor: 0.4,
  }),
  defineProperty({
    id: 'nic.rx.ring-full',
    title: 'a frame is written only if align4(frame + 8) < free space; a refused frame writes nothing, sets RXOVW and counts in MPC; unread frames are never touched and come out intact',
    layer: 'nic',
    clauses: ['nic.rx.ring-full', 'nic.rx.no-overwrite'],
    arbitrary: (ctx) => ringFullActions(ctx),
    scenario: (acts, ctx) => ringFullOps(acts, ctx),
    check: (acts, trace, ctx, t) => {
      const ops = ringFullOps(acts, ctx);
      const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
      const dma = dmaOf(trace);
      let refused = 0;
      for (let i = 1; i < ops.length; i++) {
        const op = ops[i]!;
        if (op.op === 'read-register') {
          t.step('nic.rx.ring-full', () => expectSame(registerValue(trace, i, `MPC read through its port (op #${i})`), ring.mpc, `MPC read through its port after ${refused} refused frames (op #${i})`));
          continue;
        }
        if (op.op === 'poll') {
          ring.poll(ctx.limits.rxCallerBufferBytes);
          // The driver's read pointer is another clause's (nic.rx.advance): once it differs from
          // the model, the model's free space no longer describes the ring.
          if (stateAt(trace, i).CAPR !== ring.capr) return;
          continue;
        }
        const frame = op['frame'] as string;
        // Unread slots, physically (WRAP: a slot runs on past the ring end, never splits).
        const unread = ring.unread.map((u): [number, number] => [u.offset, u.offset + footprint(u.length)]);
        const free = ring.free();
        const want = ring.inject(frame);
        const need = footprint(frame.length / 2);
        t.step('nic.rx.ring-full', () => {
          const got = injectValue(trace, i);
          const s = stateAt(trace, i);
          const answer = got.accepted ? '' : `, refused as ${got.reason}`;
          expectSame(got.accepted, want.accepted, () => `inject of a ${frame.length / 2}-byte frame (op #${i}, align4(frame + 8) = ${need}, free ${free}, ${unread.length} unread frames${answer}): accepted`);
          if (!want.accepted) {
            refused++;
            expectSame(got, want, () => `the refused frame (op #${i})`);
            expectSame(rangesText(writtenRanges(dma, i)), 'none', `a refused frame (op #${i}) must write nothing`);
            must((s.ISR & NIC.ISR_RXOVW) !== 0, `ISR.RXOVW after the refused frame (op #${i})`);
          }
          expectSame(s.MPC, ring.mpc, () => `MPC after op #${i} (${refused} refused so far)`);
        });
        // Where the chip's write offset lands after a frame is the slot layout's rule (nic.rx.align,
        // nic.rx.header): once it differs from the model, the model's free space no longer
        // describes the ring (as for CAPR above).
        const moved = stateAt(trace, i).CBR !== ring.cbr;
        t.check('nic.rx.no-overwrite', () => {
          for (const [a, b] of writtenRanges(dma, i)) {
            for (const [ua, ub] of unread) {
              // Compare modulo the ring as well: a write past the end must not reach the ring start's unread data either.
              const hits = (x: number, y: number) => x < ub && ua < y;
              must(!hits(a, b) && !hits(a - ring.size, b - ring.size) && !hits(a + ring.size, b + ring.size), `op #${i} wrote [${a}, ${b}) over the unread frame at [${ua}, ${ub})`);
            }
          }
        });
        if (moved) return;
      }
      // Everything accepted comes out intact and in order: the frame bytes are the unread data.
      checkAgainstRing(ops, trace, ctx, t, { order: 'nic.rx.no-overwrite' }, 1);
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
    check: (d, trace, ctx, t) => {
      const ops = dropOps(d, ctx);
      const ring = checkAgainstRing(ops, trace, ctx, t, { accept: 'nic.rx.no-runt-filter', full: 'nic.rx.no-runt-filter', order: 'nic.rx.drop-and-continue', drop: 'nic.rx.drop-and-continue', thresholds: 'nic.rx.drop-thresholds-on-frame', advance: 'nic.rx.advance' }, 1);
      // The last frame is exactly the 14-byte minimum with its CRC (10 bytes of frame).
      const last = ops.length - 1;
      if (ring) t.check('nic.rx.drop-thresholds-on-frame', () => expectSame(pollValue(trace, last).length, ctx.limits.minRxFrame, 'a minimal frame (10 bytes + CRC) after the dropped ones is delivered'));
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
    check: (e, trace, ctx, t) => {
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
          // Empty means CAPR + 16 == CBR: where the driver's CAPR says otherwise, that is nic.rx.advance's rule.
          if (((before.CAPR + 16) & 0xffff) % ctx.limits.rxRingBytes !== before.CBR) continue;
          t.check('nic.rx.empty', () => {
            expectSame(pollValue(trace, i).length, 0, `poll (op #${i}) on an empty ring`);
            expectSame(outs.length, 0, `register writes by a poll of an empty ring (op #${i})`);
            const after = stateAt(trace, i);
            expectSame([after.CAPR, after.RX_OFFSET], [before.CAPR, before.RX_OFFSET], `CAPR and RX_OFFSET across an empty poll (op #${i})`);
          });
          continue;
        }
        waiting--;
        t.check('nic.rx.ack-rok', () => {
          const io = initValue(trace, 0).ioBase;
          okValue(trace, i, `poll (op #${i})`);
          const isr = outs.findIndex((a) => a.port === io + NIC.ISR);
          const capr = outs.findIndex((a) => a.port === io + NIC.CAPR);
          must(isr >= 0, `poll (op #${i}) of a waiting frame never wrote ISR`);
          expectSame([outs[isr]!.width, outs[isr]!.value], [2, NIC.ISR_ROK], `poll (op #${i}): ISR acknowledge (width, value)`);
          must(capr > isr, `poll (op #${i}): ISR must be acknowledged before CAPR is written`);
          expectSame(stateAt(trace, i).ISR & NIC.ISR_ROK, 0, `ISR.ROK after poll (op #${i})`);
        });
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
    check: (g, trace, ctx, t) => {
      const alloc = ctx.limits.rxRingBytes + ctx.limits.rxRingSlack + ctx.limits.rxOverrunGuardBytes;
      const at = trace.results.length - 2;
      // Shown only by a valid trace: init and the crossing frame's inject succeeded (an
      // unsupported op leaves the hazard unobserved), and its DMA went past the allocation.
      t.check('nic.rx.guard-overrun', () => {
        okValue(trace, 0, 'init');
        injectValue(trace, at);
        for (const d of dmaOf(trace)) {
          must(d.at >= 0 && d.at + d.length <= alloc, `op #${d.op} (a ${g.length}-byte frame at ring offset ${ctx.limits.rxRingBytes - 4 * g.back}) wrote [${d.at}, ${d.at + d.length}) relative to RX_BUFFER, past its ${alloc}-byte allocation`);
        }
      });
    },
    runsFactor: 0.3,
  }),
];
