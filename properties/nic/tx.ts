// The transmit side: send_frame's round robin over the four descriptors, each with its own
// buffer, zero padding to 60 bytes, the 2 KiB limit, and the chip's own descriptor walk.
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, Violation, type Checks, type PropertyContext } from '../../src/runner/property.ts';
import { must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { sendLength, tsdSize } from './arbitraries.ts';
import { NIC, expectSame, firstDifferingByte, initValue, ioOfOp, patterned, peekValue, registerValue, stateAt, txWritesOf, wireOf, type DmaObs, type WireObs } from './support.ts';

interface SendSpec {
  /** Bytes supplied. */
  length: number;
  /** The len argument (defaults to all the bytes). */
  len?: number;
  seed: number;
}

const sendOp = (s: SendSpec): Op => ({ op: 'send', frame: toHex(patterned(s.length, s.seed)), ...(s.len !== undefined ? { len: s.len } : {}) });
const sendLenOf = (s: SendSpec): number => s.len ?? s.length;

/** Lengths a send may have: boundary-first around 60 and the 2 KiB buffer, some far over it. */
const sendSpec = (ctx: PropertyContext, overWeight = 1): fc.Arbitrary<SendSpec> => fc.record({ length: sendLength(ctx, overWeight), seed: fc.nat({ max: 0xffff }) });

/** What the clauses say goes on the wire for a send: the data, zero-padded to the minimum. */
const expectedWire = (s: SendSpec, ctx: PropertyContext): string => {
  const len = sendLenOf(s);
  const data = patterned(s.length, s.seed).subarray(0, len);
  return toHex(data) + '00'.repeat(Math.max(0, ctx.limits.minEthernetFrame - len));
};

/** The early-TX threshold field of TSD (bits 16-21): software-writable beside the size. */
const TSD_THRESHOLD_SHIFT = 16;
const TSD_THRESHOLD_MAX = 0x3f;
const tsdValue = (x: { sizes: number[]; thresholds: number[] }, d: number): number => (x.sizes[d]! | (x.thresholds[d]! << TSD_THRESHOLD_SHIFT)) >>> 0;

const wireOfOp = (t: Trace, op: number): WireObs[] => wireOf(t).filter((w) => w.op === op);
const rangesOf = (ws: DmaObs[]): string => ws.map((w) => `[0x${w.at.toString(16)}, 0x${(w.at + w.length).toString(16)})`).join(', ');

/**
 * How accepted send op i wrote guest memory outside TX_BUFFERS[d], d the descriptor its result
 * names (nic.tx.writes-own-buffer), or undefined when it did not (or was refused, or names no
 * buffer init reported: other clauses judge those).
 */
function strayWrite(trace: Trace, writes: DmaObs[], i: number, txBuffers: number[], bytes: number): string | undefined {
  const r = trace.results[i];
  if (!r?.ok) return undefined;
  const d = (r.value as { descriptor?: unknown } | null)?.descriptor;
  const buf = typeof d === 'number' ? txBuffers[d] : undefined;
  if (buf === undefined) return undefined;
  const w = writes.find((w) => w.op === i && w.length > 0 && (w.at < buf || w.at + w.length > buf + bytes));
  return w && `on descriptor ${d} wrote ${rangesOf([w])}, outside TX_BUFFERS[${d}] ${rangesOf([{ op: i, at: buf, length: bytes }])}`;
}

const sendsOps = (sends: SendSpec[], ctx: PropertyContext): Op[] => [
  { op: 'init' },
  ...sends.map(sendOp),
  ...Array.from({ length: ctx.limits.txDescriptors }, (_, d): Op => ({ op: 'read-register', name: `TSD${d}` })),
];

/**
 * Walks a run of sends: accepted ones must use descriptors 0,1,2,3,0,..., the others be refused
 * too-large. `descriptor` names the clause of the descriptor walk; without it (a property that
 * does not claim the round robin) the walk stops silently where the implementation's choice of
 * accepting, refusing or descriptor differs, and returns the sends checked so far. `tooLarge`
 * names the clause of the refusals (without it they are not checked, only walked past).
 */
function walkSends(sends: SendSpec[], trace: Trace, ctx: PropertyContext, t: Checks, c: { descriptor?: string; tooLarge?: string }, first = 1): { accepted: { op: number; spec: SendSpec; descriptor: number }[]; complete: boolean } {
  const accepted: { op: number; spec: SendSpec; descriptor: number }[] = [];
  for (const [k, s] of sends.entries()) {
    const i = first + k;
    const sendLen = Math.max(sendLenOf(s), ctx.limits.minEthernetFrame);
    const got = peekValue<{ descriptor: number; sendLen: number }>(trace, i);
    if (sendLen > ctx.limits.txBufferBytes) {
      if (c.tooLarge) {
        t.step(c.tooLarge, () => {
          mustFail(trace, i, `send of ${sendLenOf(s)} bytes (over the ${ctx.limits.txBufferBytes}-byte buffer)`, ['too-large']);
          expectSame(wireOfOp(trace, i).length, 0, `frames on the wire for the refused send (op #${i})`);
        });
      } else if (got !== undefined) return { accepted, complete: false };
      continue;
    }
    const descriptor = accepted.length % ctx.limits.txDescriptors;
    if (c.descriptor) {
      t.step(c.descriptor, () => expectSame(okValue<{ descriptor: number }>(trace, i, `send of ${sendLenOf(s)} bytes`).descriptor, descriptor, `descriptor of accepted frame #${accepted.length} (op #${i})`));
    } else if (got?.descriptor !== descriptor) return { accepted, complete: false };
    accepted.push({ op: i, spec: s, descriptor });
  }
  return { accepted, complete: true };
}

export const nicTxProperties = [
  defineProperty({
    id: 'nic.tx.round-robin',
    title: 'the k-th accepted frame uses descriptor k mod 4: TSAD[i] then TSD[i] <- send_len starts it, no completion poll; the chip sends it and sets OWN, TOK and ISR.TOK',
    layer: 'nic',
    clauses: ['nic.tx.round-robin', 'nic.tx.tsd-starts-dma', 'nic.tx.device-send'],
    arbitrary: (ctx) => fc.array(sendSpec(ctx), { minLength: 1, maxLength: 12 }),
    scenario: (sends, ctx) => sendsOps(sends, ctx),
    check: (sends, trace, ctx, t) => {
      // Refusals are nic.tx.too-large's (its own property): here the walk stops where they differ.
      const { accepted, complete } = walkSends(sends, trace, ctx, t, { descriptor: 'nic.tx.round-robin' });
      const wire = wireOf(trace);
      const lastLen = new Map<number, number>();
      for (const [k, a] of accepted.entries()) {
        // send_len itself (max(len, 60)) is nic.tx.zero-pad's rule: here the driver's own value is used.
        const sendLen = peekValue<{ sendLen: number }>(trace, a.op)?.sendLen ?? Math.max(sendLenOf(a.spec), ctx.limits.minEthernetFrame);
        const w = wire.filter((x) => x.op === a.op);
        t.step('nic.tx.round-robin', () => expectSame(stateAt(trace, a.op).TX_INDEX, (a.descriptor + 1) % ctx.limits.txDescriptors, `TX_INDEX after frame #${k}`));
        t.check('nic.tx.tsd-starts-dma', () => {
          const { ioBase } = initValue(trace, 0);
          okValue(trace, a.op, `send of ${sendLenOf(a.spec)} bytes`);
          // send_frame's own port writes: TSAD[i] then TSD[i], and no TSD read (no completion poll).
          const io = ioOfOp(trace, a.op);
          const tsad = ioBase + NIC.TSAD0 + 4 * a.descriptor;
          const tsd = ioBase + NIC.TSD0 + 4 * a.descriptor;
          const outs = io.filter((x) => x.dir === 'out').map((x) => [x.port, x.width, x.port === tsd ? x.value : '*']);
          expectSame(outs, [
            [tsad, 4, '*'],
            [tsd, 4, sendLen],
          ], `send_frame's register writes for frame #${k} (op #${a.op})`);
          const polled = io.filter((x) => x.dir === 'in' && x.port !== undefined && x.port >= ioBase + NIC.TSD0 && x.port < ioBase + NIC.TSD0 + 16);
          expectSame(polled.length, 0, `TSD reads by send_frame (op #${a.op}): it must not poll for completion`);
        });
        t.check('nic.tx.device-send', () => {
          okValue(trace, a.op, `send of ${sendLenOf(a.spec)} bytes`);
          expectSame(w.map((x) => ({ descriptor: x.descriptor, tsd: x.tsd })), [{ descriptor: a.descriptor, tsd: sendLen }], `frame #${k} on the wire (op #${a.op}): one, from its descriptor, TSD = send_len`);
          expectSame(w[0]!.bytes.length / 2, sendLen, `wire frame #${k}: TSD & 0x1FFF bytes sent`);
          must((stateAt(trace, a.op).ISR & NIC.ISR_TOK) !== 0, `ISR.TOK after frame #${k} was sent`);
        });
        lastLen.set(a.descriptor, sendLen);
      }
      const regs = 1 + sends.length;
      for (let d = 0; d < ctx.limits.txDescriptors; d++) {
        const len = lastLen.get(d);
        // The TSDs show the last frame of each descriptor only if the walk covered every send.
        if (len === undefined || !complete) continue;
        t.check('nic.tx.device-send', () => {
          const v = registerValue(trace, regs + d, `TSD${d}`);
          expectSame(`0x${v.toString(16)}`, `0x${(len | NIC.TSD_OWN | NIC.TSD_TOK).toString(16)}`, `TSD${d} after its last frame (size | OWN | TOK)`);
        });
      }
    },
    runsFactor: 0.6,
  }),
  defineProperty({
    id: 'nic.tx.zero-pad',
    title: 'the bytes on the wire are the caller’s len bytes, zero-padded to 60 — never stale bytes of an earlier, longer frame in the same buffer',
    layer: 'nic',
    clauses: ['nic.tx.zero-pad'],
    arbitrary: (ctx) =>
      fc.tuple(
        // Long frames first fill every buffer with non-zero bytes; short ones then reuse them.
        fc.array(fc.record({ length: fc.integer({ min: ctx.limits.minEthernetFrame, max: ctx.limits.txBufferBytes }), seed: fc.nat({ max: 0xffff }) }), { minLength: ctx.limits.txDescriptors, maxLength: ctx.limits.txDescriptors + 2 }),
        fc.array(
          fc.record({ length: fc.integer({ min: 0, max: ctx.limits.minEthernetFrame + 4 }), seed: fc.nat({ max: 0xffff }), cut: fc.option(fc.nat({ max: 8 }), { nil: undefined }) }).map(
            ({ length, seed, cut }): SendSpec => (cut === undefined ? { length, seed } : { length, seed, len: Math.max(0, length - cut) }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
      ).map(([long, short]) => [...long, ...short]),
    scenario: (sends, ctx) => sendsOps(sends, ctx),
    check: (sends, trace, ctx, t) => {
      const { accepted } = walkSends(sends, trace, ctx, t, {});
      for (const a of accepted) {
        t.check('nic.tx.zero-pad', () => {
          const sendLen = Math.max(sendLenOf(a.spec), ctx.limits.minEthernetFrame);
          expectSame(okValue<{ sendLen: number }>(trace, a.op, `send of ${sendLenOf(a.spec)} bytes`).sendLen, sendLen, `send_len = max(len, 60) of the send at op #${a.op}`);
          const w = wireOfOp(trace, a.op);
          expectSame(w.length, 1, `frames on the wire for the send at op #${a.op}`);
          const want = expectedWire(a.spec, ctx);
          if (w[0]!.bytes !== want) {
            const got = w[0]!.bytes;
            let at = 0;
            while (at < got.length && got[at] === want[at]) at++;
            expectSame(got, want, `wire bytes of a ${sendLenOf(a.spec)}-byte send (descriptor ${a.descriptor}, first difference at byte ${at >> 1})`);
          }
        });
      }
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'nic.tx.own-buffer',
    title: 'descriptor i always transmits from its own 2 KiB buffer: TSAD[i] is the same address each time, the four buffers are distinct and overlap nothing; a send writes guest memory only inside that buffer, a frame refused as too large nowhere',
    layer: 'nic',
    clauses: ['nic.tx.own-buffer', 'nic.tx.writes-own-buffer'],
    // Lengths boundary-first (0, 59-61, 1514, 2047, 2048) and a few over the limit: the padding
    // and the copy reach the buffer's end, and a refused frame must not be copied.
    arbitrary: (ctx) => fc.array(sendSpec(ctx), { minLength: ctx.limits.txDescriptors, maxLength: 3 * ctx.limits.txDescriptors }),
    scenario: (sends, ctx) => sendsOps(sends, ctx),
    check: (sends, trace, ctx, t) => {
      const L = ctx.limits;
      t.check('nic.tx.own-buffer', () => {
        const init = initValue(trace, 0);
        expectSame(init.txBuffers.length, L.txDescriptors, 'TX buffers reported by init');
        const ranges: [string, number, number][] = init.txBuffers.map((a, i) => [`TX_BUFFERS[${i}]`, a, a + L.txBufferBytes]);
        ranges.push(['RX_BUFFER', init.rxBuffer, init.rxBuffer + L.rxRingBytes + L.rxRingSlack + L.rxOverrunGuardBytes]);
        for (const [i, a] of ranges.entries()) {
          for (const b of ranges.slice(i + 1)) must(a[2] <= b[1] || b[2] <= a[1], `${a[0]} [0x${a[1].toString(16)}, 0x${a[2].toString(16)}) overlaps ${b[0]} [0x${b[1].toString(16)}, 0x${b[2].toString(16)})`);
        }
        for (const w of wireOf(trace)) expectSame(`0x${w.tsad.toString(16)}`, `0x${init.txBuffers[w.descriptor]!.toString(16)}`, `TSAD${w.descriptor} of the frame sent at op #${w.op}`);
      });
      // Not reported (optional), or reported with no write at all although the case sends
      // patterned frames: nothing shows the writes are seen, and the clause stays untested.
      const writes = txWritesOf(trace);
      if (!writes?.some((w) => w.length > 0)) return;
      t.check('nic.tx.writes-own-buffer', () => {
        const init = initValue(trace, 0);
        for (const [k, s] of sends.entries()) {
          const i = 1 + k;
          const what = `send of ${sendLenOf(s)} bytes (op #${i})`;
          if (Math.max(sendLenOf(s), L.minEthernetFrame) > L.txBufferBytes) {
            const mine = writes.filter((w) => w.op === i && w.length > 0);
            must(mine.length === 0, `${what} is over the ${L.txBufferBytes}-byte buffer, yet wrote guest memory at ${rangesOf(mine)}`);
            continue;
          }
          const stray = strayWrite(trace, writes, i, init.txBuffers, L.txBufferBytes);
          if (stray) throw new Violation(`${what} ${stray}`);
        }
      });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.tx.too-large',
    title: 'send_len > 2048 is refused too-large ("Frame too large"), len beyond the data or not a non-negative integer invalid-argument: nothing on the wire, TX_INDEX unmoved; 2048 itself goes out',
    layer: 'nic',
    clauses: ['nic.tx.too-large', 'nic.tx.len-beyond-data'],
    arbitrary: (ctx) => {
      const B = ctx.limits.txBufferBytes;
      const seed = fc.nat({ max: 0xffff });
      // Over the limit: just over it (B + 1, B + 2), anywhere up to 300 over, and far over.
      const over = fc.oneof(fc.constantFrom(B + 1, B + 2), fc.integer({ min: B + 1, max: B + 300 }), fc.integer({ min: 2 * B, max: 8 * B }));
      const bad = fc.oneof(
        fc.record({ kind: fc.constant('too-large' as const), length: over, seed }).map((s) => ({ ...s, len: s.length })),
        fc.record({ kind: fc.constant('too-large' as const), length: fc.integer({ min: 0, max: 64 }), len: fc.oneof(fc.constant(B + 1), fc.integer({ min: B + 1, max: 1 << 20 })), seed }),
        fc.record({ kind: fc.constant('beyond-data' as const), length: fc.integer({ min: 0, max: B - 1 }), seed }).chain((s) => fc.integer({ min: s.length + 1, max: B }).map((len) => ({ ...s, len }))),
        fc.record({ kind: fc.constant('not-a-length' as const), length: fc.integer({ min: 0, max: 64 }), len: fc.constantFrom(-1, -60, 0.5, 59.5, -0.25), seed }),
      );
      // The send after the refused one: exactly at the limit, one under it, or a short frame.
      const next = fc.constantFrom(B, B - 1, 20);
      return fc.record({ before: fc.array(fc.record({ length: fc.integer({ min: 0, max: 200 }), seed }), { maxLength: 5 }), bad, next });
    },
    scenario: (x) => [{ op: 'init' }, ...x.before.map(sendOp), { op: 'driver-state' }, sendOp(x.bad), { op: 'driver-state' }, sendOp({ length: x.next, seed: 5 })],
    check: (x, trace, ctx, t) => {
      const i = 1 + x.before.length + 1;
      const what = `send of ${x.bad.length} bytes with len ${x.bad.len}`;
      const clause = x.bad.kind === 'too-large' ? 'nic.tx.too-large' : 'nic.tx.len-beyond-data';
      // The descriptor walk before is nic.tx.round-robin's: where it differs, nothing here is claimed.
      const before = peekValue<{ txIndex: number }>(trace, i - 1)?.txIndex;
      if (before !== undefined && before !== x.before.length % ctx.limits.txDescriptors) return;
      if (wireOf(trace).filter((w) => w.op < i).length !== x.before.length) return;
      t.step(clause, () => {
        if (x.bad.kind === 'too-large') {
          mustFail(trace, i, what, ['too-large']);
          const r = trace.results[i]!;
          if (!r.ok) must(/frame too large/i.test(r.error.message), `${what}: error message should be "Frame too large", got "${r.error.message}"`);
        } else mustFail(trace, i, what, ['invalid-argument']);
        expectSame(wireOfOp(trace, i).length, 0, `frames on the wire for the refused send`);
        const before = okValue<{ txIndex: number }>(trace, i - 1, 'driver-state').txIndex;
        expectSame(okValue<{ txIndex: number }>(trace, i + 1, 'driver-state').txIndex, before, 'TX_INDEX after the refused send');
        const next = peekValue<{ descriptor: number }>(trace, i + 2);
        if (next) expectSame(next.descriptor, before, 'descriptor of the next accepted frame');
      });
      // At and under the limit a frame goes out whole: the other side of the too-large boundary.
      if (x.next >= ctx.limits.minEthernetFrame) {
        t.check('nic.tx.too-large', () => {
          expectSame(okValue<{ sendLen: number }>(trace, i + 2, `a send of ${x.next} bytes (the limit is ${ctx.limits.txBufferBytes})`).sendLen, x.next, `send_len of a ${x.next}-byte send`);
          expectSame(wireOfOp(trace, i + 2).map((f) => f.bytes.length / 2), [x.next], `a ${x.next}-byte send on the wire (length)`);
        });
      }
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'nic.tx.device-order',
    title: 'the chip sends handed-over descriptors strictly in its own order from 0: a TSD written out of turn waits; nothing goes out while CR.TE is clear',
    layer: 'nic',
    clauses: ['nic.tx.device-order', 'nic.tx.device-send'],
    arbitrary: (ctx) =>
      fc.record({
        order: fc.shuffledSubarray([...Array(ctx.limits.txDescriptors).keys()], { minLength: 1 }),
        // Every bit of the 13-bit size field, and the early-TX threshold (bits 16-21) beside it.
        sizes: fc.array(tsdSize(ctx), { minLength: ctx.limits.txDescriptors, maxLength: ctx.limits.txDescriptors }),
        thresholds: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: TSD_THRESHOLD_MAX })), { minLength: ctx.limits.txDescriptors, maxLength: ctx.limits.txDescriptors }),
        teOff: fc.boolean(),
      }),
    scenario: (x) => [
      { op: 'init' },
      ...(x.teOff ? [{ op: 'write-register', name: 'CR', value: NIC.CR_RE } as Op] : []),
      ...x.order.flatMap((d): Op[] => [
        { op: 'write-register', name: `TSAD${d}`, value: 0x300000 + d * 0x1000 },
        { op: 'write-register', name: `TSD${d}`, value: tsdValue(x, d) },
      ]),
      ...(x.teOff ? [{ op: 'write-register', name: 'CR', value: NIC.CR_RE | NIC.CR_TE } as Op] : []),
    ],
    check: (x, trace, _ctx, t) => {
      const base = x.teOff ? 2 : 1;
      const writtenAt = new Map<number, number>(x.order.map((d, k) => [d, base + 2 * k + 1]));
      const enableOp = base + 2 * x.order.length;
      // The chip's pointer starts at 0 and moves only when it sends: 0, 1, ... while handed over.
      const expected: { descriptor: number; op: number; tsd: number; tsad: number }[] = [];
      let ready = 0;
      for (let d = 0; writtenAt.has(d); d++) {
        ready = Math.max(ready, writtenAt.get(d)!);
        expected.push({ descriptor: d, op: x.teOff ? enableOp : ready, tsd: tsdValue(x, d), tsad: 0x300000 + d * 0x1000 });
      }
      const wire = wireOf(trace).map((w) => ({ descriptor: w.descriptor, op: w.op, tsd: w.tsd, tsad: w.tsad }));
      t.check('nic.tx.device-order', () => {
        for (let k = 0; k < trace.results.length; k++) okValue(trace, k, `op #${k}`);
        expectSame(wire, expected, `frames on the wire for TSD writes in order ${x.order.join(',')}${x.teOff ? ' with TE enabled last' : ''}`);
      });
      const sent = wireOf(trace);
      if (sent.length > 0) t.check('nic.tx.device-send', () => sent.forEach((w) => expectSame(w.bytes.length / 2, w.tsd & NIC.TSD_SIZE, `bytes sent from descriptor ${w.descriptor} with TSD 0x${w.tsd.toString(16)} (TSD & 0x1FFF)`)));
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.tx.buffer-untouched',
    title: "a descriptor re-armed by a raw TSD write sends its buffer as it was last written: padding another descriptor's short frame touches nothing beyond that frame's 60 bytes",
    layer: 'nic',
    clauses: ['nic.tx.device-send'],
    // Four long sends fill the buffers (0 and 1 share a 4 KiB page, as do 2 and 3); a short one
    // on descriptor 0 is padded; TSD1 <- its old size makes the chip (its pointer at 1) resend it.
    arbitrary: (ctx) =>
      fc.record({
        lengths: fc.array(fc.oneof(fc.constantFrom(ctx.limits.minEthernetFrame, ctx.limits.txBufferBytes), fc.integer({ min: ctx.limits.minEthernetFrame, max: ctx.limits.txBufferBytes })), { minLength: ctx.limits.txDescriptors, maxLength: ctx.limits.txDescriptors }),
        short: fc.oneof(fc.constantFrom(1, ctx.limits.minEthernetFrame - 1), fc.integer({ min: 1, max: ctx.limits.minEthernetFrame - 1 })),
        seed: fc.nat({ max: 0xffff }),
      }),
    scenario: (x) => [
      { op: 'init' },
      ...x.lengths.map((n, d) => sendOp({ length: n, seed: x.seed + d })),
      sendOp({ length: x.short, seed: x.seed + 9 }),
      { op: 'write-register', name: 'TSD1', value: x.lengths[1]! },
    ],
    check: (x, trace, ctx, t) => {
      const resend = 2 + ctx.limits.txDescriptors;
      // A driver that wrote past a send's own buffer changed descriptor 1's bytes itself: that
      // is nic.tx.writes-own-buffer's failure, and the chip is not judged on this case.
      const writes = txWritesOf(trace);
      const init = trace.results[0]?.ok ? (trace.results[0].value as { txBuffers?: unknown }) : undefined;
      if (writes && Array.isArray(init?.txBuffers)) {
        for (let i = 1; i < resend; i++) if (strayWrite(trace, writes, i, init.txBuffers as number[], ctx.limits.txBufferBytes)) return;
      }
      t.check('nic.tx.device-send', () => {
        const sent = wireOfOp(trace, resend);
        expectSame(sent.length, 1, `frames on the wire for TSD1 <- ${x.lengths[1]} (op #${resend}, the chip's pointer at 1)`);
        const at = firstDifferingByte(sent[0]!.bytes, toHex(patterned(x.lengths[1]!, x.seed + 1)));
        if (at >= 0) {
          throw new Violation(`descriptor 1 resent its ${x.lengths[1]}-byte buffer changed from byte ${at} on, after a ${x.short}-byte frame was padded to ${ctx.limits.minEthernetFrame} on descriptor 0`);
        }
      });
    },
    runsFactor: 0.2,
  }),
];
