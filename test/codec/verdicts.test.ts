// Clause-precise verdicts of the codec properties (issue 8): a wrong TCP transition fails the
// one clause that states it with a tiny counterexample, and the optional codec features
// (spec/features.json) are exactly what their clauses need: a stack without them gets `skip`
// there and passes everything else, one that declares them but answers unsupported-op fails.
import { describe, expect, it } from 'vitest';
import type { Implementation, Op, Trace } from '../../src/iut/contract.ts';
import { createReference } from '../../src/iut/reference.ts';
import { allProperties } from '../../properties/index.ts';
import { codecMutants } from '../../properties/mutants/codec.ts';
import { mutantImplementation } from '../../properties/mutants/mutant.ts';
import { clauseOfPair, TRANSITION_CLAUSE } from '../../properties/codec/tcp-state.ts';
import { RFC793_TRANSITIONS, RFC9293_RESPONSES, TCP_INPUT_NAMES, TCP_STATE_NAMES } from '../../properties/oracles.ts';
import { runSuite } from '../../src/runner/run.ts';
import { loadFeatures } from '../../src/spec/features.ts';

const codecFeatures = loadFeatures().filter((f) => f.layer === 'codec');
const featureOps = new Set(codecFeatures.flatMap((f) => f.ops));

/** The reference's codec layer answering unsupported-op to the ops `unsupported` picks. */
function stack(features: string[] | undefined, unsupported: (op: Op) => boolean): Implementation {
  const ref = createReference({ layers: ['codec'] });
  return {
    statement: { ...ref.statement, name: 'partial-stack', ...(features ? { features } : {}) },
    execute: (scenario) => {
      const trace = ref.execute(scenario) as Trace;
      return { ...trace, results: trace.results.map((r, i) => (unsupported(scenario.ops[i]!) ? { ok: false, error: { kind: 'unsupported-op', message: 'not implemented' } } : r)) };
    },
  };
}

const verdicts = async (impl: Implementation, runs = 20) => {
  const out = await runSuite(allProperties, impl, { seed: 1, runs, layers: ['codec'] });
  return out.clauses.filter((c) => c.layer === 'codec');
};

describe('codec verdicts, clause by clause', () => {
  it('the pair-to-clause table covers exactly the RFC 793 transitions and the RFC 9293 responses (codec.tcp.state.open, active-close, passive-close, reset, rfc9293-responses)', () => {
    for (const s of TCP_STATE_NAMES) {
      expect(Object.keys(TRANSITION_CLAUSE[s] ?? {}).sort(), s).toEqual([...Object.keys(RFC793_TRANSITIONS[s] ?? {}), ...Object.keys(RFC9293_RESPONSES[s] ?? {})].sort());
      // A response never redefines a transition.
      for (const i of Object.keys(RFC9293_RESPONSES[s] ?? {})) expect(RFC793_TRANSITIONS[s]?.[i], `${s} + ${i}`).toBeUndefined();
    }
    // As many as each clause's statement lists.
    const count = (clause: string) => TCP_STATE_NAMES.flatMap((s) => TCP_INPUT_NAMES.filter((i) => clauseOfPair(s, i) === clause)).length;
    expect(['open', 'active-close', 'passive-close', 'reset', 'rfc9293-responses', 'undefined'].map((c) => count(`codec.tcp.state.${c}`))).toEqual([4, 8, 3, 8, 25, 80 - 23 - 25]);
  });

  it('an ACK refused in Closed instead of answered with RST fails codec.tcp.state.rfc9293-responses alone', async () => {
    const m = codecMutants.find((x) => x.name === 'tcp-closed-ack-refused')!;
    const out = await runSuite(allProperties, mutantImplementation(m), { seed: 1, runs: 100, layers: ['codec'], only: ['codec.tcp.'] });
    const tcp = out.clauses.filter((c) => c.id.startsWith('codec.tcp.state.'));
    expect(tcp.filter((c) => c.verdict !== 'pass').map((c) => c.id)).toEqual(['codec.tcp.state.rfc9293-responses']);
    const pairs = out.properties.find((p) => p.id === 'codec.tcp.transition-pairs')!;
    expect(pairs.clauseResults!['codec.tcp.state.rfc9293-responses']!.counterexample!.scenario.ops).toEqual([{ op: 'tcp.transition', state: 'Closed', input: 'rcv-ack' }]);
  });

  it('FinWait1 + ACK -> TimeWait fails codec.tcp.state.active-close alone, shrunk to at most 3 ops', async () => {
    const m = codecMutants.find((x) => x.name === 'tcp-finwait1-ack-to-timewait')!;
    const out = await runSuite(allProperties, mutantImplementation(m), { seed: 1, runs: 100, layers: ['codec'], only: ['codec.tcp.'] });
    const tcp = out.clauses.filter((c) => c.id.startsWith('codec.tcp.state.'));
    expect(tcp.filter((c) => c.verdict !== 'pass').map((c) => c.id)).toEqual(['codec.tcp.state.active-close']);
    const row = tcp.find((c) => c.id === 'codec.tcp.state.active-close')!;
    expect(row.counterexample!.scenario.ops.length).toBeLessThanOrEqual(3);
    // The pair property shrinks to the one wrong transition.
    const pairs = out.properties.find((p) => p.id === 'codec.tcp.transition-pairs')!;
    expect(pairs.clauseResults!['codec.tcp.state.active-close']!.counterexample!.scenario.ops).toEqual([{ op: 'tcp.transition', state: 'FinWait1', input: 'rcv-ack' }]);
  });

  it('a stack without the optional codec features gets skip on their clauses and passes every other clause', async () => {
    const rows = await verdicts(stack([], (op) => featureOps.has(op.op)));
    const skipped = rows.filter((c) => c.verdict === 'skip').map((c) => c.id);
    expect(skipped.sort()).toEqual(['codec.arp.reply', 'codec.icmp.echo-reply', 'codec.tcp.state.', 'codec.udp.get-checksum'].flatMap((p) => rows.filter((c) => c.id.startsWith(p)).map((c) => c.id)).sort());
    for (const c of rows.filter((x) => x.verdict === 'skip')) expect(c.note, c.id).toMatch(/feature .* not declared/);
    expect(rows.filter((c) => c.verdict !== 'skip' && c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict} ${c.note ?? c.counterexample?.message ?? ''}`)).toEqual([]);
  });

  it('a stack that declares the features but answers unsupported-op fails their clauses only, as declared but unsupported', async () => {
    const rows = await verdicts(stack(codecFeatures.map((f) => f.id), (op) => featureOps.has(op.op)));
    const failed = rows.filter((c) => c.verdict !== 'pass');
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) {
      expect(c.verdict, c.id).toBe('fail');
      expect(c.counterexample?.message, c.id).toMatch(/declared but unsupported/);
      expect(codecFeatures.some((f) => f.clauses.some((p) => (/[.-]$/.test(p) ? c.id.startsWith(p) : c.id === p))), c.id).toBe(true);
    }
  });

  it('a stack that declares the codec layer but supports no op of it fails every codec clause (nothing passes vacuously)', async () => {
    const rows = await verdicts(stack(undefined, () => true), 5);
    expect(rows.filter((c) => c.verdict !== 'fail').map((c) => `${c.id}: ${c.verdict}`)).toEqual([]);
    for (const c of rows) expect(c.counterexample?.message, c.id).toMatch(/declared but unsupported/);
  });
});
