// SLIP (RFC 1055) framing, the encoder's 4 KiB buffer limit, and the streaming decoder.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, must, mustEqual, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { specialBiasedBytes } from '../arbitraries.ts';
import { hx, rfc1055Encode, SLIP } from '../oracles.ts';

const SPECIALS = [SLIP.END, SLIP.ESC, SLIP.ESC_END, SLIP.ESC_ESC];
const datagram = (max = 200) => specialBiasedBytes(1, max, SPECIALS);
const countSpecials = (d: Uint8Array) => d.reduce((n, b) => n + (b === SLIP.END || b === SLIP.ESC ? 1 : 0), 0);
type DecodeEvent = { frame: string } | { error: string };
const frames = (events: DecodeEvent[]) => events.flatMap((e) => ('frame' in e ? [e.frame] : []));

/** A datagram whose encoding is exactly `size` bytes: `specials` END/ESC bytes, the rest plain. */
const datagramWithEncodedSize = (size: number) =>
  fc.integer({ min: 0, max: Math.floor((size - 2) / 2) }).chain((specials) =>
    fc
      .tuple(
        fc.array(fc.constantFrom(SLIP.END, SLIP.ESC), { minLength: specials, maxLength: specials }),
        fc.array(fc.integer({ min: 0, max: 0xff }).filter((b) => b !== SLIP.END && b !== SLIP.ESC), { minLength: size - 2 - 2 * specials, maxLength: size - 2 - 2 * specials }),
        fc.nat(),
      )
      .map(([sp, plain, seed]) => {
        const all = [...sp, ...plain];
        // deterministic interleave driven by the generated seed
        for (let i = all.length - 1, s = seed; i > 0; i--, s = (s * 1103515245 + 12345) >>> 0) {
          const j = s % (i + 1);
          [all[i], all[j]] = [all[j]!, all[i]!];
        }
        return Uint8Array.from(all);
      }),
  );

