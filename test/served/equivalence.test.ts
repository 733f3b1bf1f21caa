// The reference's own drivers served (r2net serve --hardware served: every port access and
// guest-memory access a protocol-2 hardware request to r2net's machine) must be
// indistinguishable from the reference in process: the proof the mechanism is faithful.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/index.ts';
import { createReference } from '../../src/iut/reference.ts';
import { loadImplementation } from '../../src/iut/load.ts';
import type { Implementation } from '../../src/iut/contract.ts';
import { runSuite } from '../../src/runner/run.ts';
import { serveCommand, verdicts } from '../adapter/helpers.ts';
import { SERVED_LAYERS } from '../../src/iut/served/executors.ts';

// Few runs: a served init that scans all 256 PCI buses is 131 072 round trips.
const RUNS = 6;
const LAYERS = [...SERVED_LAYERS];

describe('the reference with served hardware', () => {
  let served: Implementation;
  beforeAll(async () => {
    served = await loadImplementation(serveCommand('--hardware', 'served'), { timeoutMs: 60_000 });
  });
  afterAll(async () => served?.close?.());

  it('declares served hardware', () => {
    expect(served.statement.hardware).toBe('served');
    expect(served.statement.layers).toEqual(expect.arrayContaining(LAYERS));
  });

  it(`gives the in-process verdicts on ${LAYERS.join(', ')} (same seed, same runs), counterexamples included`, async () => {
    const inProcess = await runSuite(allProperties, createReference(), { seed: 3, runs: RUNS, layers: LAYERS });
    const overServed = await runSuite(allProperties, served, { seed: 3, runs: RUNS, layers: LAYERS });
    expect(overServed.properties.length).toBeGreaterThan(25);
    expect(verdicts(overServed)).toEqual(verdicts(inProcess));
    expect(overServed.properties.map((p) => p.counterexample?.message ?? null)).toEqual(inProcess.properties.map((p) => p.counterexample?.message ?? null));
    // Identical verdicts by doing nothing would be no proof: the clauses were really checked.
    expect(overServed.clauses.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(40);
  }, 300_000);
});
