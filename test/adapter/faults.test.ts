// Fault tolerance of the process adapter, driven by test/adapter/fixtures/faulty.mjs: each
// misbehaviour gives one clear 'error' row for the property it hit, the process is restarted,
// the other properties still pass, every run ends within its limits, and nothing is left
// running afterwards.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProperties } from '../../properties/index.ts';
import { ImplementationError } from '../../src/iut/contract.ts';
import { loadImplementation } from '../../src/iut/load.ts';
import { ProcessImplementation } from '../../src/iut/process/adapter.ts';
import { NOT_RUN_TIME_LIMIT, runSuite, type PropertyResult } from '../../src/runner/run.ts';
import { commandLine, fixtureCommand } from './helpers.ts';
import { rootDir } from '../../src/spec/paths.ts';

// The fixture implements 'checksum' and 'tcp.flags'. These five properties use only those ops;
// the RFC 1071 example (data 0001f203f4f5f6f7) is the scenario the faults are aimed at.
const ONLY = ['codec.checksum', 'codec.tcp.flags'];
const TARGET = 'codec.checksum.rfc1071-example';
const TRIGGER = '0001f203f4f5f6f7';
const RUNS = 20;
const tmp = () => mkdtempSync(join(tmpdir(), 'r2net-faults-'));

async function runFixture(args: string[], opts: { timeoutMs?: number; timeLimitMs?: number; only?: string[] } = {}) {
  const impl = (await loadImplementation(fixtureCommand('faulty.mjs', ...args), { timeoutMs: opts.timeoutMs ?? 2000 })) as ProcessImplementation;
  const started = performance.now();
  try {
    const outcome = await runSuite(allProperties, impl, { seed: 1, runs: RUNS, only: opts.only ?? ONLY, ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}) });
    return { outcome, impl, ms: performance.now() - started, byId: new Map(outcome.properties.map((p) => [p.id, p])) };
  } finally {
    await impl.close();
  }
}

/** The target property is the only error; every other one passes. */
function expectOnlyTargetErrors(props: PropertyResult[], message: RegExp): PropertyResult {
  expect(props.length).toBe(5);
  const target = props.find((p) => p.id === TARGET)!;
  expect(target.status, JSON.stringify(target)).toBe('error');
  expect(target.counterexample?.message).toMatch(message);
  expect(JSON.stringify(target.counterexample?.scenario)).toContain(TRIGGER); // the scenario that was being sent
  for (const p of props.filter((x) => x.id !== TARGET)) expect(p.status, `${p.id}: ${p.counterexample?.message}`).toBe('pass');
  return target;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped by a minimal init) is not running.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

describe('an adapter that behaves, with noise on stderr', () => {
  it('passes every property and keeps the stderr tail', async () => {
    const { outcome, impl } = await runFixture(['noise']);
    for (const p of outcome.properties) expect(p.status, p.id).toBe('pass');
    expect(impl.starts).toBe(1);
  });
});

