// The adapter from the command line, as a user meets it: --impl "<command>", --timeout,
// --time-limit, error rows in the report, setup errors, and r2net serve's own options.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootDir } from '../../src/spec/paths.ts';
import { allMutants } from '../../properties/mutants/index.ts';
import type { ConformanceReport } from '../../src/report/model.ts';
import { fixtureCommand, r2netBin } from './helpers.ts';

const r2net = (args: string[], input?: string) => {
  const started = performance.now();
  const r = spawnSync(process.execPath, [r2netBin, ...args], { encoding: 'utf8', cwd: rootDir, timeout: 60_000, ...(input !== undefined ? { input } : {}) });
  return { ...r, ms: performance.now() - started };
};
const out = () => mkdtempSync(join(tmpdir(), 'r2net-cli-'));
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;

describe('r2net run --impl "<command>"', () => {
  it('a crash is an ERR row with its message and scenario; the run goes on and exits 1', () => {
    const dir = out();
    const r = r2net(['run', '--impl', fixtureCommand('faulty.mjs', 'crash=0001f203f4f5f6f7'), '--property', 'codec.checksum', '--property', 'codec.tcp.flags', '--runs', '20', '--timeout', '2', '--out', dir]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/ERR  \[\d\/5\] codec\.checksum\.rfc1071-example .*\n\s+crash: the implementation exited with code 3 while executing request #\d+ \(execute\)/);
    expect(r.stdout).toMatch(/ERROR codec\.checksum\.rfc1071 \(requirement\)/);
    const rep = report(dir);
    const rows = new Map(rep.properties.map((p) => [p.id, p]));
    expect(rows.get('codec.checksum.rfc1071-example')?.status).toBe('error');
    expect(rows.get('codec.checksum.rfc1071-example')?.counterexample?.message).toMatch(/\| panic: scenario \d+ hit an assertion in the fixture/);
    expect(rows.get('codec.checksum.rfc1071-example')?.counterexample?.scenario.ops[0]).toEqual({ op: 'checksum', data: '0001f203f4f5f6f7' });
    for (const id of ['codec.checksum.detects-word-change', 'codec.checksum.rfc1071-value', 'codec.checksum.self-verifies', 'codec.tcp.flags']) expect(rows.get(id)?.status, id).toBe('pass');
  });

  it('--time-limit ends a run whose implementation hangs, with "not run: time limit" rows', () => {
    const dir = out();
    // The hanging property runs first (ids sort codec.tcp.flags < codec.udp.*), so which rows are
    // cut and which are not run does not depend on how fast a loaded machine gets there.
    const r = r2net(['run', '--impl', fixtureCommand('faulty.mjs', 'hang=tcp.flags'), '--property', 'codec.tcp.flags', '--property', 'codec.udp', '--runs', '20', '--timeout', '30', '--time-limit', '1.5', '--out', dir]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.ms).toBeLessThan(30_000); // far below the 30 s request timeout: the time limit cut the hang
    const rows = report(dir).properties;
    expect(rows.find((p) => p.id === 'codec.tcp.flags')?.counterexample?.message).toMatch(/^time limit: /);
    const notRun = rows.filter((p) => p.counterexample?.message === 'not run: time limit');
    expect(notRun.map((p) => p.id)).toEqual(rows.filter((p) => p.id > 'codec.tcp.flags').map((p) => p.id));
    expect(notRun.length).toBe(2); // the two codec.udp properties
  });

  it('an implementation that never answers hello stops the run with exit 2 and the reason', () => {
    const r = r2net(['run', '--impl', fixtureCommand('faulty.mjs', 'hang-hello'), '--timeout', '1.5', '--out', out()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/r2net run: --impl ".*faulty\.mjs hang-hello": timeout: no reply to request #0 \(hello\) within 1\.5 s/);
    expect(r.ms).toBeLessThan(1500 + 10_000);
  });

  it('rejects a bad --timeout or --time-limit', () => {
    expect(r2net(['run', '--timeout', '0']).stderr).toMatch(/--timeout takes a positive number of seconds, got '0'/);
    expect(r2net(['run', '--time-limit', 'soon']).stderr).toMatch(/--time-limit takes a positive number of seconds, got 'soon'/);
  });
});

describe('r2net serve', () => {
  it('--mutant list names every mutant; an unknown one is a usage error', () => {
    const list = r2net(['serve', '--mutant', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(allMutants.map((m) => m.name));
    const bad = r2net(['serve', '--mutant', 'no-such-mutant']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no mutant 'no-such-mutant'/);
  });

  it('writes only replies on stdout and ends at end of input', () => {
    const r = r2net(['serve', '--layers', 'slip'], '{"id":0,"method":"hello","protocol":1,"contract":1}\n{"id":1,"method":"execute","scenario":{"layer":"slip","ops":[{"op":"slip.encode","data":"c0"}]}}\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 0, protocol: 1, statement: expect.objectContaining({ name: 'r2net-reference', layers: ['slip'] }), batch: 256 },
      { id: 1, trace: { results: [{ ok: true, value: { bytes: 'c0dbdcc0' } }] } },
    ]);
    expect(r.stderr).toMatch(/r2net serve: r2net-reference .* on stdin\/stdout/);
  });
});
