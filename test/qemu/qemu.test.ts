// The reference's drivers over QEMU's own RTL8139 and 16550 (src/hw/qemu): a few nic and serial
// properties, the recorded differences, and QEMU dying mid-run. Skips when QEMU is missing
// (.ci/run installs qemu-system-x86).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/index.ts';
import { runSuite } from '../../src/runner/run.ts';
import { comparable, createQemuReference, overQemu, qemuServedDevices } from '../../src/iut/qemu.ts';
import { runDifferential } from '../../src/runner/differential.ts';
import { startProcessImplementation } from '../../src/iut/process/adapter.ts';
import { qemuVersion } from '../../src/hw/qemu/process.ts';
import { createReference } from '../../src/iut/reference.ts';
import { QemuBackend } from '../../src/hw/qemu/machine.ts';
import { QemuError } from '../../src/hw/qemu/qtest.ts';
import { processRunning } from '../../src/hw/qemu/sync.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import type { Scenario } from '../../src/iut/contract.ts';

const version = qemuVersion();
if (!version) console.warn('test/qemu: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86): QEMU tests skipped');

describe.skipIf(!version)('reference drivers over QEMU', () => {
  it('passes nic and serial properties, names the backend, and passes the recorded differences against their record', async () => {
    const impl = createQemuReference();
    try {
      expect(impl.statement.name).toContain('QEMU 7');
      expect(impl.statement.backend).toEqual({ name: 'qemu', version });
      const run = await runSuite(allProperties, impl, { seed: 1, runs: 4, only: ['nic.tx.round-robin', 'nic.rx.empty-and-ack', 'nic.tx.device-order', 'serial.slip.line-bytes', 'serial.tx.timing'] });
      const byId = new Map(run.properties.map((p) => [p.id, p]));
      for (const id of ['nic.tx.round-robin', 'nic.rx.empty-and-ack', 'serial.slip.line-bytes']) expect(byId.get(id)?.status, id).toBe('pass');
      // QEMU sends one descriptor per TSD write: a recorded difference, the clause passes against it.
      const order = byId.get('nic.tx.device-order')!.clauseResults!['nic.tx.device-order']!;
      expect(order.verdict).toBe('pass');
      expect(order.note).toMatch(/recorded qemu difference 'tx-one-descriptor-per-write'/);
      // Line times are virtual time only: skipped with the reason, never a fake pass.
      const timing = byId.get('serial.tx.timing')!.clauseResults!['serial.line.timing']!;
      expect(timing.verdict).toBe('skip');
      expect(timing.note).toMatch(/not observable on qemu/);
      expect(impl.backend.stats.resets).toBeGreaterThan(0); // scenarios reuse QEMU through a system reset
    } finally {
      impl.close();
    }
  }, 120_000);

  it('a QEMU that dies mid-scenario is a QemuError with its story, the next scenario gets a fresh QEMU, nothing is left running', async () => {
    const impl = createQemuReference({ timeoutMs: 3000 });
    const scenario: Scenario = { layer: 'nic', ops: [{ op: 'init' }, { op: 'inject', frame: 'ff'.repeat(60) }, { op: 'poll' }] };
    try {
      expect((impl.execute(scenario) as { results: { ok: boolean }[] }).results.every((r) => r.ok)).toBe(true);
      const m = impl.backend.machine();
      process.kill(m.qemu.child.pid!, 'SIGKILL');
      expect(() => m.nicDriver.init()).toThrow(/QEMU exited while qtest/);
      const starts = impl.backend.stats.starts;
      expect((impl.execute(scenario) as { results: { ok: boolean }[] }).results.every((r) => r.ok)).toBe(true);
      expect(impl.backend.stats.starts).toBe(starts + 1);
    } finally {
      impl.close();
    }
    expect(await qemuChildren()).toEqual([]);
  }, 60_000);

  it('a QEMU that cannot start is an error naming the binary and its stderr', async () => {
    const backend = new QemuBackend(seedProfile(), 3000, 1, '/bin/false');
    expect(() => backend.machine()).toThrow(QemuError);
    expect(() => backend.machine()).toThrow(/QEMU exited/);
    const bad = new QemuBackend(seedProfile(), 3000, 1, '/nonexistent/qemu');
    expect(() => bad.machine()).toThrow(/could not start \/nonexistent\/qemu|exited/);
    expect(await qemuChildren()).toEqual([]);
  }, 30_000);

  it('chip-level differential: the same scenarios on the models and on QEMU, the first divergence shrunk', async () => {
    const qemu = createQemuReference();
    try {
      const out = await runDifferential(allProperties, comparable(qemu), { seed: 1, runs: 3, only: ['nic.rx.slot-layout', 'serial.slip.decode-errors'], reference: comparable(createReference({ layers: ['nic', 'serial'] })) });
      const slot = out.find((r) => r.property === 'nic.rx.slot-layout')!;
      expect(slot.status).toBe('diverge');
      // Shrunk to the smallest frame: QEMU pads it to 60 bytes (recorded: rx-pads-short-frames).
      expect(JSON.stringify(slot.divergence)).toMatch(/01004000/);
      const serial = out.find((r) => r.property === 'serial.slip.decode-errors')!;
      expect(['agree', 'diverge']).toContain(serial.status);
      expect(serial.divergence?.path ?? '').not.toMatch(/time|clock/); // virtual time is left out
    } finally {
      qemu.close();
    }
  }, 120_000);

  it('a served implementation runs its drivers over QEMU (protocol 2 hardware requests answered by QEMU)', async () => {
    const q = qemuServedDevices();
    const served = overQemu(await startProcessImplementation([process.execPath, 'bin/r2net.js', 'serve', '--hardware', 'served', '--quiet'], { servedDevices: q.devices }), q);
    try {
      expect(served.statement.backend?.name).toBe('qemu');
      const run = await runSuite(allProperties, served, { seed: 1, runs: 3, only: ['nic.tx.round-robin', 'nic.rx.empty-and-ack', 'serial.slip.line-bytes'] });
      for (const p of run.properties) expect(p.status, p.id).toBe('pass');
      expect(q.backend.stats.resets + q.backend.stats.starts).toBeGreaterThan(1);
    } finally {
      await served.close!();
    }
  }, 120_000);

  it('the same scenario differs between the models and QEMU exactly where spec/hardware/qemu.json says (padding of a runt)', () => {
    const scenario: Scenario = { layer: 'nic', ops: [{ op: 'init' }, { op: 'inject', frame: 'ff'.repeat(20) }, { op: 'poll' }] };
    const impl = createQemuReference();
    try {
      const q = impl.execute(scenario) as { results: { ok: boolean; value?: { length?: number } }[] };
      const r = createReference().execute(scenario) as { results: { ok: boolean; value?: { length?: number } }[] };
      expect(r.results[2]!.value?.length).toBe(24);
      expect(q.results[2]!.value?.length).toBe(64);
    } finally {
      impl.close();
    }
  }, 60_000);

  it('a frame refused with RXOVW unmasked (counted in MPC, kept in the QEMU queue) does not reach the next scenario: it starts with MPC 0 and an empty queue', () => {
    const frame = 'ff'.repeat(6) + '52'.repeat(1508);
    const inject = (n: number) => Array.from({ length: n }, () => ({ op: 'inject' as const, frame }));
    const impl = createQemuReference();
    try {
      type T = { results: { ok: boolean; value?: unknown }[] };
      const first = impl.execute({ layer: 'nic', ops: [{ op: 'init' }, { op: 'write-register', name: 'IMR', value: 0x15 }, ...inject(6), { op: 'read-register', name: 'MPC' }] }) as T;
      expect(first.results[7]!.value).toEqual({ accepted: false, reason: 'ring-full' });
      expect(first.results[8]!.value).toEqual({ value: 1 });
      const next = impl.execute({ layer: 'nic', ops: [{ op: 'init' }, { op: 'read-register', name: 'MPC' }, ...inject(1)] }) as T;
      expect(next.results[1]!.value).toEqual({ value: 0 });
      expect(next.results[2]!.value).toEqual({ accepted: true, offset: 0 });
    } finally {
      impl.close();
    }
  }, 60_000);
});

/** QEMUs this process started that still run (zombies not yet reaped do not), after a grace period for SIGKILL. */
async function qemuChildren(): Promise<string[]> {
  let left: string[] = [];
  for (let i = 0; i < 40; i++) {
    try {
      left = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'qemu-system'], { encoding: 'utf8' }).trim().split('\n').filter((p) => p && processRunning(Number(p)));
    } catch {
      left = []; // pgrep exits 1 when nothing matches
    }
    if (!left.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return left;
}
