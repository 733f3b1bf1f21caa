// Deliberately wrong kernels for the hazard counters, the NIC reset's books, the routing
// length edges (issue 9) and NET_FRAME_BUF on the drop path: the reference with one component
// subclassed, as in kernel.ts.
import type { Mutant } from './mutant.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import type { KernelComponents } from '../../src/kernel/kernel.ts';
import { Ledger } from '../../src/kernel/ledger.ts';
import type { HazardEvent } from '../../src/kernel/ledger-records.ts';
import { NetDrv } from '../../src/kernel/netdrv.ts';
import { Rtl8139Driver } from '../../src/drivers/rtl8139.ts';
import { RX_HEADER_BYTES } from '../../src/hw/rtl8139-regs.ts';
import { readU16BE } from '../../src/util/bytes.ts';

const withComponents = (components: Partial<KernelComponents>) => kernelExecutor((profile, options) => createMachine(profile, { ...options, components }));

/** A ledger that leaves out the hazard events `skip` picks (the books otherwise exact). */
const ledgerSkipping = (skip: (h: HazardEvent) => boolean) =>
  class extends Ledger {
    override hazard(h: HazardEvent): void {
      if (!skip(h)) super.hazard(h);
    }
  };

/** A frame lost to a full queue is counted in frames.lostQueueFull but not as a silent loss. */
const QuietQueueFullLedger = ledgerSkipping((h) => h.hazard === 'silent-loss' && h.cause === 'queue-full');
/** A copy that hands a process another process's frame bytes is never counted. */
const BlindDisclosureLedger = ledgerSkipping((h) => h.hazard === 'netframebuf-disclosure');
/** A handover of a bound port to another pid is not counted (an eviction still is). */
const QuietHandoverLedger = ledgerSkipping((h) => h.hazard === 'port-hijack' && h.how === 'handover');

/** Every frame the NIC refuses counts as a silent loss, the counted refusals (ring full, size) too. */
class EveryRefusalLedger extends Ledger {
  override wireInjected(outcome: Parameters<Ledger['wireInjected']>[0]): number {
    const id = super.wireInjected(outcome);
    if (!outcome.accepted && outcome.reason !== 'rx-disabled') this.hazard({ hazard: 'silent-loss', cause: 'before-driver', frameId: id });
    return id;
  }
}

/** The NIC reset's frames are booked as still pending in the ring. */
class ForgetfulResetLedger extends Ledger {
  override nicReset(): void {
    this.compactRing();
  }
}

/** The ring's books forget to drop the frames already taken when they compact (after 1024): the taken ones count as waiting again. */
class CompactingLedger extends Ledger {
  protected override compactRing(): void {
    if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) this.ringHead = 0;
  }
}

/** tcp_dest_port checks only that the frame holds an IPv4 header, then reads the port from NET_FRAME_BUF whatever the frame's length. */
class LengthBlindNetDrv extends NetDrv {
  override route(frame: Uint8Array, len: number): { port: number | null; dstPid: number } {
    const ihl = frame[14]! & 0x0f;
    const tcp = len >= 34 && readU16BE(frame, 12) === 0x0800 && frame[23] === 6 && ihl >= 5;
    const port = tcp ? readU16BE(frame, 14 + ihl * 4 + 2) : null;
    const bound = port === null ? null : this.lookupPort(port);
    return { port, dstPid: bound ?? this.NET_DRV_PID };
  }
}

/** tcp_dest_port wants one byte more than the port's end: a frame that just holds the port goes to the driver. */
class OneShortNetDrv extends NetDrv {
  override route(frame: Uint8Array, len: number): { port: number | null; dstPid: number } {
    const ihl = frame[14]! & 0x0f;
    return len <= 14 + ihl * 4 + 4 ? { port: null, dstPid: this.NET_DRV_PID } : super.route(frame, len);
  }
}

/**
 * receive_frame that copies a frame out of the ring before its size check: a frame it then
 * drops (returning 0) is already in the caller's buffer, cut to its size.
 */
class CopyFirstDriver extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const from = this.RX_OFFSET;
    const n = super.receiveFrame(into);
    if (n === 0 && this.RX_OFFSET !== from) {
      // Consumed and dropped: the bytes the copy-first order had written (the ring still holds them).
      const at = this.layout.rxRing + from;
      this.memory.readInto(at + RX_HEADER_BYTES, this.memory.readU16LE(at + 2), into);
    }
    return n;
  }
}

