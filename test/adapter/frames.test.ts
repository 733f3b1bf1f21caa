// The optional CBOR framing (protocol.md, "Binary framing"): negotiated in hello, the same
// traces and verdicts as JSON lines and as in process, JSON lines kept when either side does
// not choose it, and a typed error for every kind of bad frame.
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { Decoder } from 'cbor-x';
import fc from 'fast-check';
import { allProperties } from '../../properties/index.ts';
import type { Scenario } from '../../src/iut/contract.ts';
import { ImplementationError } from '../../src/iut/contract.ts';
import { createReference } from '../../src/iut/reference.ts';
import { startProcessImplementation, type ProcessImplementation } from '../../src/iut/process/adapter.ts';
import { splitCommandLine } from '../../src/iut/process/argv.ts';
import { serveImplementation } from '../../src/iut/process/server.ts';
import { FrameReader, encodeFrame } from '../../src/iut/process/framing.ts';
import { contextFor, runProperty } from '../../src/runner/run.ts';
import { fixtureCommand, serveCommand } from './helpers.ts';

const reference = createReference();
const ctx = contextFor(reference);
const started: ProcessImplementation[] = [];
const start = async (cmd: string, opts: Parameters<typeof startProcessImplementation>[1] = {}) => {
  const p = await startProcessImplementation(splitCommandLine(cmd), { timeoutMs: 5000, ...opts });
  started.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
});
const scenariosOf = (id: string, n: number): Scenario[] => {
  const def = allProperties.find((d) => d.id === id)!;
  return fc.sample(def.arbitrary(ctx), { seed: 9, numRuns: n }).map((i) => ({ layer: def.layer, ops: def.scenario(i, ctx) }));
};
const checksumScenario: Scenario = { layer: 'codec', ops: [{ op: 'checksum', data: '0001f203f4f5f6f7' }] };
const faultOf = async (p: Promise<unknown>): Promise<ImplementationError> => {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ImplementationError);
  return e as ImplementationError;
};

describe('CBOR frames with r2net serve', () => {
  it('are chosen in hello and give the traces and verdicts of in process and of JSON lines', async () => {
    const cbor = await start(serveCommand());
    const json = await start(serveCommand('--json-lines'));
    expect(cbor.framing).toBe('cbor');
    expect(json.framing).toBe('json');
    const scenarios = [...scenariosOf('codec.ipv4.parse-roundtrip', 150), ...scenariosOf('slip.decode.roundtrip', 150), ...scenariosOf('codec.checksum.rfc1071-value', 30), ...scenariosOf('codec.builders.invalid-arguments', 30)];
    const inProcess = await Promise.all(scenarios.map((s) => reference.execute(s)));
    expect(await cbor.executeBatch(scenarios)).toEqual(inProcess);
    expect(await json.executeBatch(scenarios)).toEqual(inProcess);
    expect(await cbor.execute(scenarios[0]!)).toEqual(inProcess[0]);
    for (const id of ['codec.tcp.connection-walk', 'codec.icmp.parse-roundtrip', 'slip.decode.stream-with-noise']) {
      const def = allProperties.find((d) => d.id === id)!;
      const opts = { seed: 3, runs: 15 };
      const outcome = async (impl: typeof reference | ProcessImplementation) => ({ ...(await runProperty(def, impl, contextFor(impl), opts)), durationMs: 0 });
      expect(await outcome(cbor)).toEqual(await outcome(reference));
    }
  });

  it('are not offered when the adapter is told to keep to JSON lines', async () => {
    const p = await start(serveCommand(), { framing: 'json' });
    expect(p.framing).toBe('json');
    expect(await p.execute(checksumScenario)).toEqual(await reference.execute(checksumScenario));
  });
});

