// executeBatch, the optional batch request of the out-of-process protocol, and the runner's
// prefetch built on it: same traces as one request per scenario, graceful fallback for
// version-1 implementations and for batches that fail, and unchanged verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allProperties } from '../../properties/index.ts';
import type { Scenario } from '../../src/iut/contract.ts';
import { createReference } from '../../src/iut/reference.ts';
import { startProcessImplementation, type ProcessImplementation } from '../../src/iut/process/adapter.ts';
import { SERVE_BATCH_LIMIT } from '../../src/iut/process/batch.ts';
import { handleRequestLine } from '../../src/iut/process/server.ts';
import { splitCommandLine } from '../../src/iut/process/argv.ts';
import { contextFor, runProperty } from '../../src/runner/run.ts';
import { prefetchFor, withPrefetch } from '../../src/runner/prefetch.ts';
import { fixtureCommand, schemaErrors, serveCommand } from './helpers.ts';

const start = (cmd: string): Promise<ProcessImplementation> => startProcessImplementation(splitCommandLine(cmd));
const reference = createReference();
const ctx = contextFor(reference);
const def = (id: string) => allProperties.find((d) => d.id === id)!;
/** Scenarios of one property as a run of `n` with `seed` would send them. */
const scenariosOf = (id: string, n: number, seed = 5): Scenario[] =>
  fc.sample(def(id).arbitrary(ctx), { seed, numRuns: n }).map((i) => ({ layer: def(id).layer, ops: def(id).scenario(i, ctx) }));
const withoutTimes = <T extends { durationMs?: number }>(r: T) => ({ ...r, durationMs: 0 });

describe('executeBatch against r2net serve', () => {
  let served: ProcessImplementation;
  beforeAll(async () => {
    served = await start(serveCommand());
  });
  afterAll(async () => served?.close());

  it('is offered in hello, and answers with the traces the reference gives in process', async () => {
    expect(served.batchLimit).toBe(SERVE_BATCH_LIMIT);
    const scenarios = [...scenariosOf('codec.ipv4.parse-roundtrip', 200), ...scenariosOf('slip.decode.roundtrip', 120)];
    expect(scenarios.length).toBeGreaterThan(SERVE_BATCH_LIMIT); // split into two requests
    const traces = await served.executeBatch(scenarios);
    expect(traces).toEqual(await Promise.all(scenarios.map((s) => reference.execute(s))));
  });

  it('prefetched property runs give the same result as one request per scenario, from batches', async () => {
    for (const id of ['codec.checksum.rfc1071-value', 'slip.decode.roundtrip']) {
      const opts = { seed: 11, runs: 30 };
      const prefetched = prefetchFor(served, def(id), ctx, opts);
      expect(prefetched).not.toBe(served);
      const a = await runProperty(def(id), prefetched, ctx, opts);
      const b = await runProperty(def(id), served, ctx, opts);
      expect(withoutTimes(a)).toEqual(withoutTimes(b));
      expect(a.status).toBe('pass');
      expect((prefetched as unknown as { answered: number }).answered).toBe(a.numRuns);
    }
  });
});

describe('prefetch keeps failures exactly as they were', () => {
  it('a mutant served out of process fails with the same shrunk counterexample', async () => {
    const mutant = await start(serveCommand('--mutant', 'checksum-odd-byte-low'));
    try {
      const opts = { seed: 3, runs: 50 };
      const d = def('codec.checksum.rfc1071-value');
      const a = await runProperty(d, prefetchFor(mutant, d, ctx, opts), ctx, opts);
      const b = await runProperty(d, mutant, ctx, opts);
      expect(a.status).toBe('fail');
      expect(withoutTimes(a)).toEqual(withoutTimes(b));
    } finally {
      await mutant.close();
    }
  });
});

describe('implementations without batches, and batches that fail', () => {
  it('a version-1 implementation (no batch in hello) gets one execute per scenario', async () => {
    const v1 = await start(fixtureCommand('faulty.mjs'));
    try {
      expect(v1.batchLimit).toBeUndefined();
      const scenarios = scenariosOf('codec.checksum.rfc1071-value', 5);
      expect(await v1.executeBatch(scenarios)).toEqual(await Promise.all(scenarios.map((s) => reference.execute(s))));
      expect(withPrefetch(v1, def('codec.checksum.rfc1071-value'), ctx, 1, 10)).toBe(v1);
    } finally {
      await v1.close();
    }
  });

  it('respects the advertised limit', async () => {
    const b = await start(fixtureCommand('batcher.mjs'));
    try {
      expect(b.batchLimit).toBe(4);
      const scenarios = scenariosOf('codec.checksum.rfc1071-value', 10);
      expect(await b.executeBatch(scenarios)).toEqual(await Promise.all(scenarios.map((s) => reference.execute(s))));
      // stderr and stdout are separate pipes: the last batch's stderr line may come in after its reply.
      await expect.poll(() => b.stderrTail().filter((l) => l.startsWith('executeBatch')), { timeout: 5000 }).toEqual(['executeBatch 4', 'executeBatch 4', 'executeBatch 2']);
    } finally {
      await b.close();
    }
  });

  for (const mode of ['short', 'error', 'crash-batch=0', 'deep']) {
    it(`a batch that fails (${mode}) is a typed error, and prefetched runs fall back to execute`, async () => {
      const b = await start(fixtureCommand('batcher.mjs', mode));
      try {
        const d = def('codec.checksum.rfc1071-value');
        await expect(b.executeBatch(scenariosOf(d.id, 3))).rejects.toMatchObject({ fault: mode === 'crash-batch=0' ? 'crash' : 'protocol' });
        const opts = { seed: 2, runs: 12 };
        const r = await runProperty(d, prefetchFor(b, d, ctx, opts), ctx, opts);
        expect(r.status).toBe('pass');
      } finally {
        await b.close();
      }
    });
  }
});

describe('the server side of executeBatch', () => {
  const line = (o: unknown) => handleRequestLine(reference, JSON.stringify(o));

  it('hello offers it; requests and replies validate against the schema', async () => {
    const hello = await line({ id: 0, method: 'hello', protocol: 1, contract: 1 });
    expect(hello.reply).toMatchObject({ batch: SERVE_BATCH_LIMIT });
    expect(schemaErrors('reply', hello.reply)).toBe('');
    const req = { id: 1, method: 'executeBatch', scenarios: scenariosOf('codec.checksum.rfc1071-value', 3) };
    expect(schemaErrors('request', req)).toBe('');
    const r = await line(req);
    expect(schemaErrors('reply', r.reply)).toBe('');
    expect((r.reply as { traces: unknown[] }).traces).toHaveLength(3);
  });

  it('answers a malformed batch with a bad-request error reply naming the scenario', async () => {
    const bad = await line({ id: 2, method: 'executeBatch', scenarios: [{ layer: 'codec', ops: [] }, { layer: 'codec' }] });
    expect(bad.reply).toEqual({ id: 2, error: { kind: 'bad-request', message: 'scenarios[1]: scenario.ops must be an array' } });
    const notArray = await line({ id: 3, method: 'executeBatch', scenarios: {} });
    expect(notArray.reply).toMatchObject({ id: 3, error: { kind: 'bad-request' } });
    const tooMany = await line({ id: 4, method: 'executeBatch', scenarios: Array.from({ length: SERVE_BATCH_LIMIT + 1 }, () => ({ layer: 'codec', ops: [] })) });
    expect(tooMany.reply).toMatchObject({ id: 4, error: { kind: 'bad-request', message: expect.stringMatching(/at most 256/) } });
    expect(schemaErrors('reply', tooMany.reply)).toBe('');
  });
});
