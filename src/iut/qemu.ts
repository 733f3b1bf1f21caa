// `--hardware qemu`: the reference's drivers over QEMU's own RTL8139 and 16550 (src/hw/qemu).
// The nic and serial layers run the reference's layer sessions on a QEMU machine; every
// observation (registers, ring, wire, serial line) comes from QEMU. A QEMU that fails, dies or
// stops answering makes that scenario an error (ImplementationError with its stderr tail) and
// is replaced by a fresh one for the next; every QEMU is stopped when the run closes or exits.
import { ImplementationError, type Implementation, type Scenario, type Trace } from './contract.ts';
import { createReference } from './reference.ts';
import { nicExecutor } from './layers/nic.ts';
import { serialExecutor } from './layers/serial.ts';
import { loadProfile } from '../spec/profile.ts';
import { QemuBackend } from '../hw/qemu/machine.ts';
import type { ServedDevices } from './served/executors.ts';
import { qemuVersion } from '../hw/qemu/process.ts';

/** Layers that run over QEMU (the kernel layer still runs over the models: see notes/issue-11). */
export const QEMU_LAYERS = ['nic', 'serial'] as const;

export interface QemuImplementation extends Implementation {
  backend: QemuBackend;
  execute(scenario: Scenario): Trace;
  close(): void;
}

export function createQemuReference(o: { timeoutMs?: number } = {}): QemuImplementation {
  const version = qemuVersion();
  if (!version) throw new ImplementationError(`--hardware qemu: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)`, 'load');
  const profile = loadProfile('seed');
  const backend = new QemuBackend(profile, o.timeoutMs ?? 10_000);
  const ref = createReference({
    name: `r2net-reference over ${version.replace(/^QEMU emulator version /, 'QEMU ')}`,
    layers: [...QEMU_LAYERS],
    overrides: {
      nic: nicExecutor({ hardware: (opts) => backend.machine(opts) }),
      serial: serialExecutor({ hardware: () => backend.machine() }),
    },
  });
  const statement = { ...ref.statement, backend: { name: 'qemu' as const, version } };
  return {
    statement,
    backend,
    execute(scenario: Scenario): Trace {
      try {
        return ref.execute(scenario) as Trace;
      } catch (e) {
        if (e instanceof ImplementationError && e.fault !== 'not-applicable') backend.close(); // a fresh QEMU next time
        throw e;
      }
    },
    close() {
      backend.close();
    },
  };
}

/**
 * For the chip-level differential (`r2net run --hardware reference,qemu`): a trace with what only
 * the models can show taken out, on both sides — line times and the clock (virtual time) and the
 * chip's internal TX pointer (TX_CURRENT, not a register) — so the first divergence is one QEMU
 * could have shown.
 */
export function comparable(impl: Implementation): Implementation {
  return {
    statement: impl.statement,
    async execute(scenario: Scenario): Promise<Trace> {
      const t = await impl.execute(scenario);
      const o = t.observations;
      if (!o) return t;
      const { clock: _clock, ...rest } = o;
      const line = Array.isArray(rest['line']) ? rest['line'].map((b) => (b && typeof b === 'object' && !Array.isArray(b) ? { op: b['op'] ?? null, byte: b['byte'] ?? null } : b)) : undefined;
      const reg = rest['registers'];
      const registers = reg && typeof reg === 'object' && !Array.isArray(reg) ? Object.fromEntries(Object.entries(reg).filter(([k]) => k !== 'TX_CURRENT')) : undefined;
      return { ...t, observations: { ...rest, ...(line ? { line } : {}), ...(registers ? { registers } : {}) } };
    },
    ...(impl.close ? { close: () => impl.close!() } : {}),
  };
}

/** QEMU's devices for served implementations (protocol 2): their drivers' port I/O and DMA reach QEMU. */
export function qemuServedDevices(o: { timeoutMs?: number } = {}): { devices: ServedDevices; backend: QemuBackend; version: string } {
  const version = qemuVersion();
  if (!version) throw new ImplementationError(`--hardware qemu: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)`, 'load');
  const backend = new QemuBackend(loadProfile('seed'), o.timeoutMs ?? 10_000);
  return { backend, version, devices: { nic: (opts) => backend.machine(opts), serial: () => backend.machine() } };
}

/** A served implementation over QEMU: its statement names the backend, closing it stops QEMU. */
export function overQemu(impl: Implementation, q: { backend: QemuBackend; version: string }): Implementation {
  return {
    statement: { ...impl.statement, name: `${impl.statement.name} over ${q.version.replace(/^QEMU emulator version /, 'QEMU ')}`, backend: { name: 'qemu', version: q.version } },
    execute: async (s) => {
      try {
        return await impl.execute(s);
      } catch (e) {
        if (e instanceof ImplementationError && e.fault !== 'not-applicable') q.backend.close(); // a fresh QEMU next time
        throw e;
      }
    },
    close: async () => {
      try {
        await impl.close?.();
      } finally {
        q.backend.close();
      }
    },
  };
}
