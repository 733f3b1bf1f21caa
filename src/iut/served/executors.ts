// The hardware layers when the hardware is served (statement.hardware "served"): r2net builds
// the machine and its observations with the reference's own layer sessions (src/iut/layers),
// runs the machine-side ops there (setup, inject, feed, advance, raw port access, peek-ring),
// and sends the driver ops to the implementation, answering its hardware requests meanwhile.
// Driver state the observations need (TX_INDEX/RX_OFFSET, the receive counters) is asked for
// with the layer's own query ops, which the implementation answers like any op.
import { ImplementationError, type Json, type Layer, type Op, type OpResult, type Scenario, type Statement, type Trace } from '../contract.ts';
import type { Profile } from '../../spec/profile.ts';
import { NIC_DRIVER_OPS, nicSession } from '../layers/nic.ts';
import { SERIAL_DRIVER_OPS, serialSession } from '../layers/serial.ts';
import { kernelObserver, machineOptions } from '../layers/kernel.ts';
import type { IoListener } from '../../hw/bus.ts';
import { bytesArg, runOne, traceOf, type Handler } from '../layers/dispatch.ts';
import { createHardware, type Machine as Hardware, type MachineOptions } from '../../hw/index.ts';

/** Other devices than r2net's models under the served nic and serial layers (QEMU's: src/hw/qemu). */
export interface ServedDevices {
  nic(options: MachineOptions): Hardware;
  serial(): Hardware;
}
import { modelSeam } from './model-seam.ts';
import type { ServedLink } from './link.ts';

/** Layers whose hardware r2net serves; codec and slip have none and run as protocol-1 execute. */
export const SERVED_LAYERS: ReadonlySet<Layer> = new Set<Layer>(['nic', 'serial', 'kernel']);

const isObject = (x: unknown): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Reads the fields a query op must return, or fails the scenario saying which. */
function queried<K extends string>(r: OpResult, op: string, keys: K[]): Record<K, number> {
  const v = r.ok ? r.value : undefined;
  if (isObject(v) && keys.every((k) => isCount(v[k]))) return v as Record<K, number>;
  const got = r.ok ? JSON.stringify(r.value) : `${r.error.kind}: ${r.error.message}`;
  throw new ImplementationError(`a served implementation must answer '${op}' with {${keys.join(', ')}} (non-negative integers): got ${got.slice(0, 200)}`, 'protocol');
}

async function servedNic(ops: Op[], profile: Profile, link: ServedLink, devices?: ServedDevices): Promise<Trace> {
  let state = { txIndex: 0, rxOffset: 0 };
  const s = nicSession(profile, { driverState: () => state, ...(devices ? { hardware: (o: MachineOptions) => devices.nic(o) } : {}) });
  let reset = true;
  const send = async (index: number, op: Op): Promise<OpResult> => {
    const r = await link.op({ layer: 'nic', index, op, reset }, modelSeam(s.machine()));
    reset = false;
    return r;
  };
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    s.begin(i, op);
    // The seam records device writes from the machine's first op on (setup builds it).
    if (!(i === 0 && op.op === 'setup')) modelSeam(s.machine());
    let r: OpResult;
    if (NIC_DRIVER_OPS.has(op.op) || op.op === 'driver-state') {
      r = await send(i, op);
      // RX_BUFFER is the driver's: the dma observation and peek-ring are relative to it.
      const rx = op.op === 'init' && r.ok && isObject(r.value) ? r.value['rxBuffer'] : undefined;
      if (isCount(rx)) {
        const m = s.machine();
        m.layout = { ...m.layout, rxRing: rx };
      }
      const polled = op.op === 'poll' && r.ok && isObject(r.value) ? r.value : undefined;
      if (polled && typeof polled['frame'] === 'string' && polled['frame'] !== '') s.delivered(i, polled['frame']);
      if (op.op === 'driver-state') {
        if (r.ok) state = queried(r, 'driver-state', ['txIndex', 'rxOffset']);
      } else if (op.op !== 'read-mac') {
        state = queried(await send(i, { op: 'driver-state' }), 'driver-state', ['txIndex', 'rxOffset']);
      }
    } else {
      r = s.local(op);
    }
    results.push(r);
    s.end(i, op, results);
  }
  return s.finish(results);
}

