// The second-language example (examples/python/r2net_impl.py, standard library only) judged
// through the process adapter: every codec and slip property and clause passes, its traces
// equal the reference's on the same scenarios, and every message it writes validates against
// spec/contract/protocol.schema.json.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProperties } from '../../properties/index.ts';
import { loadImplementation } from '../../src/iut/load.ts';
import { runDifferential } from '../../src/runner/differential.ts';
import { runSuite } from '../../src/runner/run.ts';
import { commandLine, fixture, pythonExample, schemaErrors } from './helpers.ts';

const RUNS = 20;
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });

describe(`the Python example (${python.stdout?.trim() || 'python3 missing'})`, () => {
  // Python 3 is on every machine this project runs on; if it is not, say so rather than skip.
  it('python3 is on PATH', () => expect(python.status, `python3 --version: ${python.error?.message ?? python.stderr}`).toBe(0));

  it('passes every codec and slip property and clause through the adapter, and writes only schema-valid messages', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'r2net-py-')), 'traffic.log');
    const impl = await loadImplementation(commandLine(process.execPath, fixture('tap.mjs'), log, '--', 'python3', pythonExample));
    try {
      expect(impl.statement).toMatchObject({ name: 'r2net-python-example', profile: 'seed', layers: ['codec', 'slip'] });
      const o = await runSuite(allProperties, impl, { seed: 1, runs: RUNS, layers: ['codec', 'slip'] });
      expect(o.properties.length).toBeGreaterThan(40);
      const notPassing = o.properties.filter((p) => p.status !== 'pass').map((p) => `${p.id}: ${p.status} ${p.counterexample?.message ?? ''}`);
      expect(notPassing).toEqual([]);
      const clauses = o.clauses.filter((c) => c.layer === 'codec' || c.layer === 'slip');
      expect(clauses.length).toBeGreaterThan(60);
      expect(clauses.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict}`)).toEqual([]);
    } finally {
      await impl.close?.();
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const replies = lines.filter((l) => l.startsWith('< ')).map((l) => JSON.parse(l.slice(2)) as unknown);
    expect(replies.length).toBeGreaterThan(500);
    const bad = replies.map((r) => schemaErrors('reply', r)).filter(Boolean);
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('gives the same traces as the reference on the same scenarios (differential mode)', async () => {
    const impl = await loadImplementation(commandLine('python3', pythonExample));
    try {
      const d = await runDifferential(allProperties, impl, { seed: 2, runs: RUNS, layers: ['codec', 'slip'] });
      expect(d.length).toBeGreaterThan(40);
      expect(d.filter((r) => r.status !== 'agree').map((r) => `${r.property}: ${r.status} ${r.message ?? JSON.stringify(r.divergence)}`)).toEqual([]);
    } finally {
      await impl.close?.();
    }
  });

  it('answers malformed requests with error replies and stops on shutdown', () => {
    const input = [
      '{"id":0,"method":"hello","protocol":1,"contract":1}',
      'this is not json',
      '{"id":2,"method":"reboot"}',
      '{"id":3,"method":"hello","protocol":9,"contract":1}',
      '{"id":4,"method":"execute","scenario":{"layer":"codec","ops":[{"op":"checksum","data":"0001f203f4f5f6f7"},{"op":"nope"}]}}',
      '{"id":5,"method":"shutdown"}',
      '{"id":6,"method":"hello","protocol":1,"contract":1}',
    ].join('\n');
    const r = spawnSync('python3', [pythonExample], { input, encoding: 'utf8', timeout: 10_000 });
    expect(r.status, r.stderr).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies.map((x) => x.id)).toEqual([0, null, 2, 3, 4, 5]); // nothing after shutdown
    expect(replies.map((x) => (x.error as { kind?: string } | undefined)?.kind ?? 'ok')).toEqual(['ok', 'bad-request', 'unsupported-method', 'unsupported-version', 'ok', 'ok']);
    expect(replies[4]).toMatchObject({ trace: { results: [{ ok: true, value: { checksum: 0x220d, sum: 0xddf2 } }, { ok: false, error: { kind: 'unsupported-op' } }] } });
    for (const x of replies) expect(schemaErrors('reply', x)).toBe('');
  });
});
