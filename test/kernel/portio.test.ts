// Userland port I/O and COM1 (0x30..0x32): the dispatcher's checks and unchecked reads, the
// kernel layer's `io` observation, and the feature syscall.port-io (a kernel that does not
// declare it gets `skip` on every portio clause, hazards included, and passes the rest).
import { describe, expect, it } from 'vitest';
import type { Implementation, Op, Trace } from '../../src/iut/contract.ts';
import { createReference } from '../../src/iut/reference.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import { NET_FRAME_BUF_ADDR, RC } from '../../src/kernel/constants.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import { allProperties } from '../../properties/index.ts';
import { runSuite } from '../../src/runner/run.ts';
import { loadFeatures } from '../../src/spec/features.ts';

const profile = seedProfile();
const W0 = profile.limits.userWindowStart;
const COM1 = profile.defaults.comBase;

function machineWithProcess() {
  const m = createMachine(profile);
  const pid = m.spawn();
  const poke = (addr: number, bytes: number[]) => expect(m.poke(pid, addr, Uint8Array.from(bytes)).ok).toBe(true);
  const peek = (addr: number, len: number) => {
    const r = m.peek(pid, addr, len);
    if (!r.ok) throw new Error(r.error.message);
    return [...r.value];
  };
  return { m, pid, poke, peek };
}

describe('0x30..0x32 in the dispatcher', () => {
  it('the profile names the NET_FRAME_BUF address the kernel puts in every network Message', () => {
    expect(profile.defaults.netFrameBufAddr).toBe(NET_FRAME_BUF_ADDR);
  });

  it('0x30 writes only the low byte, to the port the u16 at arg1 names', () => {
    const { m, pid, poke } = machineWithProcess();
    poke(W0, [COM1 & 0xff, COM1 >> 8]);
    poke(W0 + 4, [0x41, 0xff, 0xff, 0xff]);
    expect(m.syscall(pid, 0x30, W0, W0 + 4)).toBe(RC.Okay);
    expect(m.serialLine().map((b) => b.byte)).toEqual([0x41]);
  });

  it('0x30 reads the kernel byte its unchecked value pointer names, and reports the dereference', () => {
    const { m, pid, poke } = machineWithProcess();
    m.kernel.netdrv.NET_FRAME_BUF[5] = 0x99;
    poke(W0, [COM1 & 0xff, COM1 >> 8]);
    m.takeEvents();
    expect(m.syscall(pid, 0x30, W0, NET_FRAME_BUF_ADDR + 5)).toBe(RC.Okay);
    expect(m.serialLine().map((b) => b.byte)).toEqual([0x99]);
    expect(m.snapshot().hazards['portio-unchecked-pointers']).toBe(1);
    // Beyond 2^32, negative or fractional: zero bytes, never a fault.
    for (const wild of [2 ** 40, -1, 0.5]) expect(m.syscall(pid, 0x30, W0, wild)).toBe(RC.Okay);
    expect(m.serialLine().map((b) => b.byte)).toEqual([0x99, 0, 0, 0]);
  });

  it('0x31 checks arg2 (window ends accepted, one past and the heap refused) and never arg1', () => {
    const { m, pid, poke, peek } = machineWithProcess();
    for (const bad of [W0 - 1, profile.limits.userWindowEnd + 1, 0xc00000, 0xffffff]) expect(m.syscall(pid, 0x31, W0, bad)).toBe(RC.InvalidInput);
    poke(W0, [0, 0]);
    expect(m.syscall(pid, 0x31, W0, profile.limits.userWindowEnd)).toBe(RC.Okay);
    expect(m.syscall(pid, 0x31, 0xc00000, W0 + 8)).toBe(RC.Okay); // the heap reads 0: port 0, unmapped
    expect(peek(W0 + 8, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('0x31 at the top of the I/O space floats high past 0xFFFF instead of wrapping to port 0', () => {
    const { m, pid, poke, peek } = machineWithProcess();
    poke(W0, [0xfd, 0xff]);
    expect(m.syscall(pid, 0x31, W0, W0 + 8)).toBe(RC.Okay);
    expect(peek(W0 + 8, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('0x32: init only with arg2 = 0, read InvalidInput when empty and a u32 otherwise, unknown operations InvalidInput', () => {
    const { m, pid, peek } = machineWithProcess();
    expect(m.syscall(pid, 0x32, 1, 1)).toBe(RC.InvalidInput);
    expect(m.syscall(pid, 0x32, 1, 0)).toBe(RC.Okay);
    expect(m.syscall(pid, 0x32, 2, W0)).toBe(RC.InvalidInput);
    m.feedSerial(Uint8Array.of(0x7e));
    expect(m.syscall(pid, 0x32, 2, 0xc00000)).toBe(RC.InvalidInput); // refused: the byte stays
    expect(m.syscall(pid, 0x32, 2, W0)).toBe(RC.Okay);
    expect(peek(W0, 4)).toEqual([0x7e, 0, 0, 0]);
    for (const op of [0, 4, 0xff, -1, 2.5]) expect(m.syscall(pid, 0x32, op, W0)).toBe(RC.InvalidInput);
  });
});

describe('the kernel layer io observation', () => {
  const run = (ops: Op[]): Trace => kernelExecutor()(ops, profile, createReference().statement);

  it('lists the accesses of the port syscalls only, tagged with their op', () => {
    const t = run([
      { op: 'spawn' },
      { op: 'syscall', pid: 1, no: 0x37, arg1: 0, arg2: 0 }, // the driver's init: not listed
      { op: 'syscall', pid: 1, no: 0x31, arg1: W0, arg2: W0 + 8 },
    ]);
    expect(t.observations?.io).toEqual([{ op: 2, dir: 'in', port: 0, width: 4, value: 0xffffffff }]);
  });
});

describe('feature syscall.port-io', () => {
  it('is declared by the reference, and a kernel without it gets skip on every portio clause and passes the rest', async () => {
    expect(createReference().statement.features).toContain('syscall.port-io');
    const ref = createReference({ layers: ['kernel'] });
    const others = loadFeatures().filter((f) => f.layer === 'kernel' && f.id !== 'syscall.port-io').map((f) => f.id);
    const impl: Implementation = {
      statement: { ...ref.statement, name: 'no-port-io', features: others },
      execute: (s) => {
        const trace = ref.execute(s) as Trace;
        return { ...trace, results: trace.results.map((r, i) => (s.ops[i]?.op === 'syscall' && [0x30, 0x31, 0x32].includes(s.ops[i]!.no as number) ? { ok: false, error: { kind: 'unsupported-op', message: 'no port I/O' } } : r)) };
      },
    };
    const out = await runSuite(allProperties.filter((p) => p.id.includes('portio')), impl, { seed: 1, runs: 5, layers: ['kernel'] });
    const portio = out.clauses.filter((c) => c.id.includes('portio'));
    expect(portio.length).toBeGreaterThanOrEqual(18);
    expect(portio.filter((c) => c.verdict !== 'skip').map((c) => `${c.id}: ${c.verdict}`)).toEqual([]);
  });
});
