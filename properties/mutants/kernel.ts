// Deliberately wrong kernels: the reference machine with one component replaced by a subclass
// that breaks one documented rule (no bug flags in the reference — the kernel only lets a
// caller choose how its components are built). Each is caught by the property it names.
import type { Mutant } from './mutant.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import type { KernelComponents } from '../../src/kernel/kernel.ts';
import { NetDrv } from '../../src/kernel/netdrv.ts';
import { Scheduler, type Process, type TickRecord } from '../../src/kernel/scheduler.ts';
import { Syscalls, type SyscallResult } from '../../src/kernel/syscalls.ts';
import { Ledger } from '../../src/kernel/ledger.ts';
import type { UserAccess } from '../../src/kernel/user-access.ts';
import type { Profile } from '../../src/spec/profile.ts';
import { readU16BE } from '../../src/util/bytes.ts';
import { ok } from '../../src/util/result.ts';
import { IPC_MSG_BUF_ADDR, RC } from '../../src/kernel/constants.ts';

/** The kernel layer over machines whose components are built by `components`. */
const withComponents = (components: Partial<KernelComponents>) => kernelExecutor((profile, options) => createMachine(profile, { ...options, components }));

const withLimits = (profile: Profile, limits: Partial<Profile['limits']>): Profile => ({ ...profile, limits: { ...profile.limits, ...limits } });
const withDefaults = (profile: Profile, defaults: Partial<Profile['defaults']>): Profile => ({ ...profile, defaults: { ...profile.defaults, ...defaults } });

// --- netdrv ------------------------------------------------------------------------------------------

/** tcp_dest_port reads the port 14 + 20 + 2 bytes in, whatever IHL says. */
class IhlBlindNetDrv extends NetDrv {
  override route(frame: Uint8Array, len: number): { port: number | null; dstPid: number } {
    const ipv4Tcp = len >= 38 && readU16BE(frame, 12) === 0x0800 && frame[23] === 6;
    const port = ipv4Tcp ? readU16BE(frame, 36) : null;
    const bound = port === null ? null : this.lookupPort(port);
    return { port, dstPid: bound ?? this.NET_DRV_PID };
  }
}

/** A full registry overwrites its LAST slot instead of slot 0. */
class LastSlotNetDrv extends NetDrv {
  override bindPort(port: number, pid: number): { slot: number; previousPid: number } {
    const full = this.PORT_REGISTRY.every((e) => e.pid !== this.noPid);
    const known = this.PORT_REGISTRY.some((e) => e.pid !== this.noPid && e.port === port);
    if (!full || known) return super.bindPort(port, pid);
    const slot = this.PORT_REGISTRY.length - 1;
    const entry = this.PORT_REGISTRY[slot]!;
    const previousPid = entry.pid;
    entry.port = port;
    entry.pid = pid;
    return { slot, previousPid };
  }
}

/** Rebinding a port takes a new slot instead of updating the existing entry. */
class DuplicatingNetDrv extends NetDrv {
  override bindPort(port: number, pid: number): { slot: number; previousPid: number } {
    let slot = this.PORT_REGISTRY.findIndex((e) => e.pid === this.noPid);
    if (slot < 0) slot = 0;
    const entry = this.PORT_REGISTRY[slot]!;
    const previousPid = entry.pid;
    entry.port = port;
    entry.pid = pid;
    return { slot, previousPid };
  }
}

/** Every 0x37 arg1 = 0 registers again: the NIC is reset and NET_DRV_PID moves to the caller. */
class ReRegisteringNetDrv extends NetDrv {
  override registerDriver(pid: number): ReturnType<NetDrv['registerDriver']> {
    this.NET_DRV_PID = this.noPid;
    return super.registerDriver(pid);
  }
}

/** Registration initialises the NIC but never caches its MAC in SYSTEM_CONFIG. */
class ForgetfulNetDrv extends NetDrv {
  override registerDriver(pid: number): ReturnType<NetDrv['registerDriver']> {
    const r = super.registerDriver(pid);
    this.config.setMac(new Uint8Array(6));
    return r;
  }
}

/** loopback_deliver hands the frame to the NIC instead of NET_FRAME_BUF. */
class LoopToWireNetDrv extends NetDrv {
  override loopbackDeliver(frame: Uint8Array): ReturnType<NetDrv['loopbackDeliver']> {
    this.hw.nicDriver.sendFrame(frame, frame.length);
    return ok({ frameId: 0, delivered: false });
  }
}

// --- scheduler -----------------------------------------------------------------------------------------

