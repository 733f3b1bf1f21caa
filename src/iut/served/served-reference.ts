// `r2net serve --hardware served`: the reference's own drivers (rtl8139, serial + SLIP) run in
// this process with every port access and guest-memory access a hardware request to r2net
// (protocol 2). The layers without hardware (codec, slip) answer protocol-1 `execute` as
// `r2net serve` does. Synchronous on purpose: a driver's `inb` blocks until r2net answers, as
// the C and Rust client libraries do. The proof that the mechanism is faithful is that its
// verdicts equal the in-process reference's (test/served/equivalence.test.ts).
import type { Implementation, Json, Layer, Op, OpResult, Statement } from '../contract.ts';
import { createReference } from '../reference.ts';
import { handleRequestLine } from '../process/server.ts';
import { excerpt } from '../process/protocol.ts';
import { loadProfile, type Profile } from '../../spec/profile.ts';
import { dmaLayout } from '../../hw/memory.ts';
import { Rtl8139Driver } from '../../drivers/rtl8139.ts';
import { SerialPort } from '../../drivers/serial.ts';
import { SlipSerial } from '../../drivers/slip-serial.ts';
import { nicDriverOps } from '../layers/nic.ts';
import { serialDriverOps } from '../layers/serial.ts';
import { kernelSession } from '../layers/kernel.ts';
import { createMachine } from '../../kernel/machine.ts';
import type { Hardware, InjectOutcome } from '../../hw/api.ts';
import { Clock } from '../../hw/clock.ts';
import { DEFAULT_MAC } from '../../hw/index.ts';
import { SERVED_LAYERS } from './executors.ts';
import { HardwareLinkError, RemoteHardware, RemoteMemory, remotePortIo } from './remote-hardware.ts';
import { SyncLines } from './sync-lines.ts';

/** The served protocol version; a hello offering less is refused (served hardware needs it). */
const SERVED_PROTOCOL = 2;

type DriverOps = (op: Op, index: number) => OpResult;

/**
 * The kernel's view of served hardware: the drivers over remote port I/O and memory, a clock of
 * its own (ticks count time; the UART's timing is r2net's), and the NIC's outside reduced to
 * what the kernel's books need: the outcome of an `inject`, which r2net did on its wire.
 */
function servedKernelHardware(profile: Profile, hw: RemoteHardware, mac: Uint8Array, outcome: () => InjectOutcome): Hardware {
  const io = remotePortIo(hw);
  const serial = new SerialPort(io, profile);
  const memory = new RemoteMemory(hw);
  return {
    bus: io,
    memory,
    clock: new Clock(),
    nic: { inject: outcome, wire: [], registers: () => ({}), mac },
    uart: {
      line: [],
      feed: () => {
        throw new Error('feed-serial is done on r2net’s machine');
      },
      registers: () => ({}),
    },
    nicDriver: new Rtl8139Driver(io, memory, dmaLayout(profile), profile),
    serialNet: new SlipSerial(serial, profile),
  };
}

function freshKernel(profile: Profile, hw: RemoteHardware, statement: Statement): DriverOps {
  let outcome: InjectOutcome | undefined;
  const take = (): InjectOutcome => {
    if (!outcome) throw new Error("inject without r2net's 'outcome'");
    const o = outcome;
    outcome = undefined;
    return o;
  };
  const s = kernelSession(profile, statement, (p, options) => createMachine(p, { ...options, hw: servedKernelHardware(p, hw, options.mac ?? DEFAULT_MAC, take) }));
  return (op, index) => {
    if (op.op === 'inject') outcome = op['outcome'] as unknown as InjectOutcome | undefined;
    return s.run(index, op);
  };
}

function freshSoftware(layer: Layer, profile: Profile, hw: RemoteHardware, statement: Statement): DriverOps | undefined {
  if (layer === 'kernel') return freshKernel(profile, hw, statement);
  const io = remotePortIo(hw);
  if (layer === 'nic') return nicDriverOps(profile, new Rtl8139Driver(io, new RemoteMemory(hw), dmaLayout(profile), profile), dmaLayout(profile));
  if (layer === 'serial') {
    const serial = new SerialPort(io, profile);
    return serialDriverOps({ serial, serialNet: new SlipSerial(serial, profile) });
  }
  return undefined;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Serves until end of input or shutdown; returns the exit status. */
export async function serveReferenceHardware(o: { layers?: Layer[]; options?: Record<string, Json> }, lines = new SyncLines()): Promise<number> {
  const base: Implementation = createReference({ name: 'r2net-reference-served', ...(o.layers ? { layers: o.layers } : {}), ...(o.options ? { options: o.options } : {}) });
  const statement: Statement = { ...base.statement, hardware: 'served' };
  const impl: Implementation = { statement, execute: (s) => base.execute(s) };
  const profile = loadProfile(statement.profile);
  const hw = new RemoteHardware(lines);
  const software = new Map<Layer, DriverOps>();
  for (let line = lines.read(); line !== undefined; line = lines.read()) {
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch {
      req = undefined;
    }
    if (isObject(req) && req.method === 'hello' && typeof req.id === 'number') {
      lines.write(
        JSON.stringify(
          typeof req.protocol === 'number' && req.protocol >= SERVED_PROTOCOL
            ? { id: req.id, protocol: SERVED_PROTOCOL, statement }
            : { id: req.id, error: { kind: 'unsupported-version', message: `served hardware needs protocol ${SERVED_PROTOCOL}, offered ${JSON.stringify(req.protocol)}` } },
        ),
      );
      continue;
    }
    if (isObject(req) && req.method === 'op' && typeof req.id === 'number') {
      lines.write(JSON.stringify(runOp(req, profile, hw, software, statement)));
      continue;
    }
    // hello, execute (codec, slip), shutdown and every malformed request: as `r2net serve`.
    const { reply, stop } = await handleRequestLine(impl, line);
    lines.write(JSON.stringify(reply));
    if (stop) break;
  }
  return 0;
}

function runOp(req: Record<string, unknown>, profile: Profile, hw: RemoteHardware, software: Map<Layer, DriverOps>, st: Statement): Json {
  const id = req.id as number;
  const layer = req.layer as Layer;
  const op = req.op;
  if (!SERVED_LAYERS.has(layer) || !st.layers.includes(layer)) return { id, error: { kind: 'bad-request', message: `layer ${excerpt(JSON.stringify(layer) ?? '')} is not served here (served: ${st.layers.filter((l) => SERVED_LAYERS.has(l)).join(', ')})` } };
  if (!isObject(op) || typeof op.op !== 'string') return { id, error: { kind: 'bad-request', message: "op must be an object with a string 'op'" } };
  // The pushed device writes (`dma`) are not needed: these drivers read guest memory through requests.
  let run = software.get(layer);
  if (!run || req.reset === true) {
    run = freshSoftware(layer, profile, hw, st)!;
    software.set(layer, run);
  }
  hw.forOp = id;
  try {
    return { id, result: run(op as Op, typeof req.index === 'number' ? req.index : 0) as unknown as Json };
  } catch (e) {
    // runOne turns driver exceptions into results; a broken link surfaces here.
    software.delete(layer);
    return { id, error: { kind: e instanceof HardwareLinkError ? 'bad-request' : 'internal', message: (e as Error)?.message ?? String(e) } };
  }
}
