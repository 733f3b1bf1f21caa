// The runner's own rules: verdict folding, the exit rule, per-property seeds, exact replay,
// and that a broken implementation or definition becomes an error row, never a crash.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allProperties } from '../../properties/index.ts';
import { allMutants } from '../../properties/mutants/index.ts';
import { mutantImplementation } from '../../properties/mutants/mutant.ts';
import { createReference } from '../../src/iut/reference.ts';
import { ImplementationError, type Implementation } from '../../src/iut/contract.ts';
import { clauseVerdicts, contextFor, propertySeed, runProperty, runSuite, selectProperties, type PropertyResult } from '../../src/runner/run.ts';
import { buildReport, runFailed } from '../../src/report/model.ts';
import { defineProperty } from '../../src/runner/property.ts';
import type { Clause } from '../../src/spec/clauses.ts';

const prop = (id: string) => allProperties.find((p) => p.id === id)!;
const mutant = (name: string) => mutantImplementation(allMutants.find((m) => m.name === name)!);

describe('runner', () => {
  it('derives a stable seed per property id, independent of other properties', () => {
    expect(propertySeed(1, 'codec.tcp.flags')).toBe(propertySeed(1, 'codec.tcp.flags'));
    expect(propertySeed(1, 'codec.tcp.flags')).not.toBe(propertySeed(2, 'codec.tcp.flags'));
    expect(propertySeed(1, 'codec.tcp.flags')).not.toBe(propertySeed(1, 'codec.udp.create'));
  });

  it('replays a shrunk counterexample exactly from its seed and path', async () => {
    const impl = mutant('ipv4-ttl-255');
    const def = prop('codec.ipv4.create-defaults');
    const first = await runProperty(def, impl, contextFor(impl), { seed: 7, runs: 50 });
    expect(first.status).toBe('fail');
    expect(first.path).toBeTruthy();
    const again = await runProperty(def, impl, contextFor(impl), { seed: 7, runs: 1, replay: { seed: first.seed, path: first.path! } });
    expect(again.status).toBe('fail');
    expect(again.counterexample?.scenario).toEqual(first.counterexample?.scenario);
    expect(again.counterexample?.message).toBe(first.counterexample?.message);
  });

  it('reports a crashing implementation as an error row with its scenario, and goes on', async () => {
    const crashing: Implementation = {
      statement: { name: 'crasher', version: '0', profile: 'seed', layers: ['codec'] },
      execute: () => {
        throw new ImplementationError('child exited with code 3', 'crash');
      },
    };
    const out = await runSuite(allProperties, crashing, { seed: 1, runs: 5, only: ['codec.tcp'] });
    expect(out.properties.length).toBeGreaterThan(1);
    for (const p of out.properties) {
      expect(p.status).toBe('error');
      expect(p.counterexample?.message).toMatch(/crash: child exited with code 3/);
      expect(p.counterexample?.scenario.ops.length).toBeGreaterThan(0);
    }
  });

  it('a trace that breaks the contract (wrong number of results) is an error, not a failure or a crash', async () => {
    const short: Implementation = { statement: { name: 's', version: '0', profile: 'seed', layers: ['codec'] }, execute: () => ({ results: [] }) };
    const r = await runProperty(prop('codec.udp.create'), short, contextFor(short), { seed: 1, runs: 5 });
    expect(r.status).toBe('error');
    expect(r.counterexample?.message).toMatch(/contract: trace has 0 results for 1 ops/);
  });

  it('a definition whose generator throws is an error row naming the suite', async () => {
    const broken = defineProperty({
      id: 'codec.broken',
      title: 'broken',
      layer: 'codec',
      clauses: ['codec.tcp.flags'],
      arbitrary: () => {
        throw new Error('boom');
      },
      scenario: () => [],
      check: () => undefined,
    });
    const ref = createReference();
    const r = await runProperty(broken, ref, contextFor(ref), { seed: 1, runs: 5 });
    expect(r.status).toBe('error');
    expect(r.counterexample?.message).toMatch(/suite: .*boom/);
  });

  it('skips properties of undeclared layers and reports their clauses as skip', async () => {
    const codecOnly = createReference({ layers: ['codec'] });
    const out = await runSuite(allProperties, codecOnly, { seed: 1, runs: 3 });
    expect(out.properties.filter((p) => p.layer === 'slip').every((p) => p.status === 'skip')).toBe(true);
    expect(out.clauses.filter((c) => c.layer === 'slip').every((c) => c.verdict === 'skip')).toBe(true);
    expect(out.clauses.filter((c) => c.layer === 'codec').every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('shards partition the properties', () => {
    const all = selectProperties(allProperties, {});
    const shards = [1, 2, 3].map((index) => selectProperties(allProperties, { shard: { index, count: 3 } }).map((p) => p.id));
    expect(shards.flat().sort()).toEqual(all.map((p) => p.id).sort());
    expect(new Set(shards.flat()).size).toBe(all.length);
  });
});

describe('clause verdicts and the exit rule', () => {
  const clause = (id: string, kind: Clause['kind']): Clause => ({ id, layer: 'codec', kind, source: 'seed', statement: `statement of ${id}`, ...(kind === 'requirement' ? {} : { reason: 'r' }) });
  const result = (id: string, clauses: string[], status: PropertyResult['status']): PropertyResult => ({ id, title: id, layer: 'codec', clauses, status, numRuns: 1, seed: 1, durationMs: 0 });
  const catalogue = new Map([clause('codec.a', 'requirement'), clause('codec.h', 'hazard'), clause('codec.d', 'decision'), clause('codec.u', 'requirement')].map((c) => [c.id, c]));

  it('folds property results into verdicts: fail wins, hazard clauses fail as hazard, missing properties are untested', () => {
    const v = clauseVerdicts([result('p1', ['codec.a'], 'pass'), result('p2', ['codec.a', 'codec.d'], 'fail'), result('p3', ['codec.h'], 'fail')], catalogue);
    expect(Object.fromEntries(v.map((c) => [c.id, c.verdict]))).toEqual({ 'codec.a': 'fail', 'codec.d': 'fail', 'codec.h': 'hazard', 'codec.u': 'untested' });
  });

  it('a hazard never fails the run; a failing, erroring or untested requirement does', () => {
    const report = (statuses: Record<string, PropertyResult['status']>) =>
      buildReport({
        outcome: { properties: [], clauses: clauseVerdicts(Object.entries(statuses).map(([c, s]) => result(`p-${c}`, [c], s)), catalogue) },
        implementation: { name: 'x', version: '0', profile: 'seed', layers: ['codec'] },
        seed: 1,
        runs: 1,
        command: 'r2net run',
        toolVersion: '0',
        durationMs: 0,
      });
    expect(runFailed(report({ 'codec.a': 'pass', 'codec.d': 'pass', 'codec.h': 'fail', 'codec.u': 'pass' }))).toBe(false);
    expect(runFailed(report({ 'codec.a': 'error', 'codec.d': 'pass', 'codec.h': 'pass', 'codec.u': 'pass' }))).toBe(true);
    expect(runFailed(report({ 'codec.a': 'pass', 'codec.d': 'pass', 'codec.h': 'pass' }))).toBe(true);
  });

  it('a decision difference fails the run only for a statement that follows the suite\'s decisions', () => {
    const clauses = clauseVerdicts([result('p1', ['codec.a', 'codec.u'], 'pass'), result('p2', ['codec.d'], 'fail'), result('p3', ['codec.h'], 'fail')], catalogue);
    const impl = { name: 'x', version: '0', profile: 'seed', layers: ['codec' as const] };
    expect(runFailed({ clauses, implementation: impl })).toBe(false);
    expect(runFailed({ clauses, implementation: { ...impl, followsDecisions: true } })).toBe(true);
  });
});

describe('fast-check integration', () => {
  it('uses the seeded generator: the same seed gives the same first input', () => {
    const a = fc.sample(prop('codec.udp.create').arbitrary(contextFor(createReference())), { seed: 42, numRuns: 3 });
    const b = fc.sample(prop('codec.udp.create').arbitrary(contextFor(createReference())), { seed: 42, numRuns: 3 });
    expect(a).toEqual(b);
  });
});

describe('whole-run time limit', () => {
  it('cuts a synchronous in-process implementation inside a property and marks the rest not run', async () => {
    let calls = 0;
    const ref = createReference();
    const slow: Implementation = {
      statement: ref.statement,
      execute: (s) => {
        calls++;
        const until = performance.now() + 20; // a slow but synchronous implementation
        while (performance.now() < until);
        return ref.execute(s) as ReturnType<Implementation['execute']> & object;
      },
    };
    const out = await runSuite(allProperties, slow, { seed: 1, runs: 100, only: ['codec.udp'], timeLimitMs: 300 });
    const [first, ...rest] = out.properties;
    expect(first!.status).toBe('error');
    expect(first!.counterexample?.message).toMatch(/^time limit: .* after \d+ of 100 runs/);
    expect(calls).toBeLessThan(100);
    for (const p of rest) expect(p.counterexample?.message).toBe('not run: time limit');
  });
});
