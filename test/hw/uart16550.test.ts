import { describe, expect, it } from 'vitest';
import { IoBus } from '../../src/hw/bus.ts';
import { Clock } from '../../src/hw/clock.ts';
import { Uart16550 } from '../../src/hw/uart16550.ts';
import { seedProfile } from '../../src/spec/profile.ts';

const COM1 = 0x3f8;
const profile = seedProfile();
const THR = COM1, IER = COM1 + 1, IIR = COM1 + 2, LCR = COM1 + 3, MCR = COM1 + 4, LSR = COM1 + 5, MSR = COM1 + 6, SCR = COM1 + 7;

function setup() {
  const clock = new Clock();
  const bus = new IoBus();
  const uart = new Uart16550({ profile, clock });
  bus.map(uart, COM1, 8);
  return { clock, bus, uart };
}

/** The documented init without the driver: divisor 3, 8N1, FIFOs. */
function programmed(divisor = 3, lcr = 0x03, fcr = 0xc7) {
  const s = setup();
  s.bus.outb(LCR, 0x80);
  s.bus.outb(COM1, divisor & 0xff);
  s.bus.outb(COM1 + 1, divisor >> 8);
  s.bus.outb(LCR, lcr);
  s.bus.outb(IIR, fcr);
  return s;
}

/** A driver's write: spin on THRE, then THR. */
function put(s: ReturnType<typeof setup>, byte: number): number {
  let spins = 0;
  while (!(s.bus.inb(LSR) & 0x20)) spins++;
  s.bus.outb(THR, byte);
  return spins;
}

describe('16550 registers', () => {
  it('resets with the transmitter empty, no data, no interrupt pending', () => {
    const { bus, uart } = setup();
    expect(bus.inb(LSR)).toBe(0x60);
    expect(bus.inb(IIR)).toBe(0x01);
    expect(bus.inb(LCR)).toBe(0);
    expect(bus.inb(MSR)).toBe(0);
    expect(uart.line).toHaveLength(0);
  });

  it('banks the divisor latch over THR/IER while DLAB is set', () => {
    const s = programmed(0x0103);
    expect(s.uart.registers()).toMatchObject({ DLL: 3, DLM: 1, divisor: 0x103, LCR: 0x03 });
    s.bus.outb(LCR, 0x83);
    expect(s.bus.inb(COM1)).toBe(3);
    expect(s.bus.inb(COM1 + 1)).toBe(1);
    s.bus.outb(LCR, 0x03);
    s.bus.outb(IER, 0xff);
    expect(s.bus.inb(IER)).toBe(0x0f);
    expect(s.uart.line).toHaveLength(0); // DLL writes are not transmitted
  });

  it('keeps MCR and the scratch register; ignores writes to LSR/MSR', () => {
    const s = setup();
    s.bus.outb(MCR, 0xfb);
    s.bus.outb(SCR, 0x5a);
    s.bus.outb(LSR, 0);
    s.bus.outb(MSR, 0xff);
    expect(s.bus.inb(MCR)).toBe(0x1b);
    expect(s.bus.inb(SCR)).toBe(0x5a);
    expect(s.bus.inb(LSR)).toBe(0x60);
  });

  it('derives baud from uartClockHz / divisor and character time from LCR', () => {
    const s = programmed(3);
    expect(s.uart.baud()).toBe(38_400);
    expect(s.uart.bitsPerChar()).toBe(profile.limits.serialBitsPerByte);
    s.bus.outb(LCR, 0x00); // 5N1
    expect(s.uart.bitsPerChar()).toBe(7);
    s.bus.outb(LCR, 0x04); // 5 bits, 1.5 stop
    expect(s.uart.bitsPerChar()).toBe(7.5);
    s.bus.outb(LCR, 0x0f); // 8 bits, parity, 2 stop
    expect(s.uart.bitsPerChar()).toBe(12);
    const z = setup();
    expect(z.uart.divisor()).toBe(0x10000); // unprogrammed latch counts 2^16
  });

  it('reads wider accesses as consecutive byte registers', () => {
    const s = programmed();
    s.bus.outb(SCR, 0x77);
    expect(s.bus.inw(LSR + 1)).toBe(0x7700);
    s.bus.outw(MCR, 0x0b0b); // MCR, then LSR (ignored)
    expect(s.bus.inb(MCR)).toBe(0x0b);
  });
});