/** The reference kernel over that driver: poll_and_deliver hands it NET_FRAME_BUF itself. */
const copyFirstDriver = kernelExecutor((profile, options) =>
  createMachine(profile, { ...options, hardware: { ...options.hardware, nicDriver: (p) => new CopyFirstDriver(p.bus, p.memory, p.layout, p.profile) } }),
);

export const kernelHazardMutants: Mutant[] = [
  {
    name: 'hazard-count-skips-queue-full',
    layer: 'kernel',
    description: "a frame lost to a full queue shows in frames.lostQueueFull but hazards['silent-loss'] does not count it",
    caughtBy: ['kernel.model.hazard-counts'],
    breaks: ['kernel.decision.hazard-counts'],
    executor: withComponents({ ledger: (limit) => new QuietQueueFullLedger(limit) }),
  },
  {
    name: 'hazard-count-skips-disclosure',
    layer: 'kernel',
    description: "a 0x35 that hands a process bytes of another process's frame is never counted in hazards['netframebuf-disclosure']",
    caughtBy: ['kernel.model.hazard-counts'],
    breaks: ['kernel.decision.hazard-counts'],
    executor: withComponents({ ledger: (limit) => new BlindDisclosureLedger(limit) }),
  },
  {
    name: 'hazard-count-skips-handover',
    layer: 'kernel',
    description: "a bind that takes a bound port from another pid is not counted in hazards['port-hijack']",
    caughtBy: ['kernel.model.hazard-counts'],
    breaks: ['kernel.decision.hazard-counts'],
    executor: withComponents({ ledger: (limit) => new QuietHandoverLedger(limit) }),
  },
  {
    name: 'hazard-count-every-nic-refusal',
    layer: 'kernel',
    description: "frames the NIC refuses for a full ring or their size (counted by the NIC, documented) are also counted in hazards['silent-loss']",
    caughtBy: ['kernel.model.hazard-counts'],
    breaks: ['kernel.decision.hazard-counts'],
    executor: withComponents({ ledger: (limit) => new EveryRefusalLedger(limit) }),
  },
  {
    name: 'nic-reset-keeps-ring-books',
    layer: 'kernel',
    description: 'frames in the RX ring when registration resets the NIC stay booked as pendingInRing instead of lostToNicReset',
    caughtBy: ['kernel.model.nic-reset-loss'],
    breaks: ['kernel.accounting.balance', 'kernel.decision.hazard-counts'],
    executor: withComponents({ ledger: (limit) => new ForgetfulResetLedger(limit) }),
  },
  {
    name: 'ring-books-compact-wrong',
    layer: 'kernel',
    description: 'after 1024 frames through the RX ring the books compact their list of ring frames without dropping the ones taken, so an empty ring looks full and the driver "drops" frames that are not there',
    caughtBy: ['kernel.model.ring-long-run'],
    breaks: ['kernel.accounting.balance'],
    executor: withComponents({ ledger: (limit) => new CompactingLedger(limit) }),
  },
  {
    name: 'routing-reads-stale-port',
    layer: 'kernel',
    description: "tcp_dest_port never checks the frame holds its port: a cut frame routes by the stale bytes an earlier frame left in NET_FRAME_BUF",
    caughtBy: ['kernel.model.routing-edges'],
    breaks: ['kernel.routing.tcp-dest-port'],
    executor: withComponents({ netdrv: (...a) => new LengthBlindNetDrv(...a) }),
  },
  {
    name: 'routing-one-byte-short',
    layer: 'kernel',
    description: 'tcp_dest_port wants 14 + IHL*4 + 5 bytes: a frame that ends with its port goes to the driver',
    caughtBy: ['kernel.model.routing-edges'],
    breaks: ['kernel.routing.bound-port'],
    executor: withComponents({ netdrv: (...a) => new OneShortNetDrv(...a) }),
  },
  {
    name: 'dropped-frame-overwrites-netframebuf',
    layer: 'kernel',
    description: "receive_frame copies a frame into its caller's buffer, NET_FRAME_BUF, before the size check: a frame it drops (under 14 bytes or over 2 KiB with its CRC) still overwrites the head of the last delivered frame, whose message may not have been read",
    caughtBy: ['kernel.model.polling'],
    breaks: ['kernel.netframebuf.last-frame'],
    executor: copyFirstDriver,
  },
];
