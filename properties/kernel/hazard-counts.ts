// The snapshot's `hazards` counters against the model's books (model-hazards.ts): each counter
// counts its hazard's events as kernel.decision.hazard-counts defines them. A wrong count is not
// the hazard itself (the hazard properties judge that from the bytes and the registry), so a
// mismatch fails the decision clause, never a hazard clause.
import fc from 'fast-check';
import type { PropertyDef } from '../../src/runner/property.ts';
import { BindCmd, C, commandArb, CountersCmd, declaresLifetimes, InjectCmd, lifetimeArb, ReceiveCmd, SnapshotCmd, TickCmd } from './commands/index.ts';
import { isObj, KCmd, setupArb, showResult, valueOf, type EngineConfig, type Real } from './engine.ts';
import { machineProperty } from './machine.ts';
import { COUNTED_HAZARDS } from './model-hazards.ts';
import type { Model } from './model.ts';
import { PORT_POOL, rxFrame, type RxFrame } from './frames.ts';

export const HAZARD_COUNTS = 'kernel.decision.hazard-counts';

/** Frames offered back to back, then as many ticks: one receiver's queue fills and overflows, NET_FRAME_BUF is overwritten unread. */
class FloodCmd extends KCmd {
  constructor(readonly frames: RxFrame[]) {
    super();
  }
  exec(m: Model, r: Real): void {
    for (const f of this.frames) new InjectCmd(f).exec(m, r);
    for (let i = 0; i < this.frames.length; i++) new TickCmd().exec(m, r);
  }
  toString(): string {
    return `flood×${this.frames.length}`;
  }
}

/**
 * Two or three frames for two processes (to a port bound by the second process, or for the
 * driver), delivered on consecutive ticks, then both processes read twice: a reader gets a later
 * frame's bytes (and, when its own frame is longer, the tail of an older one), the case of
 * netframebuf-disclosure. Payloads come from a small set so equal lengths meet too.
 */
class CrossCmd extends KCmd {
  constructor(
    readonly port: number,
    readonly frames: RxFrame[],
    readonly readFirst: 0 | 1,
    /** A snapshot between the deliveries and the reads: looking must change nothing. */
    readonly look: boolean,
    readonly cfg: EngineConfig,
    readonly w0: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    new BindCmd(1, [this.port], this.cfg).exec(m, r);
    for (const f of this.frames) new InjectCmd(f).exec(m, r);
    for (let i = 0; i < this.frames.length; i++) new TickCmd().exec(m, r);
    if (this.look) new SnapshotCmd().exec(m, r);
    for (const i of [this.readFirst, 1 - this.readFirst, this.readFirst, 1 - this.readFirst]) new ReceiveCmd(i, 0, this.w0).exec(m, r);
  }
  toString(): string {
    return `cross(port ${this.port}: ${this.frames.map((f) => f.kind).join(', ')}; ${this.look ? 'snapshot, ' : ''}pid index ${this.readFirst} reads first)`;
  }
}

/** The closing snapshot's `hazards`, counter by counter, against the model's events. */
function checkCounts(m: Model, r: Real): void {
  const at = r.pos;
  const got = r.take([{ op: 'snapshot', fields: ['hazards'] }]);
  if (!got) return;
  const v = valueOf(got[0]);
  const h = v && isObj(v.hazards) ? v.hazards : null;
  r.ck(HAZARD_COUNTS, h !== null, () => `op #${at} snapshot has no 'hazards' counters: ${showResult(got[0])}`);
  if (!h) return;
  for (const kind of COUNTED_HAZARDS) {
    // A lost 0x34 send is kernel.decision.tx-loss-events' to check: a trace with one says nothing
    // here about silent-loss (one wrong rule fails one clause).
    if (m.hazards.shared(kind)) continue;
    const want = m.hazards.count(kind);
    const events = m.hazards.events.filter((e) => e.kind === kind).map((e) => e.why);
    r.ck(HAZARD_COUNTS, h[kind] === want, () => `op #${at}: hazards['${kind}'] should be ${want}${events.length ? ` (${events.slice(0, 6).join('; ')}${events.length > 6 ? '; …' : ''})` : ' (no such event happened)'}, the snapshot says ${JSON.stringify(h[kind])}`);
  }
}

export const kernelHazardCountProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.model.hazard-counts',
    title: "the snapshot's hazards counters count each hazard event once: every silent loss by its cause, each port taken from another pid, each IPC buffer overwrite and stale read, each disclosing copy, each frame routed to a dead driver or binding",
    clauses: [HAZARD_COUNTS, C.balance],
    setup: () => setupArb({ minProcs: 2, maxProcs: 3, driver: 'random' }),
    commands: (ctx, cfg) => {
      const l = ctx.limits;
      const rx = { ports: fc.constantFrom(...PORT_POOL.slice(0, 2)), oddSizes: true };
      const base = commandArb(
        ctx,
        cfg,
        { inject: 5, tick: 4, receive: 4, ipc: 2, ipcBurst: 1, sendRaw: 2, sendIpv4: 2, register: 1, bind: 3, snapshot: 1 },
        { maxIdx: 2, ports: fc.constantFrom(...PORT_POOL.slice(0, 2)), rx, blockingShare: 0.3, addr: fc.constant(l.userWindowStart) },
      );
      const flood = fc.array(rxFrame(l, rx), { minLength: 2, maxLength: l.messageQueueDepth + 2 }).map((fs): KCmd => new FloodCmd(fs));
      // NIC refusals that are not silent (ring full, too large) beside the rx-disabled ones that are.
      const ringFlood = fc.array(rxFrame(l, { kinds: ['oversize'], oddSizes: true }), { minLength: 4, maxLength: 6 }).map((fs): KCmd => new FloodCmd(fs));
      const port = fc.constantFrom(...PORT_POOL.slice(0, 2));
      // TCP to the bound port or to an unbound one (the driver's) and ICMP (the driver's), in two
      // lengths only, so a later frame of the same length as an older one meets it often.
      const crossFrame = (p: number) =>
        fc.oneof(
          fc.tuple(fc.constantFrom(p, PORT_POOL[3]), fc.constantFrom(0, 24)).map(([dstPort, payload]): RxFrame => ({ kind: 'tcp', dstPort, ihl: 5, payload })),
          fc.constant<RxFrame>({ kind: 'icmp', payload: 12 }),
        );
      const cross = port.chain((p) =>
        fc.tuple(fc.array(crossFrame(p), { minLength: 2, maxLength: 3 }), fc.constantFrom<0 | 1>(0, 1), fc.boolean()).map(([fs, first, look]): KCmd => new CrossCmd(p, fs, first, look, cfg, l.userWindowStart)),
      );
      const mix = [
        { weight: 8, arbitrary: base },
        { weight: 1, arbitrary: flood },
        { weight: 1, arbitrary: ringFlood },
        { weight: 2, arbitrary: cross },
      ];
      // Deaths, where the statement has them: frames then go to a dead driver or binding.
      if (declaresLifetimes(ctx)) mix.push({ weight: 2, arbitrary: lifetimeArb(ctx, cfg, { exit: 1, kill: 1 }) });
      return fc.oneof(...mix);
    },
    maxCommands: 20,
    // The frame and IPC books too (kernel.accounting.balance): floods fill queues the accounting property's runs rarely fill.
    finish: (m, r) => {
      new CountersCmd().exec(m, r);
      checkCounts(m, r);
    },
  }),
];
