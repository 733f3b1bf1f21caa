// SLIP (RFC 1055) framing, the encoder's 4 KiB buffer limit, and the streaming decoder.
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { ContractViolation, defineProperty, type Checks } from '../../src/runner/property.ts';
import { field, must, mustEqual, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { boundaryInt, denseBytes, limitSizes, specialBiasedBytes } from '../arbitraries.ts';
import { hx, rfc1055Encode, SLIP } from '../oracles.ts';
import { modelDecode, type DecodeEvent } from './model.ts';

const SPECIALS = [SLIP.END, SLIP.ESC, SLIP.ESC_END, SLIP.ESC_ESC];
const datagram = (max = 200) => specialBiasedBytes(1, max, SPECIALS);
const countSpecials = (d: Uint8Array) => d.reduce((n, b) => n + (b === SLIP.END || b === SLIP.ESC ? 1 : 0), 0);

/**
 * A datagram whose encoding is exactly `size` bytes, END/ESC-dense or plain as drawn: dense
 * content is taken byte by byte while it fits, and a special that would pass `size` by one is
 * replaced by a plain byte.
 */
const datagramWithEncodedSize = (size: number): fc.Arbitrary<Uint8Array> =>
  denseBytes(size, [SLIP.END, SLIP.ESC]).map((dense) => {
    const out: number[] = [];
    let encoded = 2;
    for (const b of dense) {
      if (encoded === size) break;
      const special = b === SLIP.END || b === SLIP.ESC;
      const byte = special && encoded + 2 > size ? 0 : b;
      out.push(byte);
      encoded += byte === SLIP.END || byte === SLIP.ESC ? 2 : 1;
    }
    return Uint8Array.from(out);
  });

/** The events of the slip.decode op #i (which must have succeeded). */
const decodeEvents = (trace: Trace, i: number, what = 'slip.decode'): DecodeEvent[] => {
  const events = field<DecodeEvent[]>(okValue(trace, i, what), 'events');
  if (!Array.isArray(events)) throw new ContractViolation(`contract: ${what}: events must be an array, got ${JSON.stringify(events)}`);
  return events;
};
const isEmptyFrame = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { frame?: unknown }).frame === '';
/**
 * The events of op #i less empty frames. An empty frame is slip.decode.empty-ignored's rule
 * (checked by `noEmptyFrames`), so it must not fail the clause a comparison is about.
 */
const nonEmptyEvents = (trace: Trace, i: number): DecodeEvent[] => decodeEvents(trace, i).filter((e) => !isEmptyFrame(e));
/** slip.decode.empty-ignored over the given decode ops, each of which starts with an END meeting nothing pending. */
const noEmptyFrames = (t: Checks, trace: Trace, ops: number[]): void =>
  t.check('slip.decode.empty-ignored', () => {
    for (const i of ops) {
      const k = decodeEvents(trace, i).findIndex(isEmptyFrame);
      must(k < 0, `slip.decode op #${i}: event #${k} is an empty frame (an END with nothing pending must produce no event)`);
    }
  });
/** The datagram's bytes escaped, without the framing ENDs. */
const escaped = (d: Uint8Array): Uint8Array => rfc1055Encode(d).slice(1, -1);
/** An encoding's bytes between its framing ENDs (each END stripped only where it is). */
const body = (e: Uint8Array): Uint8Array => {
  const from = e[0] === SLIP.END ? 1 : 0;
  const to = e.length > from && e[e.length - 1] === SLIP.END ? e.length - 1 : e.length;
  return e.slice(from, to);
};
/** The encoding split at the cut points (empty pieces included: a decoder must take them too). */
const splitAt = (e: Uint8Array, cuts: number[]): Uint8Array[] => {
  const points = [0, ...new Set(cuts.map((c) => c % (e.length + 1)))].sort((a, b) => a - b).concat(e.length);
  return points.slice(1).map((end, i) => e.slice(points[i], end));
};

/**
 * The frame of `n` bytes of `content`, then `next` and an 80-byte dense frame, cut just before
 * the first frame's closing END: an oversized frame is still being discarded when its chunk
 * ends, and the next chunk (long enough for the decoder's bulk path) starts with that END; a
 * frame that fits is pending across the cut.
 */
