// Runner 1 of 2 for the property definitions (the other is `r2net run`): every property against
// the built-in reference, clause by clause. Every requirement and decision clause a property
// checks must be observed and hold; every hazard clause must be shown (its counterexample found)
// on the seed profile. Nothing may be untested, skipped or errored on the reference.
import { describe, expect, test } from 'vitest';
import { allProperties } from '../properties/index.ts';
import { createReference } from '../src/iut/reference.ts';
import { contextFor, runProperty } from '../src/runner/run.ts';
import { loadClauses } from '../src/spec/clauses.ts';
import { LAYERS } from '../src/iut/contract.ts';

const reference = createReference();
const ctx = contextFor(reference);
const clauses = loadClauses();
const RUNS = Number(process.env.R2NET_RUNS ?? 100);
const SEED = Number(process.env.R2NET_SEED ?? 1);

for (const layer of LAYERS) {
  const defs = allProperties.filter((d) => d.layer === layer);
  if (defs.length === 0) continue;
  describe(`${layer} properties on the reference`, () => {
    for (const def of defs) {
      test(def.id, async () => {
        const r = await runProperty(def, reference, ctx, { seed: SEED, runs: RUNS });
        for (const id of def.clauses) {
          const o = r.clauseResults?.[id];
          const want = clauses.get(id)?.kind === 'hazard' ? 'fail' : 'pass';
          const why = o?.counterexample?.message ?? o?.note ?? r.counterexample?.message ?? '';
          expect(o?.verdict, `${id}: ${why}`).toBe(want);
          if (want === 'fail') expect(o?.counterexample?.message, `${id} shows its hazard`).toBeTruthy();
        }
      });
    }
  });
}
