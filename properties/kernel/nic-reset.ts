// Frames in the RX ring when driver registration resets the NIC. The ring holds frames before any
// driver registers only if userland switched the receiver on itself (0x30 to the NIC's RCR and
// CR: kernel.hazard.portio-nic-reprogram), which no random run does; this scenario does it on
// purpose, then registers, so the books must show each accepted frame lost to the NIC reset
// (kernel.accounting.balance) and count one silent loss for it (kernel.decision.hazard-counts).
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext, type PropertyDef } from '../../src/runner/property.ts';
import { mustEqual, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { C } from './commands/index.ts';
import { valueOf } from './engine.ts';
import { HAZARD_COUNTS } from './hazard-counts.ts';
import { buildRxFrame, rxFrame, type RxFrame } from './frames.ts';
import { NIC } from './model-portio.ts';
import { RC, SYS } from './model.ts';
import { hx, Plan, portWrite } from './portio.ts';

/** The NIC registers userland writes (RTL8139 datasheet): receive configuration, and CR's receiver-enable bit. */
const RCR = 0x44;
const RCR_ACCEPT_ALL = 0x0f; // AAP | APM | AM | AB
const CR_RE = 0x08;

export const kernelNicResetProperties: PropertyDef[] = [
  defineProperty<{ mac: number[]; frames: RxFrame[] }>({
    id: 'kernel.model.nic-reset-loss',
    title: 'frames in the RX ring when 0x37 registration resets the NIC are counted lostToNicReset, each one a silent loss',
    layer: 'kernel',
    clauses: [C.balance, HAZARD_COUNTS],
    arbitrary: (ctx) =>
      fc.record({
        mac: fc.tuple(fc.constant(0x02), fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 5, maxLength: 5 })).map(([a, r]) => [a, ...r]),
        frames: fc.array(rxFrame(ctx.limits, { kinds: ['tcp', 'arp', 'icmp'] }), { minLength: 1, maxLength: 3 }),
      }),
    scenario: (a, ctx) => plan(a, ctx).ops,
    check: (a, trace, ctx, t) => plan(a, ctx).run(trace, t),
    runsFactor: 0.1,
  }),
];

function plan(a: { mac: number[]; frames: RxFrame[] }, ctx: PropertyContext): Plan {
  const p = new Plan();
  const w0 = ctx.limits.userWindowStart;
  const nic = ctx.defaults.nicIoFallback;
  p.add({ op: 'boot', mac: toHex(Uint8Array.from(a.mac)), ip: '0a000001' });
  p.add({ op: 'spawn' });
  // Userland switches the receiver on behind the kernel's back: accept every address class, then RE.
  for (let i = 0; i < 4; i++) portWrite(p, w0, nic + RCR + i, i === 0 ? RCR_ACCEPT_ALL : 0, `0x30 NIC RCR byte ${i} (${hx(nic + RCR + i)})`);
  portWrite(p, w0, nic + NIC.CR, CR_RE, `0x30 NIC CR ← RE (${hx(nic + NIC.CR)})`);
  const injects = a.frames.map((f) => p.add({ op: 'inject', frame: toHex(buildRxFrame(f)) } as Op));
  const reg = p.add({ op: 'syscall', pid: 1, no: SYS.Register, arg1: 0, arg2: 0, note: '0x37 register_driver: resets the NIC' });
  p.add({ op: 'snapshot', fields: ['frames', 'hazards'] }, (trace, at, t) => {
    // Only frames the NIC took into the ring are lost to the reset; without any, the case has nothing for either clause.
    const accepted = injects.filter((i) => valueOf(trace.results[i])?.accepted === true).length;
    if (accepted === 0 || valueOf(trace.results[reg])?.result !== RC.Okay) return;
    const s = (): { frames?: Record<string, unknown>; hazards?: Record<string, unknown> } => okValue(trace, at, 'snapshot');
    t.check(C.balance, () => {
      mustEqual(s().frames?.lostToNicReset, accepted, `op #${at}: frames.lostToNicReset after the registration at op #${reg} reset a NIC whose ring held ${accepted} frame(s) (ops #${injects.join(', #')})`);
      mustEqual(s().frames?.pendingInRing, 0, `op #${at}: frames.pendingInRing after the registration at op #${reg} reset the NIC`);
    });
    t.check(HAZARD_COUNTS, () => mustEqual(s().hazards?.['silent-loss'], accepted, `op #${at}: hazards['silent-loss'] should count the ${accepted} frame(s) the NIC reset at op #${reg} discarded`));
  });
  return p;
}
