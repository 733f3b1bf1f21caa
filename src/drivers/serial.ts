// serial.rs as documented (spec-notes §7): COM1 init, ready (LSR.DR), read, and write that
// spins on LSR.THRE. The spin goes through the bus, so the UART model advances virtual time.
import type { PortIo } from '../hw/bus.ts';
import type { Profile } from '../spec/profile.ts';
import { err, ok, type Result } from '../util/result.ts';
import { FCR, LCR, LSR, UART_REG } from '../hw/uart16550.ts';

/** Documented init values (spec-notes §7). The divisor comes from the profile. */
const INIT = {
  IER: 0x00, // no interrupts: the kernel polls
  LCR_DLAB: LCR.DLAB, // 0x80: expose the divisor latch
  LCR_8N1: 0x03, // 8 data bits, no parity, 1 stop bit; DLAB off
  FCR: FCR.ENABLE | FCR.CLEAR_RX | FCR.CLEAR_TX | FCR.TRIGGER, // 0xC7: FIFOs on, cleared, 14-byte trigger
  MCR: 0x0b, // DTR | RTS | OUT2
} as const;

/**
 * r2 spins forever; a wedged or absent UART would hang the reference. Polls of LSR before a
 * read or write gives up (the model needs at most two per byte: THRE clear, then set).
 */
export const SERIAL_SPIN_LIMIT = 100_000;

export class SerialPort {
  protected readonly io: PortIo;
  protected readonly base: number;
  protected readonly profile: Profile;

  constructor(io: PortIo, profile: Profile, base = profile.defaults.comBase) {
    this.io = io;
    this.profile = profile;
    this.base = base;
  }

  init(): void {
    const b = this.base;
    const divisor = this.profile.limits.serialDivisor;
    this.io.outb(b + UART_REG.IER_DLM, INIT.IER);
    this.io.outb(b + UART_REG.LCR, INIT.LCR_DLAB);
    this.io.outb(b + UART_REG.RBR_THR_DLL, divisor & 0xff); // DLL
    this.io.outb(b + UART_REG.IER_DLM, (divisor >>> 8) & 0xff); // DLM
    this.io.outb(b + UART_REG.LCR, INIT.LCR_8N1);
    this.io.outb(b + UART_REG.IIR_FCR, INIT.FCR);
    this.io.outb(b + UART_REG.MCR, INIT.MCR);
  }

  /** A received byte is waiting (LSR bit 0). */
  ready(): boolean {
    return (this.io.inb(this.base + UART_REG.LSR) & LSR.DR) !== 0;
  }

  /** Waits (bounded) for a received byte and returns it. */
  read(): Result<number> {
    for (let n = 0; n < SERIAL_SPIN_LIMIT; n++) {
      if (this.ready()) return ok(this.io.inb(this.base + UART_REG.RBR_THR_DLL));
    }
    return err('device', 'serial.read', 'no byte received');
  }

  /** Waits (bounded) for THRE, then writes the byte to THR. */
  write(byte: number): Result<void> {
    for (let n = 0; n < SERIAL_SPIN_LIMIT; n++) {
      if (this.io.inb(this.base + UART_REG.LSR) & LSR.THRE) {
        this.io.outb(this.base + UART_REG.RBR_THR_DLL, byte & 0xff);
        return ok(undefined);
      }
    }
    return err('device', 'serial.write', 'transmitter never became ready (LSR.THRE stayed clear)');
  }
}
