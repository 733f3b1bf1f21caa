// The model's part for userland port I/O and serial, 0x30..0x32 (spec/clauses/kernel.json,
// kernel.portio.*), written from the clauses. It knows only the ports the model-based runs touch
// — unmapped ports, COM1's scratch register (the last port of its window), the NIC's station
// address registers — and COM1's receive side (bytes fed and not yet read). Ports whose effects
// reach beyond that (the NIC's other registers, the UART's THR and FCR) are exercised by the
// scenarios of properties/kernel/portio.ts and hazards-portio.ts, not here.
import type { Defaults, Limits } from '../../src/spec/profile.ts';

export const PORT_SYS = { Write: 0x30, Read: 0x31, Serial: 0x32 } as const;
export const SERIAL_OP = { Init: 0x01, Read: 0x02, Write: 0x03 } as const;

/** The 16550's registers from COM1's base (RBR/THR, …, SCR). */
export const UART = { THR: 0, IER: 1, FCR: 2, LCR: 3, MCR: 4, LSR: 5, MSR: 6, SCR: 7, SIZE: 8 } as const;
/** The RTL8139 I/O window and the registers the properties name. */
export const NIC = { IDR0: 0x00, RBSTART: 0x30, CR: 0x37, CR_RST: 0x10, SIZE: 0x100 } as const;
/** PCI configuration mechanism #1: CONFIG_ADDRESS..CONFIG_DATA+3. */
export const PCI_PORTS = { first: 0xcf8, size: 8 } as const;
export const LAST_PORT = 0xffff;
/** Guest physical memory is 32-bit (kernel.decision.unchecked-pointer-memory). */
export const PHYS_LIMIT = 2 ** 32;

/** How the model reaches the caller's memory for one syscall. */
export interface PortIoAccess {
  /** An unchecked dereference: the caller's stored memory, else zero (the model never writes kernel memory). */
  unchecked(addr: number, len: number): Uint8Array;
  /** A copy from a checked pointer (counts a crossing past the window end). */
  read(addr: number, len: number): Uint8Array;
  write(addr: number, bytes: Uint8Array): void;
  bad(why: string): number;
  inWindow(addr: number): boolean;
}

export interface PortIoEffects {
  /** The byte 0x32/0x03 put on the serial line. */
  serialByte?: number;
  /** The port a 0x30/0x31 reached, and the value written or read. */
  port?: number;
  value?: number;
}

export const readLE = (b: Uint8Array): number => b.reduce((acc, x, i) => acc + x * 2 ** (8 * i), 0);
export const u32le = (v: number): Uint8Array => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);

export class PortModel {
  /** COM1's scratch register (0 after the UART's reset). */
  scratch = 0;
  /** Bytes fed to COM1 and not yet read. */
  serialRx: number[] = [];
  readonly comBase: number;
  readonly nicBase: number;

  constructor(
    readonly limits: Limits,
    readonly defaults: Defaults,
    readonly nicMac: Uint8Array,
    readonly nicPresent: boolean,
  ) {
    this.comBase = defaults.comBase;
    this.nicBase = defaults.nicIoFallback;
  }

  /** Whether the model knows what a port does (the model-based runs touch only these). */
  known(port: number): boolean {
    if (port === this.comBase + UART.SCR) return true;
    if (this.nicPresent && port >= this.nicBase + NIC.IDR0 && port < this.nicBase + NIC.IDR0 + 6) return true;
    return !this.mapped(port);
  }

  mapped(port: number): boolean {
    const inRange = (base: number, size: number) => port >= base && port < base + size;
    return inRange(this.comBase, UART.SIZE) || inRange(PCI_PORTS.first, PCI_PORTS.size) || (this.nicPresent && inRange(this.nicBase, NIC.SIZE));
  }

  /** One byte read from a known port; an unmapped one floats high, past 0xFFFF nothing answers. */
  private inb(port: number): number {
    if (port > LAST_PORT || !this.mapped(port)) return 0xff;
    if (port === this.comBase + UART.SCR) return this.scratch;
    const idr = port - this.nicBase - NIC.IDR0;
    if (this.nicPresent && idr >= 0 && idr < 6) return this.nicMac[idr]!;
    throw new Error(`suite: the port model does not know port 0x${port.toString(16)}`);
  }

  inl(port: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) v += this.inb(port + i) * 2 ** (8 * i);
    return v;
  }

  private outb(port: number, value: number): void {
    if (port === this.comBase + UART.SCR) this.scratch = value;
    else if (this.mapped(port)) throw new Error(`suite: the port model does not know port 0x${port.toString(16)}`);
  }

  syscall(no: number, arg1: number, arg2: number, io: PortIoAccess, fx: PortIoEffects): number {
    if (no === PORT_SYS.Write) {
      // Neither pointer is checked (kernel.portio.0x30.unchecked-pointers).
      fx.port = readLE(io.unchecked(arg1, 2));
      fx.value = readLE(io.unchecked(arg2, 4)) & 0xff;
      this.outb(fx.port, fx.value);
      return 0;
    }
    if (no === PORT_SYS.Read) {
      if (!io.inWindow(arg2)) return io.bad('the result pointer (arg2) is outside the window');
      fx.port = readLE(io.unchecked(arg1, 2));
      fx.value = this.inl(fx.port);
      io.write(arg2, u32le(fx.value));
      return 0;
    }
    switch (arg1) {
      case SERIAL_OP.Init:
        if (arg2 !== 0) return io.bad('0x32/0x01 takes arg2 = 0');
        this.serialRx = [];
        return 0;
      case SERIAL_OP.Read: {
        if (!io.inWindow(arg2)) return io.bad('pointer outside the window');
        const b = this.serialRx.shift();
        if (b === undefined) return io.bad('no byte is ready on COM1');
        io.write(arg2, u32le(b));
        return 0;
      }
      case SERIAL_OP.Write:
        if (!io.inWindow(arg2)) return io.bad('pointer outside the window');
        fx.serialByte = readLE(io.read(arg2, 4)) & 0xff;
        return 0;
      default:
        return io.bad(`unknown 0x32 operation ${arg1}`);
    }
  }
}
