import { describe, expect, it } from 'vitest';
import { IoBus, type IoDevice, type Width } from '../../src/hw/bus.ts';
import { recordAccesses } from '../io-record.ts';
import { Clock } from '../../src/hw/clock.ts';
import { GuestMemory, dmaLayout } from '../../src/hw/memory.ts';
import { crc32 } from '../../src/hw/crc32.ts';
import { seedProfile } from '../../src/spec/profile.ts';

/** A device that stores bytes and logs each access it decodes. */
class Scratch implements IoDevice {
  readonly name: string;
  readonly bytes = new Uint8Array(16);
  readonly seen: Array<[string, number, Width]> = [];
  constructor(name = 'scratch') {
    this.name = name;
  }
  ioRead(offset: number, width: Width): number {
    this.seen.push(['r', offset, width]);
    let v = 0;
    for (let i = 0; i < width; i++) v += (this.bytes[offset + i] ?? 0) * 2 ** (8 * i);
    return v;
  }
  ioWrite(offset: number, width: Width, value: number): void {
    this.seen.push(['w', offset, width]);
    for (let i = 0; i < width; i++) this.bytes[offset + i] = (value >>> (8 * i)) & 0xff;
  }
}

describe('IoBus', () => {
  it('reads all ones from unmapped ports at every width and ignores unmapped writes', () => {
    const bus = new IoBus();
    expect(bus.inb(0x80)).toBe(0xff);
    expect(bus.inw(0x80)).toBe(0xffff);
    expect(bus.inl(0x80)).toBe(0xffffffff);
    bus.outl(0x80, 0x12345678);
    expect(bus.inl(0x80)).toBe(0xffffffff);
  });

  it('routes accesses to the mapped device with window-relative offsets, little-endian', () => {
    const bus = new IoBus();
    const d = new Scratch();
    bus.map(d, 0x100, 16);
    bus.outl(0x104, 0xdeadbeef);
    expect(d.seen).toEqual([['w', 4, 4]]);
    expect(bus.inb(0x104)).toBe(0xef);
    expect(bus.inw(0x106)).toBe(0xdead);
    expect(bus.inl(0x104)).toBe(0xdeadbeef);
    bus.outb(0x100, 0x1ff); // masked to the width
    expect(d.bytes[0]).toBe(0xff);
    expect(d.bytes[1]).toBe(0);
  });

  it('splits an access that straddles a window edge into bytes; bytes outside float high', () => {
    const bus = new IoBus();
    const d = new Scratch();
    bus.map(d, 0x100, 16);
    d.bytes[14] = 0x11;
    d.bytes[15] = 0x22;
    expect(bus.inl(0x10e)).toBe(0xffff2211);
    bus.outl(0x10f, 0xaabbccdd);
    expect(d.bytes[15]).toBe(0xdd);
  });

  it('lets a later mapping shadow an earlier one, and unmapping/disabling a window removes it', () => {
    const bus = new IoBus();
    const a = new Scratch('a');
    const b = new Scratch('b');
    a.bytes[0] = 1;
    b.bytes[0] = 2;
    bus.map(a, 0x200, 16);
    const mb = bus.map(b, 0x200, 16);
    expect(bus.inb(0x200)).toBe(2);
    mb.base = undefined;
    expect(bus.inb(0x200)).toBe(1);
    mb.base = 0x300;
    expect(bus.inb(0x300)).toBe(2);
    mb.base = undefined;
    expect(bus.inb(0x300)).toBe(0xff);
  });

  it('wraps ports to 16 bits', () => {
    const bus = new IoBus();
    const d = new Scratch();
    bus.map(d, 0x10, 16);
    d.bytes[0] = 0x5a;
    expect(bus.inb(0x10010)).toBe(0x5a);
  });

  it('reports every access to taps, with the decoding device, until stopped', () => {
    const bus = new IoBus();
    bus.map(new Scratch('dev'), 0x100, 16);
    const rec = recordAccesses(bus);
    bus.outw(0x102, 0xbeef);
    bus.inw(0x102);
    bus.inb(0x90);
    rec.stop();
    bus.inb(0x100);
    expect(rec.log).toEqual([
      { dir: 'out', port: 0x102, width: 2, value: 0xbeef, device: 'dev' },
      { dir: 'in', port: 0x102, width: 2, value: 0xbeef, device: 'dev' },
      { dir: 'in', port: 0x90, width: 1, value: 0xff },
    ]);
    rec.stop(); // idempotent
  });
});

describe('GuestMemory', () => {
  it('reads zero where nothing was written and round-trips across page boundaries', () => {
    const m = new GuestMemory();
    expect(m.read(0x5000, 4)).toEqual(new Uint8Array(4));
    const data = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    m.write(0xfff0, data);
    expect(m.read(0xfff0, 5000)).toEqual(data);
    expect(m.readU8(0xfff1)).toBe(1);
    expect(m.readU16LE(0xfff0)).toBe(0x0100);
    expect(new DataView(m.read(0xfff0, 4).buffer).getUint32(0, true)).toBe(0x03020100);
  });

  it('wraps addresses at 4 GiB and treats bad lengths as empty', () => {
    const m = new GuestMemory();
    m.write(0xffff_fffe, Uint8Array.of(1, 2, 3, 4));
    expect(m.read(0, 2)).toEqual(Uint8Array.of(3, 4));
    expect(m.read(-2, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(m.read(0, -5).length).toBe(0);
    m.fill(0x100, 3, 0x1aa);
    expect(m.read(0x100, 4)).toEqual(Uint8Array.of(0xaa, 0xaa, 0xaa, 0));
  });

  it('lays out the RX allocation (ring + slack + guard) and the TX buffers from the profile without overlap', () => {
    const p = seedProfile();
    const l = dmaLayout(p);
    expect(l.rxAllocBytes).toBe(8192 + 16 + 1500);
    expect(l.txBuffers).toHaveLength(p.limits.txDescriptors);
    expect(l.txBufferBytes).toBe(2048);
    const rxEnd = l.rxRing + l.rxAllocBytes;
    for (const [i, b] of l.txBuffers.entries()) {
      expect(b % 4).toBe(0);
      expect(b).toBeGreaterThan(rxEnd);
      if (i > 0) expect(b - (l.txBuffers[i - 1] ?? 0)).toBe(2048);
    }
    expect((l.txBuffers[3] ?? 0) + 2048).toBeLessThanOrEqual(p.limits.userWindowStart);
  });
});

describe('Clock', () => {
  it('only moves forward', () => {
    const c = new Clock();
    c.advance(0.5);
    c.advance(-1);
    c.advance(Number.NaN);
    c.advanceTo(0.25);
    expect(c.now()).toBe(0.5);
    c.advanceTo(2);
    expect(c.now()).toBe(2);
  });
});

describe('crc32', () => {
  it('matches the IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('equals the bit-at-a-time definition at every length, across the table/native switch', () => {
    const bitwise = (b: Uint8Array): number => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = Uint8Array.from({ length: 700 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 700; n += n < 300 ? 1 : 37) expect(crc32(data.subarray(700 - n)), `length ${n}`).toBe(bitwise(data.subarray(700 - n)));
  });
});
