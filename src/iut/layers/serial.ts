// The `serial` layer of the reference behind the contract: a fresh machine per scenario, the
// 16550 at COM1 driven through the serial driver and the SLIP path (ipv4::send_packet, the
// receive loop), the serial line observed from outside with virtual time.
// Op vocabulary, results and observations: spec/contract/README.md ("Layer serial").
import type { Json, Op, OpResult, Trace } from '../contract.ts';
import { ArgError, bytesArg, hex, intArg, runOne, type Handler } from './dispatch.ts';
import type { LayerExecutor } from './index.ts';
import type { Profile } from '../../spec/profile.ts';
import { ok, type Result } from '../../util/result.ts';
import { createHardware, type Machine } from '../../hw/index.ts';
import type { Width } from '../../hw/bus.ts';
import type { SerialPort } from '../../drivers/serial.ts';
import { SlipSerial } from '../../drivers/slip-serial.ts';
import { IoLog } from './io-log.ts';

/** How a variant of the reference is built (the deliberately wrong implementations use this). */
export interface SerialVariant {
  /** Replaces serial.rs (the port driver) once the machine is built. */
  port?: (m: Machine) => SerialPort;
  /** Replaces the SLIP path over the (possibly replaced) port. */
  net?: (m: Machine, port: SerialPort) => SlipSerial;
  /** Where the `counters` observation comes from (default: the machine's SLIP path). */
  counters?: () => { received: number; decodeErrors: number };
  /** Builds the machine instead of createHardware (another hardware backend: src/hw/qemu). */
  hardware?: () => Machine;
}

/** Ops whose port accesses are the driver's and go into the `io` observation. */
export const SERIAL_DRIVER_OPS: ReadonlySet<string> = new Set(['init', 'send-packet', 'write', 'ready', 'read', 'receive']);
/** The longest `advance` one op may ask for (an hour of virtual time). */
const MAX_ADVANCE_SECONDS = 3600;


interface SerialState {
  machine: Machine;
  op: number;
  logIo: boolean;
  lineSeen: number;
  line: Json[];
  io: IoLog;
  delivered: Json[];
  clock: number[];
}

function machineFor(profile: Profile, variant: SerialVariant): Machine {
  const m = variant.hardware ? variant.hardware() : createHardware(profile);
  if (variant.port) {
    m.serial = variant.port(m);
    m.serialNet = new SlipSerial(m.serial, profile);
  }
  if (variant.net) m.serialNet = variant.net(m, m.serial);
  return m;
}

function widthArg(op: Op): Width {
  const w = intArg(op, 'width', 1, 4);
  if (w !== 1 && w !== 2 && w !== 4) throw new ArgError(`${op.op}: 'width' must be 1, 2 or 4`);
  return w;
}

const widthMax = (w: Width): number => (w === 4 ? 0xffffffff : (1 << (8 * w)) - 1);

function handlers(): Record<string, Handler<SerialState>> {
  return {
    init: (_op, st) => {
      st.machine.serialNet.init();
      return {};
    },
    'send-packet': (op, st): Result<Json> => {
      const r = st.machine.serialNet.sendPacket(bytesArg(op, 'datagram'));
      return r.ok ? ok({ encodedBytes: r.value.encodedBytes }) : r;
    },
    write: (op, st): Result<Json> => {
      const r = st.machine.serial.write(intArg(op, 'byte', 0, 0xff));
      return r.ok ? ok({}) : r;
    },
    ready: (_op, st) => ({ ready: st.machine.serial.ready() }),
    // The receive loop's counters (the `counters` observation; a served driver is asked with it).
    counters: (_op, st) => countersOf(st.machine.serialNet),
    read: (_op, st): Result<Json> => {
      const r = st.machine.serial.read();
      return r.ok ? ok({ byte: r.value }) : r;
    },
    feed: (op, st) => {
      st.machine.uart.feed(bytesArg(op, 'bytes'));
      return {};
    },
    receive: (_op, st) => {
      const datagrams: string[] = [];
      st.machine.serialNet.receiveLoop((d) => {
        datagrams.push(hex(d));
        st.delivered.push({ op: st.op, datagram: hex(d) });
      });
      return { datagrams };
    },
    advance: (op, st) => {
      const s = op['seconds'];
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > MAX_ADVANCE_SECONDS) throw new ArgError(`advance: 'seconds' must be a number in 0..${MAX_ADVANCE_SECONDS}`);
      st.machine.clock.advance(s);
      return { now: st.machine.clock.now() };
    },
    in: (op, st) => ({ value: st.machine.bus.read(intArg(op, 'port', 0, 0xffff), widthArg(op)) }),
    out: (op, st) => {
      const port = intArg(op, 'port', 0, 0xffff);
      const width = widthArg(op);
      st.machine.bus.write(port, width, intArg(op, 'value', 0, widthMax(width)));
      return {};
    },
  };
}

