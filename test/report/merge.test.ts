// Merging reports: shards of one run fold into exactly the report one machine writes (clause
// verdicts re-folded from the pooled property results); different implementations become one
// matrix that says what fails only in one of them; bad inputs are clear errors.
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../src/report/model.ts';
import { foldShards, mergeReports, MergeError, optionValues, reportsIn, splitCommand, withoutOption, withoutShard } from '../../src/report/merge.ts';
import { mutant, referenceReport, runReport } from './helpers.ts';

/** A report without what legitimately differs between machines (timings, provenance). */
const comparable = (r: ConformanceReport) => ({
  ...r,
  durationMs: 0,
  mergedFrom: undefined,
  properties: r.properties.map((p) => ({ ...p, durationMs: 0 })),
});

describe('shards fold into the report one machine writes', () => {
  it('3 shards of a failing implementation = the unsharded run: clause verdicts, counterexamples, summary, properties', async () => {
    const impl = mutant('tcp-checksum-no-pseudo-header');
    const whole = await runReport(impl, { runs: 5, seed: 3 });
    const shards = await Promise.all([1, 2, 3].map((index) => runReport(impl, { runs: 5, seed: 3, shard: { index, count: 3 } })));
    // Each shard alone knows only part of the picture.
    for (const s of shards) expect(s.clauses.length).toBeLessThan(whole.clauses.length);
    expect(whole.summary.fail).toBeGreaterThan(0);
    // A clause checked by properties in different shards is what makes re-folding necessary.
    const split = whole.clauses.filter((c) => new Set(c.properties.map((p) => shards.findIndex((s) => s.properties.some((x) => x.id === p)))).size > 1);
    expect(split.length).toBeGreaterThan(0);

    const result = mergeReports([shards[2]!, shards[0]!, shards[1]!]); // any order
    expect(result.merged).toBeUndefined();
    expect(result.reports).toHaveLength(1);
    const folded = result.reports[0]!;
    expect(folded.summary).toEqual(whole.summary);
    expect(folded.clauses.map((c) => [c.id, c.verdict])).toEqual(whole.clauses.map((c) => [c.id, c.verdict]));
    expect(comparable(folded)).toEqual(comparable(whole));
    expect(folded.command).toBe(whole.command);
    expect(folded.shard).toBeUndefined();
    expect(folded.mergedFrom?.map((m) => m.shard?.index)).toEqual([1, 2, 3]);
    expect(folded.durationMs).toBe(30);
    expect(result.notes[0]).toMatch(/folded 3 of 3 shards/);
  });

  it('keeps a --layers selection: the folded report has the same clauses as the unsharded one', async () => {
    const whole = await referenceReport({ layers: ['slip'], runs: 3 });
    const shards = await Promise.all([1, 2].map((index) => referenceReport({ layers: ['slip'], runs: 3, shard: { index, count: 2 } })));
    const folded = foldShards(shards);
    expect(folded.clauses.map((c) => c.id)).toEqual(whole.clauses.map((c) => c.id));
    expect(folded.summary).toEqual(whole.summary);
  });

  it('pools differential results of shards in id order, and fills a missing summary when reading', async () => {
    const s = await Promise.all([1, 2].map((index) => referenceReport({ layers: ['slip'], runs: 2, shard: { index, count: 2 } })));
    const diff = (r: ConformanceReport) => r.properties.map((p) => ({ property: p.id, layer: p.layer, status: 'agree' as const, numRuns: p.numRuns, seed: p.seed, durationMs: 0 }));
    const folded = foldShards([{ ...s[1]!, differential: diff(s[1]!) }, { ...s[0]!, differential: diff(s[0]!) }]);
    expect(folded.differential?.map((d) => d.property)).toEqual(folded.properties.map((p) => p.id));
    const { summary: _, ...noSummary } = s[0]!;
    expect(reportsIn(noSummary, 'old.json')[0]!.summary).toEqual(s[0]!.summary);
  });

  it('refuses missing, repeated, overlapping or mismatched shards, unless told to fold a partial set', async () => {
    const s = await Promise.all([1, 2, 3].map((index) => referenceReport({ layers: ['slip'], runs: 2, shard: { index, count: 3 } })));
    expect(() => foldShards([s[0]!, s[2]!])).toThrow(/shard\(s\) 2\/3 missing/);
    expect(() => foldShards([s[0]!, s[0]!, s[1]!])).toThrow(/shard 1\/3 given twice/);
    const overlapping = { ...s[1]!, properties: [...s[1]!.properties, s[0]!.properties[0]!] };
    expect(() => foldShards([s[0]!, overlapping, s[2]!])).toThrow(/the shards overlap/);
    const otherCount = { ...s[2]!, shard: { index: 3, count: 4 } };
    expect(() => foldShards([s[0]!, s[1]!, otherCount])).toThrow(/different splits/);
    // Where a shard wrote its files and how chatty it was do not matter; what it ran does.
    const elsewhere = { ...s[2]!, command: s[2]!.command.replace('--runs 2', "--runs 2 --quiet --out '/tmp/shard 3'") };
    expect(foldShards([s[0]!, s[1]!, elsewhere]).summary).toEqual(foldShards(s).summary);
    const otherOptions = { ...s[2]!, command: s[2]!.command.replace('--runs 2', '--runs 2 --property slip.') };
    expect(() => foldShards([s[0]!, s[1]!, otherOptions])).toThrow(/different options/);
    const otherTool = { ...s[2]!, tool: { name: 'r2net-conformance', version: '9.9.9' } };
    expect(() => foldShards([s[0]!, s[1]!, otherTool])).toThrow(/different r2net versions/);
    // Different seeds are different runs: two incomplete groups, each refused.
    const otherSeed = { ...s[2]!, seed: 99 };
    expect(() => mergeReports([s[0]!, s[1]!, otherSeed])).toThrow(MergeError);
    const partial = foldShards([s[0]!, s[2]!], { allowPartial: true });
    const checked = new Set([...s[0]!.properties, ...s[2]!.properties].flatMap((p) => p.clauses));
    expect(partial.clauses.every((c) => checked.has(c.id))).toBe(true);
    expect(partial.mergedFrom?.map((m) => m.shard?.index)).toEqual([1, 3]);
  });
});

