// Proof that the properties bite: each deliberately wrong implementation must fail at least
// one of the properties it names when the whole suite of its layer runs against it.
import { describe, expect, it } from 'vitest';
import { allMutants } from '../properties/mutants/index.ts';
import { mutantImplementation } from '../properties/mutants/mutant.ts';
import { allProperties } from '../properties/index.ts';
import { runSuite } from '../src/runner/run.ts';

const RUNS = Number(process.env.R2NET_RUNS ?? 100);

describe('deliberately wrong implementations are caught', () => {
  it('mutant names are unique', () => {
    const names = allMutants.map((m) => m.name);
    expect(names.length).toBe(new Set(names).size);
  });

  for (const m of allMutants) {
    it(`${m.layer}/${m.name}: ${m.description}`, async () => {
      for (const id of m.caughtBy) expect(allProperties.some((p) => p.id === id), `unknown property ${id}`).toBe(true);
      const impl = mutantImplementation(m);
      const outcome = await runSuite(allProperties, impl, { seed: 1, runs: RUNS, layers: [m.layer] });
      const failed = outcome.properties.filter((p) => p.status === 'fail').map((p) => p.id);
      expect(failed.filter((id) => m.caughtBy.includes(id)), `failed: ${failed.join(', ') || 'none'}`).not.toEqual([]);
      // Clause verdicts: the broken clause fails, the spared ones do not (collateral blame).
      const verdicts = new Map<string, string[]>();
      for (const p of outcome.properties) for (const [c, o] of Object.entries(p.clauseResults ?? {})) verdicts.set(c, [...(verdicts.get(c) ?? []), o.verdict]);
      const failedClauses = [...verdicts].filter(([, v]) => v.includes('fail')).map(([c]) => c);
      for (const c of m.breaks ?? []) {
        expect(verdicts.has(c), `unknown clause ${c}`).toBe(true);
        expect(verdicts.get(c), `clause ${c} (failed clauses: ${failedClauses.join(', ') || 'none'})`).toContain('fail');
      }
      for (const c of m.spares ?? []) {
        const spared = c.endsWith('*') ? failedClauses.filter((f) => f.startsWith(c.slice(0, -1))) : failedClauses.filter((f) => f === c);
        expect(spared, `clauses this mutant must not fail`).toEqual([]);
      }
    });
  }
});
