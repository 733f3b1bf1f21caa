// Sizes drawn relative to a limit (a profile limit or a field's maximum): at it, one under, one
// over and far over, each tagged with the relation so a property knows the outcome it expects.
import fc from 'fast-check';

export type SizeRelation = 'under' | 'at' | 'over' | 'far-over';

export interface LimitSize {
  /** The size drawn. */
  n: number;
  /** How it stands to the limit. */
  rel: SizeRelation;
  /** n <= limit: the size must be accepted. */
  fits: boolean;
}

export interface AroundOptions {
  /** Largest step under the limit for `under` (default 1: exactly one under; more draws further under). */
  under?: number;
  /** Largest k for `far-over` (limit + k, k >= 2; default 64). */
  farOver?: number;
  /** Smallest size that may be drawn (default 0). */
  min?: number;
}

/** The four relations for one case: limit-1, limit, limit+1 and limit+farOverBy (k >= 2, default 2). */
export const limitSizes = (limit: number, min = 0, farOverBy = 2): LimitSize[] =>
  (
    [
      [limit - 1, 'under'],
      [limit, 'at'],
      [limit + 1, 'over'],
      [limit + Math.max(2, farOverBy), 'far-over'],
    ] as const
  )
    .filter(([n]) => n >= min)
    .map(([n, rel]) => ({ n, rel, fits: n <= limit }));

/** A size at, under, over (by one) or far over (by k >= 2) `limit`, each relation equally likely. */
export function aroundLimit(limit: number, opts: AroundOptions = {}): fc.Arbitrary<LimitSize> {
  const min = opts.min ?? 0;
  const under = Math.max(1, opts.under ?? 1);
  const far = Math.max(2, opts.farOver ?? 64);
  const tag = (rel: SizeRelation) => (n: number): LimitSize => ({ n, rel, fits: n <= limit });
  const arbs: fc.Arbitrary<LimitSize>[] = [fc.constant(limit).map(tag('at')), fc.constant(limit + 1).map(tag('over')), fc.integer({ min: limit + 2, max: limit + far }).map(tag('far-over'))];
  if (limit - 1 >= min) arbs.push(fc.integer({ min: Math.max(min, limit - under), max: limit - 1 }).map(tag('under')));
  return fc.oneof(...arbs);
}

/**
 * A length in [min, max], boundary-first: min, min+1, max-1, max and each given limit's
 * neighbours with high probability, uniform otherwise (small lengths shrink well).
 */
export function lengthUpTo(min: number, max: number, limits: number[] = []): fc.Arbitrary<number> {
  const edges = [...new Set([min, min + 1, max - 1, max, ...limits.flatMap((l) => [l - 1, l, l + 1])])].filter((n) => n >= min && n <= max);
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...edges) }, { weight: 2, arbitrary: fc.integer({ min, max }) });
}