function limitChunks(content: Uint8Array, n: number, next: Uint8Array): Uint8Array[] {
  const big = rfc1055Encode(content.slice(0, n));
  return [big.slice(0, -1), Uint8Array.from([...big.slice(-1), ...rfc1055Encode(next), ...rfc1055Encode(content.slice(0, 80))])];
}

/** Noise, extra ENDs, then one encoded datagram: one chunk of the stream-with-noise stream. */
interface NoisyPart {
  noise: Uint8Array;
  extraEnds: number;
  datagram: Uint8Array;
}
const noisyChunk = (p: NoisyPart): Uint8Array => Uint8Array.from([...p.noise, ...new Array<number>(p.extraEnds).fill(SLIP.END), ...rfc1055Encode(p.datagram)]);

/** Where stream offset `at` lies, for messages: which part and which piece of it. */
function whereInStream(parts: NoisyPart[], at: number): string {
  let from = 0;
  for (const [k, p] of parts.entries()) {
    const ends = from + p.noise.length;
    const dg = ends + p.extraEnds;
    const next = from + noisyChunk(p).length;
    if (at < next) return `part #${k}, ${at < ends ? `noise byte #${at - from}` : at < dg ? `extra END #${at - ends}` : `byte #${at - dg} of the encoded datagram`} (stream offset ${at})`;
    from = next;
  }
  return `stream offset ${at}`;
}

