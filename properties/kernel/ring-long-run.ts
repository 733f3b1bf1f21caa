// The frame books over a long run: more frames through the RX ring than any random run sends
// (the books keep the ring's frames in an array they compact now and then), each received,
// then ticks that find the ring empty. Every count must still be what happened
// (kernel.accounting.balance). One case a run: the scenario is long but fixed.
import fc from 'fast-check';
import type { PropertyDef } from '../../src/runner/property.ts';
import { C, CountersCmd, InjectCmd, ReceiveCmd, TickCmd } from './commands/index.ts';
import { KCmd, setupArb, type Real } from './engine.ts';
import { machineProperty } from './machine.ts';
import type { Model } from './model.ts';

/** Frames through the ring in one run: past the books' compaction point (over 1024 taken). */
const LONG_RUN_FRAMES = 1100;

class LongRunCmd extends KCmd {
  constructor(readonly n: number) {
    super();
  }
  exec(m: Model, r: Real): void {
    for (let i = 0; i < this.n; i++) {
      new InjectCmd({ kind: 'arp' }).exec(m, r);
      new TickCmd().exec(m, r);
      new ReceiveCmd(0, 0, r.ctx.limits.userWindowStart).exec(m, r);
    }
    // The ring is empty now: these ticks' receive_frame calls find nothing.
    new TickCmd().exec(m, r);
    new TickCmd().exec(m, r);
  }
  toString(): string {
    return `${this.n}×(inject, tick, receive), tick, tick`;
  }
}

export const kernelRingLongRunProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.model.ring-long-run',
    title: 'after more than a thousand frames through the RX ring, the frame books still count each one where it went',
    clauses: [C.balance],
    setup: () => setupArb({ minProcs: 1, maxProcs: 1, driver: true }),
    // The long run is fixed (the prologue); the generated part is at most a tick or two.
    prologue: (m, r) => new LongRunCmd(LONG_RUN_FRAMES).exec(m, r),
    commands: () => fc.constant<KCmd>(new TickCmd()),
    maxCommands: 2,
    finish: (m, r) => new CountersCmd().exec(m, r),
    runsFactor: 0.01,
  }),
];
