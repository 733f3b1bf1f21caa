// netdrv (net/netdrv.rs as the seed describes it): the global driver pid, the 16-slot port
// registry, the single shared NET_FRAME_BUF, frame routing, and the two ways a frame reaches a
// process: poll_and_deliver (from the NIC, once per PIT tick) and loopback_deliver (from 0x34
// when src_ip == dst_ip).
import type { Hardware } from '../hw/api.ts';
import type { Profile } from '../spec/profile.ts';
import { err, ok } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { formatMac, readU16BE } from '../util/bytes.ts';
import { ETHERNET_HEADER_LEN, ETHERTYPE_IPV4 } from '../codec/ethernet.ts';
import { IPV4_HEADER_LEN, IPPROTO_TCP } from '../codec/ipv4.ts';
import { NET_FRAME_BUF_ADDR } from './constants.ts';
import type { Ledger } from './ledger.ts';
import type { FrameOrigin } from './ledger-records.ts';
import type { PollRecord, Scheduler } from './scheduler.ts';
import type { SystemConfig } from './system-config.ts';

export interface RegistryEntry {
  port: number;
  pid: number;
}

/** Offset of the protocol byte in an Ethernet frame carrying IPv4. */
const IP_PROTOCOL_AT = ETHERNET_HEADER_LEN + 9;

/**
 * tcp_dest_port: the TCP destination port of an Ethernet frame, or null. Null unless the frame
 * has >= 14 bytes, EtherType 0x0800, >= 34 bytes, protocol 6, and holds the port at
 * 14 + IHL*4 + 2 [r2-code]. IHL < 5 is not a valid IPv4 header and also gives null
 * (kernel.routing.ihl-below-5: seed + RFC 791 §3.1): r2 would read a "port" from inside the IP header.
 */
export function tcpDestPort(frame: Uint8Array, len = frame.length): number | null {
  if (len < ETHERNET_HEADER_LEN) return null;
  if (readU16BE(frame, 12) !== ETHERTYPE_IPV4) return null;
  if (len < ETHERNET_HEADER_LEN + IPV4_HEADER_LEN) return null;
  if (frame[IP_PROTOCOL_AT] !== IPPROTO_TCP) return null;
  const ihl = (frame[ETHERNET_HEADER_LEN] ?? 0) & 0x0f;
  if (ihl * 4 < IPV4_HEADER_LEN) return null;
  const tcpStart = ETHERNET_HEADER_LEN + ihl * 4;
  if (len < tcpStart + 4) return null;
  return readU16BE(frame, tcpStart + 2);
}

export class NetDrv {
  /** PID of the global Ethernet driver (ARP, ICMP, unbound TCP); noPid until one registers. */
  NET_DRV_PID: number;
  /** (tcp_dest_port, pid) bindings; pid === noPid marks a free slot. */
  readonly PORT_REGISTRY: RegistryEntry[];
  /** The one shared kernel frame buffer: each delivered frame overwrites it. */
  readonly NET_FRAME_BUF: Uint8Array;
  /**
   * receive_frame's buffer: NET_FRAME_BUF itself, the caller's 2 KiB buffer of
   * nic.rx.drop-and-continue (cut to rxCallerBufferBytes should a profile make the slot larger).
   */
  protected readonly rxInto: Uint8Array;
  protected readonly noPid: number;

  constructor(
    protected readonly profile: Profile,
    protected readonly hw: Hardware,
    protected readonly scheduler: Scheduler,
    protected readonly ledger: Ledger,
    protected readonly config: SystemConfig,
  ) {
    const l = profile.limits;
    this.noPid = l.noPid;
    this.NET_DRV_PID = l.noPid;
    this.PORT_REGISTRY = Array.from({ length: l.portBindings }, () => ({ port: 0, pid: l.noPid }));
    this.NET_FRAME_BUF = new Uint8Array(l.netFrameBufBytes);
    this.rxInto = this.NET_FRAME_BUF.subarray(0, Math.min(l.netFrameBufBytes, l.rxCallerBufferBytes));
  }

  get driverRegistered(): boolean {
    return this.NET_DRV_PID !== this.noPid;
  }

  /**
   * register_driver (0x37 arg1 = 0). Idempotent: a no-op while a driver is registered. Otherwise
   * initialise the NIC (its reset discards anything in the RX ring), cache the MAC in
   * SYSTEM_CONFIG and record the caller as NET_DRV_PID. A failed NIC init leaves no driver.
   */
  registerDriver(pid: number): Result<'registered' | 'already-registered'> {
    if (this.driverRegistered) return ok('already-registered');
    this.ledger.nicReset();
    const init = this.hw.nicDriver.init();
    if (!init.ok) return err('device', 'netdrv.register_driver', `NIC init failed: ${init.error.message}`);
    this.config.setMac(this.hw.nicDriver.readMacAddr());
    this.NET_DRV_PID = pid;
    this.ledger.record({ type: 'driver-registered', pid, mac: formatMac(this.config.mac) });
    return ok('registered');
  }