export const slipProperties = [
  defineProperty({
    id: 'slip.encode.framing',
    title: 'encode = END, each byte with END/ESC escaped, END; no END inside; size = n + specials + 2',
    layer: 'slip',
    clauses: ['slip.encode.framing', 'slip.encode.escaping', 'slip.encode.size'],
    arbitrary: () => datagram(),
    scenario: (d) => [{ op: 'slip.encode', data: toHex(d) }],
    check: (d, trace, _ctx, t) => {
      const encoding = (): Uint8Array => hx(field(okValue(trace, 0, 'slip.encode'), 'bytes'));
      t.check('slip.encode.framing', () => {
        const e = encoding();
        must(e.length >= 2 && e[0] === SLIP.END && e[e.length - 1] === SLIP.END, `encoding must start and end with END (0xc0): ${toHex(e)}`);
      });
      t.check('slip.encode.escaping', () => {
        const b = body(encoding());
        must(!b.includes(SLIP.END), `a data END (0xc0) left unescaped inside the frame, at byte #${b.indexOf(SLIP.END)} between the ENDs: ${toHex(b)}`);
        mustEqual(toHex(b), toHex(escaped(d)), 'the datagram escaped (between the framing ENDs)');
      });
      t.check('slip.encode.size', () => mustEqual(encoding().length, d.length + countSpecials(d) + 2, `encoded size of ${d.length} bytes with ${countSpecials(d)} END/ESC`));
    },
  }),
  defineProperty({
    id: 'slip.encode.limit-boundary',
    title: 'an encoding of up to the SLIP buffer size is sent; one byte more, or far more, is refused as too large (END/ESC-dense or plain datagrams)',
    layer: 'slip',
    clauses: ['slip.encode.limit'],
    // One case: encodings one under, at, one over and k over the buffer, k up to 64 buffers (far
    // past a whole IPv4 datagram and any fixed scratch area an encoder may keep). The
    // sizes are the point, not the byte values: shrinking 4 KiB arrays would only burn time.
    arbitrary: (ctx) =>
      fc.noShrink(
        boundaryInt({ min: 2, max: 64 * ctx.limits.slipBufferBytes }).chain((k) =>
          fc.tuple(...limitSizes(ctx.limits.slipBufferBytes, 0, k).map((size) => datagramWithEncodedSize(size.n).map((data) => ({ size, data })))),
        ),
      ),
    scenario: (cases) => cases.map(({ data }) => ({ op: 'slip.encode', data: toHex(data) })),
    check: (cases, trace, ctx) => {
      const limit = ctx.limits.slipBufferBytes;
      // Whether a datagram's encoding passes the buffer depends on escaping as RFC 1055 says:
      // judge the refusals only when this encoder's output of the fitting ones is RFC 1055's
      // (a wrong encoding or size is slip.encode.escaping's and slip.encode.size's to report).
      for (const [i, { size, data }] of cases.entries()) {
        if (!size.fits) continue;
        const e = field<string>(okValue(trace, i, `encoding of ${size.n} bytes (${size.rel} the ${limit}-byte buffer)`), 'bytes');
        if (e !== toHex(rfc1055Encode(data))) return;
      }
      cases.forEach(({ size }, i) => {
        if (!size.fits) mustFail(trace, i, `encoding of ${size.n} bytes (${size.rel} the ${limit}-byte buffer)`, ['too-large']);
      });
    },
    runsFactor: 0.2,
  }),
  defineProperty({
    id: 'slip.decode.roundtrip',
    title: 'decode(encode(x)) = x, however the bytes are split into chunks',
    layer: 'slip',
    clauses: ['slip.roundtrip', 'slip.decode.unescape', 'slip.decode.streaming', 'slip.decode.empty-ignored', 'slip.decode.frame-at-end'],
    arbitrary: () => fc.tuple(datagram(), fc.array(fc.nat(), { maxLength: 6 })),
    // The encoding split into chunks, the same in one chunk, the encoding without its leading
    // END (a stream need not start with one), and (when x holds END/ESC bytes) an encoding of
    // x's END/ESC bytes alone: each clause compares what its rule is about.
    scenario: ([d, cuts]) => {
      const e = rfc1055Encode(d);
      const specials = d.filter((b) => b === SLIP.END || b === SLIP.ESC);
      return [
        { op: 'slip.decode', chunks: splitAt(e, cuts).map(toHex) },
        { op: 'slip.decode', chunks: [toHex(e)] },
        { op: 'slip.decode', chunks: [toHex(e.slice(1))] },
        ...(specials.length > 0 ? [{ op: 'slip.decode', chunks: [toHex(rfc1055Encode(specials))] }] : []),
      ];
    },
    check: ([d, cuts], trace, _ctx, t) => {
      t.check('slip.roundtrip', () => mustEqual(nonEmptyEvents(trace, 1), [{ frame: toHex(d) }], `decoding the encoding of ${d.length} bytes in one chunk`));
      const pieces = splitAt(rfc1055Encode(d), cuts).filter((c) => c.length > 0).length;
      // Nothing to compare when the cuts left the encoding whole.
      if (pieces > 1) t.check('slip.decode.streaming', () => mustEqual(nonEmptyEvents(trace, 0), nonEmptyEvents(trace, 1), `events of the encoding fed in ${pieces} pieces (expected: those of it in one chunk)`));
      t.check('slip.decode.frame-at-end', () => mustEqual(nonEmptyEvents(trace, 2), nonEmptyEvents(trace, 1), 'events of the encoding without its leading END (expected: those of the whole encoding: the bytes before the first END form a frame too)'));
      const specials = d.filter((b) => b === SLIP.END || b === SLIP.ESC);
      noEmptyFrames(t, trace, specials.length > 0 ? [0, 1, 3] : [0, 1]);
      if (specials.length > 0) t.check('slip.decode.unescape', () => mustEqual(nonEmptyEvents(trace, 3), [{ frame: toHex(specials) }], `decoding ${toHex(rfc1055Encode(specials))} (only escaped END/ESC bytes)`));
    },
  }),
  defineProperty({
    id: 'slip.decode.stream-with-noise',
    title: 'several encodings with line noise and extra ENDs between them decode, event by event, as RFC 1055 and the decisions say',
    layer: 'slip',
    clauses: ['slip.decode.frame-at-end', 'slip.decode.empty-ignored', 'slip.decode.bad-escape', 'slip.decode.esc-end'],
    // Noise is any bytes, END/ESC and the escape codes favoured (so bad escapes and ESC END
    // occur); the expected events come from an independent decoder (model.ts), so no noise can
    // be mistaken for a datagram or the other way round.
    arbitrary: () =>
      fc.array(
        fc.record({ noise: specialBiasedBytes(0, 8, SPECIALS), extraEnds: fc.integer({ min: 0, max: 3 }), datagram: datagram(80) }),
        { minLength: 1, maxLength: 6 },
      ),
    scenario: (parts) => [{ op: 'slip.decode', chunks: parts.map((p) => toHex(noisyChunk(p))) }],
    check: (parts, trace, ctx, t) => {
      const want = modelDecode(Uint8Array.from(parts.flatMap((p) => [...noisyChunk(p)])), ctx.limits.slipBufferBytes);
      // The op must succeed for any event to be compared: a precondition of the frames it holds.
      let got: DecodeEvent[] = [];
      t.step('slip.decode.frame-at-end', () => void (got = nonEmptyEvents(trace, 0)));
      const n = Math.max(want.events.length, got.length);
      // Events in stream order (empty frames are the empty-ignored check's, below): once one
      // differs the rest are misaligned, so each is a step.
      for (let k = 0; k < n; k++) {
        const w = want.events[k];
        const g = got[k];
        if (!w) {
          t.step(typeof g === 'object' && g !== null && 'frame' in g ? 'slip.decode.frame-at-end' : 'slip.decode.bad-escape', () => must(false, `event #${k} ${JSON.stringify(g)}: the stream holds only ${want.events.length} events`));
        } else {
          t.step(w.clause, () => {
            must(g !== undefined, `event #${k}: expected ${JSON.stringify(w.event)} (${whereInStream(parts, w.at)}), got no event (only ${got.length})`);
            mustEqual(g, w.event, `event #${k} (${whereInStream(parts, w.at)})`);
          });
        }
      }
      if (want.emptyEnds > 0) noEmptyFrames(t, trace, [0]);
    },
  }),
  defineProperty({
    id: 'slip.decode.bad-escape',
    title: 'ESC followed by anything but ESC_END/ESC_ESC is a protocol error; the frame is dropped and the next one decodes',
    layer: 'slip',
    clauses: ['slip.decode.bad-escape', 'slip.decode.empty-ignored'],
    // The bad escape is followed by END at once or by more bytes first (none of them END, any
    // of them ESC): whatever follows it up to the next END is discarded.
    arbitrary: () =>
      fc.tuple(
        datagram(40),
        fc.integer({ min: 0, max: 0xff }).filter((b) => b !== SLIP.ESC_END && b !== SLIP.ESC_ESC && b !== SLIP.END),
        fc.oneof(fc.constant(new Uint8Array()), specialBiasedBytes(1, 12, [SLIP.ESC, SLIP.ESC_END, SLIP.ESC_ESC]).map((t) => t.map((b) => (b === SLIP.END ? 0 : b)))),
        datagram(40),
      ),
    scenario: ([a, bad, tail, b]) => {
      const broken = rfc1055Encode(a);
      const withBad = Uint8Array.from([...broken.slice(0, -1), SLIP.ESC, bad, ...tail, SLIP.END]);
      return [{ op: 'slip.decode', chunks: [toHex(withBad), toHex(rfc1055Encode(b))] }];
    },
    check: ([, , tail, b], trace, _ctx, t) => {
      t.check('slip.decode.bad-escape', () => mustEqual(nonEmptyEvents(trace, 0), [{ error: 'protocol' }, { frame: toHex(b) }], `events (${tail.length} bytes between the bad escape and the next END)`));
      noEmptyFrames(t, trace, [0]);
    },
  }),
  defineProperty({
    id: 'slip.decode.limit',
    title: 'a frame of up to the buffer size (decoded bytes, escapes counted once) is delivered; one byte more or far more is refused as too large, and the next frame still decodes',
    layer: 'slip',
    clauses: ['slip.decode.too-large', 'slip.decode.empty-ignored'],
    // One case: frames of one under, at, one over and k over the buffer's decoded size, their
    // content END/ESC-dense or plain (a limit charged per received byte shows), each followed by
    // a good frame. The expected events come from the independent decoder (model.ts).
    arbitrary: (ctx) =>
      fc.noShrink(
        boundaryInt({ min: 2, max: ctx.limits.slipBufferBytes }).chain((k) =>
          fc.record({ k: fc.constant(k), content: denseBytes(ctx.limits.slipBufferBytes + k, [SLIP.END, SLIP.ESC]), next: datagram(30) }),
        ),
      ),
    scenario: ({ k, content, next }, ctx) => limitSizes(ctx.limits.slipBufferBytes, 0, k).map(({ n }) => ({ op: 'slip.decode', chunks: limitChunks(content, n, next).map(toHex) })),
    check: ({ k, content, next }, trace, ctx, t) => {
      const limit = ctx.limits.slipBufferBytes;
      const sizes = limitSizes(limit, 0, k);
      sizes.forEach(({ n, rel }, i) =>
        t.check('slip.decode.too-large', () => {
          const stream = Uint8Array.from(limitChunks(content, n, next).flatMap((c) => [...c]));
          const want = modelDecode(stream, limit).events.map((e) => e.event);
          mustEqual(nonEmptyEvents(trace, i), want, `a frame of ${n} decoded bytes (${rel} the ${limit}-byte buffer; ${countSpecials(content.slice(0, n))} END/ESC in it), then a good one`);
        }),
      );
      noEmptyFrames(t, trace, sizes.map((_, i) => i));
    },
    runsFactor: 0.1,
  }),
  defineProperty({
    id: 'slip.encode.empty',
    title: 'an empty datagram encodes as END END, which the decoder ignores',
    layer: 'slip',
    clauses: ['slip.encode.empty', 'slip.decode.empty-ignored'],
    arbitrary: () => fc.constant(null),
    scenario: (): Op[] => [
      { op: 'slip.encode', data: '' },
      { op: 'slip.decode', chunks: ['c0c0'] },
    ],
    check: (_x, trace, _ctx, t) => {
      t.check('slip.encode.empty', () => mustEqual(field(okValue(trace, 0, 'slip.encode'), 'bytes'), 'c0c0', 'encoding of an empty datagram'));
      t.check('slip.decode.empty-ignored', () => mustEqual(decodeEvents(trace, 1), [], 'decoding END END'));
    },
    runsFactor: 0.01,
  }),
  defineProperty({
    id: 'slip.decode.esc-end',
    title: 'ESC followed by END is a protocol error and that END resynchronises: the very next bytes form a frame',
    layer: 'slip',
    clauses: ['slip.decode.esc-end', 'slip.decode.bad-escape', 'slip.decode.empty-ignored'],
    arbitrary: () => fc.tuple(datagram(30), datagram(30)),
    scenario: ([a, b]) => {
      const first = rfc1055Encode(a);
      const second = rfc1055Encode(b).slice(1); // no leading END: the END after ESC is the boundary
      return [{ op: 'slip.decode', chunks: [toHex(Uint8Array.from([...first.slice(0, -1), SLIP.ESC, SLIP.END])) + toHex(second)] }];
    },
    // The error and the dropped frame are the bad-escape rule (END is "any other byte"); what
    // follows the error — the next bytes forming a frame at once — is the esc-end rule.
    check: ([, b], trace, _ctx, t) => {
      t.check('slip.decode.bad-escape', () => mustEqual(nonEmptyEvents(trace, 0)[0], { error: 'protocol' }, 'first event: ESC END is a protocol error and the frame before it is dropped'));
      t.check('slip.decode.esc-end', () => {
        const events = nonEmptyEvents(trace, 0);
        const err = events.findIndex((e) => typeof e === 'object' && e !== null && 'error' in e);
        mustEqual(events.slice(err + 1), [{ frame: toHex(b) }], 'events after the protocol error (the END after ESC is the boundary: the next bytes form a frame)');
      });
      noEmptyFrames(t, trace, [0]);
    },
  }),
  defineProperty({
    id: 'slip.decode.unterminated',
    title: 'bytes after the last END produce no event until an END arrives',
    layer: 'slip',
    clauses: ['slip.decode.unterminated', 'slip.decode.frame-at-end', 'slip.decode.empty-ignored'],
    arbitrary: () => fc.tuple(datagram(30), datagram(30)),
    // The same stream without and with its closing END, and its first frame alone: the bytes
    // after the last END must add nothing to the first frame's events, whatever those are.
    scenario: ([a, b]) => [
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(a)), toHex(rfc1055Encode(b).slice(0, -1))] },
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(a)), toHex(rfc1055Encode(b).slice(0, -1)), 'c0'] },
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(a))] },
    ],
    check: ([a, b], trace, _ctx, t) => {
      t.check('slip.decode.unterminated', () => mustEqual(nonEmptyEvents(trace, 0), nonEmptyEvents(trace, 2), 'events with a frame still open after the last END (expected: those of the stream without it)'));
      t.check('slip.decode.frame-at-end', () => mustEqual(nonEmptyEvents(trace, 1), [{ frame: toHex(a) }, { frame: toHex(b) }], 'events once the closing END arrives in a later chunk'));
      noEmptyFrames(t, trace, [0, 1, 2]);
    },
  }),
];
