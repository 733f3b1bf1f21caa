// The WebAssembly kernels (src/codec/wasm/): the committed binary is what its source builds
// to, and every codec function that uses it gives exactly what a plain definition in this file
// (or, for the decoder, the byte-by-byte path) gives on the same inputs — sizes on both sides
// of each switch-over to the kernels, odd offsets, inputs past the wasm memory, SLIP streams
// rich in END/ESC cut at random points, limits at every edge.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { buildCodecWasm, WASM_PATH } from '../../scripts/build-wasm.ts';
import { MEMORY, SLIP_ENCODE_MAX, SLIP_WINDOW } from '../../src/codec/wasm/kernels.ts';
import { internetChecksum, onesComplementSum, onesComplementSumOf, onesComplementSumSkipping } from '../../src/codec/checksum.ts';
import { SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC, SlipDecoder, slipEncode } from '../../src/codec/slip.ts';
import type { SlipDecodeEvent } from '../../src/codec/slip.ts';
import type { Result } from '../../src/util/result.ts';
import { FC } from './helpers.ts';

/** RFC 1071 by the letter: big-endian words of b[start, end) paired from start, odd last byte high, folded. */
function refSum(b: Uint8Array, start = 0, end = b.length, initial = 0): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) + (i + 1 < end ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}
const refSkipping = (b: Uint8Array, at: number, initial = 0): number =>
  at >= b.length ? refSum(b, 0, b.length, initial) : refSum(b, Math.min(b.length, at + 2), b.length, refSum(b, 0, at, initial));

