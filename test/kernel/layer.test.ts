// The kernel layer behind the contract (src/iut/layers/kernel.ts): bad arguments are data,
// never exceptions; boot only first; wire and serial output tagged with their op; the snapshot
// fields spec/contract/README.md documents as required are there.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import type { Op, Statement } from '../../src/iut/contract.ts';
import { validateTrace } from '../../src/runner/trace-check.ts';
import { L, W0, arpFrame, ethernet, ipv4Header, tcpFrame } from './helpers.ts';
import { profile } from './helpers.ts';

const statement: Statement = { name: 't', version: '0', profile: 'seed', layers: ['kernel'] };
const run = (ops: Op[]) => {
  const t = kernelExecutor()(ops, profile, statement);
  validateTrace(t, { layer: 'kernel', ops });
  return t;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('kernel layer executor', () => {
  it('answers garbage with invalid-argument or unsupported-op, never an exception', () => {
    const json = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    const op = fc.record({ op: fc.constantFrom('boot', 'spawn', 'syscall', 'poke', 'peek', 'inject', 'tick', 'feed-serial', 'serial-receive', 'snapshot', 'nope'), pid: json, no: json, arg1: json, arg2: json, addr: json, len: json, bytes: json, frame: json, fields: json, mac: json });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const t = run(ops as Op[]);
        for (const r of t.results) if (!r.ok) expect(['invalid-argument', 'unsupported-op']).toContain(r.error.kind);
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  it('answers a syscall rou2exOS defines but the model does not with the documented out-of-scope error', () => {
    const t = run([{ op: 'spawn' }, { op: 'syscall', pid: 1, no: 0x02, arg1: 0, arg2: 0 }, { op: 'syscall', pid: 1, no: 0x04, arg1: 0, arg2: 0 }]);
    expect(t.results[1]).toEqual({ ok: false, error: { kind: 'unsupported-op', message: 'syscall 0x02 is defined by rou2exOS but not modelled' } });
    expect(t.results[2]).toEqual({ ok: true, value: { result: 0xff } });
  });

  it('boot is only valid first, and sets the MAC and IP', () => {
    const t = run([{ op: 'boot', mac: '02aabbccddee', ip: '0a000009' }, { op: 'spawn' }, { op: 'boot' }, { op: 'snapshot', fields: ['systemConfig'] }]);
    expect(t.results[0]).toEqual({ ok: true, value: { mac: '02aabbccddee', ip: '0a000009', nic: true } });
    expect(t.results[2]).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(t.results[3]).toEqual({ ok: true, value: { systemConfig: { mac: '000000000000', ip: '0a000009' } } });
  });

  it('tags wire frames and serial bytes with the op that produced them', () => {
    const raw = arpFrame();
    const dgram = Uint8Array.from(ipv4Header({ protocol: 6, totalLength: 20, src: [10, 0, 0, 1], dst: [10, 0, 0, 2] }));
    const t = run([
      { op: 'spawn' },
      { op: 'syscall', pid: 1, no: 0x37, arg1: 0, arg2: 0 },
      { op: 'poke', pid: 1, addr: W0, bytes: hex(raw) },
      { op: 'syscall', pid: 1, no: 0x34, arg1: 4, arg2: W0 },
      { op: 'poke', pid: 1, addr: W0, bytes: hex(dgram) },
      { op: 'syscall', pid: 1, no: 0x34, arg1: 1, arg2: W0 },
    ]);
    const wire = t.observations?.wire as { op: number; frame: string }[];
    expect(wire.map((w) => w.op)).toEqual([3]);
    expect(wire[0]!.frame.slice(0, raw.length * 2)).toBe(hex(raw));
    expect(wire[0]!.frame.length).toBe(L.minEthernetFrame * 2);
    const serial = t.observations?.serial as { op: number; bytes: string }[];
    expect(serial.map((s) => s.op)).toEqual([5]);
    expect(serial[0]!.bytes.startsWith('c045')).toBe(true);
  });

  it('reports ticks, deliveries and the required snapshot fields', () => {
    const t = run([
      { op: 'spawn' },
      { op: 'spawn' },
      { op: 'syscall', pid: 1, no: 0x37, arg1: 0, arg2: 0 },
      { op: 'syscall', pid: 2, no: 0x37, arg1: 80, arg2: 0 },
      { op: 'inject', frame: hex(tcpFrame(80)) },
      { op: 'inject', frame: hex(ethernet(0x1234, [1, 2, 3])) },
      { op: 'tick' },
      { op: 'tick' },
      { op: 'syscall', pid: 2, no: 0x35, arg1: 0, arg2: W0 },
      { op: 'syscall', pid: 9, no: 0x35, arg1: 0, arg2: W0 },
    ]);
    expect(t.results[6]).toMatchObject({ ok: true, value: { tick: 1, time: 1 / L.pitHz, order: ['poll', 'pick'], delivered: [{ len: tcpFrame(80).length + 4, dstPid: 2, pushed: true }], dropped: 0 } });
    expect(t.results[7]).toMatchObject({ ok: true, value: { tick: 2, delivered: [{ dstPid: 1 }] } });
    expect(t.results[8]).toEqual({ ok: true, value: { result: tcpFrame(80).length + 4 } }); // with its CRC
    expect(t.results[9]).toEqual({ ok: true, value: { result: 'no-such-process' } });
    const s = t.observations?.snapshot as Record<string, unknown>;
    for (const f of ['driverPid', 'registry', 'queueLengths', 'processes', 'netFrameBuf', 'systemConfig', 'frames', 'ipc', 'hazards']) expect(s, f).toHaveProperty(f);
    expect(s.registry).toEqual([{ slot: 0, port: 80, pid: 2 }]);
    expect(s.queueLengths).toEqual({ 1: 1, 2: 0 });
  });
});
