// Faults of a served implementation (protocol 2): a hardware request with a bad port, width,
// value or address, a flood, a driver spinning on a register forever, a request after the op's
// reply — each is one clear error row naming the request; r2net's machine is untouched by a
// refused request; the process is restarted and the run goes on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadImplementation } from '../../src/iut/load.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, okValue } from '../../src/runner/assert.ts';
import { runSuite } from '../../src/runner/run.ts';
import { createHardware } from '../../src/hw/index.ts';
import { recordAccesses } from '../io-record.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import { modelSeam } from '../../src/iut/served/model-seam.ts';
import { serveHardwareRequest } from '../../src/iut/served/requests.ts';
import { commandLine } from '../adapter/helpers.ts';
import { rootDir } from '../../src/spec/paths.ts';
import { join } from 'node:path';

const fixtureCommand = (mode: string): string => commandLine(process.execPath, join(rootDir, 'test/served/fixtures/hostile.mjs'), mode);

// Two tiny properties: the faulty one (a `write`) first, then an honest one that needs the
// restarted process and a served LSR read to pass.
const faulty = defineProperty({
  id: 'serial.test.hostile-write',
  title: 'test: a write whose driver misbehaves',
  layer: 'serial',
  clauses: ['serial.write.thre'],
  arbitrary: () => fc.constant(null),
  scenario: () => [{ op: 'write', byte: 0x41 }],
  check: (_x, trace) => mustEqual(trace.results[0]?.ok, true, 'write'),
});
const honest = defineProperty({
  id: 'serial.test.served-lsr',
  title: 'test: ready() is one LSR read served by r2net',
  layer: 'serial',
  clauses: ['serial.ready.dr'],
  arbitrary: () => fc.constant(null),
  scenario: () => [{ op: 'ready' }],
  check: (_x, trace) => {
    mustEqual(field(okValue(trace, 0), 'ready'), false, 'ready with nothing received');
    mustEqual(trace.observations?.['io'], [{ op: 0, dir: 'in', port: 0x3fd, width: 1, value: 0x60 }], 'the io r2net observed');
  },
});

async function run(mode: string, servedRequestsPerOp?: number) {
  const impl = await loadImplementation(fixtureCommand(mode), { timeoutMs: 20_000, process: servedRequestsPerOp ? { servedRequestsPerOp } : {} });
  try {
    const o = await runSuite([faulty, honest], impl, { seed: 1, runs: 2 });
    return o.properties;
  } finally {
    await impl.close?.();
  }
}

describe('a served implementation that behaves', () => {
  it('passes, its port access observed on r2net’s side', async () => {
    const props = await run('none');
    expect(props.map((p) => [p.id, p.status, p.counterexample?.message])).toEqual([
      ['serial.test.hostile-write', 'pass', undefined],
      ['serial.test.served-lsr', 'pass', undefined],
    ]);
  });
});

