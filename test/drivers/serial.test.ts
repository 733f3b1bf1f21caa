import { describe, expect, it } from 'vitest';
import { createHardware } from '../../src/hw/index.ts';
import { recordAccesses } from '../io-record.ts';
import { IoBus, type IoDevice } from '../../src/hw/bus.ts';
import { SerialPort, SERIAL_SPIN_LIMIT } from '../../src/drivers/serial.ts';
import { SlipSerial } from '../../src/drivers/slip-serial.ts';
import { slipEncode } from '../../src/codec/slip.ts';
import { seedProfile } from '../../src/spec/profile.ts';

const profile = seedProfile();
const L = profile.limits;
const T = L.serialBitsPerByte / L.serialBaud;
const COM1 = 0x3f8;

function booted() {
  const m = createHardware(profile);
  m.serialNet.init();
  return m;
}

describe('serial driver', () => {
  it('programs COM1 in the documented order: IER 0, DLAB, divisor 3, 8N1, FIFOs 0xC7, MCR 0x0B', () => {
    const m = createHardware(profile);
    const rec = recordAccesses(m.bus);
    m.serialNet.init();
    rec.stop();
    expect(rec.log.map((a) => [a.dir, a.port - COM1, a.value])).toEqual([
      ['out', 1, 0x00],
      ['out', 3, 0x80],
      ['out', 0, 0x03],
      ['out', 1, 0x00],
      ['out', 3, 0x03],
      ['out', 2, 0xc7],
      ['out', 4, 0x0b],
    ]);
    expect(m.uart.registers()).toMatchObject({ divisor: L.serialDivisor, baud: L.serialBaud, bitsPerChar: 10, LCR: 0x03, IER: 0, MCR: 0x0b, FCR: 0xc1 }); // FCR's clear bits self-clear
  });

  it('ready reflects LSR.DR; read returns the byte, or an error when nothing arrives', () => {
    const m = booted();
    expect(m.serial.ready()).toBe(false);
    const r = m.serial.read();
    expect(r.ok).toBe(false);
    m.uart.feed(Uint8Array.of(0x42));
    expect(m.serial.ready()).toBe(true);
    expect(m.serial.read()).toEqual({ ok: true, value: 0x42 });
  });

  it('write spins on THRE through the bus and the line time advances in virtual time', () => {
    const m = booted();
    for (const b of [1, 2, 3]) expect(m.serial.write(b).ok).toBe(true);
    expect(m.uart.line.map((l) => l.byte)).toEqual([1, 2, 3]);
    expect(m.uart.line[2]?.time).toBeCloseTo(3 * T, 12);
    expect(m.clock.now()).toBeCloseTo(T, 12); // the third byte waited for the second to start
  });

  it('write gives up with an error when THRE never sets (no spin forever)', () => {
    const bus = new IoBus();
    const stuck: IoDevice = { name: 'stuck', ioRead: () => 0x00, ioWrite: () => undefined };
    bus.map(stuck, COM1, 8);
    const port = new SerialPort(bus, profile);
    const rec = recordAccesses(bus);
    const r = port.write(0x55);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'device', where: 'serial.write' });
    expect(rec.log.filter((a) => a.dir === 'in')).toHaveLength(SERIAL_SPIN_LIMIT);
    expect(rec.log.filter((a) => a.dir === 'out')).toHaveLength(0);
    const net = new SlipSerial(port, profile);
    const s = net.sendPacket(Uint8Array.of(1));
    expect(s.ok).toBe(false);
  });
});

describe('ipv4::send_packet over SLIP', () => {
  it('puts exactly the SLIP encoding on the line, byte time = 10 bits at 38 400 baud', () => {
    const m = booted();
    const datagram = Uint8Array.of(0x45, 0x00, 0xc0, 0xdb, 0x01, 0xc0);
    const r = m.serialNet.sendPacket(datagram);
    const enc = slipEncode(datagram, L.slipBufferBytes);
    expect(enc.ok).toBe(true);
    if (!enc.ok) return;
    expect(r).toEqual({ ok: true, value: { encodedBytes: enc.value.length } });
    expect(Uint8Array.from(m.uart.line.map((l) => l.byte))).toEqual(enc.value);
    m.uart.line.forEach((l, k) => expect(l.time).toBeCloseTo((k + 1) * T, 12));
    expect(m.uart.line.at(-1)?.time).toBeCloseTo((enc.value.length * 10) / 38_400, 12);
  });

  it('an encoding of exactly the SLIP buffer goes out; one byte more puts nothing on the line (silent loss)', () => {
    const m = booted();
    const fits = new Uint8Array(L.slipBufferBytes - 2).fill(0x11);
    expect(m.serialNet.sendPacket(fits)).toEqual({ ok: true, value: { encodedBytes: L.slipBufferBytes } });
    expect(m.uart.line).toHaveLength(L.slipBufferBytes);

    const n = booted();
    const before = n.clock.now();
    const over = new Uint8Array(L.slipBufferBytes - 3).fill(0xc0); // escapes double it
    const r = n.serialNet.sendPacket(over);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('too-large');
    expect(n.uart.line).toHaveLength(0);
    expect(n.clock.now()).toBe(before);
  });
});

describe('SLIP receive loop', () => {
  it('decodes datagrams from the UART in order, across polls and chunk boundaries', () => {
    const m = booted();
    const a = Uint8Array.of(1, 0xc0, 2);
    const b = Uint8Array.of(0xdb, 3, 4, 5);
    const ea = slipEncode(a, L.slipBufferBytes);
    const eb = slipEncode(b, L.slipBufferBytes);
    if (!ea.ok || !eb.ok) throw new Error('encode');
    expect(m.serialNet.pollReceive()).toEqual([]);
    m.uart.feed(ea.value);
    m.uart.feed(eb.value.subarray(0, 3));
    expect(m.serialNet.pollReceive()).toEqual([a]);
    m.uart.feed(eb.value.subarray(3));
    expect(m.serialNet.pollReceive()).toEqual([b]);
    expect(m.serialNet.received).toBe(2);
    expect(m.uart.registers()['rxPending']).toBe(0);
  });

  it('counts decode errors, drops only the bad frame, and keeps going', () => {
    const m = booted();
    m.uart.feed(Uint8Array.of(0xc0, 1, 0xdb, 0x01, 2, 0xc0, 7, 8, 0xc0));
    expect(m.serialNet.pollReceive()).toEqual([Uint8Array.of(7, 8)]);
    expect(m.serialNet.decodeErrors).toBe(1);
    expect(m.serialNet.recentErrors[0]?.kind).toBe('protocol');
    for (let i = 0; i < 20; i++) m.uart.feed(Uint8Array.of(0xdb, 0x01, 0xc0));
    m.serialNet.pollReceive();
    expect(m.serialNet.decodeErrors).toBe(21);
    expect(m.serialNet.recentErrors.length).toBeLessThanOrEqual(16);
  });

  it('hands each datagram to a callback', () => {
    const m = booted();
    m.uart.feed(Uint8Array.of(0xc0, 1, 0xc0, 2, 0xc0));
    const got: Uint8Array[] = [];
    expect(m.serialNet.receiveLoop((d) => got.push(d))).toBe(2);
    expect(got).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
  });
});
