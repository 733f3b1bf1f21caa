// Model-based properties over the whole machine: processes, bindings, frames, ticks and
// syscalls interleaved by fc.commands, each run sent as ONE scenario and checked op by op
// against the model (engine.ts). Each property enforces the clauses it lists.
import fc from 'fast-check';
import type { PropertyDef } from '../../src/runner/property.ts';
import { bindPorts, framePorts } from './frames.ts';
import type { Model } from './model.ts';
import { boot, C, checkState, commandArb, CountersCmd, declaresLifetimes, lifetimeArb, RegisterCmd, SpawnCmd } from './commands/index.ts';
import { Cursor, modelProperty, setupArb, type ModelPropertyDef } from './engine.ts';

const base = { boot, spawn: () => new SpawnCmd(), register: (pid: number) => new RegisterCmd(pid - 1), counters: () => new CountersCmd() };

/** A model property that also checks the trace's final snapshot against the model. */
export function machineProperty(d: ModelPropertyDef): PropertyDef {
  return modelProperty(
    {
      ...d,
      audit: (m: Model, c: Cursor) => {
        checkState(m, c, -1, c.finalSnapshot(), 'the final snapshot (observations.snapshot)');
        d.audit?.(m, c);
      },
    },
    base,
  );
}

export const kernelModelProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.model.routing',
    title: 'every delivered frame goes to the pid bound to its TCP destination port (read after IHL*4 header bytes), everything else to the driver',
    clauses: [C.tcpDestPort, C.boundPort, C.defaultDriver, C.ihlBelow5, C.message, C.srcPid],
    setup: () => setupArb({ minProcs: 2, maxProcs: 3, driver: true }),
    commands: (ctx, cfg) => {
      // Binds and frames draw from one small set (low, sign-bit edge, max; frames also port 0) so they meet.
      return commandArb(ctx, cfg, { inject: 6, tick: 5, bind: 3, receive: 2, snapshot: 1, spawn: 1 }, { ports: fc.constantFrom(...bindPorts()), rx: { ports: fc.constantFrom(...framePorts()), fooling: 3 } });
    },
    maxCommands: 30,
  }),
  machineProperty({
    id: 'kernel.model.registry',
    title: 'PORT_REGISTRY: at most 16 bindings, rebind updates in place, first free slot, the 17th evicts slot 0; driver registration idempotent; 0x38 reports exactly the table',
    clauses: [C.capacity, C.rebind, C.firstFree, C.evict, C.register, C.idempotent, C.bind, C.netstatus, C.byteOrder, C.portRange],
    setup: () => setupArb({ minProcs: 2, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { bind: 4, bindRange: 2, register: 2, netstatus: 3, snapshot: 1, bad: 1 }),
    cfg: { bindSnapshots: true },
    maxCommands: 16,
  }),
  machineProperty({
    id: 'kernel.model.polling',
    title: 'each tick: time advances 1/pitHz, poll before pick, at most framesPerTick frames taken, none before a driver, NET_FRAME_BUF holds the last frame, round-robin pick',
    clauses: [C.tickRate, C.pollBeforePick, C.framesPerTick, C.nothingBeforeDriver, C.lastFrame, C.roundRobin, C.register],
    setup: () => setupArb({ minProcs: 1, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { inject: 5, tick: 6, register: 1, receive: 3, snapshot: 2, spawn: 1, bind: 1 }, { rx: { oddSizes: true }, blockingShare: 0.6 }),
    maxCommands: 30,
  }),
  machineProperty({
    id: 'kernel.model.transmit',
    title: '0x34: raw length from the EtherType, sent once padded to 60 only for 14..1514, IPv4 as one SLIP frame; src == dst loops back on both paths and never leaves',
    clauses: [C.rawLength, C.rawBounds, C.ipv4Serial, C.okayDespiteLoss, C.neverOnWire, C.loopNoDriver, C.loopBothPaths, C.loopedIpv4, C.lengthRange, C.ipv4Short],
    setup: () => setupArb({ minProcs: 1, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { sendRaw: 5, sendIpv4: 4, receive: 2, register: 1, bind: 1, tick: 1 }),
    cfg: { snapshotAfterSend: true },
    maxCommands: 16,
  }),
  machineProperty({
    id: 'kernel.model.receive-ipc',
    title: '0x35 non-blocking and blocking, copies of port_id (or 512) bytes, 0x36 delivery and wake-up, 10-message queues',
    clauses: [C.nonblocking, C.blocking, C.copy, C.send0x36, C.queueDepth, C.wake, C.blockingResult, C.unknownPid, C.okayDespiteLoss],
    setup: () => setupArb({ minProcs: 2, maxProcs: 3, driver: true }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { ipc: 4, ipcBurst: 1, receive: 5, tick: 3, inject: 2, snapshot: 2 }, { blockingShare: 0.5 }),
    maxCommands: 30,
  }),
  machineProperty({
    id: 'kernel.model.bad-input',
    title: 'wrong syscall numbers, pointers outside the window, ports over 16 bits, unknown types and pids: the documented code and no effect',
    clauses: [C.returnCodes, C.pointerCheck, C.undefinedNumbers, C.portRange, C.unknown0x33, C.unknown0x34, C.unknownPid, C.processIds],
    setup: () => setupArb({ minProcs: 1, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { bad: 6, spawn: 1, spawnBurst: 1, receive: 1, ipc: 1, netstatus: 1, tick: 1, inject: 1, register: 1 }, { maxIdx: 4 }),
    maxCommands: 24,
  }),
  machineProperty({
    id: 'kernel.model.copy-past-window',
    title: 'a copy that starts inside the window near its end is not truncated: all its bytes land past the end (observable with peek), and each such syscall is reported',
    clauses: [C.pastWindow],
    setup: () => setupArb({ minProcs: 2, maxProcs: 2, driver: true }),
    commands: (ctx, cfg) => commandArb(ctx, cfg, { receive: 3, netstatus: 2, ipc: 2, inject: 2, tick: 2, sendRaw: 1, sendIpv4: 1 }),
    cfg: { nearEnd: true },
    maxCommands: 16,
    runsFactor: 0.5,
    audit: (m, c) => {
      const s = c.finalSnapshot();
      const h = s && typeof s.hazards === 'object' && s.hazards !== null && !Array.isArray(s.hazards) ? (s.hazards as Record<string, unknown>)['unchecked-copy-length'] : undefined;
      c.ck(C.pastWindow, h === m.crossings, () => `the final snapshot should count ${m.crossings} syscall cop(ies) that ran past the window end (hazards['unchecked-copy-length']), it counts ${String(h)}`);
    },
  }),
  machineProperty({
    id: 'kernel.model.accounting',
    title: 'after every operation every frame and IPC message is in exactly one accounting category, the parts add up, and each count is what happened',
    clauses: [C.balance],
    setup: () => setupArb({ minProcs: 1, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => {
      const base = commandArb(ctx, cfg, { inject: 5, tick: 4, receive: 3, ipc: 2, ipcBurst: 1, sendRaw: 1, sendIpv4: 1, register: 1, bind: 1 }, { rx: { oddSizes: true }, blockingShare: 0.3 });
      // Exits, kills, crashes, sleeps and busy ticks too, where the statement has them (frames and messages for dead processes).
      if (!declaresLifetimes(ctx)) return base;
      return fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: lifetimeArb(ctx, cfg, { spawn: 1, exit: 1, kill: 1, crash: 1, sleep: 1, idle: 1, busyTick: 1 }) });
    },
    cfg: { countersAfterEach: true },
    maxCommands: 30,
  }),
];
