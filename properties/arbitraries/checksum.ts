// Data whose Internet checksum lands on the values where implementations go wrong: a sum that
// folds to exactly 0xFFFF (checksum 0x0000, which UDP must send as 0xFFFF), all-zero data (sum
// 0x0000, checksum 0xFFFF), sums whose first end-around fold carries again (a single fold is
// then wrong), and long buffers. Sums are computed with the oracle (properties/oracles.ts).
import fc from 'fast-check';
import { rfc1071Sum } from '../oracles.ts';
import { bytes } from './bytes.ts';
import { lengthUpTo } from './sizes.ts';

export type SumKind = 'uniform' | 'sum-ffff' | 'all-zero' | 'multi-fold' | 'all-ones' | 'long';

export interface SumEdgeData {
  data: Uint8Array;
  /** Which edge the data was built for (for messages). */
  kind: SumKind;
}

/** Folds a 16-bit one's-complement total to 16 bits, as RFC 1071 does. */
const fold = (s: number): number => {
  let v = s;
  while (v > 0xffff) v = (v & 0xffff) + Math.floor(v / 0x10000);
  return v;
};

/** The unfolded sum of `data` as big-endian words (odd trailing byte high). */
export function unfoldedSum(data: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i += 2) s += (data[i]! << 8) + (i + 1 < data.length ? data[i + 1]! : 0);
  return s;
}

/** Whether folding `total` to 16 bits takes more than one end-around carry. */
export const needsSecondFold = (total: number): boolean => total > 0xffff && (total & 0xffff) + Math.floor(total / 0x10000) > 0xffff;

/**
 * Sets the 16-bit word at even offset `at` of `data` (in place) so that the folded sum of
 * `initial` (a folded pseudo-header sum, or 0) plus `data` is `target` (1..0xFFFF).
 */
export function setWordForSum(data: Uint8Array, at: number, target: number, initial = 0): Uint8Array {
  if (at % 2 !== 0 || at < 0 || at + 1 >= data.length) throw new Error(`setWordForSum: ${at} is not the even offset of a whole word of ${data.length} bytes`);
  if (target < 1 || target > 0xffff) throw new Error(`setWordForSum: target 0x${target.toString(16)} is not reachable (1..0xffff)`);
  data[at] = 0;
  data[at + 1] = 0;
  // fold(a + w) for a, w <= 0xFFFF is a + w, or a + w - 0xFFFF once it carries.
  const rest = fold(initial + rfc1071Sum(data));
  const w = target >= rest ? target - rest : target - rest + 0xffff;
  data[at] = w >> 8;
  data[at + 1] = w & 0xff;
  return data;
}

/**
 * Makes the total of `initial` plus `data` need a second fold: the word at even offset `at`
 * is set so the unfolded total's low half is 0xFFFF while its high half is at least 1 (which
 * needs data summing to 0x10000 or more: give at least three words of 0xFFFF, or long data).
 */
export function setWordForSecondFold(data: Uint8Array, at: number, initial = 0): Uint8Array {
  data[at] = 0;
  data[at + 1] = 0;
  const total = initial + unfoldedSum(data);
  const w = (0xffff - (total & 0xffff)) & 0xffff;
  data[at] = w >> 8;
  data[at + 1] = w & 0xff;
  return data;
}

export interface SumEdgeOptions {
  minLength?: number;
  maxLength?: number;
  /** Length of a long buffer (drawn now and then); default maxLength * 8. */
  longLength?: number;
  /** Folded sum added before the data (a pseudo-header), 0 by default. */
  initial?: number;
  /** Weight of long buffers among the kinds (default 1; uniform data has 3, each other edge 1). */
  longWeight?: number;
  /** Even offset of the word the edge kinds adjust (default: the last whole word). */
  adjustAt?: (length: number) => number;
}

/**
 * Data for checksum rules, edge kinds with high probability: sum 0xFFFF (checksum 0), all
 * zero (sum 0, checksum 0xFFFF), all 0xFF, multi-fold totals, long buffers; uniform otherwise.
 */
export function sumEdgeData(opts: SumEdgeOptions = {}): fc.Arbitrary<SumEdgeData> {
  const minLength = Math.max(opts.minLength ?? 0, 0);
  const maxLength = opts.maxLength ?? 300;
  const initial = opts.initial ?? 0;
  const adjustable = Math.max(minLength, 8); // room for three 0xFFFF words and the adjusted one
  const at = (n: number) => opts.adjustAt?.(n) ?? (n - (n % 2) - 2);
  const len = (min: number) => lengthUpTo(Math.max(min, minLength), Math.max(maxLength, min));
  const long = opts.longLength ?? maxLength * 8;
  const kinds: fc.Arbitrary<SumEdgeData>[] = [
    bytes(minLength, maxLength).map((data) => ({ data, kind: 'uniform' as const })),
    len(Math.max(adjustable, 2)).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })).map((d) => ({ data: setWordForSum(Uint8Array.from(d), at(d.length), 0xffff, initial), kind: 'sum-ffff' as const })),
    len(0).map((n) => ({ data: new Uint8Array(n), kind: 'all-zero' as const })),
    len(0).map((n) => ({ data: new Uint8Array(n).fill(0xff), kind: 'all-ones' as const })),
    len(adjustable)
      .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
      .map((d) => {
        const data = Uint8Array.from(d);
        data.fill(0xff, 0, 6); // three 0xFFFF words: the total reaches 0x20000
        return { data: setWordForSecondFold(data, at(data.length), initial), kind: 'multi-fold' as const };
      }),
    fc.tuple(fc.integer({ min: Math.max(long - 3, minLength), max: long + 3 }), fc.integer({ min: 0, max: 0xff })).map(([n, fill]) => ({ data: new Uint8Array(n).fill(fill), kind: 'long' as const })),
  ];
  const weights = [3, 1, 1, 1, 1, opts.longWeight ?? 1];
  return fc.oneof(...kinds.map((arbitrary, i) => ({ weight: weights[i]!, arbitrary })));
}
