import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonical, canonicalJson } from '../../src/util/json.ts';

class Step {
  constructor(readonly n: number) {}
  toString(): string {
    return `Step(${this.n})`;
  }
}

describe('canonical JSON', () => {
  it('ignores key order and turns bytes into hex', () => {
    expect(canonicalJson({ b: 1, a: Uint8Array.from([1, 255]) })).toBe(canonicalJson({ a: Uint8Array.from([1, 255]), b: 1 }));
    expect(canonical({ a: Uint8Array.from([1, 255]) })).toEqual({ a: '01ff' });
  });

  it('drops functions and renders fast-check command lists readably', () => {
    const cmds = fc.sample(fc.commands([fc.nat(9).map((n) => new Step(n) as unknown as fc.Command<object, object>)], { maxCommands: 3 }), { seed: 3, numRuns: 1 })[0]!;
    const json = JSON.parse(canonicalJson({ cmds, f: () => 1 })!);
    expect(json.f).toBeUndefined();
    expect(Array.isArray(json.cmds)).toBe(true);
    for (const c of json.cmds) expect(c).toMatch(/^Step\(\d\)$/);
  });
});