describe('CBOR frames from a program', () => {
  it('carry byte strings, read as lowercase hex', async () => {
    const p = await start(fixtureCommand('framer.mjs'));
    expect(p.framing).toBe('cbor');
    const t = await p.execute(checksumScenario);
    expect(t.results[0]).toEqual({ ok: true, value: { checksum: 8717, sum: 56818, bytes: '220d' } });
    expect(await p.executeBatch([checksumScenario, checksumScenario])).toEqual([t, t]);
  });

  it('keep JSON lines when the program does not choose them', async () => {
    const p = await start(fixtureCommand('framer.mjs', 'choose=json'));
    expect(p.framing).toBe('json');
    expect(p.stderrTail()).toContain('offered ["cbor"]');
  });

  it('refuse a framing that was not offered', async () => {
    const e = await faultOf(start(fixtureCommand('framer.mjs', 'choose=msgpack')));
    expect(e.fault).toBe('load');
    expect(e.message).toMatch(/framing "msgpack" was not offered/);
    const e2 = await faultOf(start(fixtureCommand('framer.mjs', 'choose=force'), { framing: 'json' }));
    expect(e2.message).toMatch(/framing "cbor" was not offered \(offered: none\)/);
  });

  const bad: Array<[string, 'protocol' | 'crash' | 'timeout', RegExp, boolean]> = [
    ['huge', 'protocol', /stdout frame of 4294967295 bytes, more than 67108864/, false],
    ['truncated', 'crash', /exited with code 0 while executing request #1 \(execute\).*unfinished stdout frame: 4 of the \d+ bytes of a frame/s, false],
    ['stall', 'timeout', /no reply to request #1 \(execute\) within 3 s \(it wrote an unfinished frame: 4 of the \d+ bytes of a frame\)/, false],
    ['garbage', 'protocol', /bad reply to request #1 \(execute\): not a CBOR data item \(.*\): 3 bytes starting ff0001/, false],
    ['trailing', 'protocol', /bad reply to request #1 \(execute\): not a CBOR data item \(.*end of buffer not reached.*\)/, false],
    ['abyss', 'protocol', /not a CBOR data item \(nested too deep to decode\)/, false],
    ['deep', 'protocol', /bad reply to request #1 \(execute\): trace\.results\[0\].* is nested deeper than 64 levels/, true],
    ['not-json', 'protocol', /trace\.results\[0\]\.value is undefined, which JSON cannot carry/, true],
    ['wrong-id', 'protocol', /reply has id 101 while waiting for id 1/, false],
  ];
  for (const [mode, fault, message, kept] of bad) {
    it(`a bad frame (${mode}) is a typed '${fault}' error, and the next request ${kept ? 'goes to the same process' : 'starts a new one'}`, async () => {
      // Only the stall waits for the timeout; the others keep the default, so a loaded machine's
      // slow restart (a new node process) is not taken for a hang.
      const p = await start(fixtureCommand('framer.mjs', mode), mode === 'stall' ? { timeoutMs: 3000 } : {});
      const pid = p.pid;
      const e = await faultOf(p.execute(checksumScenario));
      expect(e.fault).toBe(fault);
      expect(e.message).toMatch(message);
      // The fixture misbehaves once per process: a process kept answers the next request, a new one misbehaves again.
      if (kept) expect((await p.execute(checksumScenario)).results[0]).toMatchObject({ ok: true });
      else expect((await faultOf(p.execute(checksumScenario))).message).toMatch(message);
      expect(p.starts).toBe(kept ? 1 : 2);
      if (kept) expect(p.pid).toBe(pid);
    });
  }

  it('a frame while no request is pending fails the next request', async () => {
    const p = await start(fixtureCommand('framer.mjs', 'idle'));
    await new Promise((r) => setTimeout(r, 300)); // the stray frame is in before the request goes out
    const e = await faultOf(p.execute(checksumScenario));
    expect(e.fault).toBe('protocol');
    expect(e.message).toMatch(/wrote to stdout while no request was pending \(after 1 replies\): \{"id":99,"note":"unasked"\}/);
  });
});

describe('r2net serve in CBOR frames (serveImplementation)', () => {
  const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
  /** Feeds `input` (the hello line, then frames) and reads back the hello line and the reply frames. */
  async function talk(input: Buffer[], bounds = { maxRequestBytes: 1 << 20, maxReplyBytes: 1 << 20 }): Promise<{ hello: Record<string, unknown>; replies: Array<Record<string, unknown>> }> {
    const i = new PassThrough();
    const o = new PassThrough();
    const chunks: Buffer[] = [];
    o.on('data', (c: Buffer) => chunks.push(c));
    const done = serveImplementation(reference, i, o, bounds);
    for (const b of input) i.write(b);
    i.end();
    await done;
    const all = Buffer.concat(chunks);
    const nl = all.indexOf(10);
    const reader = new FrameReader(1 << 30);
    const replies = [...reader.push(all.subarray(nl + 1))].map((e) => decoder.decode((e as { frame: Buffer }).frame) as Record<string, unknown>);
    return { hello: JSON.parse(all.subarray(0, nl).toString()) as Record<string, unknown>, replies };
  }
  const hello = Buffer.from(JSON.stringify({ id: 0, method: 'hello', protocol: 2, contract: 1, framing: ['cbor'] }) + '\n');
  const frameOf = (body: Buffer): Buffer => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    return Buffer.concat([head, body]);
  };

  it('reads byte strings in requests as hex and answers every bad frame with a bad-request reply', async () => {
    const req = encodeFrame({ id: 1, method: 'execute', scenario: { layer: 'codec', ops: [{ op: 'checksum', data: Buffer.from('0001f203f4f5f6f7', 'hex') }] } });
    const huge = frameOf(Buffer.alloc(2 << 20, 0x41)); // over maxRequestBytes: skipped as it streams
    const garbage = frameOf(Buffer.from([0xff]));
    const { hello: h, replies } = await talk([hello, req, huge, garbage, encodeFrame({ id: 2, method: 'shutdown' })]);
    expect(h.framing).toBe('cbor');
    expect(replies[0]).toEqual({ id: 1, trace: await reference.execute(checksumScenario) });
    expect(replies[1]).toMatchObject({ id: null, error: { kind: 'bad-request', message: expect.stringMatching(/request frame of 2097152 bytes, more than the server's bound of 1048576/) } });
    expect(replies[2]).toMatchObject({ id: null, error: { kind: 'bad-request', message: expect.stringMatching(/not a CBOR data item/) } });
    expect(replies[3]).toEqual({ id: 2, ok: true });
  });

  it('answers a frame cut short by the end of input, and bounds its replies', async () => {
    const req = encodeFrame({ id: 1, method: 'execute', scenario: checksumScenario });
    const { replies } = await talk([hello, req.subarray(0, 10)]);
    expect(replies).toEqual([{ id: null, error: { kind: 'bad-request', message: `the input ended inside a frame (6 of the ${req.length - 4} bytes of a frame)` } }]);
    const small = await talk([hello, req], { maxRequestBytes: 1 << 20, maxReplyBytes: 20 });
    expect(small.replies[0]).toMatchObject({ id: 1, error: { kind: 'internal', message: expect.stringMatching(/more than the server's bound of 20/) } });
  });

  it('keeps to JSON lines when hello offers no framing, or the server is told so', async () => {
    const plain = Buffer.from(JSON.stringify({ id: 0, method: 'hello', protocol: 2, contract: 1 }) + '\n');
    for (const [input, bounds] of [[plain, undefined], [hello, { maxRequestBytes: 1 << 20, maxReplyBytes: 1 << 20, frames: false }]] as const) {
      const i = new PassThrough();
      const o = new PassThrough();
      let text = '';
      o.on('data', (c: Buffer) => (text += c.toString()));
      const done = serveImplementation(reference, i, o, bounds);
      i.end(Buffer.concat([input, Buffer.from(JSON.stringify({ id: 1, method: 'execute', scenario: checksumScenario }) + '\n')]));
      await done;
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).not.toHaveProperty('framing');
      expect(lines[1]).toEqual({ id: 1, trace: await reference.execute(checksumScenario) });
    }
  });
});
