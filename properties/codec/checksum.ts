// RFC 1071 Internet checksum: the value, and what it detects.
import fc from 'fast-check';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, must, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { boundaryInt, IPV4_MAX_DATAGRAM, singleBits, sumEdgeData, type SumEdgeData } from '../arbitraries.ts';
import type { PropertyContext } from '../../src/runner/property.ts';
import { hx, rfc1071Checksum, rfc1071Sum } from '../oracles.ts';

/** The buffer with one zero byte appended (RFC 1071's padding of an odd length). */
const padded = (d: Uint8Array): Uint8Array => Uint8Array.from([...d, 0]);

/**
 * Checksum data, edges first: sums of exactly 0xFFFF, all-zero and all-0xFF data, totals that
 * need a second carry fold, and long buffers around the profile's frame and SLIP buffers and
 * (with `upToMaxDatagram`) the largest IPv4 datagram.
 */
const checksumData = (ctx: PropertyContext, maxLength: number, upToMaxDatagram = false): fc.Arbitrary<SumEdgeData> =>
  fc
    .constantFrom(ctx.limits.netFrameBufBytes, ctx.limits.maxEthernetFrame, ctx.limits.slipBufferBytes, ...(upToMaxDatagram ? [IPV4_MAX_DATAGRAM] : []))
    .chain((longLength) => sumEdgeData({ maxLength, longLength, longWeight: upToMaxDatagram ? 3 : 1 }));

/** A change to a 16-bit word, edges first: all bits, the sign bit, each single bit, any. */
const wordDelta = (): fc.Arbitrary<number> => fc.oneof(fc.constantFrom(...singleBits(16), 0xffff, 0x7fff), boundaryInt({ min: 1, max: 0xffff }));

export const checksumProperties = [
  defineProperty({
    id: 'codec.checksum.rfc1071-value',
    title: 'checksum of any buffer (odd lengths included) is the RFC 1071 one’s-complement sum',
    layer: 'codec',
    clauses: ['codec.checksum.rfc1071', 'codec.checksum.odd-byte-high'],
    arbitrary: (ctx) => checksumData(ctx, 300, true).map((e) => e.data),
    // An odd buffer is also sent padded with one zero byte: the even sum is RFC 1071's rule, the
    // odd one must equal it (odd-byte-high), so a wrong odd-byte rule fails that clause alone.
    scenario: (data) => [{ op: 'checksum', data: toHex(data) }, ...(data.length % 2 ? [{ op: 'checksum', data: toHex(padded(data)) }] : [])],
    check: (data, trace, _ctx, t) => {
      const odd = data.length % 2 === 1;
      const even = odd ? padded(data) : data;
      t.check('codec.checksum.rfc1071', () => mustEqual(field(okValue(trace, odd ? 1 : 0, 'checksum'), 'checksum'), rfc1071Checksum(even), `checksum of ${even.length} bytes`));
      if (odd)
        t.check('codec.checksum.odd-byte-high', () =>
          mustEqual(field(okValue(trace, 0, 'checksum'), 'checksum'), field(okValue(trace, 1, 'checksum'), 'checksum'), `checksum of ${data.length} bytes (odd) against the same bytes padded with one zero byte`),
        );
    },
  }),
  defineProperty({
    id: 'codec.checksum.self-verifies',
    title: 'a buffer with its checksum inserted sums to 0xFFFF',
    layer: 'codec',
    clauses: ['codec.checksum.verifies'],
    arbitrary: (ctx) => fc.tuple(checksumData(ctx, 200), fc.nat()).map(([{ data: d }, at]) => ({ data: d.length % 2 ? Uint8Array.from([...d, 0]) : d, at })),
    scenario: ({ data }) => [{ op: 'checksum', data: toHex(data) }],
    check: ({ data, at }, trace) => {
      // Insert the checksum as an extra word at an even offset; the total must then be 0xFFFF.
      const c = field<number>(okValue(trace, 0), 'checksum');
      const pos = (at % (data.length / 2 + 1)) * 2;
      const withSum = Uint8Array.from([...data.slice(0, pos), c >> 8, c & 0xff, ...data.slice(pos)]);
      mustEqual(rfc1071Sum(withSum), 0xffff, 'sum of buffer plus its checksum');
    },
  }),
  defineProperty({
    id: 'codec.checksum.detects-word-change',
    title: 'changing any one 16-bit word of a checksummed buffer is detected (except 0x0000<->0xFFFF, equal in one’s complement)',
    layer: 'codec',
    clauses: ['codec.checksum.detects-change'],
    arbitrary: () =>
      fc
        .tuple(sumEdgeData({ minLength: 2, maxLength: 120, longLength: 1200 }), fc.nat(), wordDelta())
        .map(([{ data: d }, i, delta]) => ({ data: d.length % 2 ? d.slice(0, -1) : d, i, delta })),
    scenario: ({ data, i, delta }) => {
      const changed = Uint8Array.from(data);
      const at = (i % (data.length / 2)) * 2;
      const w = ((changed[at]! << 8) | changed[at + 1]!) ^ delta;
      changed[at] = w >> 8;
      changed[at + 1] = w & 0xff;
      return [
        { op: 'checksum', data: toHex(data) },
        { op: 'checksum', data: toHex(changed) },
      ];
    },
    check: ({ data, i, delta }, trace) => {
      const at = (i % (data.length / 2)) * 2;
      const before = (data[at]! << 8) | data[at + 1]!;
      const after = before ^ delta;
      const a = field<number>(okValue(trace, 0), 'checksum');
      const b = field<number>(okValue(trace, 1), 'checksum');
      const equivalent = (before === 0 && after === 0xffff) || (before === 0xffff && after === 0);
      if (!equivalent) must(a !== b, `word at ${at} changed 0x${before.toString(16)} -> 0x${after.toString(16)} but the checksum stayed 0x${a.toString(16)}`);
    },
  }),
  defineProperty({
    id: 'codec.checksum.rfc1071-example',
    title: 'the RFC 1071 §3 numeric example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2, checksum 0x220d',
    layer: 'codec',
    // The RFC's own worked example of its rule (codec.vectors.public-checksums checks it as a vector).
    clauses: ['codec.checksum.rfc1071'],
    arbitrary: () => fc.constant(hx('0001f203f4f5f6f7')), // RFC 1071 §3, "Numerical Examples"
    scenario: (data) => [{ op: 'checksum', data: toHex(data) }],
    // A fixed vector: once per run is every check it has.
    runsFactor: 0.01,
    check: (_d, trace) => {
      const v = okValue(trace, 0);
      mustEqual(field(v, 'sum'), 0xddf2, 'RFC 1071 example sum');
      mustEqual(field(v, 'checksum'), 0x220d, 'RFC 1071 example checksum');
    },
  }),
];