describe('16550 transmitter in virtual time', () => {
  it('shifts back-to-back bytes at 10 bit times each at 38 400 baud (8N1)', () => {
    const s = programmed();
    const T = 10 / 38_400;
    for (let i = 0; i < 50; i++) put(s, i);
    expect(s.uart.line.map((l) => l.byte)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    s.uart.line.forEach((l, k) => expect(l.time).toBeCloseTo((k + 1) * T, 12));
    // Total line time of n bytes = n × 10 / baud.
    expect(s.uart.line[49]?.time).toBeCloseTo((50 * 10) / 38_400, 12);
  });

  it('clears THRE while a byte waits and moves the clock to when it starts shifting', () => {
    const s = programmed();
    const T = 10 / 38_400;
    s.bus.outb(THR, 1); // straight into the shift register
    expect(s.bus.inb(LSR) & 0x60).toBe(0x20); // THRE, not TEMT
    s.bus.outb(THR, 2); // waits in the FIFO
    const lsr = s.bus.inb(LSR);
    expect(lsr & 0x20).toBe(0);
    expect(s.clock.now()).toBeCloseTo(T, 12);
    expect(s.bus.inb(LSR) & 0x60).toBe(0x20);
    s.clock.advance(2 * T);
    expect(s.bus.inb(LSR) & 0x60).toBe(0x60);
    // After an idle gap a new byte starts at the time it is written.
    s.bus.outb(THR, 3);
    expect(s.uart.line[2]?.time).toBeCloseTo(3 * T + T, 12);
  });

  it('a driver spinning on THRE needs at most two LSR reads per byte', () => {
    const s = programmed();
    const spins = Array.from({ length: 20 }, (_, i) => put(s, i));
    expect(Math.max(...spins)).toBeLessThanOrEqual(1);
  });

  it('times a byte with the LCR and divisor in force when it was written', () => {
    const s = programmed(12); // 9600 baud
    put(s, 0xaa);
    expect(s.uart.line[0]?.time).toBeCloseTo(10 / 9600, 12);
    s.bus.outb(LCR, 0x80);
    s.bus.outb(COM1, 3);
    s.bus.outb(LCR, 0x03);
    put(s, 0xbb); // transmitter busy: starts when the first byte ends
    expect(s.uart.line[1]?.time).toBeCloseTo(10 / 9600 + 10 / 38_400, 12);
  });

  it('loses bytes written into a full FIFO (16) or holding register (no FIFO)', () => {
    const s = programmed();
    for (let i = 0; i < 20; i++) s.bus.outb(THR, i); // ignores THRE
    expect(s.uart.line).toHaveLength(17); // shift register + 16 in the FIFO
    expect(s.uart.registers()['txDropped']).toBe(3);
    const n = programmed(3, 0x03, 0x00);
    for (let i = 0; i < 5; i++) n.bus.outb(THR, i);
    expect(n.uart.line).toHaveLength(2);
  });

  it('FCR "clear TX" discards bytes not yet shifting (they never reach the line)', () => {
    const s = programmed();
    for (let i = 0; i < 5; i++) s.bus.outb(THR, i);
    s.bus.outb(IIR, 0xc5); // keep FIFOs on, clear TX
    expect(s.uart.line.map((l) => l.byte)).toEqual([0]);
    put(s, 9);
    expect(s.uart.line[1]?.time).toBeCloseTo(2 * (10 / 38_400), 12);
    s.clock.advance(10 / 38_400); // byte 9 now shifting, nothing waiting
    s.bus.outb(IIR, 0xc5); // no-op
    expect(s.uart.line).toHaveLength(2);
  });
});

describe('16550 receiver', () => {
  it('sets DR while fed bytes are unread and returns them in order', () => {
    const s = programmed();
    s.uart.feed(Uint8Array.of(1, 2, 3));
    expect(s.bus.inb(LSR) & 0x01).toBe(1);
    expect(s.uart.registers()['rxPending']).toBe(3);
    expect([s.bus.inb(COM1), s.bus.inb(COM1), s.bus.inb(COM1)]).toEqual([1, 2, 3]);
    expect(s.bus.inb(LSR) & 0x01).toBe(0);
    expect(s.bus.inb(COM1)).toBe(0); // empty RBR reads 0
  });

  it('FCR "clear RX" and toggling FIFO enable discard unread bytes', () => {
    const s = programmed();
    s.uart.feed(Uint8Array.of(1, 2));
    s.bus.outb(IIR, 0xc3);
    expect(s.bus.inb(LSR) & 0x01).toBe(0);
    s.uart.feed(Uint8Array.of(1));
    s.bus.outb(IIR, 0x00); // FIFOs off: cleared
    expect(s.bus.inb(LSR) & 0x01).toBe(0);
  });

  it('reports data-available and THR-empty interrupts in IIR when enabled', () => {
    const s = programmed();
    expect(s.bus.inb(IIR)).toBe(0xc1);
    s.bus.outb(IER, 0x02);
    expect(s.bus.inb(IIR)).toBe(0xc2);
    s.bus.outb(IER, 0x03);
    s.uart.feed(Uint8Array.of(7));
    expect(s.bus.inb(IIR)).toBe(0xc4);
  });
});
