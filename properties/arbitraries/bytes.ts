// Byte strings and addresses: lengths boundary-first, values biased to the bytes protocols treat
// specially, and addresses of the wrong length (what every builder must refuse).
import fc from 'fast-check';
import { toHex } from '../../src/util/bytes.ts';
import { lengthUpTo } from './sizes.ts';
import { ADDRESS_BYTES } from './fields.ts';

/** Bytes of a length in [minLength, maxLength]: the end lengths often, any between otherwise. */
export const bytes = (minLength = 0, maxLength = 64): fc.Arbitrary<Uint8Array> =>
  lengthUpTo(minLength, maxLength).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
export const hexBytes = (minLength = 0, maxLength = 64): fc.Arbitrary<string> => bytes(minLength, maxLength).map(toHex);

/** Bytes biased towards the values protocols treat specially (SLIP END/ESC, 0x00, 0xFF). */
export const specialBiasedBytes = (minLength: number, maxLength: number, specials: number[]): fc.Arbitrary<Uint8Array> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 0xff }) }, { weight: 1, arbitrary: fc.constantFrom(...specials) }), { minLength, maxLength })
    .map((a) => Uint8Array.from(a));

/**
 * Bytes of exactly `n` where specials make up a drawn share (none, some, all): dense content
 * shows rules that count escaped or special bytes (a SLIP limit on the encoded size).
 */
export const denseBytes = (n: number, specials: number[]): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(fc.constantFrom(0, 0.1, 0.5, 1), fc.integer({ min: 0, max: 0xff }), fc.nat())
    .map(([share, plain, seed]) => {
      const out = new Uint8Array(n);
      // A small LCG from the drawn seed: n can be thousands, and fc.array of that size is slow.
      for (let i = 0, s = seed >>> 0; i < n; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        // High bits only: an LCG's low bits have short periods.
        out[i] = ((s >>> 16) % 1000) / 1000 < share ? specials[(s >>> 8) % specials.length]! : (s >>> 24) % 3 === 0 ? plain : (s >>> 24) & 0xff;
      }
      return out;
    });

/** An address of the right length: all-zero, all-ones, or any bytes. */
const address = (len: number): fc.Arbitrary<string> =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom('00'.repeat(len), 'ff'.repeat(len)) }, { weight: 4, arbitrary: fc.uint8Array({ minLength: len, maxLength: len }).map(toHex) });
export const mac = (): fc.Arbitrary<string> => address(ADDRESS_BYTES.mac);
export const ipv4Addr = (): fc.Arbitrary<string> => address(ADDRESS_BYTES.ipv4);

/** An address one byte short, one byte long, empty, or far too long: every builder must refuse it. */
export const wrongLengthAddress = (len: number): fc.Arbitrary<string> =>
  fc.constantFrom(0, len - 1, len + 1, 2 * len).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map(toHex));