export const slipProperties = [
  defineProperty({
    id: 'slip.encode.framing',
    title: 'encode = END, each byte with END/ESC escaped, END; no END inside; size = n + specials + 2',
    layer: 'slip',
    clauses: ['slip.encode.framing', 'slip.encode.escaping', 'slip.encode.size'],
    arbitrary: () => datagram(),
    scenario: (d) => [{ op: 'slip.encode', data: toHex(d) }],
    check: (d, trace) => {
      const e = hx(field(okValue(trace, 0, 'slip.encode'), 'bytes'));
      mustEqual(e.length, d.length + countSpecials(d) + 2, 'encoded size');
      must(e[0] === SLIP.END && e[e.length - 1] === SLIP.END, 'encoding must start and end with END');
      must(!e.slice(1, -1).includes(SLIP.END), 'END inside the frame');
      mustEqual(toHex(e), toHex(rfc1055Encode(d)), 'RFC 1055 encoding');
    },
  }),
  defineProperty({
    id: 'slip.encode.limit-boundary',
    title: 'an encoding of exactly the SLIP buffer size is sent; one byte more is refused as too large',
    layer: 'slip',
    clauses: ['slip.encode.limit'],
    // The sizes are the point, not the byte values: shrinking 4 KiB arrays would only burn time.
    arbitrary: (ctx) => fc.noShrink(fc.tuple(datagramWithEncodedSize(ctx.limits.slipBufferBytes), datagramWithEncodedSize(ctx.limits.slipBufferBytes + 1))),
    scenario: ([fits, over]) => [
      { op: 'slip.encode', data: toHex(fits) },
      { op: 'slip.encode', data: toHex(over) },
    ],
    check: (_d, trace, ctx) => {
      mustEqual(hx(field(okValue(trace, 0, `encoding of exactly ${ctx.limits.slipBufferBytes} bytes`), 'bytes')).length, ctx.limits.slipBufferBytes, 'encoded size at the limit');
      mustFail(trace, 1, `encoding of ${ctx.limits.slipBufferBytes + 1} bytes`, ['too-large']);
    },
    runsFactor: 0.2,
  }),
  defineProperty({
    id: 'slip.decode.roundtrip',
    title: 'decode(encode(x)) = x, however the bytes are split into chunks',
    layer: 'slip',
    clauses: ['slip.roundtrip', 'slip.decode.unescape', 'slip.decode.streaming'],
    arbitrary: () => fc.tuple(datagram(), fc.array(fc.nat(), { maxLength: 6 })),
    scenario: ([d, cuts]) => {
      const e = rfc1055Encode(d);
      const points = [0, ...new Set(cuts.map((c) => c % (e.length + 1)))].sort((a, b) => a - b).concat(e.length);
      return [{ op: 'slip.decode', chunks: points.slice(1).map((end, i) => toHex(e.slice(points[i], end))) }];
    },
    check: ([d], trace) => mustEqual(field(okValue(trace, 0, 'slip.decode'), 'events'), [{ frame: toHex(d) }], 'decoded events'),
  }),
  defineProperty({
    id: 'slip.decode.stream-with-noise',
    title: 'several encodings with line noise and extra ENDs between them decode to the same datagrams, in order',
    layer: 'slip',
    clauses: ['slip.decode.frame-at-end', 'slip.decode.empty-ignored', 'slip.decode.bad-escape', 'slip.decode.esc-end'],
    arbitrary: () =>
      fc.array(
        fc.record({
          // Noise never holds END (an END there is itself a frame boundary) but may end in ESC.
          noise: fc.array(fc.integer({ min: 0, max: 0xff }).filter((b) => b !== SLIP.END), { maxLength: 8 }).map((a) => Uint8Array.from(a)),
          extraEnds: fc.integer({ min: 0, max: 3 }),
          datagram: datagram(80),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    scenario: (parts) => [
      {
        op: 'slip.decode',
        chunks: parts.map((p) => toHex(p.noise) + toHex(new Uint8Array(p.extraEnds).fill(SLIP.END)) + toHex(rfc1055Encode(p.datagram))),
      },
    ],
    check: (parts, trace) => {
      const events = field<DecodeEvent[]>(okValue(trace, 0, 'slip.decode'), 'events');
      const got = frames(events);
      // Each noise run yields at most one event (a garbage frame or an error), before its datagram.
      let i = 0;
      for (const [k, p] of parts.entries()) {
        const want = toHex(p.datagram);
        const noiseEvents = p.noise.length > 0 ? 1 : 0;
        let skipped = 0;
        while (i < got.length && got[i] !== want && skipped < noiseEvents) (i++, skipped++);
        mustEqual(got[i], want, `datagram #${k} after ${p.noise.length} noise bytes and ${p.extraEnds} extra ENDs`);
        i++;
      }
      mustEqual(i, got.length, 'no frames beyond the datagrams');
      must(events.length <= parts.length * 2, `too many events: ${events.length}`);
      must(!got.includes(''), 'an empty frame was delivered (ENDs with nothing pending must be ignored)');
    },
  }),
  defineProperty({
    id: 'slip.decode.bad-escape',
    title: 'ESC followed by anything but ESC_END/ESC_ESC is a protocol error; the frame is dropped and the next one decodes',
    layer: 'slip',
    clauses: ['slip.decode.bad-escape'],
    arbitrary: () => fc.tuple(datagram(40), fc.integer({ min: 0, max: 0xff }).filter((b) => b !== SLIP.ESC_END && b !== SLIP.ESC_ESC && b !== SLIP.END), datagram(40)),
    scenario: ([a, bad, b]) => {
      const broken = rfc1055Encode(a);
      const withBad = Uint8Array.from([...broken.slice(0, -1), SLIP.ESC, bad, SLIP.END]);
      return [{ op: 'slip.decode', chunks: [toHex(withBad), toHex(rfc1055Encode(b))] }];
    },
    check: ([, , b], trace) => mustEqual(field(okValue(trace, 0, 'slip.decode'), 'events'), [{ error: 'protocol' }, { frame: toHex(b) }], 'events'),
  }),
  defineProperty({
    id: 'slip.decode.limit',
    title: 'a decoded frame of exactly the buffer size is delivered; a longer one is refused as too large and the next frame still decodes',
    layer: 'slip',
    clauses: ['slip.decode.too-large'],
    arbitrary: (ctx) => fc.tuple(fc.integer({ min: 0, max: 0xbf }), datagram(30)).map(([fill, next]) => ({ fill, next, n: ctx.limits.slipBufferBytes })),
    scenario: ({ fill, next, n }) => [
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(new Uint8Array(n).fill(fill)))] },
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(new Uint8Array(n + 1).fill(fill))), toHex(rfc1055Encode(next))] },
    ],
    check: ({ fill, next, n }, trace) => {
      mustEqual(field(okValue(trace, 0), 'events'), [{ frame: toHex(new Uint8Array(n).fill(fill)) }], `frame of ${n} bytes`);
      mustEqual(field(okValue(trace, 1), 'events'), [{ error: 'too-large' }, { frame: toHex(next) }], `frame of ${n + 1} bytes then a good one`);
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
    check: (_x, trace) => {
      mustEqual(field(okValue(trace, 0, 'slip.encode'), 'bytes'), 'c0c0', 'encoding of an empty datagram');
      mustEqual(field(okValue(trace, 1, 'slip.decode'), 'events'), [], 'decoding END END');
    },
    runsFactor: 0.01,
  }),
  defineProperty({
    id: 'slip.decode.esc-end',
    title: 'ESC followed by END is a protocol error and that END resynchronises: the very next bytes form a frame',
    layer: 'slip',
    clauses: ['slip.decode.esc-end', 'slip.decode.bad-escape'],
    arbitrary: () => fc.tuple(datagram(30), datagram(30)),
    scenario: ([a, b]) => {
      const first = rfc1055Encode(a);
      const second = rfc1055Encode(b).slice(1); // no leading END: the END after ESC is the boundary
      return [{ op: 'slip.decode', chunks: [toHex(Uint8Array.from([...first.slice(0, -1), SLIP.ESC, SLIP.END])) + toHex(second)] }];
    },
    check: ([, b], trace) => mustEqual(field(okValue(trace, 0, 'slip.decode'), 'events'), [{ error: 'protocol' }, { frame: toHex(b) }], 'events'),
  }),
  defineProperty({
    id: 'slip.decode.unterminated',
    title: 'bytes after the last END produce no event until an END arrives',
    layer: 'slip',
    clauses: ['slip.decode.unterminated', 'slip.decode.frame-at-end'],
    arbitrary: () => fc.tuple(datagram(30), datagram(30)),
    scenario: ([a, b]) => [
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(a)), toHex(rfc1055Encode(b).slice(0, -1))] },
      { op: 'slip.decode', chunks: [toHex(rfc1055Encode(a)), toHex(rfc1055Encode(b).slice(0, -1)), 'c0'] },
    ],
    check: ([a, b], trace) => {
      mustEqual(field(okValue(trace, 0, 'slip.decode'), 'events'), [{ frame: toHex(a) }], 'events before the closing END');
      mustEqual(field(okValue(trace, 1, 'slip.decode'), 'events'), [{ frame: toHex(a) }, { frame: toHex(b) }], 'events once it arrives');
    },
  }),
];
