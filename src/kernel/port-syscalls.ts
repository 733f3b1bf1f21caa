// Userland port I/O and serial, 0x30..0x32 (docs/abi/syscalls/port_networking.md; spec-notes §10).
// They reach the SAME bus the drivers use, so a process can program the RTL8139, the UART or any
// other device (hazard §9.6). The checks are r2's, no more: 0x30 dereferences both pointers
// unchecked, 0x31 only checks where it stores its result, 0x32 checks its value pointer.
// An unchecked pointer reads whatever the kernel would read there (kernel.decision.portio-unchecked-pointer-memory).
import type { Hardware } from '../hw/api.ts';
import { UART_REG } from '../hw/uart16550.ts';
import { RTL8139_IO_SIZE as NIC_IO_SIZE } from '../hw/rtl8139-regs.ts';
import { SerialPort } from '../drivers/serial.ts';
import type { Profile } from '../spec/profile.ts';
import { IPC_MSG_BUF_ADDR, NET_FRAME_BUF_ADDR, PORT_SYS, RC, SERIAL_OP } from './constants.ts';
import type { Ledger } from './ledger.ts';
import { readU16LE, readU32LE } from './packet-build.ts';
import type { Process } from './scheduler.ts';
import type { UserAccess } from './user-access.ts';

/** The x86 I/O space: ports 0..0xFFFF. */
const LAST_PORT = 0xffff;
/** Guest physical memory is a 32-bit space (hw/memory.ts). */
const PHYS_LIMIT = 2 ** 32;

/** The kernel buffers an unchecked pointer may land on, at their kernel addresses. */
export interface KernelBuffers {
  netFrameBuf: Uint8Array;
  ipcMsgBuf: Uint8Array;
}

const u32le = (v: number): Uint8Array => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);

export class PortSyscalls {
  /** COM1 as serial.rs drives it, over the same bus as everything else. */
  protected readonly com1: SerialPort;

  constructor(
    protected readonly profile: Profile,
    protected readonly hw: Hardware,
    protected readonly buffers: KernelBuffers,
    protected readonly ledger: Ledger,
  ) {
    this.com1 = new SerialPort(hw.bus, profile);
  }

  dispatch(ua: UserAccess, p: Process, no: number, arg1: number, arg2: number): number {
    if (no === PORT_SYS.PortWrite) return this.portWrite(p, arg1, arg2);
    if (no === PORT_SYS.PortRead) return this.portRead(ua, p, arg1, arg2);
    return this.serial(ua, p, arg1, arg2);
  }

  /** The pointer check of a checked argument (spec-notes §1): its start must lie in the window. */
  protected checked(p: Process, addr: number): boolean {
    return p.memory.inWindow(addr);
  }

  /** 0x30: out of width 1 — the low byte of *arg2 (u32) to the port *arg1 (u16). Neither pointer is checked. */
  protected portWrite(p: Process, arg1: number, arg2: number): number {
    const port = readU16LE(this.unchecked(p, PORT_SYS.PortWrite, 'arg1', arg1, 2), 0);
    const value = readU32LE(this.unchecked(p, PORT_SYS.PortWrite, 'arg2', arg2, 4), 0) & 0xff;
    const register = port - this.profile.defaults.nicIoFallback;
    // Any process reprograms the NIC under its driver (kernel.hazard.portio-nic-reprogram).
    if (register >= 0 && register < NIC_IO_SIZE) this.ledger.hazard({ hazard: 'portio-nic-reprogram', pid: p.pid, port, register, value });
    this.hw.bus.outb(port, value);
    return RC.Okay;
  }

  /** 0x31: a 32-bit in from the port *arg1 (unchecked), stored at arg2 (checked) as a little-endian u32. */
  protected portRead(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (!this.checked(p, arg2)) return RC.InvalidInput;
    const port = readU16LE(this.unchecked(p, PORT_SYS.PortRead, 'arg1', arg1, 2), 0);
    ua.toUser(arg2, u32le(this.inl(port)));
    return RC.Okay;
  }

  /**
   * A dword read whose bytes would run past port 0xFFFF reads the ports up to 0xFFFF byte by
   * byte; the bytes beyond the 64 Ki space float high (kernel.decision.portio-0x31-last-ports).
   */
  protected inl(port: number): number {
    if (port + 3 <= LAST_PORT) return this.hw.bus.inl(port);
    let v = 0;
    for (let i = 0; i < 4; i++) v += (port + i <= LAST_PORT ? this.hw.bus.inb(port + i) : 0xff) * 2 ** (8 * i);
    return v;
  }

  /** 0x32: COM1 init (arg2 must be 0), read one byte into *arg2, write the low byte of *arg2. */
  protected serial(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    switch (arg1) {
      case SERIAL_OP.Init:
        if (arg2 !== 0) return RC.InvalidInput;
        this.com1.init();
        return RC.Okay;
      case SERIAL_OP.Read:
        // The pointer first: a refused call consumes no byte (kernel.decision.portio-0x32-read-order).
        if (!this.checked(p, arg2)) return RC.InvalidInput;
        if (!this.com1.ready()) return RC.InvalidInput; // "no data" is told apart from a byte
        ua.toUser(arg2, u32le(this.hw.bus.inb(this.profile.defaults.comBase + UART_REG.RBR_THR_DLL)));
        return RC.Okay;
      case SERIAL_OP.Write: {
        if (!this.checked(p, arg2)) return RC.InvalidInput;
        const value = readU32LE(ua.fromUser(arg2, 4), 0);
        this.com1.write(value & 0xff); // spins on THRE; the model UART always gets there
        return RC.Okay;
      }
      default:
        return RC.InvalidInput; // kernel.decision.portio-0x32-unknown-op
    }
  }

  /**
   * What the kernel reads at an address nobody checked (kernel.decision.portio-unchecked-pointer-memory):
   * the caller's own memory (window and the stored bytes past it), the kernel's buffers at their
   * kernel addresses, guest physical memory for any other address below 2^32 (the RX ring and TX
   * buffers live there; zero where nothing was written), and zero for anything else.
   */
  protected unchecked(p: Process, syscall: number, arg: 'arg1' | 'arg2', addr: number, len: number): Uint8Array {
    // A pointer not wholly inside the window reads memory the caller does not own (kernel.hazard.portio-unchecked-pointers).
    if (!p.memory.inWindow(addr) || !p.memory.inWindow(addr + len - 1)) this.ledger.hazard({ hazard: 'portio-unchecked-pointers', pid: p.pid, syscall, arg, addr, len });
    return this.kernelRead(p, addr, len);
  }

  protected kernelRead(p: Process, addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.byteAt(p, addr + i);
    return out;
  }

  private byteAt(p: Process, a: number): number {
    if (!Number.isSafeInteger(a) || a < 0 || a >= PHYS_LIMIT) return 0;
    if (p.memory.stored(a, 1)) return p.memory.read(a, 1)[0]!;
    const { netFrameBuf, ipcMsgBuf } = this.buffers;
    if (a >= NET_FRAME_BUF_ADDR && a < NET_FRAME_BUF_ADDR + netFrameBuf.length) return netFrameBuf[a - NET_FRAME_BUF_ADDR]!;
    if (a >= IPC_MSG_BUF_ADDR && a < IPC_MSG_BUF_ADDR + ipcMsgBuf.length) return ipcMsgBuf[a - IPC_MSG_BUF_ADDR]!;
    return this.hw.memory.read(a, 1)[0] ?? 0;
  }
}
