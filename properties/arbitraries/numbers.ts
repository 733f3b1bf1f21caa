// Boundary-first integers. A bug in a field or a limit hides at its edges (the sign bit of a
// port, the last carry of a sum, one byte over a buffer), which uniform draws almost never hit:
// every arbitrary here draws an edge value with high probability and a uniform one otherwise.
import fc from 'fast-check';

export interface IntRange {
  min: number;
  max: number;
}

/** Share of draws that are edge values (the rest are uniform over the range). */
export const EDGE_WEIGHT = 2;
export const UNIFORM_WEIGHT = 1;

/** The largest value of an unsigned field of `bits` bits (2^bits - 1). */
export const maxOfBits = (bits: number): number => 2 ** bits - 1;

/** The range of an unsigned field of `bits` bits. */
export const rangeOfBits = (bits: number): IntRange => ({ min: 0, max: maxOfBits(bits) });

/** Each single bit of a `bits`-bit field: 1, 2, 4, ..., 2^(bits-1). */
export const singleBits = (bits: number): number[] => Array.from({ length: bits }, (_, k) => 2 ** k);

/** Every value of a small field, in order (an 8-bit field: all 256), for one exhaustive case. */
export function everyValue(bits: number): number[] {
  if (bits > 16) throw new Error(`everyValue: a ${bits}-bit field has too many values to list`);
  return Array.from({ length: 2 ** bits }, (_, v) => v);
}

/**
 * Edge values of a range, without duplicates, each inside [min, max]:
 * - min, min+1, max-1, max;
 * - each limit L given: L-1, L, L+1 (and L+2, L+k far over, for sizes);
 * - powers of two and their neighbours (2^k - 1, 2^k) inside the range;
 * - sign-bit edges of 8-, 16- and 32-bit fields (0x7F/0x80, 0x7FFF/0x8000, 2^31-1/2^31) and
 *   each single bit, when they fall inside the range.
 */
export function edgeValues(r: IntRange, limits: number[] = []): number[] {
  const out = new Set<number>([r.min, r.min + 1, r.max - 1, r.max]);
  for (const l of limits) for (const d of [-1, 0, 1, 2]) out.add(l + d);
  for (let k = 0; 2 ** k <= r.max + 1 && k <= 53; k++) {
    out.add(2 ** k);
    out.add(2 ** k - 1);
  }
  for (const bits of [8, 16, 32]) {
    out.add(2 ** (bits - 1) - 1);
    out.add(2 ** (bits - 1));
  }
  return [...out].filter((v) => Number.isSafeInteger(v) && v >= r.min && v <= r.max).sort((a, b) => a - b);
}

/** An integer of `r`, an edge value (edgeValues) with high probability, else uniform. */
export function boundaryInt(r: IntRange, limits: number[] = []): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: EDGE_WEIGHT, arbitrary: fc.constantFrom(...edgeValues(r, limits)) },
    { weight: UNIFORM_WEIGHT, arbitrary: fc.integer(r) },
  );
}

/** An unsigned `bits`-bit field value, boundary-first (0, max, sign-bit edges, single bits, uniform). */
export const uintBits = (bits: number): fc.Arbitrary<number> => boundaryInt(rangeOfBits(bits));

/** Values a field of range `r` must refuse: just under min, just over max, far over, fractions. */
export function outOfRangeValues(r: IntRange): number[] {
  const span = r.max - r.min;
  return [r.min - 1, r.max + 1, r.max + 2, r.max + 1 + span, 2 * (r.max + 1), r.min + 0.5, -(r.max + 1)].filter(
    (v, i, all) => Number.isFinite(v) && (v < r.min || v > r.max || !Number.isInteger(v)) && all.indexOf(v) === i,
  );
}

/** A number a field of range `r` must refuse (see outOfRangeValues). */
export const outOfRange = (r: IntRange): fc.Arbitrary<number> => fc.constantFrom(...outOfRangeValues(r));
