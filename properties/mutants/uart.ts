// Deliberately wrong 16550s: the reference UART behind a port-level wrapper that breaks one
// register rule, mapped over COM1 (later bus mappings take precedence). The line, feed and
// register observations still come from the wrapped reference UART.
import type { Mutant } from './mutant.ts';
import type { IoDevice, Width } from '../../src/hw/bus.ts';
import { createHardware, type Machine } from '../../src/hw/index.ts';
import type { Uart16550 } from '../../src/hw/uart16550.ts';
import { serialExecutor } from '../../src/iut/layers/serial.ts';
import { seedProfile } from '../../src/spec/profile.ts';

interface Twist {
  /** A byte read at `offset`, or undefined for the reference's. */
  read?(offset: number, u: Uart16550): number | undefined;
  /** Handles a byte write at `offset` (true), or leaves it to the reference (false). */
  write?(offset: number, v: number, u: Uart16550): boolean;
}

const dlab = (u: Uart16550): boolean => (u.ioRead(3, 1) & 0x80) !== 0;

class TwistedUart implements IoDevice {
  readonly name = 'uart16550';
  constructor(
    private readonly u: Uart16550,
    private readonly twist: Twist,
  ) {}
  ioRead(offset: number, width: Width): number {
    let v = 0;
    for (let i = 0; i < width; i++) v += (this.twist.read?.(offset + i, this.u) ?? this.u.ioRead(offset + i, 1)) * 2 ** (8 * i);
    return v;
  }
  ioWrite(offset: number, width: Width, value: number): void {
    for (let i = 0; i < width; i++) {
      const b = (value >>> (8 * i)) & 0xff;
      if (!this.twist.write?.(offset + i, b, this.u)) this.u.ioWrite(offset + i, 1, b);
    }
  }
}

const twisted = (twist: Twist) => (): Machine => {
  const m = createHardware(seedProfile());
  m.bus.map(new TwistedUart(m.uart, twist), m.profile.defaults.comBase, 8);
  return m;
};

/** Maps a device after COM1 (at +8) that reads 0 instead of floating high. */
const groundedNeighbour = (): Machine => {
  const m = createHardware(seedProfile());
  m.bus.map({ name: 'grounded', ioRead: () => 0, ioWrite: () => undefined }, m.profile.defaults.comBase + 8, 1);
  return m;
};

/** A UART whose wide accesses inside COM1 reach byte 0's register only. */
class NarrowUart implements IoDevice {
  readonly name = 'uart16550';
  constructor(private readonly u: Uart16550) {}
  ioRead(offset: number, width: Width): number {
    return this.u.ioRead(offset, width);
  }
  ioWrite(offset: number, _width: Width, value: number): void {
    this.u.ioWrite(offset, 1, value & 0xff);
  }
}
const narrow = (): Machine => {
  const m = createHardware(seedProfile());
  m.bus.map(new NarrowUart(m.uart), m.profile.defaults.comBase, 8);
  return m;
};

/** An RBR read with nothing received arms a slip: the next byte fed is dropped. */
const emptyReadSlips = (): Machine => {
  const m = createHardware(seedProfile());
  let slip = false;
  const feed = m.uart.feed.bind(m.uart);
  m.uart.feed = (bytes) => {
    feed(slip ? bytes.subarray(1) : bytes);
    if (bytes.length > 0) slip = false;
  };
  const read = (o: number, u: Uart16550): undefined => {
    if (o === 0 && !dlab(u) && u.registers()['rxPending'] === 0) slip = true;
    return undefined; // the reference answers
  };
  m.bus.map(new TwistedUart(m.uart, { read }), m.profile.defaults.comBase, 8);
  return m;
};

/** An FCR write that toggles bit 0 keeps the unread RX bytes (only bit 1 clears them). */
const toggleKeepsRx = (o: number, v: number, u: Uart16550): boolean => {
  const toggled = ((u.registers()['FCR'] ?? 0) ^ v) & 0x01;
  if (o !== 2 || !toggled || v & 0x02) return false;
  const lcr = u.ioRead(3, 1);
  u.ioWrite(3, 1, lcr & 0x7f);
  const kept = Uint8Array.from({ length: u.registers()['rxPending'] ?? 0 }, () => u.ioRead(0, 1));
  u.ioWrite(3, 1, lcr);
  u.ioWrite(2, 1, v);
  u.feed(kept);
  return true;
};

