// The serialisation boundary: what is not JSON data is named (with its path) where it enters,
// never left for the report writer to crash on.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonProblem, TRACE_BOUNDS } from '../../src/util/json-bounds.ts';
import { recordable } from '../../src/report/run-log.ts';
import type { PropertyResult } from '../../src/runner/run.ts';

const nest = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('jsonProblem', () => {
  it('accepts JSON data, shared (acyclic) references included', () => {
    const shared = { a: 1 };
    fc.assert(fc.property(fc.jsonValue(), (v) => jsonProblem(v, TRACE_BOUNDS) === undefined));
    expect(jsonProblem({ x: shared, y: [shared, shared] }, TRACE_BOUNDS)).toBeUndefined();
  });

  it('names cycles, BigInts, functions, undefined, NaN, holes and class instances by path', () => {
    const cyc: Record<string, unknown> = { n: 1 };
    cyc.self = cyc;
    const cases: Array<[unknown, RegExp]> = [
      [{ results: [{ value: cyc }] }, /^trace\.results\[0\]\.value\.self refers back to an enclosing value \(a cycle\)$/],
      [{ results: [10n] }, /^trace\.results\[0\] is a BigInt \(10n\)/],
      [{ f: () => 1 }, /^trace\.f is a function/],
      [{ u: undefined }, /^trace\.u is undefined/],
      [{ n: NaN }, /^trace\.n is NaN/],
      [[1, , 3], /^trace\[1\] is a hole/], // eslint-disable-line no-sparse-arrays
      [{ d: new Date(0) }, /^trace\.d is an instance of Date, not plain JSON data$/],
      [{ s: Symbol('x') }, /^trace\.s is a symbol/],
    ];
    for (const [v, msg] of cases) expect(jsonProblem(v, TRACE_BOUNDS, 'trace')).toMatch(msg);
  });

  it('stops at the depth bound without overflowing its own stack (100 000 levels), with a short path', () => {
    const problem = jsonProblem({ results: nest(100_000) }, TRACE_BOUNDS, 'trace');
    expect(problem).toMatch(/nested deeper than 64 levels$/);
    expect(problem!.length).toBeLessThan(200);
    expect(jsonProblem(nest(60), TRACE_BOUNDS)).toBeUndefined();
  });

  it('stops at the size bound', () => {
    expect(jsonProblem({ big: 'x'.repeat(2000) }, { maxDepth: 10, maxBytes: 1000 }, 'trace')).toMatch(/^trace is larger than 1000 bytes as JSON/);
  });
});

describe('recordable (the run log boundary)', () => {
  const base: PropertyResult = { id: 'codec.x', title: 't', layer: 'codec', clauses: ['c'], status: 'fail', numRuns: 3, seed: 7, durationMs: 1 };

  it('keeps a JSON result as it is, optional fields left undefined included', () => {
    const r = { ...base, path: undefined };
    expect(recordable(r)).toBe(r);
  });

  it('turns a result carrying a cycle into an error row that says why, keeping its scenario', () => {
    const cyc: Record<string, unknown> = {};
    cyc.me = cyc;
    const r = recordable({ ...base, counterexample: { input: cyc, scenario: { layer: 'codec', ops: [{ op: 'checksum', data: '00' }] }, message: 'boom' } });
    expect(r.status).toBe('error');
    expect(r.counterexample!.message).toMatch(/^suite: the result of this property \(fail\) cannot be recorded: result\.counterexample\.input\.me refers back .*; its message was: boom$/);
    expect(r.counterexample!.scenario.ops).toEqual([{ op: 'checksum', data: '00' }]);
    expect(() => JSON.stringify(r)).not.toThrow();
  });
});
