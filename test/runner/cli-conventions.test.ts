// r2net behaves as people expect a command-line tool to: --help on every command, --version,
// a quiet end when a reader closes the pipe, negative numbers as values, one-line usage
// errors, an empty selection refused before anything is touched, --out checked first, control
// characters escaped, progress on stderr and results on stdout.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootDir } from '../../src/spec/paths.ts';

const bin = join(rootDir, 'bin/r2net.js');
const r2net = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: rootDir, timeout: 120_000, env: { ...process.env, ...env } });
const tmp = () => mkdtempSync(join(tmpdir(), 'r2net-conv-'));
const version = (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { version: string }).version;

describe('r2net conventions', () => {
  it('--help on every command exits 0 with its usage on stdout; --version prints the version', () => {
    for (const cmd of ['run', 'replay', 'report', 'list', 'serve']) {
      for (const flag of ['--help', '-h']) {
        const r = r2net([cmd, flag]);
        expect(r.status, `${cmd} ${flag}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage: (npm run |r2net )?${cmd}`));
      }
    }
    const v = r2net(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(`r2net-conformance ${version}`);
  });

  it('a reader that closes the pipe early ends the output quietly', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" list | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', cwd: rootDir, timeout: 60_000 });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('every bad value is one line naming the option, plus where to read more, exit 2', () => {
    for (const [args, msg] of [
      [['run', '--runs', '-1'], /^r2net run: --runs must be a positive integer, got '-1' \(see r2net run --help\)$/],
      [['run', '--seed', '99999999999'], /^r2net run: --seed must be an integer from -2147483648 to 2147483647 or 'random', got '99999999999'/],
      [['run', '--layers', ''], /^r2net run: --layers takes a comma-separated list of layers/],
      [['run', '--timeout', '-3'], /^r2net run: --timeout takes a positive number of seconds, got '-3'/],
      [['run', '--frobnicate'], /^r2net run: Unknown option '--frobnicate' \(see r2net run --help\)$/],
      [['replay', '--property', 'codec.tcp.flags', '--seed', 'x'], /^r2net replay: --seed must be an integer/],
      [['list', '--layers', 'warp'], /^r2net list: unknown layer 'warp'/],
      [['frobnicate'], /^r2net: unknown command 'frobnicate' \(commands: run, replay, list, report, serve; see r2net --help\)$/],
    ] as const) {
      const r = r2net([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(msg);
    }
  });

  it('negative numbers are values: --seed -5 runs with seed -5', () => {
    const out = tmp();
    const r = r2net(['run', '--seed', '-5', '--property', 'codec.tcp.flags', '--runs', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')).seed).toBe(-5);
  });

  it('a selection that holds no property exits 2 with the closest ids and leaves the reports alone', () => {
    const out = tmp();
    writeFileSync(join(out, 'conformance.json'), '{"previous": "report"}\n');
    const before = statSync(join(out, 'conformance.json')).mtimeMs;
    const r = r2net(['run', '--property', 'codec.tcp.flag', '--property', 'codec.ipv4.defalts', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no property id is or starts with 'codec\.ipv4\.defalts'; closest: codec\.ipv4\.create-defaults/);
    expect(readdirSync(out)).toEqual(['conformance.json']);
    expect(readFileSync(join(out, 'conformance.json'), 'utf8')).toBe('{"previous": "report"}\n');
    expect(statSync(join(out, 'conformance.json')).mtimeMs).toBe(before);
    const shard = r2net(['run', '--property', 'codec.tcp.flags', '--shard', '2/2', '--out', out]);
    expect(shard.status).toBe(2);
    expect(shard.stderr).toMatch(/the selection \(--property codec\.tcp\.flags, --shard 2\/2\) holds no property/);
  });

  it('--out is checked before the run starts', () => {
    const r = r2net(['run', '--out', '/dev/null/x']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^r2net run: --out \/dev\/null\/x: cannot write reports there \(ENOTDIR\)/);
    expect(r.stderr).not.toMatch(/properties/); // nothing ran
  });

  it('the banner shows the selected layers; progress is on stderr, the summary on stdout', () => {
    const r = r2net(['run', '--layers', 'slip', '--runs', '2', '--out', tmp()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^r2net run: r2net-reference .* · layers slip · seed 1, 2 runs per property$/m);
    expect(r.stderr).toMatch(/ok {3}\[ ?1\/\d+\] slip\./);
    expect(r.stdout).not.toMatch(/ok {3}\[/);
    expect(r.stdout).toMatch(/^clauses: \d+ pass, 0 fail/m);
    expect(r.stdout).toMatch(/^ {2}layer +pass +fail +error +hazard +skip +untested$/m);
    expect(r.stdout).toMatch(/^ {2}slip +\d+ +0 +0 +0 +0 +0$/m);
  });

  it("an implementation's control characters reach the terminal escaped", () => {
    const r = r2net(['run', '--impl', join(rootDir, 'test/adapter/fixtures/hostile.mjs'), '--property', 'codec.checksum', '--runs', '3', '--out', tmp()], { R2NET_HOSTILE: 'control' });
    expect(r.status).toBe(1);
    const all = r.stdout + r.stderr;
    expect(all).not.toMatch(/[\u0000\u0007\u001b]/);
    expect(r.stderr).toContain('hostile\\x07\\x00\\x1b[31mRED');
    expect(r.stdout).toContain('bell\\x07 nul\\x00 \\x1b[31mred\\x1b[0m');
  });
});

describe('r2net replay', () => {
  it('--from a report with only hazards exits 0 with a summary; --json prints the traces', () => {
    const out = tmp();
    const run = r2net(['run', '--property', 'kernel.hazard.port-hijack', '--runs', '10', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const r = r2net(['replay', '--from', join(out, 'conformance.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kernel\.hazard\.port-hijack: hazard — reproduced exactly/m);
    expect(r.stdout).toMatch(/1 replayed: 0 still fail or error, 1 hazard\(s\)/);
    expect(r.stdout.split('\n').length).toBeLessThan(10);
    const j = r2net(['replay', '--from', join(out, 'conformance.json'), '--json']);
    expect(j.status).toBe(0);
    const json = JSON.parse(j.stdout.slice(j.stdout.indexOf('\n[') + 1, j.stdout.lastIndexOf(']') + 1)) as Array<{ property: string; counterexample: { trace: unknown } }>;
    expect(json[0]!.property).toBe('kernel.hazard.port-hijack');
    expect(json[0]!.counterexample.trace).toBeTruthy();
  });
});

describe('npm run soak arguments', () => {
  const soak = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(rootDir, 'scripts/soak.ts'), ...args], { encoding: 'utf8', cwd: rootDir, timeout: 120_000 });
  it('a bad value is a one-line usage error with exit 2; --ops N (with a space) is honoured', () => {
    const bad = soak(['--ops=abc']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("soak: --ops must be a positive integer, got 'abc' (see npm run soak -- --help)");
    const unknown = soak(['--opz', '5']);
    expect(unknown.status).toBe(2);
    const ok = soak(['--ops', '1500', '--epoch', '1000']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/1,500 random operations/);
    expect(soak(['--help']).stdout).toMatch(/^Usage: npm run soak/);
  });
});