/** The tick picks the next process BEFORE poll_and_deliver runs. */
class PickFirstScheduler extends Scheduler {
  override tick(): TickRecord {
    const { pitHz, noPid } = this.profile.limits;
    this.ticks++;
    this.ledger.tick = this.ticks;
    this.clock.advance(1 / pitHz);
    const reaped = this.reap();
    const woken = this.wakeSleepers();
    const next = this.pickNext();
    this.current = next ? next.pid : noPid;
    const poll = this.poll();
    let resumed: TickRecord['resumed'] = null;
    if (next && next.pendingReceive && next.state === 'runnable') {
      const result = this.resume(next);
      if (result !== null) resumed = { pid: next.pid, result };
    }
    return { tick: this.ticks, time: this.ticks / pitHz, order: ['pick', 'poll'], skipped: false, woken, reaped, poll, picked: this.current, resumed };
  }
}

/** The pick ignores whether a process is blocked in a receive. */
class BlindPickScheduler extends Scheduler {
  protected override pickNext(): Process | undefined {
    const all = this.procs;
    const n = all.length;
    if (n === 0) return undefined;
    const at = all.findIndex((p) => p.pid === this.current);
    return all[(at + 1 + n) % n];
  }
}

// --- syscalls -------------------------------------------------------------------------------------------

/** The pointer check excludes the window's last address 0xA00000. */
class ExclusiveEndSyscalls extends Syscalls {
  protected override inWindow(p: Process, addr: number): boolean {
    return super.inWindow(p, addr) && addr < p.memory.windowEnd;
  }
}

/** A non-blocking 0x35 on an empty queue blocks like a blocking one. */
class AlwaysBlockingSyscalls extends Syscalls {
  protected override receive(ua: UserAccess, p: Process, _arg1: number, arg2: number): SyscallResult {
    return super.receive(ua, p, 1, arg2);
  }
}

/** 0x34/0x04 sends ARP frames with 60 bytes instead of the 42 an ARP frame has. */
class Arp60Syscalls extends Syscalls {
  protected override sendRawEthernet(ua: UserAccess, addr: number): number {
    const head = ua.fromUser(addr, 14);
    if (readU16BE(head, 12) !== 0x0806) return super.sendRawEthernet(ua, addr);
    this.hw.nicDriver.sendFrame(ua.fromUser(addr, 60), 60);
    return RC.Okay;
  }
}

/** A looped 0x34/0x01 datagram is delivered bare, without the Ethernet header. */
class BareLoopSyscalls extends Syscalls {
  protected override sendIpv4(ua: UserAccess, addr: number): number {
    const total = readU16BE(ua.fromUser(addr + 2, 2), 0);
    const d = ua.fromUser(addr, total);
    if (total >= 20 && d.subarray(12, 16).every((b, i) => b === d[16 + i])) {
      this.netdrv.loopbackDeliver(d);
      return RC.Okay;
    }
    return super.sendIpv4(ua, addr);
  }
}

