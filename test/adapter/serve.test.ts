// The reference served out of process must be indistinguishable from the reference in process;
// statements select properties and carry options; the server answers bad requests with error
// replies; the wire traffic of a real run validates against protocol.schema.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProperties } from '../../properties/index.ts';
import { createReference } from '../../src/iut/reference.ts';
import { classifyImpl, loadImplementation } from '../../src/iut/load.ts';
import { splitCommandLine } from '../../src/iut/process/argv.ts';
import { handleRequestLine } from '../../src/iut/process/server.ts';
import { SERVE_BATCH_LIMIT } from '../../src/iut/process/batch.ts';
import type { Implementation, Json } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, okValue } from '../../src/runner/assert.ts';
import { runSuite } from '../../src/runner/run.ts';
import { commandLine, fixture, schemaErrors, serveCommand, verdicts } from './helpers.ts';

const RUNS = 20;

describe('the reference out of process', () => {
  let served: Implementation;
  beforeAll(async () => {
    served = await loadImplementation(serveCommand());
  });
  afterAll(async () => served?.close?.());

  it('declares the same statement as in process', () => {
    expect(served.statement).toEqual(createReference().statement);
  });

  it('gives identical verdicts on every clause and property (same seed, same runs)', async () => {
    const inProcess = await runSuite(allProperties, createReference(), { seed: 1, runs: RUNS });
    const outOfProcess = await runSuite(allProperties, served, { seed: 1, runs: RUNS });
    expect(outOfProcess.clauses.length).toBeGreaterThan(50);
    expect(verdicts(outOfProcess)).toEqual(verdicts(inProcess));
    // Not only the verdicts: every counterexample (hazards included) is the same one.
    expect(outOfProcess.properties.map((p) => p.counterexample?.message ?? null)).toEqual(inProcess.properties.map((p) => p.counterexample?.message ?? null));
  });
});

describe('statements select properties', () => {
  it('an implementation declaring only codec gets slip reported as skip, in process and out', async () => {
    const onlyCodec = createReference({ layers: ['codec'] });
    const served = await loadImplementation(serveCommand('--layers', 'codec'));
    try {
      expect(served.statement.layers).toEqual(['codec']);
      for (const impl of [onlyCodec, served]) {
        const o = await runSuite(allProperties, impl, { seed: 1, runs: 5, layers: ['codec', 'slip'] });
        const slip = o.properties.filter((p) => p.layer === 'slip');
        expect(slip.length).toBeGreaterThan(3);
        for (const p of slip) {
          expect(p.status).toBe('skip');
          expect(p.skipReason).toMatch(/does not declare layer 'slip'/);
        }
        expect(o.clauses.filter((c) => c.layer === 'slip').every((c) => c.verdict === 'skip')).toBe(true);
        expect(o.clauses.filter((c) => c.layer === 'codec').every((c) => c.verdict === 'pass')).toBe(true);
      }
    } finally {
      await served.close?.();
    }
  });

  it('statement options (MAC, IP) reach the properties through the adapter', async () => {
    const options = { mac: '525400123456', ip: '0a000002' };
    const served = await loadImplementation(serveCommand('--options', JSON.stringify(options)));
    // A property that builds its scenario from the statement's options, as nic/kernel properties do.
    const seen: Json[] = [];
    const usesOptions = defineProperty({
      id: 'codec.test.options-reach-scenarios',
      title: 'test: an ARP request built from the statement options',
      layer: 'codec',
      clauses: ['codec.arp.layout'],
      arbitrary: () => fc.constant(null),
      scenario: (_x, ctx) => {
        const o = ctx.statement.options ?? {};
        seen.push(o);
        return [{ op: 'arp.request', senderMac: o.mac as string, senderIp: o.ip as string, targetIp: '0a000001' }];
      },
      check: (_x, trace, ctx) => {
        const bytes = field<string>(okValue(trace, 0), 'bytes');
        mustEqual(bytes.slice(16, 36), `${ctx.statement.options!.mac}${ctx.statement.options!.ip}`, 'sender MAC and IP from the statement');
      },
    });
    try {
      expect(served.statement.options).toEqual(options);
      const o = await runSuite([usesOptions], served, { seed: 1, runs: 3 });
      expect(o.properties[0]!.status).toBe('pass');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((s) => JSON.stringify(s) === JSON.stringify(options))).toBe(true);
    } finally {
      await served.close?.();
    }
  });
});

