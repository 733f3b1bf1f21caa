// Differential mode: traces compared with the reference's on the same generated scenarios, the
// first divergence shrunk and reported with its op index, path and both values.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProperties } from '../../properties/index.ts';
import { allMutants } from '../../properties/mutants/index.ts';
import { mutantImplementation } from '../../properties/mutants/mutant.ts';
import { createReference } from '../../src/iut/reference.ts';
import { ImplementationError, type Implementation } from '../../src/iut/contract.ts';
import { firstDifference, runDifferential, traceDivergence } from '../../src/runner/differential.ts';
import { rootDir } from '../../src/spec/paths.ts';
import type { ConformanceReport } from '../../src/report/model.ts';
import { r2netBin, serveCommand } from './helpers.ts';

const mutant = (name: string) => mutantImplementation(allMutants.find((m) => m.name === name)!);

describe('trace comparison', () => {
  it('finds the first difference depth first, with missing members and lengths', () => {
    expect(firstDifference({ a: [1, 2, { b: 'x' }] }, { a: [1, 2, { b: 'x' }] }, 't')).toBeUndefined();
    expect(firstDifference({ a: [1, 2, { b: 'x' }] }, { a: [1, 3] }, 't')).toEqual({ path: 't.a[1]', a: 2, b: 3 });
    expect(firstDifference({ a: [1, 2, 3] }, { a: [1, 2] }, 't')).toEqual({ path: 't.a[2]', a: 3 });
    expect(firstDifference({ a: 1 }, { a: 1, 'b-c': null }, 't')).toEqual({ path: 't["b-c"]', b: null });
  });

  it('compares results by op, error kinds but not messages, then observations', () => {
    const ok = (value: unknown) => ({ ok: true as const, value: value as never });
    const bad = (kind: string, message: string) => ({ ok: false as const, error: { kind, message } });
    expect(traceDivergence({ results: [bad('truncated', 'one text')] }, { results: [bad('truncated', 'another')] })).toBeUndefined();
    expect(traceDivergence({ results: [ok(1), bad('malformed', '')] }, { results: [ok(1), bad('truncated', '')] })).toEqual({ opIndex: 1, path: 'results[1].error.kind', implementation: 'malformed', reference: 'truncated' });
    expect(traceDivergence({ results: [ok({ bytes: 'c0ffee00' })] }, { results: [ok({ bytes: 'c0ff0000' })] })).toEqual({ opIndex: 0, path: 'results[0].value.bytes', implementation: 'c0ffee00', reference: 'c0ff0000', byteOffset: 2 });
    expect(traceDivergence({ results: [] }, { results: [ok(1)] })).toEqual({ opIndex: 0, path: 'results[0]', reference: { ok: true, value: 1 } });
    expect(traceDivergence({ results: [], observations: { frames: ['00'] } }, { results: [], observations: { frames: [] } })).toEqual({ opIndex: null, path: 'observations.frames[0]', implementation: '00' });
  });
});

describe('runDifferential', () => {
  it('the reference agrees with itself on every property of its layers', async () => {
    const d = await runDifferential(allProperties, createReference(), { seed: 1, runs: 10 });
    const layers = createReference().statement.layers;
    for (const r of d) expect(r.status, r.property).toBe(layers.includes(r.layer) ? 'agree' : 'skip');
  });

  it('a mutant diverges, shrunk to a minimal scenario with the differing field', async () => {
    const d = await runDifferential(allProperties, mutant('ipv4-ttl-255'), { seed: 1, runs: 20, only: ['codec.ipv4.create-defaults'] });
    expect(d).toHaveLength(1);
    const r = d[0]!;
    expect(r.status).toBe('diverge');
    expect(r.path).toBeTruthy();
    expect(r.divergence).toMatchObject({ opIndex: 0, path: 'results[0].value.bytes', byteOffset: 8 });
    // Shrunk: the smallest create there is (zero addresses, empty payload).
    expect(r.divergence!.scenario.ops).toEqual([{ op: 'ipv4.create', src: '00000000', dst: '00000000', protocol: 1, payload: '' }]);
    expect((r.divergence!.implementation as string).slice(16, 18)).toBe('ff');
    expect((r.divergence!.reference as string).slice(16, 18)).toBe('40');
  });

  it('an implementation fault is an error entry; undeclared layers are skipped', async () => {
    const crashing: Implementation = {
      statement: { name: 'crasher', version: '0', profile: 'seed', layers: ['codec'] },
      execute: () => {
        throw new ImplementationError('child exited with code 3', 'crash');
      },
    };
    const d = await runDifferential(allProperties, crashing, { seed: 1, runs: 5, only: ['codec.tcp.flags', 'slip.encode.framing'] });
    expect(d.map((r) => [r.property, r.status, r.message])).toEqual([
      ['codec.tcp.flags', 'error', 'implementation: crash: child exited with code 3'],
      ['slip.encode.framing', 'skip', "implementation does not declare layer 'slip'"],
    ]);
  });
});

describe('r2net run --diff', () => {
  it('writes the differential section into the JSON report and never changes the verdicts', () => {
    const out = mkdtempSync(join(tmpdir(), 'r2net-diff-'));
    const r = spawnSync(process.execPath, [r2netBin, 'run', '--impl', serveCommand('--mutant', 'ipv4-ttl-255'), '--property', 'codec.ipv4', '--runs', '20', '--diff', '--out', out], { encoding: 'utf8', cwd: rootDir, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(1); // the mutant fails its clause; the differential part does not add to that
    expect(r.stderr).toMatch(/DIFF \[\d+\/\d+\] codec\.ipv4\.create-defaults\n\s+first divergence: op #0 \(ipv4\.create\) at results\[0\]\.value\.bytes, first differing byte 8: implementation "4500001413374000ff/);
    expect(r.stdout).toMatch(/differential \(never changes verdicts\): \d+ same as the reference, [1-9]\d* diverge, 0 error, 0 skip/);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as ConformanceReport;
    expect(report.differential?.length).toBe(report.properties.length);
    const create = report.differential!.find((x) => x.property === 'codec.ipv4.create-defaults')!;
    expect(create).toMatchObject({ status: 'diverge', divergence: { opIndex: 0, path: 'results[0].value.bytes', byteOffset: 8 } });
    expect(report.differential!.find((x) => x.property === 'codec.ipv4.parse-honours-ihl')?.status).toBe('agree');
  });
});
