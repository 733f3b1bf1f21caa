// Deliberately wrong kernels for the routing, loopback and tick families of issue 9: each is a
// bug only a generator that makes independent relations coincide shows (a bound high port and
// a frame to it, a frame built to fool routing whose would-be port is bound, a datagram to the
// host's own IP from another source) or a check made exact (the tick's steps and its
// receive_frame calls). Built like kernel.ts: the reference with one component subclassed.
import type { Mutant } from './mutant.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import type { KernelComponents } from '../../src/kernel/kernel.ts';
import { NetDrv, tcpDestPort } from '../../src/kernel/netdrv.ts';
import { Scheduler, type TickRecord } from '../../src/kernel/scheduler.ts';
import { Syscalls } from '../../src/kernel/syscalls.ts';
import type { UserAccess } from '../../src/kernel/user-access.ts';
import { emitEthernet } from '../../src/codec/ethernet.ts';
import { bytesEqual, readU16BE } from '../../src/util/bytes.ts';
import { RC } from '../../src/kernel/constants.ts';

const withComponents = (components: Partial<KernelComponents>) => kernelExecutor((profile, options) => createMachine(profile, { ...options, components }));

/** A NetDrv whose tcp_dest_port is `port` (the registry and everything else as the reference). */
const routingBy = (port: (frame: Uint8Array, len: number) => number | null) =>
  class extends NetDrv {
    override route(frame: Uint8Array, len: number): { port: number | null; dstPid: number } {
      const p = port(frame, len);
      const bound = p === null ? null : this.lookupPort(p);
      return { port: p, dstPid: bound ?? this.NET_DRV_PID };
    }
  };

/** The port read as a signed 16-bit value: ports 0x8000..0xFFFF come out negative and match no binding. */
const SignedPortNetDrv = routingBy((f, len) => {
  const p = tcpDestPort(f, len);
  return p === null ? null : (p << 16) >> 16;
});

/** tcp_dest_port never looks at the EtherType: IPv4/TCP bytes under any EtherType route by port. */
const EtherTypeBlindNetDrv = routingBy((f, len) => {
  const relabelled = Uint8Array.from(f.subarray(0, len));
  relabelled.set([0x08, 0x00], 12);
  return tcpDestPort(relabelled, len);
});

/** tcp_dest_port drops the IHL >= 5 rule: it reads the u16 at 14 + IHL*4 + 2 whatever IHL is. */
const IhlBelow5NetDrv = routingBy((f, len) => {
  if (len < 34 || readU16BE(f, 12) !== 0x0800 || f[23] !== 6) return null;
  const at = 14 + (f[14]! & 0x0f) * 4;
  return len < at + 4 ? null : readU16BE(f, at + 2);
});

/** tcp_dest_port wants the whole 20-byte TCP header, not just the 4 bytes that hold the port. */
const WholeHeaderNetDrv = routingBy((f, len) => {
  const p = tcpDestPort(f, len);
  return p !== null && len >= 14 + (f[14]! & 0x0f) * 4 + 20 ? p : null;
});

/** Every TCP frame goes to the driver: the registry is never consulted. */
const DriverOnlyNetDrv = routingBy(() => null);

/** lookup_port matches free slots too (they hold port 0): a frame to port 0 goes to the no-pid sentinel. */
class FreeSlotLookupNetDrv extends NetDrv {
  override lookupPort(port: number): number | null {
    const e = this.PORT_REGISTRY.find((x) => x.port === port);
    return e ? e.pid : null;
  }
}

/** 0x34/0x01 loops a datagram back when its dst_ip is the host's own IP, instead of when src_ip == dst_ip. */
class OwnIpLoopSyscalls extends Syscalls {
  protected override sendIpv4(ua: UserAccess, addr: number): number {
    const total = readU16BE(ua.fromUser(addr + 2, 2), 0);
    if (total < 20) return super.sendIpv4(ua, addr);
    const d = ua.fromUser(addr, total);
    const toHost = bytesEqual(d.subarray(16, 20), this.config.ip);
    const same = bytesEqual(d.subarray(12, 16), d.subarray(16, 20));
    if (toHost === same) return super.sendIpv4(ua, addr);
    if (!toHost) {
      this.hw.serialNet.sendPacket(d);
      return RC.Okay;
    }
    if (14 + total > this.netdrv.NET_FRAME_BUF.length) return RC.InvalidInput;
    const frame = emitEthernet({ dst: this.config.mac, src: new Uint8Array(6), etherType: 0x0800, payload: d });
    if (!frame.ok) return RC.InvalidInput;
    this.netdrv.loopbackDeliver(frame.value);
    return RC.Okay;
  }
}

