import { describe, it, expect } from 'vitest';
import { copyOf } from '../../src/codec/fields.ts';
import { parseEthernet } from '../../src/codec/ethernet.ts';
import { parseUdp } from '../../src/codec/udp.ts';
import { hx, unwrap } from './helpers.ts';

describe('copyOf', () => {
  it('copies out of a Node Buffer instead of aliasing it (Buffer#slice is a view)', () => {
    const buf = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    for (const [start, end] of [[2, 5], [0, 20]] as const) {
      const c = copyOf(buf, start, end);
      expect(Array.from(c)).toEqual(Array.from(buf.subarray(start, end)));
      buf[start] = 0xee;
      expect(c[0]).toBe(start + 1); // unchanged: a copy
      c[1] = 0xaa;
      expect(buf[start + 1]).toBe(start + 2);
      expect(c.buffer).not.toBe(buf.buffer);
    }
  });

  it('copies a range of a view, and clamps bounds like slice', () => {
    const backing = Uint8Array.from({ length: 64 }, (_, i) => i);
    const view = backing.subarray(10, 50);
    expect(Array.from(copyOf(view, 30))).toEqual(Array.from(view.slice(30)));
    expect(Array.from(copyOf(view, 5, 100))).toEqual(Array.from(view.slice(5, 100)));
    expect(copyOf(view, 45, 50).length).toBe(0);
    expect(copyOf(view, 8, 3).length).toBe(0);
  });

  it('parse results do not alias a Buffer handed to the parser', () => {
    const frame = Buffer.from(hx('ffffffffffff525400123456080045000014' + 'ab'.repeat(40)));
    const e = unwrap(parseEthernet(frame));
    frame.fill(0);
    expect(e.dst[0]).toBe(0xff);
    expect(e.src[0]).toBe(0x52);
    expect(e.payload[0]).toBe(0x45);
    const d = Buffer.from(hx('00350035000f0000' + '01020304050607'));
    const u = unwrap(parseUdp(d));
    d.fill(0);
    expect(Array.from(u.payload)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
