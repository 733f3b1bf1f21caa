import { describe, it, expect } from 'vitest';
import { copyOf } from '../../src/codec/fields.ts';
import { allocBytes } from '../../src/util/alloc.ts';
import { fromHex } from '../../src/util/bytes.ts';
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

describe('parse { view: true }', () => {
  it('returns views of the parsed bytes: nothing copied, changes show through', () => {
    const frame = hx('ffffffffffff525400123456080045000014' + 'ab'.repeat(40));
    const e = unwrap(parseEthernet(frame, { view: true }));
    expect(e.payload.buffer).toBe(frame.buffer);
    expect(e.payload.byteOffset).toBe(frame.byteOffset + 14);
    frame[14] = 0x46;
    expect(e.payload[0]).toBe(0x46);
    const copied = unwrap(parseEthernet(frame));
    expect(copied.payload.buffer).not.toBe(frame.buffer);
  });

  it('views of a Buffer are plain Uint8Arrays', () => {
    const e = unwrap(parseEthernet(Buffer.from(hx('ffffffffffff5254001234560800' + '00'.repeat(46))), { view: true }));
    expect(Object.getPrototypeOf(e.payload)).toBe(Uint8Array.prototype);
  });
});

describe('allocBytes', () => {
  it('hands out zeroed, disjoint, 8-aligned arrays of every size', () => {
    const got = [1, 63, 64, 65, 100, 1514, 4096, 4097, 70_000].flatMap((n) => [allocBytes(n), allocBytes(n)]);
    for (const a of got) {
      expect(a.every((x) => x === 0)).toBe(true);
      if (a.length > 64) expect(a.byteOffset % 8).toBe(0);
      a.fill(0x5a);
    }
    // Filling each one left every other intact: no two share a byte.
    for (const a of got) expect(a.every((x) => x === 0x5a)).toBe(true);
    const sameSlab = got.filter((a) => a.buffer === got[6]!.buffer);
    const spans = sameSlab.map((a) => [a.byteOffset, a.byteOffset + a.length] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });
});

describe('fromHex', () => {
  it('decodes clean hex on the fast path, separators on the slow one, and refuses the rest', () => {
    expect(Array.from(fromHex('00ABcdef')!)).toEqual([0x00, 0xab, 0xcd, 0xef]);
    expect(Array.from(fromHex('ab cd:EF\n01')!)).toEqual([0xab, 0xcd, 0xef, 0x01]);
    expect(fromHex('')!.length).toBe(0);
    for (const bad of ['abc', 'zz', '0g', 'ab c', 'ab:cd:e']) expect(fromHex(bad), bad).toBeUndefined();
    expect(Object.getPrototypeOf(fromHex('ab'))).toBe(Uint8Array.prototype);
  });
});

describe('copyOf sizes', () => {
  it('copies at every size class (loop, slice, slab, own buffer), from plain arrays and Buffers', () => {
    for (const n of [0, 5, 16, 17, 40, 64, 65, 1500, 5000]) {
      for (const src of [Uint8Array.from({ length: n + 3 }, (_, i) => i & 0xff), Buffer.from(Uint8Array.from({ length: n + 3 }, (_, i) => i & 0xff))]) {
        const c = copyOf(src, 3);
        expect(c.length).toBe(n);
        expect(Array.from(c)).toEqual(Array.from(src.subarray(3)));
        src.fill(0xee);
        expect(c.every((x, i) => x === ((i + 3) & 0xff))).toBe(true);
      }
    }
  });
});