describe('different implementations merge into one matrix', () => {
  it('lists the clauses whose verdict differs and says which implementation fails alone', async () => {
    const ref = await referenceReport({ layers: ['codec'] });
    const bad = await runReport(mutant('ipv4-ttl-255'), { layers: ['codec'] });
    const { merged, reports } = mergeReports([ref, bad]);
    expect(reports).toEqual([ref, bad]);
    expect(merged?.format).toBe('r2net-conformance-merge/1');
    expect(merged?.implementations).toEqual(['r2net-reference 0.1.0', 'mutant:ipv4-ttl-255 0.1.0']);
    const failing = bad.clauses.filter((c) => c.verdict === 'fail').map((c) => c.id);
    expect(failing.length).toBeGreaterThan(0);
    expect(merged!.differences.map((d) => d.clause)).toEqual(failing);
    for (const d of merged!.differences) {
      expect(d.note).toBe('fail only in mutant:ipv4-ttl-255 0.1.0 (pass in r2net-reference 0.1.0)');
      expect(d.verdicts).toEqual({ 'r2net-reference 0.1.0': 'pass', 'mutant:ipv4-ttl-255 0.1.0': 'fail' });
    }
    // A merge file is input too: merging it again gives the same columns.
    expect(reportsIn(JSON.parse(JSON.stringify(merged)), 'merged.json')).toHaveLength(2);
  });

  it('tells apart two runs of one implementation with different seeds', async () => {
    const a = await referenceReport({ layers: ['slip'], runs: 2, seed: 1 });
    const b = await referenceReport({ layers: ['slip'], runs: 2, seed: 2 });
    expect(mergeReports([a, b]).merged?.implementations).toEqual(['r2net-reference 0.1.0 (seed 1, 2 runs)', 'r2net-reference 0.1.0 (seed 2, 2 runs)']);
  });

  it('rejects what is not a report with the file name in the message', () => {
    expect(() => reportsIn({ format: 'something-else' }, 'x.json')).toThrow(/x\.json: format is "something-else"/);
    expect(() => reportsIn(null, 'y.json')).toThrow(/y\.json: not a JSON object/);
  });
});

describe('reading the command a report carries', () => {
  it('splits shell-quoted words and finds option values in both spellings', () => {
    const cmd = `r2net run --impl 'python3 my impl.py' --layers=codec,slip --property codec.tcp --property "codec.udp" --shard 2/5 --seed=-7`;
    expect(splitCommand(cmd)).toEqual(['r2net', 'run', '--impl', 'python3 my impl.py', '--layers=codec,slip', '--property', 'codec.tcp', '--property', 'codec.udp', '--shard', '2/5', '--seed=-7']);
    expect(optionValues(cmd, '--impl')).toEqual(['python3 my impl.py']);
    expect(optionValues(cmd, '--layers')).toEqual(['codec,slip']);
    expect(optionValues(cmd, '--property')).toEqual(['codec.tcp', 'codec.udp']);
    expect(withoutShard(cmd)).not.toMatch(/shard/);
    expect(withoutShard('r2net run --shard=1/2 --seed=1')).toBe('r2net run --seed=1');
    expect(withoutShard(`r2net run --out '/tmp/it'\\''s here' --shard 1/2 --out="a b" --runs 5`)).toBe('r2net run --runs 5');
    expect(withoutOption('r2net run --quiet --quietly x', '--quiet', false)).toBe('r2net run --quietly x');
    expect(splitCommand(`a 'it'\\''s'`)).toEqual(['a', "it's"]);
  });
});
