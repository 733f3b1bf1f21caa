// Mutants over the wire: every deliberately wrong implementation of properties/mutants, served
// by `r2net serve --mutant NAME` and judged through the process adapter, must be caught by one
// of the properties it names, exactly as in process (test/mutants.test.ts).
import { describe, expect, it } from 'vitest';
import { allMutants } from '../../properties/mutants/index.ts';
import { allProperties } from '../../properties/index.ts';
import { loadImplementation } from '../../src/iut/load.ts';
import { runSuite } from '../../src/runner/run.ts';
import { serveCommand } from './helpers.ts';

const RUNS = 20;

// Each mutant costs a process start (~0.5 s): by default three per layer (first, middle, last),
// R2NET_ALL_MUTANTS=1 serves every one. test/mutants.test.ts already runs them all in process.
const perLayer = (layer: string) => allMutants.filter((m) => m.layer === layer);
const sample = process.env.R2NET_ALL_MUTANTS
  ? allMutants
  : [...new Set(allMutants.map((m) => m.layer))].flatMap((l) => {
      const ms = perLayer(l);
      return ms.length <= 3 ? ms : [ms[0]!, ms[Math.floor(ms.length / 2)]!, ms[ms.length - 1]!];
    });

describe('mutants served out of process are caught', () => {
  it('at least 5 of them are served', () => expect(sample.length).toBeGreaterThanOrEqual(5));

  for (const m of sample) {
    it(`${m.layer}/${m.name}: ${m.description}`, async () => {
      const impl = await loadImplementation(serveCommand('--mutant', m.name));
      try {
        expect(impl.statement.name).toBe(`mutant:${m.name}`);
        const outcome = await runSuite(allProperties, impl, { seed: 1, runs: RUNS, only: m.caughtBy });
        expect(outcome.properties.filter((p) => p.status === 'error'), 'no adapter errors').toEqual([]);
        const failed = outcome.properties.filter((p) => p.status === 'fail').map((p) => p.id);
        expect(failed.filter((id) => m.caughtBy.includes(id)), `failed: ${failed.join(', ') || 'none'}`).not.toEqual([]);
      } finally {
        await impl.close?.();
      }
    });
  }
});
