// The `kernel` layer of the reference behind the contract: the whole machine (device models,
// drivers, scheduler, netdrv, syscalls 0x33-0x38) driven op by op from a fresh boot. Op
// vocabulary, results and observations are documented in spec/contract/README.md ("Layer
// kernel"). Wire frames and serial bytes are tagged with the index of the op that produced
// them, so a property can tell which syscall put what on the wire.
import type { Json, Op, OpResult, Statement, Trace } from '../contract.ts';
import type { Profile } from '../../spec/profile.ts';
import type { LayerExecutor } from './index.ts';
import { ArgError, bytesArg, hex, intArg, runOne, traceOf, type Handler } from './dispatch.ts';
import { createMachine, type Machine, type MachineOptions } from '../../kernel/machine.ts';
import type { KernelSnapshot } from '../../kernel/kernel.ts';
import type { LifetimeOp } from '../../kernel/scheduler.ts';
import { fromHex } from '../../util/bytes.ts';
import type { LineByte, WireFrame } from '../../hw/api.ts';
import { err, ok, type Result } from '../../util/result.ts';
import type { IoListener } from '../../hw/bus.ts';
import { IoLog } from './io-log.ts';

/** Builds the machine a scenario runs on; the deliberately wrong implementations pass their own. */
export type MachineFactory = (profile: Profile, options: MachineOptions) => Machine;

interface KernelState {
  profile: Profile;
  statement: Statement;
  factory: MachineFactory;
  machine: Machine | null;
  /** Index of the op being executed (wire frames and serial bytes are tagged with it). */
  opIndex: number;
}

/** Largest peek/poke the layer serves in one op (a whole userland window plus its guard is never needed). */
const MAX_TRANSFER = 0x20000;

/** Statement options and boot arguments: `mac` (12 hex digits), `ip` (8 hex digits). */
export function machineOptions(src: Record<string, Json> | undefined, where: string): MachineOptions {
  const o: MachineOptions = {};
  const mac = src?.mac;
  if (mac !== undefined) {
    const b = typeof mac === 'string' ? fromHex(mac) : undefined;
    if (!b || b.length !== 6) throw new ArgError(`${where}: 'mac' must be 6 bytes of hex`);
    o.mac = b;
  }
  const ip = src?.ip;
  if (ip !== undefined) {
    const b = typeof ip === 'string' ? fromHex(ip) : undefined;
    if (!b || b.length !== 4) throw new ArgError(`${where}: 'ip' must be 4 bytes of hex`);
    o.ip = b;
  }
  const nic = src?.nic;
  if (nic !== undefined) {
    if (typeof nic !== 'boolean') throw new ArgError(`${where}: 'nic' must be a boolean`);
    if (!nic) o.hardware = { nicPresent: false };
  }
  return o;
}

function machineOf(st: KernelState): Machine {
  if (!st.machine) st.machine = st.factory(st.profile, machineOptions(st.statement.options, 'statement.options'));
  return st.machine;
}