describe('each fault is one error row naming the request; the run goes on', () => {
  const cases: [string, RegExp, number?][] = [
    ['bad-port', /bad hardware request #0 \(in port 0x10000, width 1\): port must be an integer 0\.\.0xffff .* during op #0 \(write\)/],
    ['bad-width', /bad hardware request #0 \(in port 0x3fd, width 3\): width must be 1, 2 or 4/],
    ['bad-value', /bad hardware request #0 \(out port 0x3f8, width 1, value 0x1ff\): value must be an integer 0\.\.0xff for width 1/],
    ['bad-address', /bad hardware request #0 \(read 256 bytes at 0xfffffff0\): the range ends past the 32-bit guest address space/],
    ['flood', /request flood: more than 500 hardware requests \(the profile's servedRequestsPerOp\) during op #0 \(write\); the last: hardware request #500 \(out port 0x80/, 500],
    ['spin', /request flood: more than 500 hardware requests .* the last: hardware request #500 \(in port 0x3fd, width 1\)/, 500],
    // Whether it arrives before the next op request or during it, the fault names it.
    ['after-reply', /hardware request #0 \(in port 0x3fd, width 1\) (arrived while no op was pending \(after \d+ replies: a request after the op's reply\)|is for op request #\d+, answered already \(a request after its reply\))/],
  ];
  for (const [mode, message, bound] of cases) {
    it(mode, async () => {
      const [bad, good] = await run(mode, bound);
      expect(bad!.status, JSON.stringify(bad)).toBe('error');
      expect(bad!.counterexample?.message).toMatch(message);
      expect(good!.status, good!.counterexample?.message).toBe('pass');
    }, 60_000);
  }
});

describe('a refused hardware request leaves the machine untouched', () => {
  const bad: Record<string, unknown>[] = [
    { hw: 1, method: 'out', port: 0x3f8, width: 1, value: 256 },
    { hw: 2, method: 'out', port: 0xffff, width: 2, value: 0 },
    { hw: 3, method: 'in', port: -1, width: 1 },
    { hw: 4, method: 'write', addr: 0xffffffff, bytes: '0102' },
    { hw: 5, method: 'write', addr: 0x100000, bytes: 'zz' },
    { hw: 6, method: 'read', addr: 0, len: 0x10001 },
    { hw: 'x', method: 'in', port: 0x3fd, width: 1 },
    { hw: 7, method: 'reboot' },
  ];
  for (const req of bad) {
    it(JSON.stringify(req), () => {
      const m = createHardware(seedProfile());
      const seam = modelSeam(m);
      const io = recordAccesses(m.bus);
      let writes = 0;
      m.memory.tap(() => writes++);
      const out = serveHardwareRequest(req, seam);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.problem).toMatch(/^hardware request .*: /);
      expect(io.log).toEqual([]);
      expect(writes).toBe(0);
    });
  }
});

describe('the protocol-2 messages in the schema', () => {
  it('accepts the served-hardware messages and rejects broken ones', async () => {
    const { validateMessage } = await import('../adapter/helpers.ts');
    const ok = [
      { id: 3, method: 'op', layer: 'nic', index: 0, op: { op: 'init' }, reset: true, dma: [{ addr: 1048576, bytes: '00ff' }] },
      { id: 3, result: { ok: true, value: { txIndex: 0, rxOffset: 0 } } },
      { hw: 0, for: 3, method: 'in', port: 0xcfc, width: 4 },
      { hw: 1, for: 3, method: 'write', addr: 0x100000, bytes: 'c0ffee' },
      { hw: 0, value: 0xffffffff },
      { hw: 1, ok: true, dma: [] },
    ];
    for (const m of ok) expect(validateMessage(m), JSON.stringify(m)).toBe(true);
    const bad = [
      { hw: 0, for: 3, method: 'in', port: 0x10000, width: 1 },
      { hw: 0, for: 3, method: 'in', port: 0x3fd, width: 3 },
      { hw: 0, method: 'out', port: 0x80, width: 1, value: 0 },
      { id: 3, method: 'op', layer: 'codec', index: 0, op: { op: 'checksum' } },
      { id: 3, method: 'op', layer: 'kernel', index: 0, op: { op: 'tick' }, reset: false },
    ];
    for (const m of bad) expect(validateMessage(m), JSON.stringify(m)).toBe(false);
  });
});

describe("r2net's side of protocol 2 validates against the schema", () => {
  it('op requests with pushed DMA writes, and the replies to hardware requests', async () => {
    const { validateMessage } = await import('../adapter/helpers.ts');
    const { servedLink } = await import('../../src/iut/process/served.ts');
    const m = createHardware(seedProfile(), { nicPci: null }); // decodes 0xC000, no bus-master gate
    const seam = modelSeam(m);
    // Put a device write in flight: a frame the chip DMAs into its ring once the receiver is on.
    m.bus.write(0xc000 + 0x30, 4, 0x100000);
    m.bus.write(0xc000 + 0x37, 1, 0x0c);
    m.bus.write(0xc000 + 0x44, 4, 0x8f);
    m.nic.inject(new Uint8Array(60).fill(7));
    const sent: unknown[] = [];
    const answered: unknown[] = [];
    const child = {
      nextId: 5,
      async request(req: unknown, _field: 'result', _t: number, hw: (line: string) => string | Error | undefined) {
        sent.push(req);
        for (const r of [
          { hw: 0, for: 5, method: 'in', port: 0xc037, width: 1 },
          { hw: 1, for: 5, method: 'out', port: 0x80, width: 1, value: 1 },
          { hw: 2, for: 5, method: 'read', addr: 0x100000, len: 8 },
          { hw: 3, for: 5, method: 'write', addr: 0x200000, bytes: 'aa' },
        ]) {
          expect(validateMessage(r), JSON.stringify(r)).toBe(true);
          const out = hw(JSON.stringify(r));
          expect(typeof out, String(out)).toBe('string');
          answered.push(JSON.parse(out as string));
        }
        return { id: 5, result: { ok: true, value: { txIndex: 0, rxOffset: 0 } } };
      },
    };
    const r = await servedLink(child, 1000, 100).op({ layer: 'nic', index: 0, op: { op: 'driver-state' }, reset: true }, seam);
    expect(r).toEqual({ ok: true, value: { txIndex: 0, rxOffset: 0 } });
    expect(sent).toHaveLength(1);
    expect((sent[0] as { dma?: unknown[] }).dma?.length).toBeGreaterThan(0);
    for (const x of [...sent, ...answered]) expect(validateMessage(x), JSON.stringify(x)).toBe(true);
    expect(answered.map((a) => Object.keys(a as object).sort().join())).toEqual(['hw,value', 'hw,ok', 'bytes,hw', 'hw,ok']);
  });
});
