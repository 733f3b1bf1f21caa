// The syscall dispatcher for the network ABI, 0x33..0x38 (abi/syscall.rs; spec-notes §3), and
// userland port I/O and serial, 0x30..0x32 (port-syscalls.ts; spec-notes §10).
// It never throws: every number and argument, however wild, ends in a documented return code
// (kernel.syscall.return-codes). Pointer arguments must START inside the userland window
// (kernel.syscall.pointer-check); the lengths copied after that are not checked (hazard §9.4),
// which UserAccess makes observable.
import type { Hardware } from '../hw/api.ts';
import type { Profile } from '../spec/profile.ts';
import { emitEthernet, ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../codec/ethernet.ts';
import { ARP_PACKET_LEN } from '../codec/arp.ts';
import { IPV4_HEADER_LEN } from '../codec/ipv4.ts';
import { bytesEqual, readU16BE } from '../util/bytes.ts';
import { BUILD, IPC_MSG_BUF_ADDR, NET_FRAME_BUF_ADDR, PORT_SYS, RC, SEND, SYS } from './constants.ts';
import type { Ledger } from './ledger.ts';
import type { NetDrv } from './netdrv.ts';
import { PortSyscalls } from './port-syscalls.ts';
import { buildIcmp, buildIpv4, buildTcp, writeU16LE } from './packet-build.ts';
import type { Envelope } from './queue.ts';
import type { Process, Scheduler } from './scheduler.ts';
import type { SystemConfig } from './system-config.ts';
import { UserAccess } from './user-access.ts';

/**
 * A syscall's result: a return code (or 0x35's length), 'blocked' when 0x35 blocks the caller, or
 * 'out-of-scope' for a number rou2exOS defines outside the modelled network ABI
 * (kernel.syscall.undefined-numbers): the model gives no answer for it rather than a wrong one.
 */
export type SyscallResult = number | 'blocked' | 'out-of-scope';

/** Offsets of the IPv4 source and destination addresses inside a datagram. */
const IP_SRC = 12;
const IP_DST = 16;
const IP_TOTAL_LENGTH = 2;

const isU = (v: number, max: number): boolean => Number.isSafeInteger(v) && v >= 0 && v <= max;

export class Syscalls {
  /** MSG_BUF: the ONE kernel buffer every 0x36 copies into (hazard §9.5). */
  readonly IPC_MSG_BUF: Uint8Array;
  /** Numbers rou2exOS defines beyond 0x33..0x38 (spec data: the profile's syscalls). */
  protected readonly definedNotModelled: ReadonlySet<number>;
  /** 0x30..0x32 over the drivers' bus. */
  protected readonly ports: PortSyscalls;

  constructor(
    protected readonly profile: Profile,
    protected readonly hw: Hardware,
    protected readonly scheduler: Scheduler,
    protected readonly netdrv: NetDrv,
    protected readonly ledger: Ledger,
    protected readonly config: SystemConfig,
  ) {
    this.IPC_MSG_BUF = new Uint8Array(profile.limits.ipcMessageBytes);
    this.definedNotModelled = new Set(profile.syscalls.definedNotModelled);
    this.ports = this.portSyscalls();
  }

  /** Builds the 0x30..0x32 handler (the deliberately wrong implementations build their own). */
  protected portSyscalls(): PortSyscalls {
    return new PortSyscalls(this.profile, this.hw, { netFrameBuf: this.netdrv.NET_FRAME_BUF, ipcMsgBuf: this.IPC_MSG_BUF }, this.ledger);
  }

  /** Runs syscall `no` for process `p` (which must not be inside a blocked receive). */
  dispatch(p: Process, no: number, arg1: number, arg2: number): SyscallResult {
    const ua = new UserAccess(p, no, this.ledger);
    try {
      switch (no) {
        case SYS.CreatePacket:
          return this.createPacket(ua, p, arg1, arg2);
        case SYS.SendPacket:
          return this.sendPacket(ua, p, arg1, arg2);
        case SYS.Receive:
          return this.receive(ua, p, arg1, arg2);
        case SYS.IpcSend:
          return this.ipcSend(ua, p, arg1, arg2);
        case SYS.Register:
          return this.register(p, arg1);
        case SYS.NetStatus:
          return this.netStatus(ua, p, arg1);
        case PORT_SYS.PortWrite:
        case PORT_SYS.PortRead:
        case PORT_SYS.Serial:
          return this.ports.dispatch(ua, p, no, arg1, arg2);
        default:
          // r2 answers InvalidSyscall only for numbers it does not define; the ones it defines
          // outside the network ABI are out of this model's scope (kernel.syscall.undefined-numbers).
          return this.definedNotModelled.has(no) ? 'out-of-scope' : RC.InvalidSyscall;
      }
    } finally {
      ua.finish();
    }
  }

  /** The scheduler picked a process whose blocking 0x35 was woken: complete it. Null if its queue is (still) empty. */
  completeReceive(p: Process): number | null {
    const pending = p.pendingReceive;
    if (!pending) return null;
    const env = this.scheduler.popMsg(p.pid);
    if (!env) {
      this.scheduler.block(p.pid, pending.bufAddr);
      return null;
    }
    p.pendingReceive = null;
    const ua = new UserAccess(p, SYS.Receive, this.ledger);
    const result = this.copyOut(ua, p, env, pending.bufAddr);
    ua.finish();
    this.ledger.record({ type: 'resume', pid: p.pid, result });
    return result;
  }

  protected inWindow(p: Process, addr: number): boolean {
    return p.memory.inWindow(addr);
  }

  // --- 0x33 -----------------------------------------------------------------------------------

  protected createPacket(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (!this.inWindow(p, arg2)) return RC.InvalidInput;
    switch (arg1) {
      case BUILD.Ipv4:
        return buildIpv4(ua, arg2, this.profile);
      case BUILD.Icmp:
        return buildIcmp(ua, arg2);
      case BUILD.Tcp:
        return buildTcp(ua, arg2, this.profile);
      default:
        // r2 ignores unknown types and returns Okay; InvalidInput tells the caller nothing was
        // built (kernel.decision.0x33-unknown-type).
        return RC.InvalidInput;
    }
  }

  // --- 0x34 -----------------------------------------------------------------------------------

  protected sendPacket(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (!this.inWindow(p, arg2)) return RC.InvalidInput;
    if (arg1 === SEND.RawEthernet) return this.sendRawEthernet(ua, arg2);
    if (arg1 === SEND.Ipv4) return this.sendIpv4(ua, arg2);
    return RC.InvalidInput; // kernel.decision.0x34-unknown-type
  }

  /**
   * 0x34/0x04: the frame length comes from the headers [seed]: EtherType 0x0800 → 14 +
   * total_length (frame bytes 16..18), 0x0806 → 42, anything else → 0. Only 14..=maxEthernetFrame
   * is sent; otherwise nothing is sent and the call returns InvalidInput
   * (kernel.decision.0x34-length-out-of-range). An IPv4 frame whose src_ip equals its dst_ip is
   * looped back and never reaches the NIC (kernel.decision.loopback-both-paths).
   */
  protected sendRawEthernet(ua: UserAccess, addr: number): number {
    const head = ua.fromUser(addr, ETHERNET_HEADER_LEN);
    const etherType = readU16BE(head, 12);
    let len = 0;
    if (etherType === ETHERTYPE_IPV4) len = ETHERNET_HEADER_LEN + readU16BE(ua.fromUser(addr + ETHERNET_HEADER_LEN + IP_TOTAL_LENGTH, 2), 0);
    else if (etherType === ETHERTYPE_ARP) len = ETHERNET_HEADER_LEN + ARP_PACKET_LEN;
    if (len < ETHERNET_HEADER_LEN || len > this.profile.limits.maxEthernetFrame) return RC.InvalidInput;
    const frame = ua.fromUser(addr, len);
    if (etherType === ETHERTYPE_IPV4 && len >= ETHERNET_HEADER_LEN + IPV4_HEADER_LEN) {
      const ip = frame.subarray(ETHERNET_HEADER_LEN);
      if (bytesEqual(ip.subarray(IP_SRC, IP_SRC + 4), ip.subarray(IP_DST, IP_DST + 4))) {
        this.netdrv.loopbackDeliver(frame);
        return RC.Okay;
      }
    }
    const sent = this.hw.nicDriver.sendFrame(frame, len);
    if (sent.ok) this.ledger.record({ type: 'tx', path: 'nic', len, ok: true });
    else {
      // e.g. no driver has initialised the NIC yet: nothing is sent and nobody is told.
      this.ledger.record({ type: 'tx', path: 'nic', len, ok: false, detail: sent.error.message });
      this.ledger.hazard({ hazard: 'silent-loss', cause: 'tx-refused', bytes: len });
    }
    return RC.Okay; // r2 ignores send_frame's result
  }

  /**
   * 0x34/0x01: length = the datagram's total_length; out through SLIP on the UART. An encoding
   * over the SLIP buffer is silently dropped and the call still returns Okay, as in r2
   * (kernel.hazard.silent-loss). total_length < 20 cannot hold the header: InvalidInput
   * (kernel.decision.0x34-ipv4-short). src_ip == dst_ip: looped back, wrapped in an Ethernet
   * header (kernel.decision.looped-ipv4-frame).
   */
  protected sendIpv4(ua: UserAccess, addr: number): number {
    const total = readU16BE(ua.fromUser(addr + IP_TOTAL_LENGTH, 2), 0);
    if (total < IPV4_HEADER_LEN) return RC.InvalidInput;
    const datagram = ua.fromUser(addr, total);
    if (bytesEqual(datagram.subarray(IP_SRC, IP_SRC + 4), datagram.subarray(IP_DST, IP_DST + 4))) {
      if (ETHERNET_HEADER_LEN + total > this.netdrv.NET_FRAME_BUF.length) return RC.InvalidInput;
      const frame = emitEthernet({ dst: this.config.mac, src: new Uint8Array(6), etherType: ETHERTYPE_IPV4, payload: datagram });
      if (!frame.ok) return RC.InvalidInput;
      this.netdrv.loopbackDeliver(frame.value);
      return RC.Okay;
    }
    const sent = this.hw.serialNet.sendPacket(datagram);
    if (sent.ok) this.ledger.record({ type: 'tx', path: 'serial', len: total, ok: true });
    else {
      this.ledger.record({ type: 'tx', path: 'serial', len: total, ok: false, detail: sent.error.message });
      this.ledger.hazard({ hazard: 'silent-loss', cause: 'slip-too-large', bytes: total });
    }
    return RC.Okay;
  }

  // --- 0x35 -----------------------------------------------------------------------------------

  /**
   * Pop one message and copy its payload out; return its length. Empty queue: 0 when arg1 is 0,
   * else the caller blocks and the call completes when the scheduler next picks it after a push
   * (kernel.decision.blocking-receive-result).
   */
  protected receive(ua: UserAccess, p: Process, arg1: number, arg2: number): SyscallResult {
    if (!this.inWindow(p, arg2)) return RC.InvalidInput;
    const env = this.scheduler.popMsg(p.pid);
    if (env) return this.copyOut(ua, p, env, arg2);
    if (arg1 === 0) return 0;
    this.scheduler.block(p.pid, arg2);
    return 'blocked';
  }

  /**
   * Copies msg.portId bytes, or ipcMessageBytes when portId is 0, from the kernel buffer the
   * message points at into the user buffer — whatever that buffer holds NOW (hazards §9.1, §9.5).
   */
  protected copyOut(ua: UserAccess, p: Process, env: Envelope, bufAddr: number): number {
    const { msg, ref } = env;
    const len = msg.portId > 0 ? msg.portId : this.profile.limits.ipcMessageBytes;
    const source = msg.bufAddr === NET_FRAME_BUF_ADDR ? this.netdrv.NET_FRAME_BUF : msg.bufAddr === IPC_MSG_BUF_ADDR ? this.IPC_MSG_BUF : undefined;
    const bytes = new Uint8Array(len);
    if (source) bytes.set(source.subarray(0, Math.min(len, source.length)));
    ua.toUser(bufAddr, bytes);
    if (ref.kind === 'frame') this.ledger.netRead(p.pid, ref.id, len);
    else this.ledger.ipcRead(p.pid, ref.id, msg.srcPid, len);
    return len;
  }

  // --- 0x36 -----------------------------------------------------------------------------------

  /** Copy ipcMessageBytes into the one kernel IPC buffer, push { port_id 0 } to the target, wake it. */
  protected ipcSend(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (!this.inWindow(p, arg2)) return RC.InvalidInput;
    // kernel.decision.0x36-unknown-pid; an exited or killed pid no longer exists (kernel.decision.process-0x36-exited)
    if (!this.scheduler.live(arg1)) return RC.InvalidInput;
    const target = arg1;
    this.IPC_MSG_BUF.set(ua.fromUser(arg2, this.IPC_MSG_BUF.length));
    const id = this.ledger.ipcWritten(p.pid, target);
    const pushed = this.scheduler.pushMsg(target, {
      msg: { portId: 0, srcPid: p.pid, dstPid: target, bufAddr: IPC_MSG_BUF_ADDR },
      ref: { kind: 'ipc', id },
    });
    this.ledger.ipcQueued(id, target, pushed);
    this.scheduler.wake(target);
    return RC.Okay; // a full queue loses the message silently, as in r2
  }

  // --- 0x37 -----------------------------------------------------------------------------------

  protected register(p: Process, arg1: number): number {
    if (arg1 === 0) {
      // Idempotent; only a NIC that cannot be initialised refuses (kernel.decision.driver-init-failure).
      return this.netdrv.registerDriver(p.pid).ok ? RC.Okay : RC.NotImplemented;
    }
    if (!isU(arg1, 0xffff)) return RC.InvalidInput; // kernel.decision.bind-port-range
    this.netdrv.bindPort(arg1, p.pid);
    return RC.Okay;
  }

  // --- 0x38 -----------------------------------------------------------------------------------

  /**
   * NetStatus { mac[6], ip[4], drv_active u8, n_ports u8, ports[16] u16 } packed, netStatusBytes
   * long, at the pointer in arg1. Ports are the bound ports in slot order, then zeros; each u16
   * is little-endian, the native order of the x86-64 struct (kernel.syscall.0x38.byte-order).
   */
  protected netStatus(ua: UserAccess, p: Process, arg1: number): number {
    if (!this.inWindow(p, arg1)) return RC.InvalidInput;
    ua.toUser(arg1, this.netStatusBytes());
    return RC.Okay;
  }

  netStatusBytes(): Uint8Array {
    const out = new Uint8Array(this.profile.limits.netStatusBytes);
    out.set(this.config.mac.subarray(0, 6), 0);
    out.set(this.config.ip.subarray(0, 4), 6);
    out[10] = this.netdrv.driverRegistered ? 1 : 0;
    const ports = this.netdrv.activePorts();
    out[11] = ports.length;
    const slots = Math.min(this.profile.limits.portBindings, Math.floor((out.length - 12) / 2));
    for (let i = 0; i < Math.min(ports.length, slots); i++) writeU16LE(out, 12 + 2 * i, ports[i] as number);
    return out;
  }
}
