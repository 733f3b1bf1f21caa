// The `nic` layer of the reference behind the contract: a fresh machine (createHardware) per
// scenario, the RTL8139 driver driven op by op, the wire and the RX ring observed from outside.
// Op vocabulary, results and observations: spec/contract/README.md ("Layer nic").
import { ImplementationError, type Json, type Op, type OpResult, type Trace } from '../contract.ts';
import { ArgError, bytesArg, hex, intArg, runOne, type Handler } from './dispatch.ts';
import type { LayerExecutor } from './index.ts';
import type { Profile } from '../../spec/profile.ts';
import { ok, type Result } from '../../util/result.ts';
import { createHardware, type Machine, type MachineOptions, type NicDriverFactory } from '../../hw/index.ts';
import type { Rtl8139, Rtl8139Options } from '../../hw/rtl8139.ts';
import type { Rtl8139Driver } from '../../drivers/rtl8139.ts';
import type { Width } from '../../hw/bus.ts';
import { REG } from '../../hw/rtl8139-regs.ts';
import { PCI_CONFIG_ADDRESS, PCI_IO_SIZE } from '../../hw/pci.ts';

/** How a variant of the reference is built (the deliberately wrong implementations use this). */
export interface NicVariant {
  /** Builds the chip instead of `new Rtl8139(opts)`. */
  device?: (opts: Rtl8139Options) => Rtl8139;
  /** Builds the driver instead of the reference one, on whichever hardware the session builds. */
  driver?: NicDriverFactory;
  /** Where the `state` observation reads TX_INDEX and RX_OFFSET (default: the machine's driver). */
  driverState?: () => { txIndex: number; rxOffset: number };
  /** Builds the machine instead of createHardware (another hardware backend: src/hw/qemu). */
  hardware?: (options: MachineOptions) => Machine;
}

/** Register names for `read-register` / `write-register`: I/O offset and access width. */
export const NIC_REGISTERS: Record<string, { at: number; width: Width }> = (() => {
  const r: Record<string, { at: number; width: Width }> = {};
  for (let i = 0; i < 6; i++) r[`IDR${i}`] = { at: REG.IDR0 + i, width: 1 };
  for (let i = 0; i < 8; i++) r[`MAR${i}`] = { at: REG.MAR0 + i, width: 1 };
  for (let d = 0; d < 4; d++) {
    r[`TSD${d}`] = { at: REG.TSD0 + 4 * d, width: 4 };
    r[`TSAD${d}`] = { at: REG.TSAD0 + 4 * d, width: 4 };
  }
  Object.assign(r, {
    RBSTART: { at: REG.RBSTART, width: 4 },
    CR: { at: REG.CR, width: 1 },
    CAPR: { at: REG.CAPR, width: 2 },
    CBR: { at: REG.CBR, width: 2 },
    IMR: { at: REG.IMR, width: 2 },
    ISR: { at: REG.ISR, width: 2 },
    TCR: { at: REG.TCR, width: 4 },
    RCR: { at: REG.RCR, width: 4 },
    MPC: { at: REG.MPC, width: 4 },
    CONFIG1: { at: REG.CONFIG1, width: 1 },
  });
  return r;
})();

/** Ops whose port accesses are the driver's and go into the `io` observation. */
export const NIC_DRIVER_OPS: ReadonlySet<string> = new Set(['init', 'read-mac', 'poll', 'send']);
/** peek-ring may look past the RX_BUFFER allocation (up to the largest RBLEN ring and its guard). */
const PEEK_LIMIT = 0x20000;
const IO_BASE_MIN = 0x1000;

interface NicState {
  profile: Profile;
  variant: NicVariant;
  machine: Machine | undefined;
  /** The port the chip decodes its registers at (the machine's configuration). */
  ioBase: number;
  op: number;
  /** The current op is one of DRIVER_OPS / an inject. */
  logIo: boolean;
  logDma: boolean;
  /** The current op is a send: guest-memory writes are the driver's copy and padding. */
  logTxWrites: boolean;
  /** Last CONFIG_ADDRESS written (to decode configuration writes). */
  cfgAddress: number;
  wireSeen: number;
  wire: Json[];
  delivered: Json[];
  io: IoEntry[];
  dma: Json[];
  txWrites: Json[];
  state: Json[];
}