/** The tick counts as receive_frame calls only the frames it got (not the call that found the ring empty). */
class FramesAsCallsScheduler extends Scheduler {
  override tick(): TickRecord {
    const t = super.tick();
    return { ...t, poll: { ...t.poll, calls: t.poll.received.length + t.poll.dropped } };
  }
}

/** The tick reports a completed receive before the pick that chose the process. */
class ResumeFirstScheduler extends Scheduler {
  override tick(): TickRecord {
    const t = super.tick();
    return t.order.includes('resume') ? { ...t, order: ['poll', 'resume', 'pick'] } : t;
  }
}

export const kernelRoutingMutants: Mutant[] = [
  {
    name: 'routing-port-signed',
    layer: 'kernel',
    description: 'tcp_dest_port is read as a signed 16-bit number, so frames to bound ports >= 0x8000 go to the driver',
    caughtBy: ['kernel.model.routing'],
    breaks: ['kernel.routing.tcp-dest-port'],
    executor: withComponents({ netdrv: (...a) => new SignedPortNetDrv(...a) }),
  },
  {
    name: 'routing-ignores-ethertype',
    layer: 'kernel',
    description: 'tcp_dest_port ignores the EtherType: an IPv4/TCP datagram under another EtherType goes to the pid bound to its port',
    caughtBy: ['kernel.model.routing'],
    breaks: ['kernel.routing.default-driver'],
    executor: withComponents({ netdrv: (...a) => new EtherTypeBlindNetDrv(...a) }),
  },
  {
    name: 'routing-reads-port-below-ihl-5',
    layer: 'kernel',
    description: 'tcp_dest_port drops the IHL >= 5 rule and reads the port at 14 + IHL*4 + 2, inside the IPv4 header',
    caughtBy: ['kernel.model.routing'],
    breaks: ['kernel.routing.ihl-below-5'],
    executor: withComponents({ netdrv: (...a) => new IhlBelow5NetDrv(...a) }),
  },
  {
    name: 'routing-needs-whole-tcp-header',
    layer: 'kernel',
    description: 'tcp_dest_port is None unless the whole 20-byte TCP header is there, so a frame that holds only the port goes to the driver',
    caughtBy: ['kernel.model.routing'],
    breaks: ['kernel.routing.tcp-dest-port'],
    executor: withComponents({ netdrv: (...a) => new WholeHeaderNetDrv(...a) }),
  },
  {
    name: 'routing-port-0-matches-free-slot',
    layer: 'kernel',
    description: 'lookup_port also matches free registry slots (port 0, no pid), so a frame to TCP port 0 goes to the no-pid sentinel instead of the driver',
    caughtBy: ['kernel.model.routing'],
    breaks: ['kernel.routing.default-driver'],
    executor: withComponents({ netdrv: (...a) => new FreeSlotLookupNetDrv(...a) }),
  },
  {
    name: 'routing-every-tcp-frame-to-driver',
    layer: 'kernel',
    description: 'the registry is never consulted: every TCP frame goes to the driver, bound port or not',
    caughtBy: ['kernel.model.routing'],
    breaks: ['kernel.routing.bound-port'],
    executor: withComponents({ netdrv: (...a) => new DriverOnlyNetDrv(...a) }),
  },
  {
    name: 'loopback-when-dst-is-own-ip',
    layer: 'kernel',
    description: '0x34/0x01 loops a datagram back when dst_ip is the host\'s own IP (and sends src_ip == dst_ip datagrams for other hosts out), instead of looping exactly when src_ip == dst_ip',
    caughtBy: ['kernel.model.transmit'],
    breaks: ['kernel.syscall.0x34.ipv4-serial'],
    executor: withComponents({ syscalls: (...a) => new OwnIpLoopSyscalls(...a) }),
  },
  {
    name: 'tick-polled-counts-frames',
    layer: 'kernel',
    description: "the tick's polled count leaves out the receive_frame call that finds the ring empty",
    caughtBy: ['kernel.model.polling'],
    breaks: ['kernel.poll.frames-per-tick'],
    executor: withComponents({ scheduler: (...a) => new FramesAsCallsScheduler(...a) }),
  },
  {
    name: 'tick-resume-before-pick',
    layer: 'kernel',
    description: "the tick reports a completed blocked receive before the pick ('poll', 'resume', 'pick')",
    caughtBy: ['kernel.model.polling', 'kernel.model.receive-ipc'],
    breaks: ['kernel.tick.poll-before-pick'],
    executor: withComponents({ scheduler: (...a) => new ResumeFirstScheduler(...a) }),
  },
];
