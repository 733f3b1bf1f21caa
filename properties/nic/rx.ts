// The receive side: the chip's ring writes (header, CRC, alignment, WRAP, ring full, address
// filter) and the driver's receive_frame (order, drop-and-continue, advance, empty, ROK ack).
// Each check rebuilds its scenario from the input (scenarios are pure functions of the input).
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, type Checks, type PropertyContext } from '../../src/runner/property.ts';
import { must, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { align4, ieee8023Crc32, multicastHashIndex, CRC32_CHECK } from '../oracles.ts';
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
  nearThreshold,
  injectValue,
  ioOfOp,
  patterned,
  peekBytes,
  pollValue,
  registerValue,
  stateAt,
  u16le,
  u32le,
  peekValue,
  type DmaObs,
  type InjectValue,
  type PollValue,
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
 * Which clause each kind of ring-walk check belongs to; a kind left out is not checked (the
 * property does not claim that rule). `accept`: where each inject is written (CBR) and why a
 * frame is refused; `full`: whether it is taken at all (free space) and MPC — without it the
 * walk stops silently where the chip takes another choice (nic.rx.ring-full's); `order`:
 * each poll hands back the frame due (its bytes, in order), or 0 on an empty ring; `crc`: a
 * delivered frame's exact length and bytes, CRC included; `drop` / `thresholds`: a frame the
 * model drops returns 0 (`thresholds` when its copied length is within the CRC's 4 bytes of a
 * limit, where comparing frame and frame + CRC differ); `advance`: RX_OFFSET and CAPR after.
 * A frame crossing the ring end is nic.rx.wrap's: where its bytes differ the walk stops silently.
 */
export interface RingClauses {
  accept?: string;
  full?: string;
  order?: string;
  crc?: string;
  drop?: string;
  thresholds?: string;
  advance?: string;
}

/**
 * Checks every inject and poll of a scenario against the ring model of the clauses, each
 * comparison as a step of its clause (after a wrong step the model no longer describes the
 * ring). Returns the model, or undefined when the walk stopped without a claim (`order` not
 * checked and the driver delivered something else than the model: the rest is not this
 * property's to judge).
 */
export function checkAgainstRing(ops: Op[], trace: Trace, ctx: PropertyContext, t: Checks, c: RingClauses, from = 0): RingModel | undefined {
  const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
  const step = (clause: string | undefined, fn: () => void): void => {
    if (clause) t.step(clause, fn);
  };
  for (let i = from; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.op === 'inject') {
      const frame = op['frame'] as string;
      const free = ring.free();
      const want = ring.inject(frame);
      const taken = peekValue<InjectValue>(trace, i)?.accepted;
      if (c.full) {
        t.step(c.full, () => {
          expectSame(injectValue(trace, i).accepted, want.accepted, () => `inject of a ${frame.length / 2}-byte frame (op #${i}) with ${free} bytes free: accepted`);
          expectSame(stateAt(trace, i).MPC, ring.mpc, () => `MPC after op #${i}`);
        });
      } else if (taken !== undefined && taken !== want.accepted && (want.accepted || want.reason === 'ring-full')) return undefined;
      step(c.accept, () => {
        expectSame(injectValue(trace, i), want, () => `inject of a ${frame.length / 2}-byte frame (op #${i})`);
        expectSame(stateAt(trace, i).CBR, ring.cbr, () => `CBR after op #${i}`);
      });
    } else if (op.op === 'poll') {
      const buffer = (op['buffer'] as number | undefined) ?? ctx.limits.rxCallerBufferBytes;
      const want = ring.poll(buffer);
      // Read without a claim: the steps below read it again through pollValue (which raises).
      const got = peekValue<PollValue>(trace, i) ?? { length: -1, frame: '' };
      const what = (): string => (want.consumed ? `the ${want.consumed.length}-byte frame at ring offset ${want.consumed.offset}` : 'an empty ring');
      const head = want.consumed;
      if (!head) {
        step(c.order, () => expectSame(pollValue(trace, i).length, 0, () => `poll (op #${i}) of an empty ring: length`));
      } else if (want.length === 0) {
        const copied = head.length + NIC.CRC;
        step(nearThreshold(copied, ctx.limits.minRxFrame, buffer) ? c.thresholds : c.drop, () =>
          expectSame(pollValue(trace, i).length, 0, () => `poll (op #${i}) of ${what()} (${copied} bytes with its CRC) into a ${buffer}-byte buffer: it must be dropped`),
        );
      } else {
        const copied = head.length + NIC.CRC;
        if (got.length === 0 && nearThreshold(copied, ctx.limits.minRxFrame, buffer)) step(c.thresholds, () => must(false, `poll (op #${i}) of ${what()} (${copied} bytes with its CRC) into a ${buffer}-byte buffer dropped it: the limits compare the length with its CRC`));
        else if (head.offset + footprint(head.length) > ring.size && !got.frame.startsWith(head.frame)) return undefined;
        else if (c.order) t.step(c.order, () => must(pollValue(trace, i).frame.startsWith(head.frame), `poll (op #${i}) of ${what()}: delivered ${got.length} bytes that are not that frame (in order, intact)`));
        else if (!got.frame.startsWith(head.frame)) return undefined;
        step(c.crc, () => {
          const got = pollValue(trace, i);
          expectSame(got.length, want.length, () => `poll (op #${i}) of ${what()} into a ${buffer}-byte buffer: length (frame + its 4 CRC bytes)`);
          must(got.frame === want.frame, `poll (op #${i}) of ${what()}: the 4 bytes after the frame are not its CRC-32 (little-endian)`);
        });
      }
      step(c.advance, () => {
        const s = stateAt(trace, i);
        expectSame(s.RX_OFFSET % ring.size, ring.rxOffset, () => `RX_OFFSET after poll (op #${i})`);
        expectSame(s.CAPR, ring.capr, () => `CAPR after poll (op #${i}) (RX_OFFSET - 16)`);
      });
      if (!c.advance && stateAt(trace, i).CAPR !== ring.capr) return undefined;
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

/** A value read on first use, inside the check that needs it (so an unsupported op fails that check). */
const lazy = <T>(read: () => T): (() => T) => {
  let box: { v: T } | undefined;
  return () => (box ??= { v: read() }).v;
};

/** A slot's header in ring memory (as read back by peek-ring): status with ROK, length = frame + 4 (nic.rx.header). */
function checkHeader(mem: Uint8Array, offset: number, frame: Uint8Array, what: string): void {
  const st = u16le(mem, offset);
  must((st & NIC.STATUS_ROK) !== 0, `${what}: header status 0x${st.toString(16)} at ring offset ${offset} lacks ROK`);
  expectSame(u16le(mem, offset + 2), frame.length + NIC.CRC, `${what}: header length (frame + 4)`);
}

/** A slot's frame bytes and the CRC-32 after them, little-endian (nic.rx.crc). */
function checkFrameAndCrc(mem: Uint8Array, offset: number, frame: Uint8Array, what: string): void {
  must(toHex(mem.subarray(offset + NIC.HEADER, offset + NIC.HEADER + frame.length)) === toHex(frame), `${what}: frame bytes in the ring differ from the frame injected`);
  const crc = u32le(mem, offset + NIC.HEADER + frame.length);
  expectSame(`0x${crc.toString(16)}`, `0x${ieee8023Crc32(frame).toString(16)}`, `${what}: CRC-32 after the frame (little-endian)`);
}

/** Where a crossing frame's header and bytes landed (their values are nic.rx.header's and nic.rx.crc's). */
function checkPlacement(mem: Uint8Array, offset: number, frame: Uint8Array, what: string): void {
  must((u16le(mem, offset) & NIC.STATUS_ROK) !== 0, `${what}: no header (status with ROK) at its offset`);
  must(toHex(mem.subarray(offset + NIC.HEADER, offset + NIC.HEADER + frame.length)) === toHex(frame), `${what}: frame bytes in the ring differ from the frame injected`);
}

// ------------------------------------------------------------------ scenarios

/** A frame sized from the free space when it is injected: align4(frame + 8) = free + delta. */
type FitAction = { kind: 'fit'; delta: -4 | 0 | 4; slack: number; seed: number };
type RingAction = Action | FitAction;

const ringFullActions = (): fc.Arbitrary<RingAction[]> =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: frameSpec(1, NIC.MAX_WRITTEN).map((frame): Action => ({ kind: 'inject', frame })) },
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
    ring.inject(frame);
    ops.push({ op: 'inject', frame });
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

/** Ops before the frames: a frame before init (RE clear), init, RCR, CR, MAR0-7 written and read back. */
const FILTER_PROLOGUE = 4 + 2 * 8;

const filterOps = (f: FilterInput, ctx: PropertyContext): Op[] => [
  { op: 'setup', mac: f.mac },
  { op: 'inject', frame: filterFrames(f)[0]! },
  { op: 'init' },
  { op: 'write-register', name: 'RCR', value: f.rcr },
  { op: 'write-register', name: 'CR', value: f.rxEnabled ? NIC.CR_RE | NIC.CR_TE : NIC.CR_TE },
  ...marOps(f.mar),
  ...filterFrames(f).map((frame): Op => ({ op: 'inject', frame })),
  peekAll(ctx),
];

/** The multicast hash filter, written after init (whose reset does not concern it here) and read back. */
const marOps = (mar: number[]): Op[] => [
  ...mar.map((v, k): Op => ({ op: 'write-register', name: `MAR${k}`, value: v })),
  ...mar.map((_, k): Op => ({ op: 'read-register', name: `MAR${k}` })),
];

/** Whether MAR0-7 has the bit its hash selects for a multicast destination (nic.rx.status-class-bits). */
const marHit = (mar: number[], dst: Uint8Array): boolean => {
  const idx = multicastHashIndex(dst);
  return (((mar[idx >> 3] ?? 0) >> (idx & 7)) & 1) === 1;
};

/** Expected header status for a frame under an RCR and MAR0-7, or undefined when the filter refuses it. */
function filterStatus(rcr: number, mar: number[], cls: Cls, frame: Uint8Array): number | undefined {
  if (rcr & NIC.RCR_AAP) return NIC.STATUS_ROK;
  if (cls === 'broadcast') return rcr & NIC.RCR_AB ? NIC.STATUS_ROK | NIC.STATUS_BAR : undefined;
  if (cls === 'multicast') return rcr & NIC.RCR_AM && marHit(mar, frame.subarray(0, 6)) ? NIC.STATUS_ROK | NIC.STATUS_MAR : undefined;
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
    title: 'a frame crossing the ring end is written in one piece into the guard with WRAP (split to the ring start without), the write offset wraps, and the driver delivers it intact',
    layer: 'nic',
    clauses: ['nic.rx.wrap'],
    arbitrary: (ctx) =>
      fc
        .record({ back: fc.integer({ min: 1, max: 400 }), length: fc.integer({ min: ctx.limits.minRxFrame, max: ctx.limits.rxCallerBufferBytes - NIC.CRC }), seed: fc.nat({ max: 999 }), wrap: fc.boolean() })
        .filter((w) => w.length + NIC.HEADER + NIC.CRC > 4 * w.back),
    scenario: (w, ctx) => wrapOps(w, ctx),
    check: (w, trace, ctx, t) => {
      const ring = ctx.limits.rxRingBytes;
      const at = wrapAt(w, ctx);
      const i = wrapInjectIndex(w, ctx);
      // The ring must be where the scenario put it: the driver's read pointer at the crossing
      // frame (where it is not, that is nic.rx.advance's rule, not this one).
      if (stateAt(trace, i - 1).CAPR !== ((at - 16) & 0xffff)) return;
      t.check('nic.rx.wrap', () => {
      expectSame(injectValue(trace, i), { accepted: true, offset: at }, `the ${w.length}-byte frame after the ring was advanced to ${at}`);
      const frame = patterned(w.length, w.seed);
      const end = at + NIC.HEADER + w.length + NIC.CRC;
      const written = writtenRanges(dmaOf(trace), i);
      if (w.wrap) {
        expectSame(rangesText(written), rangesText([[at, end]]), 'with WRAP the chip writes header, frame and CRC in one piece past the ring end');
        checkPlacement(peekBytes(trace, i + 1), 0, frame, 'the crossing frame');
      } else {
        expectSame(rangesText(written), rangesText([[0, end - ring], [at, ring]]), 'without WRAP the chip splits the frame at the ring end');
        const joined = Uint8Array.from([...peekBytes(trace, i + 1).subarray(0, ring - at), ...peekBytes(trace, i + 2)]);
        checkPlacement(joined, 0, frame, 'the split frame (ring end, then ring start)');
      }
      expectSame(registerValue(trace, i + 3), align4(end) % ring, 'CBR after the crossing frame (wrapped)');
      if (w.wrap) {
        // Intact: the frame's bytes (what follows them is nic.rx.deliver-includes-crc's rule).
        const p = pollValue(trace, i + 4);
        must(p.frame.startsWith(toHex(frame)), `the crossing frame was not delivered intact (got ${p.length} bytes)`);
        expectSame(injectValue(trace, i + 5), { accepted: true, offset: align4(end) - ring }, 'the next frame starts at the wrapped write offset');
        must(pollValue(trace, i + 6).frame.startsWith(toHex(patterned(ctx.limits.minEthernetFrame, w.seed + 1))), 'the next frame, after the wrapped write offset, was not delivered intact');
      }
    });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.rx.ring-full',
    title: 'a frame is written only if align4(frame + 8) < free space; a refused frame writes nothing, sets RXOVW and counts in MPC; unread frames are never touched and come out intact',
    layer: 'nic',
    clauses: ['nic.rx.ring-full', 'nic.rx.no-overwrite'],
    arbitrary: () => ringFullActions(),
    scenario: (acts, ctx) => ringFullOps(acts, ctx),
    check: (acts, trace, ctx, t) => {
      const ops = ringFullOps(acts, ctx);
      const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
      const dma = dmaOf(trace);
      let refused = 0;
      for (let i = 1; i < ops.length; i++) {
        const op = ops[i]!;
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
          expectSame(got.accepted, want.accepted, () => `inject of a ${frame.length / 2}-byte frame (op #${i}, align4(frame + 8) = ${need}, free ${free}, ${unread.length} unread frames): accepted`);
          if (!want.accepted) {
            refused++;
            expectSame(got, want, () => `the refused frame (op #${i})`);
            expectSame(rangesText(writtenRanges(dma, i)), 'none', `a refused frame (op #${i}) must write nothing`);
            must((s.ISR & NIC.ISR_RXOVW) !== 0, `ISR.RXOVW after the refused frame (op #${i})`);
          }
          expectSame(s.MPC, ring.mpc, () => `MPC after op #${i} (${refused} refused so far)`);
        });
        t.check('nic.rx.no-overwrite', () => {
          for (const [a, b] of writtenRanges(dma, i)) {
            for (const [ua, ub] of unread) {
              // Compare modulo the ring as well: a write past the end must not reach the ring start's unread data either.
              const hits = (x: number, y: number) => x < ub && ua < y;
              must(!hits(a, b) && !hits(a - ring.size, b - ring.size) && !hits(a + ring.size, b + ring.size), `op #${i} wrote [${a}, ${b}) over the unread frame at [${ua}, ${ub})`);
            }
          }
        });
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
    id: 'nic.rx.address-filter',
    title: 'with RE set the chip takes a frame iff RCR accepts its address class (multicast only if its MAR0-7 hash bit is set); promiscuous frames carry ROK alone, filtered ones broadcast/physical/multicast bits; with RE clear nothing is taken',
    layer: 'nic',
    clauses: ['nic.rx.status-class-bits', 'nic.rx.rx-enabled'],
    arbitrary: (ctx) =>
      fc.record({
        // Random filters (each multicast frame a coin toss), and the empty and the full one.
        mar: fc.oneof(
          { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 8, maxLength: 8 }) },
          { weight: 1, arbitrary: fc.constantFrom(Array<number>(8).fill(0), Array<number>(8).fill(0xff)) },
        ),
        rcr: fc.integer({ min: 0, max: 15 }).map((b) => b | NIC.RCR_WRAP),
        rxEnabled: fc.boolean(),
        mac: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((m) => toHex(Uint8Array.from([m[0]! & 0xfe, ...m.subarray(1)]))),
        frames: fc.array(fc.record({ cls: fc.constantFrom<Cls>('broadcast', 'mine', 'multicast', 'other'), body: frameSpec(ctx.limits.minRxFrame - 6, 200) }), { minLength: 1, maxLength: 6 }),
      }),
    scenario: (f, ctx) => filterOps(f, ctx),
    check: (f, trace, ctx, t) => {
      const first = FILTER_PROLOGUE + 1;
      t.check('nic.rx.rx-enabled', () => expectSame(injectValue(trace, 1), { accepted: false, reason: 'rx-disabled' }, 'a frame before init (CR.RE clear)'));
      t.step('nic.rx.status-class-bits', () => expectSame(f.mar.map((_, k) => registerValue(trace, 5 + f.mar.length + k)), f.mar, 'MAR0-7 read back'));
      const frames = filterFrames(f);
      const mem = lazy(() => peekBytes(trace, first + frames.length));
      let expectOffset = 0;
      for (const [k, hexFrame] of frames.entries()) {
        const i = first + k;
        const bytes = Uint8Array.from(Buffer.from(hexFrame, 'hex'));
        const cls = f.frames[k]!.cls;
        const what = `${cls} frame #${k} (to ${hexFrame.slice(0, 12)}) with RCR 0x${f.rcr.toString(16)}, RE ${f.rxEnabled ? 'set' : 'clear'}${cls === 'multicast' ? `, MAR bit ${multicastHashIndex(bytes)} ${marHit(f.mar, bytes) ? 'set' : 'clear'}` : ''}`;
        if (!f.rxEnabled) {
          t.check('nic.rx.rx-enabled', () => expectSame(injectValue(trace, i), { accepted: false, reason: 'rx-disabled' }, what));
          continue;
        }
        const status = filterStatus(f.rcr, f.mar, cls, bytes);
        const at = expectOffset;
        // Which frames are taken, and their status word, is the filter's rule; once it differs
        // the following offsets differ too.
        t.step('nic.rx.status-class-bits', () => {
          const got = injectValue(trace, i);
          if (status === undefined) return expectSame(got, { accepted: false, reason: 'rx-disabled' }, what);
          expectSame(got, { accepted: true, offset: at }, what);
          const st = u16le(mem(), at);
          expectSame(`0x${st.toString(16)}`, `0x${status.toString(16)}`, `${what}: header status`);
          must(toHex(mem().subarray(at + NIC.HEADER, at + NIC.HEADER + bytes.length)) === hexFrame, `${what}: frame bytes in the ring differ from the frame injected`);
        });
        if (status !== undefined) expectOffset = align4(expectOffset + NIC.HEADER + bytes.length + NIC.CRC);
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