/** One logged port access; `count` > 1 when identical accesses repeated back to back. */
type IoEntry = { [k: string]: Json };

function build(st: NicState, options: MachineOptions): Machine {
  const o: MachineOptions = { ...options, ...(st.variant.driver ? { nicDriver: st.variant.driver } : {}) };
  const m = st.variant.hardware ? st.variant.hardware(o) : createHardware(st.profile, { ...o, ...(st.variant.device ? { nicDevice: st.variant.device } : {}) });
  m.bus.tap((a) => {
    if (a.dir === 'out' && a.port === PCI_CONFIG_ADDRESS && a.width === 4) st.cfgAddress = a.value;
    if (!st.logIo) return;
    if (a.port >= PCI_CONFIG_ADDRESS && a.port < PCI_CONFIG_ADDRESS + PCI_IO_SIZE) {
      // Configuration reads (the bus scan) are not logged; configuration writes are, decoded.
      if (a.dir === 'out' && a.port >= PCI_CONFIG_ADDRESS + 4) {
        const c = st.cfgAddress;
        pushIo(st, {
          op: st.op,
          dir: 'cfg-write',
          bus: (c >>> 16) & 0xff,
          dev: (c >>> 11) & 0x1f,
          fn: (c >>> 8) & 0x07,
          offset: (c & 0xfc) + (a.port - PCI_CONFIG_ADDRESS - 4),
          width: a.width,
          value: a.value,
        });
      }
      return;
    }
    pushIo(st, { op: st.op, dir: a.dir, port: a.port, width: a.width, value: a.value });
  });
  m.memory.tap((addr, length) => {
    if (st.logDma) st.dma.push({ op: st.op, at: addr - m.layout.rxRing, length });
    else if (st.logTxWrites) st.txWrites.push({ op: st.op, at: addr, length });
  });
  st.machine = m;
  return m;
}

function pushIo(st: NicState, e: IoEntry): void {
  const last = st.io[st.io.length - 1];
  if (last && last['op'] === e['op'] && last['dir'] === e['dir'] && last['port'] === e['port'] && last['width'] === e['width'] && last['value'] === e['value'] && e['dir'] !== 'cfg-write') {
    last['count'] = ((last['count'] as number | undefined) ?? 1) + 1;
    return;
  }
  st.io.push(e);
}

const machineOf = (st: NicState): Machine => st.machine ?? build(st, {});

function widthArg(op: Op): Width {
  const w = intArg(op, 'width', 1, 4);
  if (w !== 1 && w !== 2 && w !== 4) throw new ArgError(`${op.op}: 'width' must be 1, 2 or 4`);
  return w;
}

function registerArg(op: Op): { at: number; width: Width } {
  const name = op['name'];
  const r = typeof name === 'string' && Object.hasOwn(NIC_REGISTERS, name) ? NIC_REGISTERS[name] : undefined;
  if (!r) throw new ArgError(`${op.op}: 'name' must be one of ${Object.keys(NIC_REGISTERS).join(', ')}`);
  return r;
}

const widthMax = (w: Width): number => (w === 4 ? 0xffffffff : (1 << (8 * w)) - 1);

