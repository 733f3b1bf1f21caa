// The r2net command end to end, as a user runs it: exit codes, reports, replay, module loading.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootDir } from '../../src/spec/paths.ts';

const r2net = (args: string[]) => spawnSync(process.execPath, [join(rootDir, 'bin/r2net.js'), ...args], { encoding: 'utf8', cwd: rootDir, timeout: 120_000 });

describe('r2net CLI', () => {
  it('run on the reference exits 0 and writes the three reports', () => {
    const out = mkdtempSync(join(tmpdir(), 'r2net-'));
    const r = r2net(['run', '--layers', 'codec,slip', '--runs', '5', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/properties/);
    expect(r.stdout).toMatch(/clauses: \d+ pass, 0 fail/);
    expect(r.stdout).toMatch(/^ {2}codec +\d+ +0 +0 +0 +0 +0$/m); // the per-layer table
    expect(r.stdout).not.toMatch(/ok {3}\[/); // progress is on stderr only
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(report.summary.fail).toBe(0);
    expect(report.clauses.length).toBeGreaterThanOrEqual(25);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testsuites/);
    expect(readFileSync(join(out, 'conformance.md'), 'utf8')).toMatch(/# Conformance report/);
  });

  it('run --impl MODULE on a wrong implementation exits 1 and prints a replay command that reproduces it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-impl-'));
    const mod = join(dir, 'ttl.mts'); // .mts: ESM even outside a "type": "module" package
    writeFileSync(
      mod,
      `import { allMutants } from ${JSON.stringify(join(rootDir, 'properties/mutants/index.ts'))};
import { mutantImplementation } from ${JSON.stringify(join(rootDir, 'properties/mutants/mutant.ts'))};
export default mutantImplementation(allMutants.find((m) => m.name === 'ipv4-ttl-255')!);
`,
    );
    const r = r2net(['run', '--impl', mod, '--property', 'codec.ipv4', '--runs', '20', '--out', join(dir, 'out')]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL codec\.ipv4\.defaults/);
    const replay = /replay: npx r2net replay (.*)/.exec(r.stdout)?.[1];
    expect(replay).toBeTruthy();
    const again = r2net(['replay', ...replay!.split(' '), '--json']);
    expect(again.status, again.stderr).toBe(1);
    expect(again.stdout).toMatch(/codec\.ipv4\.create-defaults \(clause codec\.ipv4\.defaults\): fail/);
    expect(JSON.parse(again.stdout.slice(again.stdout.indexOf('\n{') + 1)).counterexample.message).toMatch(/header fields/);
  });

  it('bad usage exits 2 with a message naming the problem', () => {
    for (const [args, msg] of [
      [['run', '--layers', 'nope'], /unknown layer 'nope'/],
      [['run', '--runs', '0'], /--runs must be a positive integer/],
      [['run', '--shard', '4/3'], /--shard takes I\/N/],
      [['run', '--impl', '/no/such/module.js'], /no such module file/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['replay', '--property', 'codec.tcp.flags'], /replay needs --property ID and --seed N/],
    ] as const) {
      const r = r2net([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('a module that exports no implementation is a clear load error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-bad-'));
    writeFileSync(join(dir, 'nothing.mjs'), 'export const x = 1;\n');
    const r = r2net(['run', '--impl', join(dir, 'nothing.mjs')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/exports no implementation/);
    writeFileSync(join(dir, 'exits.mjs'), 'process.exit(4);\n');
    const exits = r2net(['run', '--impl', join(dir, 'exits.mjs'), '--timeout', '60']);
    expect(exits.status).toBe(2);
    expect(exits.stderr).toMatch(/the module's worker thread exited with code 4 while the module was loading/);
  });
});

describe('r2net run --impl MODULE that throws', () => {
  it('reports the throw as an error row (a crash), not a conformance failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2net-throw-'));
    const mod = join(dir, 'thrower.mjs');
    writeFileSync(mod, `export default { statement: { name: 'thrower', version: '0', profile: 'seed', layers: ['codec'] }, execute() { throw new TypeError('boom'); } };\n`);
    const r = r2net(['run', '--impl', mod, '--property', 'codec.tcp.flags', '--runs', '5', '--out', join(dir, 'out')]);
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'conformance.json'), 'utf8'));
    const row = report.properties.find((p: { id: string }) => p.id === 'codec.tcp.flags');
    expect(row.status).toBe('error');
    expect(row.counterexample.message).toMatch(/crash: execute\(\) threw TypeError: boom/);
  });
});