async function servedSerial(ops: Op[], profile: Profile, link: ServedLink, devices?: ServedDevices): Promise<Trace> {
  let counters = { received: 0, decodeErrors: 0 };
  const s = serialSession(profile, { counters: () => counters, ...(devices ? { hardware: () => devices.serial() } : {}) });
  modelSeam(s.machine); // device writes are recorded from the start
  let reset = true;
  const send = async (index: number, op: Op): Promise<OpResult> => {
    const r = await link.op({ layer: 'serial', index, op, reset }, modelSeam(s.machine));
    reset = false;
    return r;
  };
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    s.begin(i, op);
    let r: OpResult;
    if (SERIAL_DRIVER_OPS.has(op.op) || op.op === 'counters') {
      r = await send(i, op);
      const d = op.op === 'receive' && r.ok && isObject(r.value) ? r.value['datagrams'] : undefined;
      if (Array.isArray(d)) s.delivered(i, d.filter((x): x is string => typeof x === 'string'));
    } else {
      r = s.local(op);
    }
    results.push(r);
    s.end(i);
  }
  // The receive loop's counters live in the implementation: asked once, at the end.
  if (!reset) counters = queried(await send(ops.length, { op: 'counters' }), 'counters', ['received', 'decodeErrors']);
  return s.finish(results);
}

/** The kernel layer's hardware from the statement's options and (first op) boot's arguments. */
function kernelHardware(profile: Profile, src: Record<string, Json> | undefined): Hardware {
  let o: ReturnType<typeof machineOptions> = {};
  try {
    o = machineOptions(src, 'boot');
  } catch {
    /* bad arguments: the implementation reports them; the hardware is the default one */
  }
  return createHardware(profile, { ...o.hardware, ...(o.mac ? { mac: o.mac } : {}) });
}

/** Kernel ops done on r2net's side alone: the serial line towards the guest. */
const kernelLocal: Record<string, Handler<Hardware>> = {
  'feed-serial': (op, hw) => {
    hw.uart.feed(bytesArg(op, 'bytes'));
    return {};
  },
};

/**
 * The kernel layer served: the implementation runs its driver, netdrv, scheduler and syscalls;
 * r2net keeps the NIC, the UART, guest memory and the PIT. `inject` puts the frame on r2net's
 * wire, then travels with the chip's `outcome` (the kernel's books count frames it cannot see
 * refused); `tick` advances r2net's clock by one PIT period, then travels.
 */
async function servedKernel(ops: Op[], profile: Profile, statement: Statement, link: ServedLink): Promise<Trace> {
  let hw: Hardware | undefined;
  const obs = kernelObserver(() => (hw ? { wire: () => hw!.nic.wire, serialLine: () => hw!.uart.line, tap: (l: IoListener) => hw!.bus.tap?.(l) ?? (() => {}) } : null));
  let reset = true;
  const send = async (index: number, op: Op): Promise<OpResult> => {
    const r = await link.op({ layer: 'kernel', index, op, reset }, modelSeam(hw!));
    reset = false;
    return r;
  };
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    if (!hw) {
      hw = kernelHardware(profile, i === 0 && op.op === 'boot' ? { ...(statement.options ?? {}), ...op } : statement.options);
      modelSeam(hw); // device writes are recorded from the start
    }
    obs.before(i, op);
    let r: OpResult;
    if (Object.hasOwn(kernelLocal, op.op)) {
      // The kernel boots at its first op (serial init clears the UART's FIFOs): a scenario that
      // starts on r2net's side boots it first, as the statement's options say.
      if (reset) await send(i, { op: 'boot' });
      r = runOne(op, kernelLocal, hw);
    }
    else if (op.op === 'inject') {
      let frame: Uint8Array | undefined;
      try {
        frame = bytesArg(op, 'frame');
      } catch {
        /* not hex: the implementation answers invalid-argument; nothing reaches the wire */
      }
      const outcome = frame ? hw.nic.inject(frame) : undefined;
      r = await send(i, outcome ? { ...op, outcome: outcome as unknown as Json } : op);
    } else {
      if (op.op === 'tick') hw.clock.advance(1 / profile.limits.pitHz);
      r = await send(i, op);
    }
    results.push(r);
    obs.collect(i);
  }
  hw ??= kernelHardware(profile, statement.options);
  const last = await send(ops.length, { op: 'snapshot' });
  const snapshot: Json = last.ok ? last.value : { error: `${last.error.kind}: ${last.error.message}` };
  obs.collect(ops.length);
  return traceOf(results, { wire: obs.wire, serial: obs.serial, io: obs.io, snapshot });
}

/** Runs a scenario of a served layer over r2net's machine, its driver ops over `link`. */
export function executeServed(scenario: Scenario, profile: Profile, statement: Statement, link: ServedLink, devices?: ServedDevices): Promise<Trace> {
  switch (scenario.layer) {
    case 'nic':
      return servedNic(scenario.ops, profile, link, devices);
    case 'serial':
      return servedSerial(scenario.ops, profile, link, devices);
    case 'kernel':
      return servedKernel(scenario.ops, profile, statement, link);
    default:
      throw new ImplementationError(`layer ${scenario.layer} has no served hardware`, 'protocol');
  }
}