function setup(op: Op, st: NicState): Json {
  if (st.op !== 0 || st.machine) throw new ArgError('setup: must be the first op of a scenario');
  const o: MachineOptions = {};
  if (op['mac'] !== undefined) {
    const mac = bytesArg(op, 'mac');
    if (mac.length !== 6) throw new ArgError(`setup: 'mac' must be 6 bytes`);
    o.mac = mac;
  }
  const pci = op['pci'];
  if (pci === null) o.nicPci = null;
  else if (pci !== undefined) {
    if (typeof pci !== 'object' || Array.isArray(pci)) throw new ArgError(`setup: 'pci' must be {bus, dev, fn} or null`);
    const at = { op: 'setup', ...pci } as Op;
    const loc = { bus: intArg(at, 'bus', 0, 255), dev: intArg(at, 'dev', 0, 31), fn: intArg(at, 'fn', 0, 7) };
    if (loc.bus === 0 && loc.dev === 0 && loc.fn === 0) throw new ArgError('setup: 00:00.0 is the host bridge');
    o.nicPci = loc;
  }
  if (op['ioBase'] !== undefined) {
    const base = intArg(op, 'ioBase', IO_BASE_MIN, 0xff00);
    if (base & 0xff) throw new ArgError(`setup: 'ioBase' must be a multiple of 0x100`);
    o.nicIoBase = base;
    st.ioBase = base;
  }
  if (op['present'] !== undefined) {
    if (typeof op['present'] !== 'boolean') throw new ArgError(`setup: 'present' must be a boolean`);
    o.nicPresent = op['present'];
  }
  if (op['resetBusyReads'] !== undefined) o.rstBusyReads = intArg(op, 'resetBusyReads', 0, 10_000_000);
  if (op['rxBackPressure'] !== undefined) {
    if (typeof op['rxBackPressure'] !== 'boolean') throw new ArgError(`setup: 'rxBackPressure' must be a boolean`);
    o.rxBackPressure = op['rxBackPressure'];
  }
  build(st, o);
  return {};
}

function handlers(profile: Profile): Record<string, Handler<NicState>> {
  const L = profile.limits;
  return {
    setup,
    init: (_op, st): Result<Json> => {
      const m = machineOf(st);
      const r = m.nicDriver.init();
      return r.ok ? ok({ ioBase: r.value.ioBase, rxBuffer: m.layout.rxRing, txBuffers: [...m.layout.txBuffers] }) : r;
    },
    'read-mac': (_op, st) => ({ mac: hex(machineOf(st).nicDriver.readMacAddr()) }),
    inject: (op, st) => {
      const frame = bytesArg(op, 'frame');
      const o = machineOf(st).nic.inject(frame);
      const value: Json = o.accepted ? { accepted: true, offset: o.offset } : { accepted: false, reason: o.held ? 'held' : o.reason };
      return value;
    },
    poll: (op, st) => {
      const into = new Uint8Array(intArg(op, 'buffer', 0, 0x10000, L.rxCallerBufferBytes));
      const n = machineOf(st).nicDriver.receiveFrame(into);
      const frame = hex(into.subarray(0, n));
      if (n > 0) st.delivered.push({ op: st.op, frame });
      return { length: n, frame };
    },
    send: (op, st): Result<Json> => {
      const frame = bytesArg(op, 'frame');
      const len = op['len'] === undefined ? frame.length : op['len'];
      if (typeof len !== 'number') throw new ArgError(`send: 'len' must be a number`);
      const r = machineOf(st).nicDriver.sendFrame(frame, len);
      return r.ok ? ok({ descriptor: r.value.descriptor, sendLen: r.value.sendLen }) : r;
    },
    'driver-state': (_op, st) => {
      const d = machineOf(st).nicDriver;
      return { txIndex: d.txIndex, rxOffset: d.rxOffset };
    },
    'read-register': (op, st) => {
      const r = registerArg(op);
      return { value: machineOf(st).bus.read(st.ioBase + r.at, r.width) };
    },
    'write-register': (op, st) => {
      const r = registerArg(op);
      machineOf(st).bus.write(st.ioBase + r.at, r.width, intArg(op, 'value', 0, widthMax(r.width)));
      return {};
    },
    in: (op, st) => {
      const port = intArg(op, 'port', 0, 0xffff);
      return { value: machineOf(st).bus.read(port, widthArg(op)) };
    },
    out: (op, st) => {
      const port = intArg(op, 'port', 0, 0xffff);
      const width = widthArg(op);
      machineOf(st).bus.write(port, width, intArg(op, 'value', 0, widthMax(width)));
      return {};
    },
    'peek-ring': (op, st) => {
      const offset = intArg(op, 'offset', 0, PEEK_LIMIT);
      const length = intArg(op, 'length', 0, PEEK_LIMIT - offset);
      const m = machineOf(st);
      return { bytes: hex(m.memory.read(m.layout.rxRing + offset, length)) };
    },
  };
}

