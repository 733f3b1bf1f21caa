// Runner 1 of 2 for the property definitions (the other is `r2net run`): every property
// against the built-in reference through @fast-check/vitest. Requirement and decision
// properties must hold; a hazard property must find its counterexample on the seed profile.
import { describe, expect } from 'vitest';
import { test as fcTest } from '@fast-check/vitest';
import { test } from 'vitest';
import { allProperties } from '../properties/index.ts';
import { createReference } from '../src/iut/reference.ts';
import { contextFor, propertySeed, runProperty } from '../src/runner/run.ts';
import { validateTrace } from '../src/runner/trace-check.ts';
import { loadClauses } from '../src/spec/clauses.ts';
import { LAYERS } from '../src/iut/contract.ts';

const reference = createReference();
const ctx = contextFor(reference);
const clauses = loadClauses();
const RUNS = Number(process.env.R2NET_RUNS ?? 100);
const SEED = Number(process.env.R2NET_SEED ?? 1);

const isHazard = (ids: string[]): boolean => ids.some((id) => clauses.get(id)?.kind === 'hazard');

for (const layer of LAYERS) {
  const defs = allProperties.filter((d) => d.layer === layer);
  if (defs.length === 0) continue;
  describe(`${layer} properties on the reference`, () => {
    for (const def of defs) {
      if (isHazard(def.clauses)) {
        test(`${def.id} exposes its hazard`, async () => {
          const r = await runProperty(def, reference, ctx, { seed: SEED, runs: RUNS });
          expect(r.status, `hazard property ${def.id} found no counterexample`).toBe('fail');
          expect(r.counterexample?.message).toBeTruthy();
        });
        continue;
      }
      const numRuns = Math.max(1, Math.round(RUNS * (def.runsFactor ?? 1)));
      fcTest.prop([def.arbitrary(ctx)], { seed: propertySeed(SEED, def.id), numRuns })(def.id, async (input) => {
        const scenario = { layer: def.layer, ops: def.scenario(input, ctx) };
        const trace = await reference.execute(scenario);
        validateTrace(trace, scenario);
        def.check(input, trace, ctx);
      });
    }
  });
}