/** The decoder fed one byte at a time: every byte through the byte-wise definition. */
function byteByByte(stream: Uint8Array, limit: number): string[] {
  const dec = new SlipDecoder(limit);
  const events: SlipDecodeEvent[] = [];
  for (const b of stream) events.push(...dec.push(Uint8Array.of(b)));
  return [...showEvents(events), `pending ${dec.pending}`];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const showResult = (r: Result<Uint8Array>): string => (r.ok ? hex(r.value) : `${r.error.kind} ${r.error.where}: ${r.error.message}`);
const showEvents = (events: SlipDecodeEvent[]): string[] => events.map((e) => ('frame' in e ? hex(e.frame) : `${e.error.kind} ${e.error.where}: ${e.error.message}`));

/** Bytes of length in [min, max], placed at a random offset of a larger buffer (odd byteOffsets too). */
const placed = (min: number, max: number) =>
  fc.tuple(fc.uint8Array({ minLength: min, maxLength: max, size: 'max' }), fc.nat(7)).map(([b, off]) => {
    const host = new Uint8Array(b.length + off);
    host.set(b, off);
    return host.subarray(off);
  });

/** Bytes rich in END, ESC, ESC_END, ESC_ESC, with clean runs long enough to cross 16-byte blocks; lengths up to `max` (size 'max': not just small ones). */
const slipRich = (max: number) =>
  fc
    .uint8Array({ maxLength: max, size: 'max' })
    .map((b) => b.map((x, i) => ((i >> 4) % 3 === 0 ? x : [SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC, x, x, x, x][x & 7]!)));

/** Escaped as RFC 1055 says (independently of slipEncode), between ENDs. */
const escaped = (d: Uint8Array): number[] => [SLIP_END, ...[...d].flatMap((x) => (x === SLIP_END ? [SLIP_ESC, SLIP_ESC_END] : x === SLIP_ESC ? [SLIP_ESC, SLIP_ESC_ESC] : [x])), SLIP_END];

/** A SLIP stream: well-formed frames of 0..2000 bytes, a few bytes overwritten with special or random ones. */
const slipStream = fc
  .tuple(fc.array(slipRich(2000), { maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.nat(0xff)), { maxLength: 4 }))
  .map(([frames, hits]) => {
    const s = Uint8Array.from(frames.flatMap(escaped));
    for (const [at, b] of hits) if (s.length > 0) s[at % s.length] = b & 1 ? [SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC][b >> 6]! : b;
    return s;
  });

describe('wasm kernels', () => {
  it('the committed codec.wasm is what codec.wat builds to (npm run build:wasm)', async () => {
    const built = await buildCodecWasm();
    expect(hex(new Uint8Array(readFileSync(WASM_PATH)))).toBe(hex(built));
  });

  it('checksums: as RFC 1071 defines them, at every size and offset', () => {
    fc.assert(
      fc.property(placed(0, 1600), fc.nat(0xffff), fc.nat(1700), (b, initial, at) => {
        expect(onesComplementSum(b, initial)).toBe(refSum(b, 0, b.length, initial));
        expect(internetChecksum(b)).toBe(~refSum(b) & 0xffff);
        expect(onesComplementSumOf(b, at)).toBe(refSum(b, 0, Math.min(at, b.length)));
        expect(onesComplementSumSkipping(b, at, initial)).toBe(refSkipping(b, at, initial));
        expect(onesComplementSumSkipping(b, at & ~1)).toBe(refSkipping(b, at & ~1));
      }),
      { ...FC, numRuns: 400 },
    );
  });

  it('checksums of inputs past the wasm memory (a range of them, or all of them)', () => {
    const big = Uint8Array.from({ length: MEMORY.sumMax + 1001 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
    for (const b of [big, big.subarray(1), big.subarray(0, MEMORY.sumMax), big.subarray(3, MEMORY.sumMax + 3)]) {
      expect([onesComplementSum(b), onesComplementSumOf(b, 999), onesComplementSumOf(b, 64), onesComplementSumSkipping(b, 16, 7)]).toEqual([
        refSum(b),
        refSum(b, 0, 999),
        refSum(b, 0, 64),
        refSkipping(b, 16, 7),
      ]);
    }
    // All 0xFF: the widest lanes the kernel can see.
    const ones = new Uint8Array(MEMORY.sumMax).fill(0xff);
    expect(onesComplementSum(ones)).toBe(0xffff);
    expect(onesComplementSum(new Uint8Array(4096))).toBe(0);
  });

  it('SLIP encode: RFC 1055 escaping, or the too-large error, at limits around the size', () => {
    fc.assert(
      fc.property(fc.oneof(slipRich(300), slipRich(5000), slipStream), fc.integer({ min: -2, max: 2 }), (d, delta) => {
        const want = Uint8Array.from(escaped(d));
        const limit = Math.max(0, want.length + delta);
        expect(showResult(slipEncode(d, limit))).toBe(
          want.length <= limit ? hex(want) : `too-large slip.encode: encoding of ${want.length} bytes exceeds the ${limit}-byte SLIP buffer`,
        );
      }),
      { ...FC, numRuns: 300 },
    );
  });

  it('SLIP encode of datagrams past the kernel (SLIP_ENCODE_MAX) and just within it', () => {
    for (const n of [SLIP_ENCODE_MAX, SLIP_ENCODE_MAX + 1]) {
      const d = Uint8Array.from({ length: n }, (_, i) => (i % 97 === 0 ? SLIP_END : i % 89 === 0 ? SLIP_ESC : i & 0xff));
      expect(showResult(slipEncode(d, 4 * n))).toBe(hex(Uint8Array.from(escaped(d))));
    }
  });

  it('SLIP decode: whole or in random chunks, the events of the byte-by-byte definition, for any limit', () => {
    fc.assert(
      fc.property(fc.oneof(slipStream, slipRich(3000)), fc.array(fc.nat(8000), { maxLength: 6 }), fc.oneof(fc.nat(40), fc.nat(2100), fc.constant(4096)), (stream, cuts, limit) => {
        const pieces = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const chunked = (): string[] => {
          const dec = new SlipDecoder(limit);
          const events: SlipDecodeEvent[] = [];
          let from = 0;
          for (const to of [...pieces, stream.length]) {
            events.push(...dec.push(stream.subarray(from, to)));
            from = to;
          }
          return [...showEvents(events), `pending ${dec.pending}`];
        };
        const whole = new SlipDecoder(limit);
        const reference = byteByByte(stream, limit);
        expect([...showEvents(whole.push(stream)), `pending ${whole.pending}`]).toEqual(reference);
        expect(chunked()).toEqual(reference);
      }),
      { ...FC, numRuns: 300 },
    );
  });

  it('SLIP decode of one push past the input window (SLIP_WINDOW), escapes and ENDs at its edge', () => {
    for (const edge of [SLIP_WINDOW - 2, SLIP_WINDOW - 1, SLIP_WINDOW, SLIP_WINDOW + 1]) {
      const stream = Uint8Array.from({ length: 2 * SLIP_WINDOW + 100 }, (_, i) => (i * 7) & 0x7f);
      stream[0] = SLIP_END;
      stream[edge] = SLIP_ESC;
      stream[edge + 1] = SLIP_ESC_END;
      stream[edge + 40] = SLIP_END;
      stream[edge + 41] = SLIP_ESC;
      stream[edge + 42] = 0x01; // a bad escape: protocol error, then discard to the next END
      stream[edge + 300] = SLIP_END;
      stream[stream.length - 1] = SLIP_END;
      for (const limit of [1 << 20, SLIP_WINDOW, 4096]) {
        const dec = new SlipDecoder(limit);
        const events = [...showEvents(dec.push(stream)), `pending ${dec.pending}`];
        expect(events).toEqual(byteByByte(stream, limit));
        expect(events.length).toBeGreaterThan(2);
      }
    }
  });
});