describe('faults give one clear error row; the process is restarted and the run goes on', () => {
  it('a crash (exit code 3, a panic on stderr)', async () => {
    const { outcome, impl } = await runFixture([`crash=${TRIGGER}`, 'noise']);
    const t = expectOnlyTargetErrors(outcome.properties, /^crash: the implementation exited with code 3 while executing request #\d+ \(execute\)/);
    expect(t.counterexample!.message).toMatch(/last \d+ of \d+ stderr lines:[\s\S]*\| panic: scenario \d+ hit an assertion/);
    expect(impl.starts).toBe(2);
  });

  it('a hang (no reply): a timeout after --timeout, not later', async () => {
    // 3 s, not less: the fixture's own hello must get through on a loaded 2-core machine.
    const { outcome, ms } = await runFixture([`hang=${TRIGGER}`], { timeoutMs: 3000 });
    expectOnlyTargetErrors(outcome.properties, /^timeout: no reply to request #\d+ \(execute\) within 3 s/);
    expect(ms).toBeLessThan(3000 + 6000);
  });

  it('garbage on stdout instead of the reply', async () => {
    const { outcome } = await runFixture([`garbage=${TRIGGER}`]);
    expectOnlyTargetErrors(outcome.properties, /^protocol: bad reply to request #\d+ \(execute\): not JSON: Segmentation fault\? no: just garbage/);
  });

  it('a reply with the wrong id', async () => {
    const { outcome } = await runFixture([`wrong-id=${TRIGGER}`]);
    expectOnlyTargetErrors(outcome.properties, /^protocol: bad reply to request #(\d+) \(execute\): reply has id \d+ while waiting for id \1/);
  });

  it('a reply whose trace is not a trace', async () => {
    const { outcome } = await runFixture([`bad-trace=${TRIGGER}`]);
    expectOnlyTargetErrors(outcome.properties, /^protocol: bad reply to request #\d+ \(execute\): trace must be an object/);
  });

  it('a reply with neither trace nor error', async () => {
    const { outcome } = await runFixture([`no-trace=${TRIGGER}`]);
    expectOnlyTargetErrors(outcome.properties, /^protocol: bad reply to request #\d+ \(execute\): reply to request \d+ has no 'trace' \(nor 'error'\)/);
  });

  it('an error reply (the process stays: no restart)', async () => {
    const { outcome, impl } = await runFixture([`error-reply=${TRIGGER}`]);
    expectOnlyTargetErrors(outcome.properties, /^protocol: the implementation answered request #\d+ with an error reply: internal: the fixture refuses this scenario/);
    expect(impl.starts).toBe(1);
  });

  it('half a reply line, then silence', async () => {
    const { outcome } = await runFixture([`partial=${TRIGGER}`], { timeoutMs: 3000 });
    expectOnlyTargetErrors(outcome.properties, /^timeout: no reply to request #\d+ \(execute\) within 3 s \(it wrote an unfinished line: \{"id":\d+,"tr\)/);
  });

  it('a stray line after a good reply fails the next request', async () => {
    const { outcome, impl } = await runFixture([`garbage-after=${TRIGGER}`]);
    const errors = outcome.properties.filter((p) => p.status === 'error');
    expect(errors.length).toBe(1);
    // Whether the stray line arrives before the next request is sent or while it is pending is
    // timing; either way that next request fails with it and nothing is taken for a reply.
    expect(errors[0]!.counterexample?.message).toMatch(/^protocol: (the implementation wrote to stdout while no request was pending \(after \d+ replies\)|bad reply to request #\d+ \(execute\): not JSON): DEBUG: replied/);
    expect(outcome.properties.filter((p) => p.status === 'pass').length).toBe(4);
    expect(impl.starts).toBe(2);
  });

  it('an exit in the middle of the run', async () => {
    const marker = join(tmp(), 'exited');
    const { outcome, impl } = await runFixture([`exit-once=${marker}`]);
    expect(existsSync(marker)).toBe(true);
    const errors = outcome.properties.filter((p) => p.status === 'error');
    expect(errors.length).toBe(1);
    expect(errors[0]!.id).toBe('codec.checksum.detects-word-change'); // the first property: its 3rd scenario
    expect(errors[0]!.counterexample?.message).toMatch(/^crash: the implementation exited with code 0 while executing request #3 \(execute\), after 3 replies/);
    expect(outcome.properties.filter((p) => p.status === 'pass').length).toBe(4);
    expect(impl.starts).toBe(2);
  });

  it('a process that cannot be restarted: errors, then the adapter gives up instead of retrying forever', async () => {
    const dir = tmp();
    // Exits at its 3rd execute, and every restart hangs at hello (the marker file switches it).
    const impl = new ProcessImplementation([process.execPath, '-e', `
      const fs = require('fs'); const m = ${JSON.stringify(join(dir, 'm'))};
      const again = fs.existsSync(m); fs.writeFileSync(m, '1'); let n = 0;
      require('readline').createInterface({ input: process.stdin }).on('line', (l) => {
        const r = JSON.parse(l);
        if (r.method === 'hello') { if (!again) console.log(JSON.stringify({ id: r.id, protocol: 1, statement: { name: 'x', version: '1', profile: 'seed', layers: ['codec'] } })); return; }
        if (++n === 3) process.exit(5);
        console.log(JSON.stringify({ id: r.id, trace: { results: r.scenario.ops.map(() => ({ ok: false, error: { kind: 'unsupported-op', message: '' } })) } }));
      });`], { timeoutMs: 3000 });
    await impl.start();
    const started = performance.now();
    const o = await runSuite(allProperties, impl, { seed: 1, runs: 5, only: ['codec.tcp'] });
    await impl.close();
    expect(o.properties.length).toBeGreaterThan(6);
    const messages = o.properties.map((p) => p.counterexample?.message ?? '');
    // The crash may hit a property's own runs (an error row) or the re-run that records a
    // failure's trace (a note on the fail row): either way it is reported, then restarts fail.
    const crash = messages.findIndex((m) => /crash: the implementation exited with code 5/.test(m));
    expect(crash, messages.join('\n')).toBeGreaterThanOrEqual(0);
    expect(crash).toBeLessThan(o.properties.length - 4);
    for (const m of messages.slice(crash + 1, crash + 4)) expect(m).toMatch(/^timeout: restarting the implementation \(start #\d\) failed: no reply to request #0 \(hello\) within 3 s/);
    for (const m of messages.slice(crash + 4)) expect(m).toMatch(/^crash: gave up restarting the implementation after 3 failed starts in a row/);
    expect(performance.now() - started).toBeLessThan(3 * 3000 + 6000);
  });
});

describe('hello failures stop the run before any property, with the reason', () => {
  const cases: [string[], RegExp][] = [
    [['hang-hello'], /^--impl ".*faulty\.mjs hang-hello": timeout: no reply to request #0 \(hello\) within 1 s/],
    [['bad-hello'], /bad hello reply: statement\.layers: unknown layer "warp"/],
    [['old-protocol'], /the implementation refused hello: unsupported-version: this fixture speaks protocol 0/],
    [['banner'], /bad reply to request #0 \(hello\): not JSON: faulty fixture v0 ready/],
  ];
  for (const [args, want] of cases) {
    it(args.join(' '), async () => {
      const started = performance.now();
      const e = await loadImplementation(fixtureCommand('faulty.mjs', ...args), { timeoutMs: 1000 }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(ImplementationError);
      expect((e as ImplementationError).fault).toBe('load');
      expect((e as ImplementationError).message).toMatch(want);
      expect(performance.now() - started).toBeLessThan(1000 + 5000);
    });
  }

  it('a command that does not exist', async () => {
    const e = (await loadImplementation(commandLine('/nonexistent/r2net-impl', '--serve')).catch((x: unknown) => x)) as ImplementationError;
    expect(e).toBeInstanceOf(ImplementationError);
    expect(e.message).toMatch(/could not be started \(spawn \/nonexistent\/r2net-impl ENOENT\)/);
  });
});

describe('limits', () => {
  it('the whole-run time limit cuts the hanging property short and reports the rest as not run', async () => {
    // The fixture hangs on tcp.flags; the request timeout (10 min) is far beyond the 8 s limit,
    // which leaves the properties before it room to finish on a loaded machine (2 cores, shared).
    const only = ['codec.checksum', 'codec.tcp'];
    const { outcome, ms } = await runFixture(['hang=tcp.flags'], { timeoutMs: 600_000, timeLimitMs: 8000, only });
    expect(ms).toBeLessThan(100_000); // cut by the run's limit, not by the 10-minute request timeout
    const byStatus = (s: string) => outcome.properties.filter((p) => p.status === s).map((p) => p.id);
    const flags = outcome.properties.find((p) => p.id === 'codec.tcp.flags')!;
    expect(flags.status).toBe('error');
    expect(flags.counterexample?.message).toMatch(/^time limit: the run's time limit expired during this property, after 0 of \d+ runs/);
    const after = outcome.properties.filter((p) => p.id > 'codec.tcp.flags');
    expect(after.length).toBeGreaterThan(3);
    for (const p of after) {
      expect(p.status).toBe('error');
      expect(p.counterexample?.message).toBe(NOT_RUN_TIME_LIMIT);
    }
    expect(byStatus('pass')).toEqual(['codec.checksum.detects-word-change', 'codec.checksum.rfc1071-example', 'codec.checksum.rfc1071-value', 'codec.checksum.self-verifies']);
    // The properties before it ran and were judged (the fixture lacks their ops: fail, not error).
    expect(outcome.properties.filter((p) => p.id.startsWith('codec.tcp.') && p.id < 'codec.tcp.flags').every((p) => p.status === 'fail')).toBe(true);
  });

  it('close() kills the process group: a child that ignores SIGTERM and EOF, and its own child', async () => {
    const pidFile = join(tmp(), 'grandchild.pid');
    const impl = (await loadImplementation(fixtureCommand('faulty.mjs', 'ignore-eof', `grandchild=${pidFile}`), { timeoutMs: 2000 })) as ProcessImplementation;
    const pid = impl.pid!;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    expect(alive(grandchild)).toBe(true);
    const started = performance.now();
    await impl.close();
    expect(performance.now() - started).toBeLessThan(1000 + 4000); // shutdown ignored: killed after the 1 s grace
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('a run interrupted by SIGTERM takes its implementation down with it', async () => {
    const dir = tmp();
    const script = join(dir, 'interrupted.mts');
    writeFileSync(
      script,
      `import { loadImplementation } from ${JSON.stringify(join(rootDir, 'src/iut/load.ts'))};
const impl = await loadImplementation(${JSON.stringify(fixtureCommand('faulty.mjs', 'ignore-eof'))});
process.stdout.write(String((impl as { pid?: number }).pid) + '\\n');
setInterval(() => {}, 1000);
`,
    );
    const runner = spawn(process.execPath, ['--import', 'tsx', script], { cwd: rootDir, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      runner.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      runner.once('exit', () => reject(new Error('the runner exited before starting the implementation')));
    });
    expect(alive(pid)).toBe(true);
    const exited = new Promise<NodeJS.Signals | null>((r) => runner.once('exit', (_c, sig) => r(sig)));
    runner.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM'); // the signal still ends the runner as it would have
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });
});