  /**
   * bind_port (0x37 arg1 = N): an entry for the port is updated (handover); else the first free
   * slot is taken; when all slots are full, slot 0 is overwritten [seed]. Taking a port or a slot
   * from another pid is reported as kernel.hazard.port-hijack.
   */
  bindPort(port: number, pid: number): { slot: number; previousPid: number } {
    let slot = this.PORT_REGISTRY.findIndex((e) => e.pid !== this.noPid && e.port === port);
    let how: 'handover' | 'eviction' = 'handover';
    if (slot < 0) slot = this.PORT_REGISTRY.findIndex((e) => e.pid === this.noPid);
    if (slot < 0) {
      slot = 0;
      how = 'eviction';
    }
    const entry = this.PORT_REGISTRY[slot] as RegistryEntry;
    const previousPid = entry.pid;
    const evictedPort = entry.port;
    entry.port = port;
    entry.pid = pid;
    this.ledger.record({ type: 'bind', port, pid, slot, previousPid });
    if (previousPid !== this.noPid && previousPid !== pid)
      this.ledger.hazard({ hazard: 'port-hijack', how, port, slot, previousPid, newPid: pid, evictedPort });
    return { slot, previousPid };
  }

  /** lookup_port: the pid bound to a TCP port, or null. */
  lookupPort(port: number): number | null {
    const e = this.PORT_REGISTRY.find((x) => x.pid !== this.noPid && x.port === port);
    return e ? e.pid : null;
  }

  /** Bound ports in slot order (what 0x38 reports). */
  activePorts(): number[] {
    return this.PORT_REGISTRY.filter((e) => e.pid !== this.noPid).map((e) => e.port);
  }

  /** Where a frame goes: the pid bound to its TCP destination port, else the global driver. */
  route(frame: Uint8Array, len: number): { port: number | null; dstPid: number } {
    const port = tcpDestPort(frame, len);
    const bound = port === null ? null : this.lookupPort(port);
    return { port, dstPid: bound ?? this.NET_DRV_PID };
  }

  /**
   * poll_and_deliver, called by the scheduler on every PIT tick before it picks a process.
   * Nothing happens until a driver registers (frames stay with the NIC). Then at most
   * framesPerTick receive_frame calls straight into NET_FRAME_BUF; each received frame is routed
   * and pushed as Message { port_id: len, src_pid: noPid, dst_pid, buf_addr: NET_FRAME_BUF }.
   * A frame the driver drops still uses up its call.
   */
  pollAndDeliver(): PollRecord {
    const rec: PollRecord = { calls: 0, received: [], dropped: 0 };
    if (!this.driverRegistered) return rec;
    for (let i = 0; i < this.profile.limits.framesPerTick; i++) {
      const len = this.hw.nicDriver.receiveFrame(this.rxInto);
      rec.calls++;
      if (len <= 0) {
        // 0 is "empty" or "dropped": the books know whether the ring held a frame.
        if (this.ledger.ringPending === 0) break;
        this.ledger.driverDropped(this.ledger.ringTake() as number);
        rec.dropped++;
        continue;
      }
      // A frame the books never saw enter the ring (injected behind the machine's back) is
      // entered now so the accounting still balances.
      const id = this.ledger.ringTake() ?? this.untracked();
      if (len > this.rxInto.length) {
        // A driver claiming more than the buffer it was given (a wrong one can): discard the
        // length rather than route by bytes past it.
        this.ledger.driverDropped(id);
        rec.dropped++;
        continue;
      }
      this.deliver(id, 'wire', len);
      rec.received.push(id);
    }
    this.ledger.record({ type: 'poll', calls: rec.calls, received: rec.received.slice(), dropped: rec.dropped });
    return rec;
  }

  /**
   * loopback_deliver: a frame sent to this host goes straight into NET_FRAME_BUF and to its
   * receiver, never through the NIC or the UART. Dropped while no driver is registered
   * [r2-code]. A frame longer than NET_FRAME_BUF is refused before it becomes a frame (the
   * syscall layer never passes one).
   */
  loopbackDeliver(frame: Uint8Array): Result<{ frameId: number; delivered: boolean }> {
    if (frame.length > this.NET_FRAME_BUF.length)
      return err('too-large', 'netdrv.loopback_deliver', `frame of ${frame.length} bytes exceeds NET_FRAME_BUF (${this.NET_FRAME_BUF.length})`);
    const frameId = this.ledger.looped();
    if (!this.driverRegistered) {
      this.ledger.loopbackDropped(frameId, frame.length);
      return ok({ frameId, delivered: false });
    }
    this.NET_FRAME_BUF.set(frame);
    this.ledger.record({ type: 'loopback', frameId, len: frame.length, delivered: true });
    this.deliver(frameId, 'loopback', frame.length);
    return ok({ frameId, delivered: true });
  }

  protected deliver(frameId: number, origin: FrameOrigin, len: number): void {
    const { port, dstPid } = this.route(this.NET_FRAME_BUF, len);
    const outcome = this.scheduler.push(dstPid, {
      msg: { portId: len, srcPid: this.noPid, dstPid, bufAddr: NET_FRAME_BUF_ADDR },
      ref: { kind: 'frame', id: frameId },
    });
    this.ledger.delivered(frameId, origin, len, port, dstPid, outcome);
    // Nothing releases NET_DRV_PID or a binding when its process dies (spec-notes §9.7).
    if (outcome === 'gone' && dstPid !== this.noPid) {
      const bound = port !== null && this.lookupPort(port) !== null;
      this.ledger.hazard(bound ? { hazard: 'binding-outlives-process', frameId, port: port as number, deadPid: dstPid } : { hazard: 'driver-outlives-process', frameId, deadPid: dstPid });
    }
  }

  protected untracked(): number {
    this.ledger.wireInjected({ accepted: true, offset: -1 });
    return this.ledger.ringTake() as number;
  }
}
