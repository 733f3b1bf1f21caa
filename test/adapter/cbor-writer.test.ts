// The plain-CBOR writer (src/iut/process/cbor-writer.ts) behind encodeFrame: for every JSON
// value it writes exactly the bytes cbor-x writes (so a frame is the same whichever wrote it),
// and it leaves to cbor-x, without writing anything, each value it does not take.
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from 'cbor-x';
import fc from 'fast-check';
import { writePlainCbor } from '../../src/iut/process/cbor-writer.ts';
import { FRAME_HEADER_BYTES, decodeFrame, encodeFrame } from '../../src/iut/process/framing.ts';

// framing.ts's own cbor-x settings: plain CBOR, no extensions.
const cborX = new Encoder({ useRecords: false, mapsAsObjects: true, pack: false, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/** Every head form's edges: 23/24, 255/256, 65535/65536, 2^32 - 1 / 2^32, both signs, and -0. */
const edgeInts = [0, -0, 1, -1, 23, 24, -24, -25, 255, 256, -256, -257, 65535, 65536, -65536, -65537, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
const number = fc.oneof(fc.constantFrom(...edgeInts), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat({ max: 2 ** 33 }));
/** Text lengths at each head edge (23/24, 63/64 where the writer changes method, 255/256), in ASCII and beyond. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(0, 23, 24, 63, 64, 85, 86, 255, 256, 300).chain((n) => fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: n, maxLength: n }), fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀'), minLength: n, maxLength: n }))),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, number, text, fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 30 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 30, noNullPrototype: true }),
})).value;

const viaWriter = (v: unknown): Buffer | undefined => writePlainCbor(v, 0);

describe('the plain-CBOR writer', () => {
  it('writes the bytes cbor-x writes, for every JSON value', () => {
    fc.assert(
      fc.property(json, (v) => {
        const mine = viaWriter(v);
        expect(mine, 'a JSON value is taken').toBeDefined();
        expect(mine!.equals(cborX.encode(v))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes each head form at its edges, and long and non-ASCII text, as cbor-x does', () => {
    const long = ['x'.repeat(65535), 'y'.repeat(65536), 'é'.repeat(30000), `${'a'.repeat(100)}😀`, 'ab'.repeat(70000)];
    const wide = [Array.from({ length: 65536 }, (_, i) => i), Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]))];
    for (const v of [...edgeInts, ...long, ...wide, 0.5, -1.25e300, 5e-324, [], {}, [[[[]]]], { a: { b: { c: null } } }]) {
      expect(viaWriter(v)!.equals(cborX.encode(v)), JSON.stringify(v).slice(0, 40)).toBe(true);
    }
  });

  it('leaves to cbor-x what JSON does not have, a lone surrogate, a map past 16 bits and a very deep tree', () => {
    let deep: unknown = [];
    for (let i = 0; i < 600; i++) deep = [deep];
    const many = Object.fromEntries(Array.from({ length: 65536 }, (_, i) => [`k${i}`, 0]));
    const left = [undefined, NaN, Infinity, 10n, Symbol('s'), () => 1, Buffer.from('ab'), new Date(0), new Map(), { a: undefined }, [1, undefined], '\ud800', `ok${'z'.repeat(70)}\udc00`, many, deep, Object.create(null)];
    for (const v of left) expect(viaWriter({ id: 1, v })).toBeUndefined();
  });

  it('keeps the reserved bytes in front, and encodeFrame gives the same frame whichever wrote it', () => {
    const msg = { id: 7, ok: true };
    expect(encodeFrame(msg).toString('hex')).toBe('0000000bb9000262696407626f6bf5'); // protocol.md's example as r2net writes it (b9 00 02): 11 bytes
    expect(writePlainCbor(msg, 3)!.subarray(3).equals(cborX.encode(msg))).toBe(true);
    // A message the writer leaves still becomes a frame, by cbor-x, with the same header.
    const left = { id: 1, trace: { value: undefined } };
    const frame = encodeFrame(left);
    expect(frame.readUInt32BE(0)).toBe(frame.length - FRAME_HEADER_BYTES);
    expect(decoder.decode(frame.subarray(FRAME_HEADER_BYTES))).toEqual(decoder.decode(cborX.encode(left)));
    expect(decodeFrame(encodeFrame({ id: 2, hex: 'c0a8' }).subarray(FRAME_HEADER_BYTES), 64)).toEqual({ ok: true, value: { id: 2, hex: 'c0a8' } });
  });
});