describe('the server side (r2net serve)', () => {
  const ref = createReference();
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"id":1,', /"id":null,"error":\{"kind":"bad-request"/],
    ['not an object', '[1,2]', /"id":null,"error":\{"kind":"bad-request"/],
    ['no id', '{"method":"hello","protocol":1,"contract":1}', /"id":null,"error":\{"kind":"bad-request"/],
    ['unknown method', '{"id":3,"method":"reboot"}', /"id":3,"error":\{"kind":"unsupported-method"/],
    ['a protocol version it does not speak', '{"id":0,"method":"hello","protocol":0,"contract":1}', /"id":0,"error":\{"kind":"unsupported-version"/],
    ['a scenario without ops', '{"id":4,"method":"execute","scenario":{"layer":"codec"}}', /"id":4,"error":\{"kind":"bad-request","message":"scenario.ops must be an array"/],
    ['an op without a name', '{"id":5,"method":"execute","scenario":{"layer":"codec","ops":[{"data":"00"}]}}', /"id":5,"error":\{"kind":"bad-request"/],
  ];
  for (const [what, line, want] of cases) {
    it(`answers ${what} with an error reply that validates against the schema`, async () => {
      const { reply } = await handleRequestLine(ref, line);
      expect(JSON.stringify(reply)).toMatch(want);
      expect(schemaErrors('reply', reply)).toBe('');
    });
  }

  it('answers hello, execute and shutdown', async () => {
    const hello = await handleRequestLine(ref, '{"id":0,"method":"hello","protocol":1,"contract":1}');
    expect(hello.reply).toEqual({ id: 0, protocol: 1, statement: ref.statement, batch: SERVE_BATCH_LIMIT });
    const ex = await handleRequestLine(ref, JSON.stringify({ id: 1, method: 'execute', scenario: { layer: 'codec', ops: [{ op: 'checksum', data: '0001f203f4f5f6f7' }, { op: 'nope' }] } }));
    expect(ex.reply).toMatchObject({ id: 1, trace: { results: [{ ok: true, value: { checksum: 0x220d, sum: 0xddf2 } }, { ok: false, error: { kind: 'unsupported-op' } }] } });
    const bye = await handleRequestLine(ref, '{"id":2,"method":"shutdown"}');
    expect(bye).toEqual({ reply: { id: 2, ok: true }, stop: true });
    for (const o of [hello, ex, bye]) expect(schemaErrors('reply', o.reply)).toBe('');
  });
});

describe('the protocol schema', () => {
  it('validates every request and reply of a real run (adapter -> r2net serve in CBOR frames, recorded by a tap)', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'r2net-tap-')), 'traffic.log');
    const impl = await loadImplementation(commandLine(process.execPath, fixture('tap.mjs'), log, '--', ...splitCommandLine(serveCommand())));
    try {
      const o = await runSuite(allProperties, impl, { seed: 3, runs: 5 });
      expect(o.properties.some((p) => p.status === 'pass')).toBe(true);
    } finally {
      await impl.close?.();
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const requests = lines.filter((l) => l.startsWith('> ')).map((l) => JSON.parse(l.slice(2)) as { method: string });
    expect(JSON.parse(lines.find((l) => l.startsWith('< '))!.slice(2))).toMatchObject({ framing: 'cbor' }); // the rest travelled as frames
    const replies = lines.filter((l) => l.startsWith('< ')).map((l) => JSON.parse(l.slice(2)) as unknown);
    expect(requests.length).toBeGreaterThan(100);
    // runSuite prefetches in batches from a server that advertises them, and sends single executes while shrinking.
    expect(new Set(requests.map((r) => r.method))).toEqual(new Set(['hello', 'executeBatch', 'execute', 'shutdown']));
    expect(replies.length).toBe(requests.length);
    for (const r of requests) expect(schemaErrors('request', r)).toBe('');
    for (const r of replies) expect(schemaErrors('reply', r)).toBe('');
  });

  it('rejects messages that break it', () => {
    expect(schemaErrors('reply', { id: 1, trace: { results: [] }, extra: 1 })).not.toBe('');
    expect(schemaErrors('reply', { id: 1, trace: { results: [{ ok: true }] } })).not.toBe('');
    expect(schemaErrors('reply', { id: 1, trace: { results: [{ ok: false, error: { kind: 'x' } }] } })).not.toBe('');
    expect(schemaErrors('reply', { id: 0, protocol: 1, statement: { name: 'x', version: '1', profile: 'seed', layers: ['warp'] } })).not.toBe('');
    expect(schemaErrors('reply', { id: -1, ok: true })).not.toBe('');
    expect(schemaErrors('request', { id: 0, method: 'hello', protocol: 3, contract: 1 })).not.toBe('');
    expect(schemaErrors('request', { id: 1, method: 'execute', scenario: { layer: 'codec', ops: [{ data: '00' }] } })).not.toBe('');
  });
});

describe('--impl resolution', () => {
  it('splits a command line without a shell', () => {
    expect(splitCommandLine(`python3  impl.py --name 'my stack' "a \\"b\\"" c\\ d`)).toEqual(['python3', 'impl.py', '--name', 'my stack', 'a "b"', 'c d']);
    expect(splitCommandLine(`node x.js '$HOME' *.txt`)).toEqual(['node', 'x.js', '$HOME', '*.txt']);
    expect(() => splitCommandLine(`node 'x.js`)).toThrow(/unterminated ' quote/);
    expect(() => splitCommandLine('   ')).toThrow(/empty command line/);
  });

  it('tells a module file from a command', () => {
    expect(classifyImpl(undefined)).toEqual({ kind: 'reference' });
    expect(classifyImpl('reference')).toEqual({ kind: 'reference' });
    expect(classifyImpl(fixture('faulty.mjs'))).toMatchObject({ kind: 'module' });
    expect(classifyImpl(`cmd:${fixture('faulty.mjs')}`)).toEqual({ kind: 'command', argv: [fixture('faulty.mjs')] });
    expect(classifyImpl('python3 examples/python/r2net_impl.py')).toEqual({ kind: 'command', argv: ['python3', 'examples/python/r2net_impl.py'] });
    expect(() => classifyImpl('./no-such-impl.ts')).toThrow(/no such module file/);
  });
});
