// Verdicts a real implementation can trust: a clause's verdict comes from its own checks. An
// implementation that supports nothing passes nothing and shows no hazard; one whose traces break
// the contract gets only `error`; an undeclared feature is `skip`; a declared one answered
// unsupported-op fails ("declared but unsupported").
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/index.ts';
import { createReference } from '../../src/iut/reference.ts';
import { LAYERS, type Implementation, type Scenario } from '../../src/iut/contract.ts';
import { runSuite } from '../../src/runner/run.ts';
import { featuresOf, loadFeatures } from '../../src/spec/features.ts';

const RUNS = 10;
const count = (verdicts: string[]) => verdicts.reduce<Record<string, number>>((o, v) => ({ ...o, [v]: (o[v] ?? 0) + 1 }), {});

describe('verdicts are the clauses\' own', () => {
  it('an implementation that supports nothing gets 0 pass and 0 hazard', async () => {
    const nothing: Implementation = {
      statement: { name: 'nothing', version: '0', profile: 'seed', layers: [...LAYERS] },
      execute: (s: Scenario) => ({ results: s.ops.map((op) => ({ ok: false, error: { kind: 'unsupported-op', message: op.op } })) }),
    };
    const out = await runSuite(allProperties, nothing, { seed: 1, runs: RUNS });
    const c = count(out.clauses.map((x) => x.verdict));
    expect(c.pass ?? 0, JSON.stringify(out.clauses.filter((x) => x.verdict === 'pass').map((x) => x.id))).toBe(0);
    expect(c.hazard ?? 0, JSON.stringify(out.clauses.filter((x) => x.verdict === 'hazard').map((x) => x.id))).toBe(0);
    // What it does get says why: declared but unsupported, or never observed.
    const failed = out.clauses.filter((x) => x.verdict === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((x) => /unsupported/.test(x.counterexample?.message ?? ''))).toBe(true);
  });

  it('a nic implementation answering every op unsupported-op, with well-formed observations, passes nothing and shows no hazard', async () => {
    const nothing: Implementation = {
      statement: { name: 'nothing', version: '0', profile: 'seed', layers: ['nic'] },
      execute: (s: Scenario) => ({
        results: s.ops.map((op) => ({ ok: false, error: { kind: 'unsupported-op', message: op.op } })),
        observations: { wire: [], io: [], dma: [], delivered: [], state: s.ops.map(() => ({ ISR: 0, MPC: 0, CAPR: 0xfff0, CBR: 0, TX_INDEX: 0, RX_OFFSET: 0 })) },
      }),
    };
    const out = await runSuite(allProperties, nothing, { seed: 1, runs: RUNS, layers: ['nic'] });
    const c = count(out.clauses.map((x) => x.verdict));
    expect(c.pass ?? 0, JSON.stringify(out.clauses.filter((x) => x.verdict === 'pass').map((x) => x.id))).toBe(0);
    expect(c.hazard ?? 0).toBe(0);
    expect(c.error ?? 0, JSON.stringify(out.clauses.filter((x) => x.verdict === 'error').map((x) => [x.id, x.note]))).toBe(0);
    expect(out.clauses.find((x) => x.id === 'nic.rx.guard-overrun')?.verdict).toBe('untested');
  });

  it('a nic implementation whose traces leave out the optional txWrites gets nic.tx.writes-own-buffer untested, the rest as before', async () => {
    const ref = createReference();
    const unreported: Implementation = {
      statement: { ...ref.statement, layers: ['nic'] },
      execute: async (s: Scenario) => {
        const t = await ref.execute(s);
        const { txWrites: _left, ...observations } = t.observations ?? {};
        return { ...t, observations };
      },
    };
    const tx = allProperties.filter((p) => p.id.startsWith('nic.tx.'));
    const out = await runSuite(tx, unreported, { seed: 1, runs: RUNS, layers: ['nic'] });
    const verdict = (id: string) => out.clauses.find((x) => x.id === id)?.verdict;
    expect(verdict('nic.tx.writes-own-buffer')).toBe('untested');
    expect(verdict('nic.tx.own-buffer')).toBe('pass');
    expect(verdict('nic.tx.device-send')).toBe('pass');
    // An implementation that reports txWrites but never a write shows nothing either.
    const empty: Implementation = {
      statement: unreported.statement,
      execute: async (s: Scenario) => {
        const t = await ref.execute(s);
        return { ...t, observations: { ...t.observations, txWrites: [] } };
      },
    };
    const none = await runSuite(tx, empty, { seed: 1, runs: RUNS, layers: ['nic'] });
    expect(none.clauses.find((x) => x.id === 'nic.tx.writes-own-buffer')?.verdict).toBe('untested');
    // With them, the same run passes the clause.
    const full = await runSuite(tx, ref, { seed: 1, runs: RUNS, layers: ['nic'] });
    expect(full.clauses.find((x) => x.id === 'nic.tx.writes-own-buffer')?.verdict).toBe('pass');
  });

  it('an implementation whose traces have one result too many gets only error verdicts', async () => {
    const ref = createReference();
    const extra: Implementation = {
      statement: ref.statement,
      execute: async (s: Scenario) => {
        const t = await ref.execute(s);
        return { ...t, results: [...t.results, { ok: true, value: {} }] };
      },
    };
    const out = await runSuite(allProperties, extra, { seed: 1, runs: RUNS });
    const c = count(out.clauses.map((x) => x.verdict));
    expect(Object.keys(c)).toEqual(['error']);
    for (const x of out.clauses) expect(x.note ?? x.counterexample?.message).toMatch(/contract: trace has \d+ results for \d+ ops/);
  });

  it('non-JSON values and missing fields are contract errors, not failures', async () => {
    const ref = createReference();
    const undef: Implementation = {
      statement: { ...ref.statement, layers: ['codec'] },
      execute: async (s: Scenario) => ({ results: s.ops.map(() => ({ ok: true, value: { bytes: undefined } as never })) }),
    };
    const out = await runSuite(allProperties, undef, { seed: 1, runs: RUNS, layers: ['codec'] });
    expect(new Set(out.clauses.map((x) => x.verdict))).toEqual(new Set(['error']));
    expect(out.clauses[0]!.note).toMatch(/undefined \(not JSON\)/);
  });

  it('a statement without a feature gets skip on that feature\'s clauses, and keeps the rest', async () => {
    for (const f of loadFeatures().filter((x) => x.layer === 'codec')) {
      const ref = createReference({ layers: ['codec'], features: loadFeatures().filter((x) => x.layer === 'codec' && x.id !== f.id).map((x) => x.id) });
      const out = await runSuite(allProperties, ref, { seed: 1, runs: 100, layers: ['codec'] });
      for (const c of out.clauses) {
        if (featuresOf(c.id).includes(f.id)) {
          expect(c.verdict, c.id).toBe('skip');
          expect(c.note).toBe(`feature ${f.id} not declared`);
        } else expect(c.verdict, `${c.id} without ${f.id}: ${c.counterexample?.message ?? c.note ?? ''}`).toBe('pass');
      }
    }
  });
  // A declared feature answered unsupported-op: test/codec/verdicts.test.ts checks every codec feature.
});
