// Model-based runs of process lifetimes (feature kernel.lifetimes, spec-notes §10): exits, kills,
// crashes, sleeps, idles and busy ticks interleaved with frames, ticks, receives, IPC and binds.
// After every command a snapshot of the process table (ProcessesCmd) is checked against the model,
// so a wrong state, slot, pick or queue is caught on the op that caused it.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext, type PropertyDef } from '../../src/runner/property.ts';
import { mustEqual, okValue } from '../../src/runner/assert.ts';
import { PORT_POOL } from './frames.ts';
import type { Model } from './model.ts';
import { C, commandArb, CountersCmd, declaresLifetimes, lifetimeArb, ProcessesCmd, type LifeMix, type Mix } from './commands/index.ts';
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

/**
 * Spawns until the pid counter reaches the no-pid sentinel, the table kept free by killing each
 * round and a tick reaping them: every spawn below the sentinel gets the next pid, then spawn
 * answers the sentinel for good (kernel.scheduler.process-ids), reaping or not.
 */
function exhaustionOps(ctx: PropertyContext, extra: number): { ops: Op[]; spawns: { at: number; want: number }[] } {
  const { noPid, maxProcesses, kernelProcesses } = ctx.limits;
  const room = maxProcesses - kernelProcesses;
  const ops: Op[] = [{ op: 'boot', mac: '020000000001', ip: '0a000001' }];
  const spawns: { at: number; want: number }[] = [];
  let next = 1;
  while (next < noPid) {
    const round: number[] = [];
    for (let i = 0; i < room && next < noPid; i++, next++) {
      spawns.push({ at: ops.push({ op: 'spawn' }) - 1, want: next });
      round.push(next);
    }
    for (const pid of round) ops.push({ op: 'kill', pid });
    ops.push({ op: 'tick' });
  }
  for (let i = 0; i < extra; i++) {
    spawns.push({ at: ops.push({ op: 'spawn' }) - 1, want: noPid });
    ops.push({ op: 'tick' });
  }
  ops.push({ op: 'snapshot', fields: ['processes'] });
  return { ops, spawns };
}

export const kernelLifetimeProperties: PropertyDef[] = [
  defineProperty<number>({
    id: 'kernel.process.pid-exhaustion',
    title: 'spawn, kill and reap until the pid counter reaches 0xff: every pid below it is handed out once, in order, then spawn answers the sentinel however many slots are free',
    layer: 'kernel',
    clauses: [C.processIds],
    arbitrary: () => fc.integer({ min: 1, max: 3 }),
    scenario: (extra, ctx) => (declaresLifetimes(ctx) ? exhaustionOps(ctx, extra).ops : []),
    check: (extra, trace, ctx, t) => {
      if (!declaresLifetimes(ctx)) return; // without kill, no run can spawn past the table limit
      const { ops, spawns } = exhaustionOps(ctx, extra);
      // Every spawned process was killed and reaped: a spawn that answered the sentinel made none.
      t.check(C.processIds, () => mustEqual(okValue<{ processes: unknown }>(trace, ops.length - 1, 'snapshot').processes, [], `op #${ops.length - 1}: the process table after every spawned process was killed and reaped, and the spawns past the pid counter's end were refused`));
      for (const s of spawns)
        t.check(C.processIds, () => mustEqual(okValue<{ pid: unknown }>(trace, s.at, 'spawn').pid, s.want, `op #${s.at}: ${s.want === ctx.limits.noPid ? `the pid counter has reached the sentinel ${ctx.limits.noPid}: spawn answers it, though the table has room` : `spawn hands out the next pid`}`));
    },
    // One case holds every edge; its ~560 ops are cheap.
    runsFactor: 0.02,
  }),
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