const uart = (name: string, description: string, caughtBy: string[], hardware: () => Machine, breaks?: string[]): Mutant => ({
  name,
  layer: 'serial',
  description,
  caughtBy,
  ...(breaks ? { breaks } : {}),
  executor: serialExecutor({ hardware }),
});

export const uartMutants: Mutant[] = [
  uart('uart-msr-echoes-scr', 'MSR reads back the scratch register', ['serial.uart.registers'], twisted({ read: (o, u) => (o === 6 ? u.ioRead(7, 1) : undefined) }), ['serial.uart.register-map']),
  // With DLAB set, a +0 read also pops a received byte (the latch and RBR not banked apart).
  uart('uart-dlab-read-pops-rbr', 'a +0 read with DLAB set returns DLL but consumes a received byte', ['serial.uart.registers'], twisted({
    read: (o, u) => {
      if (o !== 0 || !dlab(u)) return undefined;
      const dll = u.ioRead(0, 1);
      const lcr = u.ioRead(3, 1);
      u.ioWrite(3, 1, lcr & 0x7f);
      u.ioRead(0, 1);
      u.ioWrite(3, 1, lcr);
      return dll;
    },
  }), ['serial.uart.dlab']),
  uart('uart-no-parity-bit', 'the parity bit is not sent (LCR bit 3 ignored)', ['serial.uart.char-format'], twisted({ write: (o, v, u) => (o === 3 ? (u.ioWrite(3, 1, v & ~0x08), true) : false) })),
  uart('uart-fcr-clear-tx-ignored', 'FCR bit 2 does not discard the bytes waiting in the TX FIFO', ['serial.uart.tx-fifo'], twisted({ write: (o, v, u) => (o === 2 ? (u.ioWrite(2, 1, v & ~0x04), true) : false) }), ['serial.uart.tx-fifo']),
  uart('uart-iir-no-thre', 'IIR never reports THR empty (0x02): it reads "none pending" instead', ['serial.uart.lsr-iir'], twisted({ read: (o, u) => (o === 2 ? ((v) => ((v & 0x0f) === 0x02 ? (v & 0xf0) | 0x01 : v))(u.ioRead(2, 1)) : undefined) }), ['serial.uart.lsr-iir']),
  uart('uart-mcr-read-spins', 'an MCR read also reads LSR, moving virtual time while a byte waits', ['serial.clock.virtual'], twisted({ read: (o, u) => (o === 4 ? (u.ioRead(5, 1), u.ioRead(4, 1)) : undefined) }), ['serial.clock.virtual']),
  uart('uart-fcr-write-always-clears', 'every FCR write discards both FIFOs, as if bits 1 and 2 were always set', ['serial.uart.fcr-writes'], twisted({ write: (o, v, u) => (o === 2 ? (u.ioWrite(2, 1, v | 0x06), true) : false) }), ['serial.uart.tx-fifo']),
  uart('uart-fcr-toggle-keeps-rx', 'toggling FCR bit 0 without bit 1 keeps the unread received bytes', ['serial.uart.fcr-writes'], twisted({ write: toggleKeepsRx }), ['serial.uart.tx-fifo']),
  uart('uart-wide-write-first-byte', 'a 16/32-bit write inside COM1 reaches only the register of its first byte', ['serial.uart.port-decoding'], narrow, ['serial.uart.port-decoding']),
  uart('uart-empty-rbr-read-slips', 'an RBR read with nothing received makes the next byte that arrives vanish', ['serial.uart.rbr-empty-read'], emptyReadSlips, ['serial.uart.rx-no-overrun']),
  uart('uart-grounded-neighbour', 'the port after COM1 reads 0 instead of floating high', ['serial.uart.port-decoding'], groundedNeighbour, ['serial.uart.port-decoding']),
];

