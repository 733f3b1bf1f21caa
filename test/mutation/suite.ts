// The mutation suite (npm run mutation, never npm test): each layer's properties against the
// built-in reference in process, the same run `r2net run` makes (runProperty), one vitest test
// per property so Stryker's per-test coverage runs only the properties that reach a mutant.
// A test fails, i.e. kills the mutant, when `r2net run` on a statement that follows the
// decisions would exit non-zero (a requirement or decision clause that is not `pass`, or any
// clause in `error`), or when the mutated reference no longer shows a hazard of the documented
// design that the reference shows (test/conformance.test.ts asks the same of the reference).
import { describe, expect, test } from 'vitest';
import { allProperties } from '../../properties/index.ts';
import { createReference } from '../../src/iut/reference.ts';
import { contextFor, runProperty } from '../../src/runner/run.ts';
import { loadClauses } from '../../src/spec/clauses.ts';
import type { Layer } from '../../src/iut/contract.ts';

/** Runs per property (before each property's runsFactor): R2NET_MUTATION_RUNS, default 100, the default of `r2net run`: at fewer, some properties reach some clauses in no case. */
export const MUTATION_RUNS = Number(process.env.R2NET_MUTATION_RUNS ?? 100);
const SEED = Number(process.env.R2NET_SEED ?? 1);

export function mutationSuite(layer: Layer): void {
  const reference = createReference();
  const ctx = contextFor(reference);
  const clauses = loadClauses();
  const defs = allProperties.filter((d) => d.layer === layer);
  describe(`${layer} properties hold on the (mutated) reference at ${MUTATION_RUNS} runs`, () => {
    test('the layer has properties', () => expect(defs.length).toBeGreaterThan(0));
    for (const def of defs) {
      test(def.id, async () => {
        // Only the verdicts decide a mutant: no shrinking (the reference's own hazards shrink
        // on every run otherwise, and a killed mutant would shrink its counterexample).
        const r = await runProperty(def, reference, ctx, { seed: SEED, runs: MUTATION_RUNS, shrink: false });
        const broken: string[] = [];
        for (const id of def.clauses) {
          const o = r.clauseResults?.[id];
          const kind = clauses.get(id)?.kind;
          const want = kind === 'hazard' ? 'fail' : 'pass';
          if (o?.verdict !== want) {
            broken.push(`${id} (${kind}) ${o?.verdict ?? 'missing'}, not ${want}: ${o?.counterexample?.message ?? o?.note ?? r.counterexample?.message ?? ''}`);
          }
        }
        expect(broken).toEqual([]);
      });
    }
  });
}
