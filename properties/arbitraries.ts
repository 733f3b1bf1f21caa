// Small arbitraries composed by every layer's properties. Sizes that are documented limits
// come from the profile (ctx.limits), never from literals here.
import fc from 'fast-check';
import { toHex } from '../src/util/bytes.ts';

export const bytes = (minLength = 0, maxLength = 64): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength, maxLength });
export const hexBytes = (minLength = 0, maxLength = 64): fc.Arbitrary<string> => bytes(minLength, maxLength).map(toHex);
export const mac = (): fc.Arbitrary<string> => hexBytes(6, 6);
export const ipv4Addr = (): fc.Arbitrary<string> => hexBytes(4, 4);
export const u8 = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0xff });
export const u16 = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0xffff });
export const u32 = (): fc.Arbitrary<number> => fc.nat({ max: 0xffffffff });
export const port = u16;

/** Bytes biased towards the values protocols treat specially (SLIP END/ESC, 0x00, 0xFF). */
export const specialBiasedBytes = (minLength: number, maxLength: number, specials: number[]): fc.Arbitrary<Uint8Array> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: u8() }, { weight: 1, arbitrary: fc.constantFrom(...specials) }), { minLength, maxLength })
    .map((a) => Uint8Array.from(a));