const countersOf = (net: Partial<SlipSerial>): { received: number; decodeErrors: number } => ({ received: net.received ?? 0, decodeErrors: net.decodeErrors ?? 0 });

/** One scenario's machine and observations, op by op (see NicSession in nic.ts). */
export interface SerialSession {
  readonly machine: Machine;
  begin(i: number, op: Op): void;
  local(op: Op): OpResult;
  end(i: number): void;
  /** Datagrams a driver elsewhere handed out during op i (its `receive` result). */
  delivered(i: number, datagrams: string[]): void;
  finish(results: OpResult[]): Trace;
}

export function serialSession(profile: Profile, variant: SerialVariant = {}, m?: Machine): SerialSession {
  const machine = m ?? machineFor(profile, variant);
  const st: SerialState = { machine, op: 0, logIo: false, lineSeen: 0, line: [], io: new IoLog(), delivered: [], clock: [] };
  machine.bus.tap((a) => {
    if (st.logIo) st.io.push({ op: st.op, dir: a.dir, port: a.port, width: a.width, value: a.value });
  });
  const table = handlers();
  return {
    machine,
    begin(i, op) {
      st.op = i;
      st.logIo = SERIAL_DRIVER_OPS.has(op.op);
    },
    local: (op) => runOne(op, table, st),
    end(i) {
      st.logIo = false;
      st.io.flush();
      // Bytes a later FIFO clear took back never reached the line: re-read the log from the top.
      const line = machine.uart.line;
      if (line.length < st.lineSeen) {
        st.line.splice(line.length);
        st.lineSeen = line.length;
      }
      for (const b of line.slice(st.lineSeen)) st.line.push({ op: i, byte: b.byte, time: b.time });
      st.lineSeen = line.length;
      st.clock.push(machine.clock.now());
    },
    delivered(i, datagrams) {
      for (const datagram of datagrams) st.delivered.push({ op: i, datagram });
    },
    finish(results) {
      const u = machine.uart.registers();
      return {
        results,
        observations: {
          line: st.line,
          io: st.io.records,
          delivered: st.delivered,
          clock: st.clock,
          uart: { DLL: u['DLL'] ?? 0, DLM: u['DLM'] ?? 0, IER: u['IER'] ?? 0, LCR: u['LCR'] ?? 0, FCR: u['FCR'] ?? 0, MCR: u['MCR'] ?? 0 },
          counters: variant.counters?.() ?? countersOf(machine.serialNet),
        },
      };
    },
  };
}

/** The driver ops alone over a port driver and SLIP path built elsewhere (the served reference). */
export function serialDriverOps(parts: Pick<Machine, 'serial' | 'serialNet'>): (op: Op) => OpResult {
  // The handlers of driver ops touch these two and the delivered list only.
  const st: SerialState = { machine: parts as Machine, op: 0, logIo: false, lineSeen: 0, line: [], io: new IoLog(), delivered: [], clock: [] };
  const table = handlers();
  return (op) => (SERIAL_DRIVER_OPS.has(op.op) || op.op === 'counters' ? runOne(op, table, st) : { ok: false, error: { kind: 'unsupported-op', message: `'${op.op}' is done on r2net's machine, not by a served driver` } });
}

export function runSerial(ops: Op[], profile: Profile, variant: SerialVariant = {}): Trace {
  const s = serialSession(profile, variant);
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    s.begin(i, op);
    results.push(s.local(op));
    s.end(i);
  }
  return s.finish(results);
}

export const serialExecutor =
  (variant: SerialVariant = {}): LayerExecutor =>
  (ops, profile) =>
    runSerial(ops, profile, variant);
