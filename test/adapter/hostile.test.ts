// Hostile implementations, end to end through `r2net run` as a user starts it: each one ends
// within its limits (r2net exits on its own, no test timeout, no signal), with its report, an
// error row for what it did, and no process left behind.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, fixtureCommand, r2netBin } from './helpers.ts';
import { rootDir } from '../../src/spec/paths.ts';
import type { ConformanceReport } from '../../src/report/model.ts';
import { startWorkerImplementation } from '../../src/iut/worker/adapter.ts';
import { ImplementationError } from '../../src/iut/contract.ts';

const TARGET = 'codec.checksum.rfc1071-example';
const TRIGGER = '0001f203f4f5f6f7';
const tmp = () => mkdtempSync(join(tmpdir(), 'r2net-hostile-'));

function run(impl: string, extra: string[], env: Record<string, string> = {}) {
  const out = tmp();
  const r = spawnSync(process.execPath, [r2netBin, 'run', '--impl', impl, '--property', 'codec.checksum', '--property', 'codec.tcp.flags', '--runs', '10', '--out', out, ...extra], {
    encoding: 'utf8',
    cwd: rootDir,
    timeout: 90_000,
    env: { ...process.env, ...env },
  });
  expect(r.signal, `r2net did not end on its own: ${r.stderr}`).toBeNull();
  const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as ConformanceReport;
  const rows = new Map(report.properties.map((p) => [p.id, p]));
  return { r, out, report, rows };
}

