// `r2net report`, `r2net report --merge` and `r2net replay --from` as a user runs them: real
// runs of a deliberately wrong implementation (test/report/fixtures/mutant-impl.ts), sharded
// and not, merged, re-rendered, replayed.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootDir } from '../../src/spec/paths.ts';
import type { ConformanceReport } from '../../src/report/model.ts';
import { parsePcap } from '../../src/report/pcap.ts';
import { withoutShard } from '../../src/report/merge.ts';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function r2net(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(rootDir, 'bin/r2net.js'), ...args], { cwd: rootDir, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

const readReport = (dir: string): ConformanceReport => JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
const IMPL = 'test/report/fixtures/mutant-impl.ts';
const RUN = ['run', '--impl', IMPL, '--layers', 'codec', '--runs', '5', '--seed', '5', '--quiet'];

describe('r2net report / replay --from', () => {
  it('3 shards merged = the unsharded run; the merge writes every format and exits like the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-shards-'));
    const runs = await Promise.all([
      r2net([...RUN, '--out', join(dir, 'whole')]),
      ...[1, 2, 3].map((i) => r2net([...RUN, '--shard', `${i}/3`, '--out', join(dir, `s${i}`)])),
    ]);
    // The mutant fails; a shard fails only if it holds one of the failing properties.
    expect(runs[0]!.status, runs[0]!.stderr).toBe(1);
    for (const r of runs.slice(1)) expect([0, 1], r.stderr).toContain(r.status);
    expect(runs.slice(1).some((r) => r.status === 1)).toBe(true);
    const merged = await r2net(['report', '--merge', ...[1, 2, 3].map((i) => join(dir, `s${i}`, 'conformance.json')), '--out', join(dir, 'merged')]);
    expect(merged.status, merged.stderr).toBe(1);
    expect(merged.stderr).toMatch(/folded 3 of 3 shards/);
    const whole = readReport(join(dir, 'whole'));
    const folded = readReport(join(dir, 'merged'));
    expect(folded.summary).toEqual(whole.summary);
    expect(folded.clauses.map((c) => [c.id, c.verdict, c.counterexample?.property])).toEqual(whole.clauses.map((c) => [c.id, c.verdict, c.counterexample?.property]));
    expect(folded.properties.map((p) => [p.id, p.status, p.seed, p.path])).toEqual(whole.properties.map((p) => [p.id, p.status, p.seed, p.path]));
    expect(folded.command).toBe(withoutShard(whole.command)); // no --out: each shard wrote its own
    expect(folded.command).not.toMatch(/--shard|--out/);
    for (const f of ['conformance.html', 'conformance.md', 'junit.xml']) expect(existsSync(join(dir, 'merged', f)), f).toBe(true);
    const pcaps = readdirSync(join(dir, 'merged', 'pcap'));
    expect(pcaps).toContain('codec.ethernet.parse-roundtrip.pcap');
    expect(parsePcap(readFileSync(join(dir, 'merged', 'pcap', 'codec.ethernet.parse-roundtrip.pcap'))).packets.length).toBeGreaterThan(0);

    // replay --from the folded report reproduces its failures exactly, with the report's --impl.
    const clause = folded.clauses.find((c) => c.verdict === 'fail')!;
    const replay = await r2net(['replay', '--from', join(dir, 'merged', 'conformance.json'), '--clause', clause.id, '--json']);
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stderr).toContain(`(--impl ${IMPL})`);
    expect(replay.stdout).toMatch(new RegExp(`${clause.counterexample!.property.replace(/\./g, '\\.')}: fail — reproduced exactly`));
    const out = JSON.parse(replay.stdout.slice(replay.stdout.indexOf('\n[') + 1, replay.stdout.lastIndexOf(']') + 1)) as Array<{ exact: boolean; counterexample: { scenario: unknown } }>;
    expect(out).toHaveLength(1);
    expect(out[0]!.exact).toBe(true);
    expect(out[0]!.counterexample.scenario).toEqual(clause.counterexample!.scenario);
    const all = await r2net(['replay', '--from', join(dir, 'whole', 'conformance.json')]);
    expect(all.status).toBe(1);
    expect(all.stdout).not.toMatch(/"counterexample"/); // a summary by default, JSON only with --json
    expect((all.stdout.match(/reproduced exactly/g) ?? []).length).toBe(whole.properties.filter((p) => p.status === 'fail').length);
    // --impl overrides the report's implementation: on the reference the failure is gone.
    const fixed = await r2net(['replay', '--from', join(dir, 'whole', 'conformance.json'), '--clause', clause.id, '--impl', 'reference']);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/pass — did not reproduce/);
  });

  it('merges two implementations into one matrix; re-renders a report; refuses bad input clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-merge-'));
    const [ref, bad] = await Promise.all([
      r2net(['run', '--layers', 'codec', '--runs', '5', '--quiet', '--out', join(dir, 'ref')]),
      r2net([...RUN, '--out', join(dir, 'bad')], { R2NET_TEST_MUTANT: 'udp-length-excludes-header' }),
    ]);
    expect(ref.status, ref.stderr).toBe(0);
    expect(bad.status, bad.stderr).toBe(1);
    const m = await r2net(['report', '--merge', join(dir, 'ref', 'conformance.json'), join(dir, 'bad', 'conformance.json'), '--out', join(dir, 'm')]);
    expect(m.status, m.stderr).toBe(1);
    expect(m.stderr).toMatch(/2 runs in one matrix; \d+ clause\(s\) differ/);
    expect(m.stdout).toMatch(/differs: codec\.udp\.\S+: fail only in mutant:udp-length-excludes-header 0\.1\.0/);
    const doc = JSON.parse(readFileSync(join(dir, 'm', 'merged.json'), 'utf8'));
    expect(doc.implementations).toEqual(['r2net-reference 0.1.0', 'mutant:udp-length-excludes-header 0.1.0']);
    expect(readFileSync(join(dir, 'm', 'conformance.html'), 'utf8')).toMatch(/<th scope="col" class="impl">mutant:udp-length-excludes-header 0\.1\.0<\/th>/);

    const again = await r2net(['report', join(dir, 'ref', 'conformance.json'), '--out', join(dir, 'again')]);
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(join(dir, 'again')).sort()).toEqual(['conformance.html', 'conformance.json', 'conformance.md', 'junit.xml']);
    expect(readReport(join(dir, 'again'))).toEqual(readReport(join(dir, 'ref')));

    const nothing = await r2net(['replay', '--from', join(dir, 'ref', 'conformance.json')]);
    expect(nothing.status, nothing.stderr).toBe(0);
    expect(nothing.stderr).toMatch(/no failing property in this report, nothing to replay/);
    const usage = await Promise.all([
      r2net(['report', 'a.json', 'b.json']),
      r2net(['report', '--merge']),
      r2net(['report', '--merge', join(dir, 'nope.json')]),
      r2net(['report', join(dir, 'm', 'conformance.html')]),
      r2net(['replay', '--from', join(dir, 'bad', 'conformance.json'), '--property', 'codec.no.such']),
      r2net(['replay', '--from', join(dir, 'bad', 'conformance.json'), '--seed', '1']),
      r2net(['replay', '--from', join(dir, 'm', 'merged.json')]),
    ]);
    const expected = [
      /takes one JSON report; to combine several use report --merge/,
      /report --merge needs the JSON reports/,
      /nope\.json: cannot read/,
      /conformance\.html: not valid JSON/,
      /property 'codec\.no\.such' is not in this report/,
      /--from takes the seed and path from the report/,
      /merges 2 runs: replay from one run's conformance\.json/,
    ];
    usage.forEach((u, i) => {
      expect(u.status, `case ${i}: ${u.stderr}`).toBe(2);
      expect(u.stderr).toMatch(expected[i]!);
    });
  });
});
