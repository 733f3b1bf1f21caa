// boundsProblem is jsonProblem with a fast path: for every value it must give jsonProblem's
// answer (undefined or the same message), at the edges of both bounds too.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonProblem, TRACE_BOUNDS } from '../../src/util/json-bounds.ts';
import { boundsProblem } from '../../src/iut/process/wire-bounds.ts';

const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('boundsProblem', () => {
  it('agrees with jsonProblem on random JSON values, for tight bounds', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 400 }), (v, maxDepth, maxBytes) => {
        const bounds = { maxDepth, maxBytes };
        expect(boundsProblem(v, 'trace', bounds)).toBe(jsonProblem(v, bounds, 'trace'));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on values JSON does not have, and finds nothing in a plain trace', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const hole = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const odd: unknown[] = [undefined, 10n, NaN, Infinity, () => 1, Symbol('s'), new Map(), new Uint8Array(2), new Date(0), { x: undefined }, hole, cycle, Object.create(null), nest(64), nest(65), nest(100_000)];
    for (const v of odd) {
      expect(boundsProblem({ results: [v] }, 'traces[3]')).toBe(jsonProblem({ results: [v] }, TRACE_BOUNDS, 'traces[3]'));
    }
    expect(boundsProblem(nest(65), 'trace')).toMatch(/nested deeper than 64 levels/);
    expect(boundsProblem({ results: [{ ok: true, value: { bytes: 'c0a8', n: 3, f: false, z: null } }] }, 'trace')).toBeUndefined();
  });

  it('takes the size bound from the same estimate', () => {
    const v = { results: ['x'.repeat(1000)] };
    const exact = 2 + ('results'.length + 4) + (2 + 1) + (1000 + 2); // jsonProblem's estimate: object, key, array of 1, string
    expect(boundsProblem(v, 'trace', { maxDepth: 64, maxBytes: exact })).toBeUndefined();
    expect(boundsProblem(v, 'trace', { maxDepth: 64, maxBytes: exact - 1 })).toMatch(/larger than/);
    expect(jsonProblem(v, { maxDepth: 64, maxBytes: exact }, 'trace')).toBeUndefined();
    expect(jsonProblem(v, { maxDepth: 64, maxBytes: exact - 1 }, 'trace')).toMatch(/larger than/);
  });
});
