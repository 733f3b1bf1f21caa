// Model-based runs of process lifetimes (feature kernel.lifetimes, spec-notes §10): exits, kills,
// crashes, sleeps, idles and busy ticks interleaved with frames, ticks, receives, IPC and binds.
// After every command a snapshot of the process table (ProcessesCmd) is checked against the model,
// so a wrong state, slot, pick or queue is caught on the op that caused it.
import fc from 'fast-check';
import type { PropertyContext, PropertyDef } from '../../src/runner/property.ts';
import { PORT_POOL } from './frames.ts';
import type { Model } from './model.ts';
import { C, commandArb, CountersCmd, lifetimeArb, ProcessesCmd, type LifeMix, type Mix } from './commands/index.ts';
import { setupArb, type EngineConfig, type KCmd, type Real } from './engine.ts';
import { machineProperty } from './machine.ts';

/** Pids up to 7: processes spawned after others died are addressed too. */
const MAX_IDX = 6;

/** The existing commands and the lifetime ones, in one weighted mix. */
function mixed(ctx: PropertyContext, cfg: EngineConfig, base: Mix, life: LifeMix, o: { ports?: fc.Arbitrary<number> } = {}): fc.Arbitrary<KCmd> {
  const ports = o.ports;
  return fc.oneof(
    { weight: 1, arbitrary: commandArb(ctx, cfg, base, { maxIdx: MAX_IDX, blockingShare: 0.4, ...(ports ? { ports, rx: { ports } } : {}) }) },
    { weight: 1, arbitrary: lifetimeArb(ctx, cfg, life, { maxIdx: MAX_IDX }) },
  );
}

/** After every command: the process table, and (when given) the accounting under `counters`. */
const watch =
  (counters?: string[]) =>
  (_m: Model, r: Real): void => {
    r.afterEach = (mm, rr) => {
      new ProcessesCmd().exec(mm, rr);
      if (counters) new CountersCmd(counters).exec(mm, rr);
    };
  };

export const kernelLifetimeProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.model.lifetimes',
    title: 'process lifetimes: the 10-slot table with the kernel\'s 4, pids never reused, slots reused, dead reaped next tick, crashed kept, sleeps woken on time, only runnable processes picked, busy ticks skipped',
    clauses: [C.tableLimit, C.pidNeverReused, C.slotReuse, C.deadReaped, C.crashedKept, C.sleepWake, C.schedulable, C.busySkipped, C.messageWakes, C.pidAddressing, C.processSlots, C.processOps, C.sleepBoundary, C.exited0x36],
    setup: () => setupArb({ minProcs: 2, maxProcs: 4, driver: 'random' }),
    commands: (ctx, cfg) => mixed(ctx, cfg, { tick: 6, inject: 2, receive: 2, ipc: 3, bind: 1 }, { spawn: 3, exit: 2, kill: 2, crash: 1, sleep: 3, idle: 1, busyTick: 2 }),
    prologue: watch(),
    maxCommands: 30,
  }),
  machineProperty({
    id: 'kernel.model.dead-receivers',
    title: 'frames for a dead driver or binding are dropped and counted, the registrations stay; 0x36 to an exited pid is refused; messages reach a pid whatever its slot',
    clauses: [C.goneReceiver, C.exited0x36, C.pidAddressing],
    setup: () => setupArb({ minProcs: 2, maxProcs: 3, driver: true }),
    commands: (ctx, cfg) => mixed(ctx, cfg, { inject: 4, tick: 4, bind: 2, ipc: 3, receive: 1 }, { exit: 2, kill: 2, spawn: 2, crash: 1 }, { ports: fc.constantFrom(...PORT_POOL.slice(0, 2)) }),
    prologue: watch([C.goneReceiver]),
    maxCommands: 24,
  }),
  machineProperty({
    id: 'kernel.model.dead-queue',
    title: "a process that exits or is killed loses its queued messages into lostReceiverGone, and the books still balance",
    clauses: [C.deadQueue],
    setup: () => setupArb({ minProcs: 2, maxProcs: 3, driver: true }),
    commands: (ctx, cfg) => mixed(ctx, cfg, { inject: 3, tick: 3, ipc: 4, receive: 2 }, { exit: 1, kill: 1, spawn: 1 }),
    prologue: watch([C.deadQueue]),
    maxCommands: 20,
  }),
];