function snapshot(st: NicState): void {
  const m = machineOf(st);
  for (const w of m.nic.wire.slice(st.wireSeen)) {
    st.wire.push({ op: st.op, descriptor: w.descriptor, tsad: w.tsad, tsd: w.tsd, bytes: hex(w.bytes) });
  }
  st.wireSeen = m.nic.wire.length;
  const r = m.nic.registers();
  const d = st.variant.driverState?.() ?? m.nicDriver;
  st.state.push({ ISR: r['ISR'] ?? 0, MPC: r['MPC'] ?? 0, CAPR: r['CAPR'] ?? 0, CBR: r['CBR'] ?? 0, TX_INDEX: d.txIndex, RX_OFFSET: d.rxOffset });
}

/**
 * One scenario's machine and observations, driven op by op: runNic() runs every op here with
 * the reference driver; src/iut/served runs the driver ops in another process instead, over
 * this machine, and the rest (setup, inject, raw port access, peek-ring) here.
 */
export interface NicSession {
  machine(): Machine;
  /** Call before op i. */
  begin(i: number, op: Op): void;
  /** Runs an op on this side (the reference driver, the wire, the raw bus). */
  local(op: Op): OpResult;
  /** Call after op i with the results so far (results[i] is op's): takes the op's observations. */
  end(i: number, op: Op, results: OpResult[]): void;
  /** A frame a driver elsewhere returned from a poll during op i. */
  delivered(i: number, frame: string): void;
  finish(results: OpResult[]): Trace;
}

export function nicSession(profile: Profile, variant: NicVariant = {}, machine?: Machine): NicSession {
  const st: NicState = {
    profile,
    variant,
    machine,
    ioBase: profile.defaults.nicIoFallback,
    op: 0,
    logIo: false,
    logDma: false,
    logTxWrites: false,
    cfgAddress: 0,
    wireSeen: 0,
    wire: [],
    delivered: [],
    io: [],
    dma: [],
    txWrites: [],
    state: [],
  };
  const table = handlers(profile);
  return {
    machine: () => machineOf(st),
    begin(i, op) {
      st.op = i;
      st.logIo = NIC_DRIVER_OPS.has(op.op);
      st.logDma = op.op === 'inject';
      st.logTxWrites = op.op === 'send';
      if (!(i === 0 && op.op === 'setup')) machineOf(st);
    },
    local: (op) => runOne(op, table, st),
    end(i, op, results) {
      st.logIo = false;
      st.logDma = false;
      st.logTxWrites = false;
      try {
        snapshot(st);
      } catch (e) {
        if (e instanceof ImplementationError) throw e; // the hardware backend failed: not an op result
        // A broken model surfaces as an internal error on the op, never as an exception.
        results[i] = { ok: false, error: { kind: 'internal', where: op.op, message: (e as Error)?.stack ?? String(e) } };
      }
    },
    delivered(i, frame) {
      st.delivered.push({ op: i, frame });
    },
    finish(results) {
      const m = st.machine;
      const observations: Record<string, Json> = { wire: st.wire, delivered: st.delivered, state: st.state, io: st.io, dma: st.dma, txWrites: st.txWrites };
      if (m) observations['registers'] = m.nic.registers();
      return { results, observations };
    },
  };
}

/**
 * The driver ops alone (init, read-mac, poll, send, driver-state) over a driver built elsewhere:
 * the served reference, whose port I/O and memory go to r2net. Other ops are r2net's.
 */
export function nicDriverOps(profile: Profile, driver: Rtl8139Driver, layout: Machine['layout']): (op: Op) => OpResult {
  // The handlers of driver ops touch the driver and the layout only.
  const s = nicSession(profile, {}, { nicDriver: driver, layout } as Machine);
  return (op) => (NIC_DRIVER_OPS.has(op.op) || op.op === 'driver-state' ? s.local(op) : { ok: false, error: { kind: 'unsupported-op', message: `'${op.op}' is done on r2net's machine, not by a served driver` } });
}

export function runNic(ops: Op[], profile: Profile, variant: NicVariant = {}): Trace {
  const s = nicSession(profile, variant);
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    s.begin(i, op);
    results.push(s.local(op));
    s.end(i, op, results);
  }
  return s.finish(results);
}

export const nicExecutor =
  (variant: NicVariant = {}): LayerExecutor =>
  (ops, profile) =>
    runNic(ops, profile, variant);