/** The target is an error row with this message; the four other properties pass; exit 1. */
function expectTargetError(x: ReturnType<typeof run>, message: RegExp): void {
  expect(x.r.status, x.r.stderr).toBe(1);
  const t = x.rows.get(TARGET)!;
  expect(t.status, JSON.stringify(t)).toBe('error');
  expect(t.counterexample?.message).toMatch(message);
  expect(JSON.stringify(t.counterexample?.scenario)).toContain(TRIGGER);
  for (const [id, p] of x.rows) if (id !== TARGET) expect(p.status, `${id}: ${p.counterexample?.message}`).toBe('pass');
  expect(existsSync(join(x.out, 'conformance.html'))).toBe(true);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

describe('hostile programs (out of process)', () => {
  it('grandchildren that call setsid and keep the pipes: r2net still exits and none of them is left', () => {
    const dir = tmp();
    const x = run(fixtureCommand('faulty.mjs', `setsid-grandchild=${dir}`, `crash=${TRIGGER}`), ['--timeout', '5']);
    expectTargetError(x, /^crash: the implementation exited with code 3/);
    const pids = readdirSync(dir).map((f) => Number(readFileSync(join(dir, f), 'utf8')));
    expect(pids.length).toBeGreaterThanOrEqual(2); // the first process and its restart each left one
    for (const pid of pids) expect(alive(pid), `grandchild ${pid}`).toBe(false);
  });

  it('an exit while a grandchild holds the pipes is a crash, seen at once (not a timeout)', () => {
    const dir = tmp();
    const x = run(fixtureCommand('faulty.mjs', `setsid-grandchild=${dir}`, `exit-holding=${TRIGGER}`), ['--timeout', '60']);
    expectTargetError(x, /^crash: the implementation exited with code 3 while executing request/);
    for (const f of readdirSync(dir)) expect(alive(Number(readFileSync(join(dir, f), 'utf8')))).toBe(false);
  });

  it('a closed stdout is a crash that says so', () => {
    expectTargetError(run(fixtureCommand('faulty.mjs', `close-stdout=${TRIGGER}`), ['--timeout', '60']), /^crash: the implementation closed its stdout \(no reply can come any more\) but kept running/);
  });

  it('a reply nested 100 000 levels deep is a protocol error, and the report is written', () => {
    expectTargetError(run(fixtureCommand('faulty.mjs', `deep=${TRIGGER}`), []), /^protocol: bad reply to request #\d+ \(execute\): trace\.results.*nested deeper than 64 levels/);
  });

  it('a 200 MB reply line is cut at the 64 MiB bound', () => {
    expectTargetError(run(fixtureCommand('faulty.mjs', `huge=${TRIGGER}`), []), /^protocol: stdout line longer than 67108864 bytes/);
  });
});

describe('hostile modules (in process, isolated in a worker thread)', () => {
  const mod = fixture('hostile.mjs');
  it('a cyclic trace is an error row at the boundary, not a crashed report writer', () => {
    expectTargetError(run(mod, [], { R2NET_HOSTILE: 'cycle' }), /^protocol: the trace execute\(\) returned is not JSON data: trace\.results\[0\]\.value\.self refers back/);
  });

  it('a BigInt in a trace is an error row', () => {
    expectTargetError(run(mod, [], { R2NET_HOSTILE: 'bigint' }), /trace\.results\[0\]\.value\.checksum is a BigInt/);
  });

  it('a synchronous endless loop is cut by --timeout and the run goes on', () => {
    expectTargetError(run(mod, ['--timeout', '1'], { R2NET_HOSTILE: 'loop' }), /^timeout: no trace within 1 s: execute\(\) did not return \(a synchronous loop\)/);
  });

  it('a synchronous endless loop is cut by --time-limit too: the run ends at the limit with its report', () => {
    const x = run(mod, ['--timeout', '60', '--time-limit', '3'], { R2NET_HOSTILE: 'loop' });
    expect(x.r.status, x.r.stderr).toBe(1);
    expect(x.rows.get(TARGET)?.counterexample?.message).toMatch(/^time limit: the run's time limit expired during this property/);
    const after = [...x.rows.values()].filter((p) => p.id > TARGET);
    expect(after.length).toBeGreaterThan(0);
    for (const p of after) expect(p.counterexample?.message, p.id).toBe('not run: time limit');
  });

  it('a promise that never settles is cut by --timeout', () => {
    expectTargetError(run(mod, ['--timeout', '1'], { R2NET_HOSTILE: 'never' }), /^timeout: no trace within 1 s/);
  });

  it('a module that never finishes loading is a load error at the load timeout', async () => {
    const path = fixture('slow-load.mjs');
    const e = await startWorkerImplementation({ spec: path, path }, { timeoutMs: 100, loadTimeoutMs: 1500 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImplementationError);
    expect((e as ImplementationError).fault).toBe('load');
    expect((e as ImplementationError).message).toMatch(/the module did not load within 1\.5 s/);
  });

  it('a runaway allocation is stopped by --max-memory', () => {
    expectTargetError(run(mod, ['--max-memory', '64', '--timeout', '60'], { R2NET_HOSTILE: 'runaway' }), /^crash: the module passed the memory bound of 64 MiB \(--max-memory\)/);
  });
});

describe('a run that dies', () => {
  it('leaves its results in run.jsonl, and r2net report renders them as an incomplete report', () => {
    const out = tmp();
    const r = spawnSync(process.execPath, [r2netBin, 'run', '--impl', fixture('hostile.mjs'), '--property', 'codec.checksum', '--runs', '10', '--out', out], {
      encoding: 'utf8',
      cwd: rootDir,
      timeout: 60_000,
      env: { ...process.env, R2NET_HOSTILE: 'kill-runner' },
    });
    expect(r.signal).toBe('SIGKILL'); // the module killed r2net itself, mid-run
    expect(existsSync(join(out, 'conformance.json'))).toBe(false);
    const lines = readFileSync(join(out, 'run.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!).type).toBe('start');
    const done = lines.filter((l) => JSON.parse(l).type === 'property').length;
    expect(done).toBe(1); // codec.checksum.detects-word-change ran; the trigger is in the 2nd property
    const rep = spawnSync(process.execPath, [r2netBin, 'report', join(out, 'run.jsonl')], { encoding: 'utf8', cwd: rootDir, timeout: 60_000 });
    expect(rep.status, rep.stderr).toBe(1);
    expect(rep.stdout).toMatch(/INCOMPLETE: the run log ends before the run did .*; 3 properties not run/);
    const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as ConformanceReport;
    expect(report.incomplete?.notRun).toBe(3);
    expect(report.properties.find((p) => p.id === 'codec.checksum.detects-word-change')?.status).toBe('pass');
    expect(report.properties.filter((p) => p.counterexample?.message.startsWith('not run: the run ended before this property')).length).toBe(3);
    expect(readFileSync(join(out, 'conformance.html'), 'utf8')).toMatch(/<b>Incomplete:<\/b>/);
  });
});