/** NetStatus ports written big-endian. */
class BigEndianStatusSyscalls extends Syscalls {
  override netStatusBytes(): Uint8Array {
    const out = super.netStatusBytes();
    for (let i = 12; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
    return out;
  }
}

/** 0x37 with a port over 16 bits binds the port's low 16 bits. */
class TruncatingBindSyscalls extends Syscalls {
  protected override register(p: Process, arg1: number): number {
    if (Number.isSafeInteger(arg1) && arg1 > 0xffff) return super.register(p, arg1 & 0xffff || 1);
    return super.register(p, arg1);
  }
}

/** 0x36 queues the message but never wakes a target blocked in a receive. */
class NoWakeIpcSyscalls extends Syscalls {
  protected override ipcSend(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    const target = this.scheduler.get(arg1);
    if (!p.memory.inWindow(arg2) || !target) return super.ipcSend(ua, p, arg1, arg2);
    this.IPC_MSG_BUF.set(ua.fromUser(arg2, this.IPC_MSG_BUF.length));
    const id = this.ledger.ipcWritten(p.pid, target.pid);
    const pushed = target.queue.push({ msg: { portId: 0, srcPid: p.pid, dstPid: target.pid, bufAddr: IPC_MSG_BUF_ADDR }, ref: { kind: 'ipc', id } });
    this.ledger.ipcQueued(id, target.pid, pushed);
    return RC.Okay;
  }
}

/** 0x33 with an unknown packet type returns Okay (as r2 does) instead of the decided InvalidInput. */
class SilentBuildSyscalls extends Syscalls {
  protected override createPacket(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    const r = super.createPacket(ua, p, arg1, arg2);
    return p.memory.inWindow(arg2) && ![1, 2, 3].includes(arg1) ? RC.Okay : r;
  }
}

/** 0x33/1 keeps the request's source and destination instead of building the reply's. */
class UnswappedIpv4Syscalls extends Syscalls {
  protected override createPacket(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (arg1 !== 1 || !p.memory.inWindow(arg2)) return super.createPacket(ua, p, arg1, arg2);
    // Swap the request's addresses first, so the reference's swap restores them.
    const head = ua.fromUser(arg2, 20);
    const swapped = Uint8Array.from(head);
    swapped.set(head.subarray(16, 20), 12);
    swapped.set(head.subarray(12, 16), 16);
    ua.toUser(arg2, swapped);
    return super.createPacket(ua, p, arg1, arg2);
  }
}

// --- ledger ---------------------------------------------------------------------------------------------

/** A frame overwritten in NET_FRAME_BUF before it was read is booked as delivered and read. */
class GenerousLedger extends Ledger {
  override delivered(...args: Parameters<Ledger['delivered']>): void {
    if (this.unreadFrame !== null) {
      this.unreadFrame = null;
      this.frames.pendingUnread--;
      this.frames.deliveredAndRead++;
    }
    super.delivered(...args);
  }
}

export const kernelMutants: Mutant[] = [
  {
    name: 'routing-ignores-ihl',
    layer: 'kernel',
    description: 'tcp_dest_port reads the port 36 bytes into the frame whatever the IPv4 IHL says',
    caughtBy: ['kernel.model.routing'],
    executor: withComponents({ netdrv: (...a) => new IhlBlindNetDrv(...a) }),
  },
  {
    name: 'registry-full-overwrites-last-slot',
    layer: 'kernel',
    description: 'binding a new port into a full PORT_REGISTRY overwrites slot 15 instead of slot 0',
    caughtBy: ['kernel.model.registry'],
    executor: withComponents({ netdrv: (...a) => new LastSlotNetDrv(...a) }),
  },
  {
    name: 'rebind-takes-new-slot',
    layer: 'kernel',
    description: 'rebinding a bound port takes another slot (the port is then bound twice) instead of updating its entry',
    caughtBy: ['kernel.model.registry'],
    executor: withComponents({ netdrv: (...a) => new DuplicatingNetDrv(...a) }),
  },
  {
    name: 'driver-registration-not-idempotent',
    layer: 'kernel',
    description: 'every 0x37 arg1 = 0 registers again: the NIC is reset and the caller becomes NET_DRV_PID',
    caughtBy: ['kernel.model.registry'],
    executor: withComponents({ netdrv: (...a) => new ReRegisteringNetDrv(...a) }),
  },
  {
    name: 'mac-not-cached',
    layer: 'kernel',
    description: "driver registration never caches the NIC's MAC in SYSTEM_CONFIG, so 0x38 reports zeros",
    caughtBy: ['kernel.model.registry'],
    executor: withComponents({ netdrv: (...a) => new ForgetfulNetDrv(...a) }),
  },
  {
    name: 'two-frames-per-tick',
    layer: 'kernel',
    description: 'poll_and_deliver takes two frames a tick instead of framesPerTick (one)',
    caughtBy: ['kernel.model.polling'],
    executor: withComponents({ netdrv: (profile, ...rest) => new NetDrv(withLimits(profile, { framesPerTick: profile.limits.framesPerTick + 1 }), ...rest) }),
  },
  {
    name: 'poll-after-pick',
    layer: 'kernel',
    description: 'the PIT tick picks the next process before poll_and_deliver runs',
    caughtBy: ['kernel.model.polling'],
    executor: withComponents({ scheduler: (...a) => new PickFirstScheduler(...a) }),
  },
  {
    name: 'pick-ignores-blocked',
    layer: 'kernel',
    description: 'the round-robin pick also picks processes blocked in a receive',
    caughtBy: ['kernel.model.polling'],
    executor: withComponents({ scheduler: (...a) => new BlindPickScheduler(...a) }),
  },
  {
    name: 'queue-depth-11',
    layer: 'kernel',
    description: 'message queues hold 11 messages instead of messageQueueDepth (10)',
    caughtBy: ['kernel.model.receive-ipc'],
    executor: withComponents({ scheduler: (profile, ...rest) => new Scheduler(withLimits(profile, { messageQueueDepth: profile.limits.messageQueueDepth + 1 }), ...rest) }),
  },
  {
    name: 'nonblocking-receive-blocks',
    layer: 'kernel',
    description: '0x35 with arg1 = 0 blocks on an empty queue instead of returning 0',
    caughtBy: ['kernel.model.receive-ipc'],
    executor: withComponents({ syscalls: (...a) => new AlwaysBlockingSyscalls(...a) }),
  },
  {
    name: 'ipc-send-does-not-wake',
    layer: 'kernel',
    description: '0x36 queues its message but does not wake a target blocked in 0x35',
    caughtBy: ['kernel.model.receive-ipc'],
    executor: withComponents({ syscalls: (...a) => new NoWakeIpcSyscalls(...a) }),
  },
  {
    name: 'pointer-check-excludes-window-end',
    layer: 'kernel',
    description: 'the pointer check rejects 0xA00000, the last address of the userland window',
    caughtBy: ['kernel.model.bad-input'],
    executor: withComponents({ syscalls: (...a) => new ExclusiveEndSyscalls(...a) }),
  },
  {
    name: 'bind-port-truncated',
    layer: 'kernel',
    description: '0x37 with a port above 0xFFFF binds its low 16 bits instead of returning InvalidInput',
    caughtBy: ['kernel.model.registry', 'kernel.model.bad-input'],
    executor: withComponents({ syscalls: (...a) => new TruncatingBindSyscalls(...a) }),
  },
  {
    name: 'netstatus-big-endian',
    layer: 'kernel',
    description: 'NetStatus ports are written big-endian',
    caughtBy: ['kernel.model.registry'],
    executor: withComponents({ syscalls: (...a) => new BigEndianStatusSyscalls(...a) }),
  },
  {
    name: 'arp-length-60',
    layer: 'kernel',
    description: '0x34/0x04 takes 60 bytes for an ARP frame instead of 14 + 28 = 42 (the bytes after it leave on the wire)',
    caughtBy: ['kernel.model.transmit'],
    executor: withComponents({ syscalls: (...a) => new Arp60Syscalls(...a) }),
  },
  {
    name: 'loopback-sent-to-nic',
    layer: 'kernel',
    description: 'a src_ip == dst_ip frame is handed to the NIC instead of being looped back',
    caughtBy: ['kernel.model.transmit'],
    executor: withComponents({ netdrv: (...a) => new LoopToWireNetDrv(...a) }),
  },
  {
    name: 'looped-datagram-not-wrapped',
    layer: 'kernel',
    description: 'a looped 0x34/0x01 datagram reaches its receiver without the Ethernet header',
    caughtBy: ['kernel.model.transmit'],
    executor: withComponents({ syscalls: (...a) => new BareLoopSyscalls(...a) }),
  },
  {
    name: 'build-unknown-type-okay',
    layer: 'kernel',
    description: '0x33 with an unknown packet type returns Okay without building anything',
    caughtBy: ['kernel.model.bad-input'],
    executor: withComponents({ syscalls: (...a) => new SilentBuildSyscalls(...a) }),
  },
  {
    name: 'build-ipv4-addresses-kept',
    layer: 'kernel',
    description: "0x33/1 keeps the request's source and destination instead of swapping them",
    caughtBy: ['kernel.build.ipv4'],
    executor: withComponents({ syscalls: (...a) => new UnswappedIpv4Syscalls(...a) }),
  },
  {
    name: 'build-tcp-window-65535',
    layer: 'kernel',
    description: '0x33/3 builds segments with window 65535 instead of tcpWindow (1024)',
    caughtBy: ['kernel.build.tcp'],
    executor: withComponents({ syscalls: (profile, ...rest) => new Syscalls(withDefaults(profile, { tcpWindow: 0xffff }), ...rest) }),
  },
  {
    name: 'build-ipv4-accepts-1500',
    layer: 'kernel',
    description: "0x33/1 accepts total_length 1500 (one whole Ethernet payload) though r2 refuses total_len >= 1500",
    caughtBy: ['kernel.build.ipv4'],
    executor: withComponents({ syscalls: (profile, ...rest) => new Syscalls(withLimits(profile, { build0x33MaxTotalLength: profile.limits.build0x33MaxTotalLength + 1 }), ...rest) }),
  },
  {
    name: 'spawn-beyond-process-table',
    layer: 'kernel',
    description: "spawn hands out a 7th pid while 6 spawned processes are alive (the 10-process table already holds the kernel's 4)",
    caughtBy: ['kernel.model.bad-input'],
    executor: withComponents({ scheduler: (profile, clock, ledger) => new Scheduler(withLimits(profile, { maxProcesses: profile.limits.maxProcesses + 1 }), clock, ledger) }),
  },
  {
    name: 'defined-syscall-invalid',
    layer: 'kernel',
    description: 'syscalls rou2exOS defines outside the network ABI (0x00-0x03, 0x0A, ...) are answered InvalidSyscall (0xff) as if undefined',
    caughtBy: ['kernel.model.bad-input'],
    executor: withComponents({ syscalls: (profile, ...rest) => new Syscalls({ ...profile, syscalls: { definedNotModelled: [] } }, ...rest) }),
  },
  {
    name: 'accounting-overwritten-as-read',
    layer: 'kernel',
    description: 'the books count a frame overwritten in NET_FRAME_BUF before it was read as delivered and read',
    caughtBy: ['kernel.model.accounting'],
    executor: withComponents({ ledger: (limit) => new GenerousLedger(limit) }),
  },
];