/** A syscall register value: any finite JSON number (the machine decides what is valid). */
function regArg(op: Op, name: string): number {
  const v = op[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgError(`${op.op}: '${name}' must be a finite number`);
  return v;
}

function pidArg(op: Op): number {
  const v = op.pid;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ArgError(`${op.op}: 'pid' must be an integer`);
  return v;
}

const ipHex = (dotted: string): string => hex(Uint8Array.from(dotted.split('.').map(Number)));

/** Longest sleep one op asks for (a u32 tick count). */
const MAX_SLEEP_TICKS = 0xffffffff;

/** exit, kill, crash, sleep, idle: `{ state }` (the process's new state), or invalid-argument when it cannot happen. */
function lifetimeOp(m: Machine, op: Op, what: LifetimeOp, ticks?: number): Result<Json> {
  const r = m.lifetime(pidArg(op), what, ticks);
  return 'refused' in r ? err('invalid-argument', what, r.refused) : ok({ state: r.state });
}

/** Snapshot fields the kernel's books answer alone (cheap: no buffers, no processes). */
const LEDGER_FIELDS = new Set(['frames', 'ipc', 'hazards', 'netFrameBufOwners', 'unreadFrameId', 'unreadIpcId', 'hazardLog', 'eventsDropped']);

/** The snapshot as contract JSON, or only the requested fields of it. */
function snapshotJson(m: Machine, fields: string[] | null): Json {
  const src: Record<string, unknown> = fields && fields.every((f) => LEDGER_FIELDS.has(f)) ? { ...m.kernel.ledger.snapshot() } : { ...m.snapshot() };
  // Addresses travel as hex, like every other byte string of the contract.
  const sc = src.systemConfig as KernelSnapshot['systemConfig'] | undefined;
  if (sc) src.systemConfig = { mac: sc.mac, ip: ipHex(sc.ip) };
  // Every snapshot is built afresh from plain data, so its parts can be handed out as they are.
  const keys = fields ? fields.filter((f) => Object.hasOwn(src, f)) : Object.keys(src);
  return Object.fromEntries(keys.map((k) => [k, (src[k] ?? null) as Json]));
}

/**
 * The documented op error for a syscall rou2exOS defines but this model does not. It is shaped
 * as a failed Result, so runOne hands it on as the op's error (an op-level kind, not a StackError).
 */
export function outOfScope(no: number): Json {
  return { ok: false, error: { kind: 'unsupported-op', message: `syscall 0x${no.toString(16).padStart(2, '0')} is defined by rou2exOS but not modelled` } };
}

function kernelHandlers(): Record<string, Handler<KernelState>> {
  return {
    boot: (op, st) => {
      if (st.machine) return err('invalid-argument', 'boot', 'boot must be the first op of a scenario');
      const o = machineOptions({ ...(st.statement.options ?? {}), ...op }, 'boot');
      st.machine = st.factory(st.profile, o);
      const s = st.machine.snapshot();
      return ok({ mac: hex(st.machine.hw.nic.mac), ip: ipHex(s.systemConfig.ip), nic: op.nic !== false });
    },
    spawn: (_op, st) => ({ pid: machineOf(st).spawn() }),
    syscall: (op, st) => {
      const m = machineOf(st);
      const no = regArg(op, 'no');
      const result = m.syscall(pidArg(op), no, regArg(op, 'arg1'), regArg(op, 'arg2'));
      // A number rou2exOS defines outside the modelled ABI: no answer rather than an invented one
      // (kernel.syscall.undefined-numbers; spec/contract/README.md).
      if (result === 'out-of-scope') return outOfScope(no);
      return { result };
    },
    poke: (op, st) => {
      const r = machineOf(st).poke(pidArg(op), regArg(op, 'addr'), bytesArg(op, 'bytes'));
      return r.ok ? ok({}) : r;
    },
    peek: (op, st) => {
      const r = machineOf(st).peek(pidArg(op), regArg(op, 'addr'), intArg(op, 'len', 0, MAX_TRANSFER));
      return r.ok ? ok({ bytes: hex(r.value) }) : r;
    },
    inject: (op, st): Json => {
      const o = machineOf(st).inject(bytesArg(op, 'frame'));
      return o.accepted ? { accepted: true, frameId: o.frameId } : { accepted: false, reason: o.reason, frameId: o.frameId };
    },
    tick: (op, st) => {
      const m = machineOf(st);
      if (op.busy !== undefined && typeof op.busy !== 'boolean') throw new ArgError(`tick: 'busy' must be a boolean`);
      m.takeEvents();
      const t = m.tick(op.busy === true);
      const delivered = m
        .takeEvents()
        .flatMap((e) => (e.type === 'deliver' && e.origin === 'wire' ? [{ len: e.len, dstPid: e.dstPid, pushed: e.pushed, frameId: e.frameId }] : []));
      return {
        tick: t.tick,
        time: t.time,
        order: t.order,
        polled: t.poll.calls,
        delivered,
        dropped: t.poll.dropped,
        picked: t.picked,
        resumed: t.resumed ? { pid: t.resumed.pid, result: t.resumed.result } : null,
        skipped: t.skipped,
        woken: t.woken,
        reaped: t.reaped,
      };
    },
    // Process lifetimes (feature kernel.lifetimes; kernel.decision.process-ops).
    exit: (op, st) => lifetimeOp(machineOf(st), op, 'exit'),
    kill: (op, st) => lifetimeOp(machineOf(st), op, 'kill'),
    crash: (op, st) => lifetimeOp(machineOf(st), op, 'crash'),
    idle: (op, st) => lifetimeOp(machineOf(st), op, 'idle'),
    sleep: (op, st) => lifetimeOp(machineOf(st), op, 'sleep', intArg(op, 'ticks', 1, MAX_SLEEP_TICKS)),
    'feed-serial': (op, st) => {
      machineOf(st).feedSerial(bytesArg(op, 'bytes'));
      return {};
    },
    'serial-receive': (_op, st) => ({ datagrams: machineOf(st).serialReceive().map(hex) }),
    snapshot: (op, st) => {
      const f = op.fields;
      if (f !== undefined && (!Array.isArray(f) || !f.every((x) => typeof x === 'string'))) throw new ArgError(`snapshot: 'fields' must be an array of field names`);
      return snapshotJson(machineOf(st), (f as string[] | undefined) ?? null);
    },
  };
}

/** What the machine puts on the wire and the serial line, tagged with the op that produced it. */
export interface KernelOutside {
  wire(): readonly WireFrame[];
  serialLine(): readonly LineByte[];
  /** Observes every port access on the machine's bus (absent: no `io` observation). */
  tap?(listener: IoListener): void;
}

/** Userland port I/O (0x30..0x32): the ops whose port accesses the `io` observation records. */
const PORT_SYSCALLS = new Set([0x30, 0x31, 0x32]);
export const isPortSyscall = (op: Op): boolean => op.op === 'syscall' && typeof op.no === 'number' && PORT_SYSCALLS.has(op.no);

/**
 * The `wire`, `serial` and `io` observations, collected after each op (served hardware reuses
 * it). `io` holds the port accesses made during the userland port I/O syscalls, in io-log form;
 * call before(i, op) ahead of each op so its accesses are told apart.
 */
export function kernelObserver(outside: () => KernelOutside | null): { before(opIndex: number, op: Op): void; collect(opIndex: number): void; wire: Json[]; serial: Json[]; io: Json[] } {
  const wire: Json[] = [];
  const serial: Json[] = [];
  const log = new IoLog();
  let wireSeen = 0;
  let lineSeen = 0;
  // One machine per scenario: its bus is tapped once, the first time it exists.
  let tapped = false;
  let recording = -1;
  const listen = (m: KernelOutside | null): void => {
    if (!m || tapped || !m.tap) return;
    tapped = true;
    m.tap((a) => {
      if (recording >= 0) log.push({ op: recording, dir: a.dir, port: a.port, width: a.width, value: a.value });
    });
  };
  return {
    wire,
    serial,
    io: log.records,
    before(opIndex, op) {
      listen(outside());
      recording = isPortSyscall(op) ? opIndex : -1;
    },
    collect(opIndex) {
      recording = -1;
      log.flush();
      const m = outside();
      if (!m) return;
      listen(m);
      const w = m.wire();
      for (; wireSeen < w.length; wireSeen++) {
        const f = w[wireSeen]!;
        wire.push({ op: opIndex, descriptor: f.descriptor, tsad: f.tsad, tsd: f.tsd, frame: hex(f.bytes) });
      }
      const line = m.serialLine();
      // A FIFO clear (COM1 init) takes back bytes still waiting: they never reached the line.
      if (line.length < lineSeen) lineSeen = line.length;
      if (lineSeen < line.length) {
        serial.push({ op: opIndex, bytes: hex(Uint8Array.from(line.slice(lineSeen).map((b) => b.byte))) });
        lineSeen = line.length;
      }
    },
  };
}

/** One scenario's kernel, op by op (the served reference keeps one between op requests). */
export interface KernelSession {
  run(i: number, op: Op): OpResult;
  /** The final snapshot, every field (or {error} when the machine cannot give one). */
  snapshot(): Json;
  machine(): Machine | null;
}

export function kernelSession(profile: Profile, statement: Statement, factory: MachineFactory = createMachine): KernelSession {
  const handlers = kernelHandlers();
  const st: KernelState = { profile, statement, factory, machine: null, opIndex: 0 };
  return {
    run(i, op) {
      st.opIndex = i;
      return runOne(op, handlers, st);
    },
    snapshot() {
      try {
        return snapshotJson(machineOf(st), null);
      } catch (e) {
        return { error: String((e as Error)?.message ?? e) };
      }
    },
    machine: () => st.machine,
  };
}

/** The kernel layer over machines built by `factory` (the reference: createMachine). */
export function kernelExecutor(factory: MachineFactory = createMachine): LayerExecutor {
  return (ops, profile, statement): Trace => {
    const s = kernelSession(profile, statement, factory);
    const obs = kernelObserver(() => {
      const m = s.machine();
      return m ? { wire: m.wire, serialLine: m.serialLine, tap: (l: IoListener) => m.hw.bus.tap?.(l) ?? (() => {}) } : null;
    });
    const results: OpResult[] = [];
    for (const [i, op] of ops.entries()) {
      obs.before(i, op);
      results.push(s.run(i, op));
      obs.collect(i);
    }
    const snapshot = s.snapshot();
    obs.collect(ops.length);
    return traceOf(results, { wire: obs.wire, serial: obs.serial, io: obs.io, snapshot });
  };
}
