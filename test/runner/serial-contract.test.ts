// A serial trace without the observations the contract requires says nothing about the clauses:
// every serial property that reads them is an `error` row, never a `fail` or a `hazard`.
import { describe, expect, it } from 'vitest';
import { serialProperties } from '../../properties/serial/serial.ts';
import { createReference } from '../../src/iut/reference.ts';
import { contextFor, runProperty } from '../../src/runner/run.ts';
import type { Implementation, Scenario, Trace } from '../../src/iut/contract.ts';

describe('serial properties on traces without observations', () => {
  const ref = createReference();
  const blind: Implementation = {
    statement: ref.statement,
    execute: async (s: Scenario): Promise<Trace> => ({ results: (await ref.execute(s)).results }),
  };
  const ctx = contextFor(blind);

  it('are errors with a contract message, not failures or hazards', async () => {
    // serial.rx.read-bounded, serial.uart.lsr-iir, port-decoding and rbr-empty-read read op results only: they still pass.
    const resultsOnly = new Set(['serial.rx.read-bounded', 'serial.uart.lsr-iir', 'serial.uart.port-decoding', 'serial.uart.rbr-empty-read']);
    for (const def of serialProperties.filter((d) => !resultsOnly.has(d.id))) {
      const r = await runProperty(def, blind, ctx, { seed: 1, runs: 5 });
      const verdicts = Object.values(r.clauseResults ?? {}).map((o) => o.verdict);
      expect(r.status, def.id).toBe('error');
      expect(verdicts.every((v) => v === 'error'), `${def.id}: ${verdicts.join(', ')}`).toBe(true);
      expect(r.counterexample?.message, def.id).toMatch(/^contract: trace\.observations\./);
    }
  });
});
