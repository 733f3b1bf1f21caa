import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { internetChecksum, onesComplementSum, onesComplementSumSkipping, pseudoHeaderSum } from '../../src/codec/checksum.ts';
import { FC, hx } from './helpers.ts';

// A slow, obviously-correct model: sum of words with a zero pad byte, folded at the end.
const model = (b: Uint8Array): number => {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) + (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
};

describe('onesComplementSum / internetChecksum (codec.checksum.rfc1071)', () => {
  it('empty data sums to 0 and has checksum 0xffff', () => {
    expect(onesComplementSum(new Uint8Array(0))).toBe(0);
    expect(internetChecksum(new Uint8Array(0))).toBe(0xffff);
  });

  it('folds carries (0xffff + 0x0001 = 0x0001)', () => {
    expect(onesComplementSum(hx('ffff0001'))).toBe(0x0001);
    expect(onesComplementSum(hx('ffffffff'))).toBe(0xffff);
  });

  it('an odd trailing byte is the high byte of a word (codec.checksum.odd-byte-high)', () => {
    expect(onesComplementSum(hx('ab'))).toBe(0xab00);
    expect(onesComplementSum(hx('0102ab'))).toBe(0x0102 + 0xab00);
    expect(onesComplementSum(hx('0102ab'))).toBe(onesComplementSum(hx('0102ab00')));
  });

  it('continues from an initial sum', () => {
    expect(onesComplementSum(hx('f6f7'), onesComplementSum(hx('0001f203f4f5')))).toBe(0xddf2);
    expect(internetChecksum(hx('f6f7'), onesComplementSum(hx('0001f203f4f5')))).toBe(0x220d);
    // A bad initial value is ignored rather than poisoning the sum.
    expect(onesComplementSum(hx('0001'), -5)).toBe(1);
    expect(onesComplementSum(hx('0001'), Number.NaN)).toBe(1);
    expect(onesComplementSum(hx('0001'), 0x1ffff)).toBe(onesComplementSum(hx('0001'), 0x0001 + 0xffff));
  });

  it('handles long buffers exactly (periodic folding)', () => {
    const big = new Uint8Array(200_001).fill(0xff);
    expect(onesComplementSum(big)).toBe(model(big));
  });

  it('matches the word-sum model on arbitrary data', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onesComplementSum(b) === model(b) && internetChecksum(b) === (~model(b) & 0xffff)), FC);
  });

  it('data with its checksum appended sums to 0xffff (codec.checksum.verifies)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const even = b.length % 2 ? Uint8Array.from([...b, 0]) : b;
        const c = internetChecksum(even);
        return onesComplementSum(Uint8Array.from([...even, c >> 8, c & 0xff])) === 0xffff;
      }),
      FC,
    );
  });

  it('a changed word changes the checksum unless it is 0x0000 <-> 0xffff (codec.checksum.detects-change)', () => {
    expect(internetChecksum(hx('0000abcd'))).toBe(internetChecksum(hx('ffffabcd')));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 100 }), fc.nat(), fc.integer({ min: 1, max: 0xffff }), (raw, i, delta) => {
        const b = raw.length % 2 ? raw.slice(0, -1) : raw;
        const at = (i % (b.length / 2)) * 2;
        const before = (b[at]! << 8) | b[at + 1]!;
        const after = before ^ delta;
        if ((before === 0 && after === 0xffff) || (before === 0xffff && after === 0)) return true;
        const c = Uint8Array.from(b);
        c[at] = after >> 8;
        c[at + 1] = after & 0xff;
        return internetChecksum(b) !== internetChecksum(c);
      }),
      FC,
    );
  });
});

describe('pseudoHeaderSum (codec.checksum.pseudo-header)', () => {
  it('is the sum of src, dst, 0, protocol, length', () => {
    const src = hx('c0a80001');
    const dst = hx('c0a800c7');
    expect(pseudoHeaderSum(src, dst, 6, 40)).toBe(onesComplementSum(hx('c0a80001c0a800c7' + '0006' + '0028')));
    expect(pseudoHeaderSum(src, dst, 17, 0x1234)).toBe(onesComplementSum(hx('c0a80001c0a800c7' + '0011' + '1234')));
  });
});

describe('onesComplementSum word-wise path', () => {
  it('matches the model for every alignment, start parity and length around the wide threshold', () => {
    const backing = Uint8Array.from({ length: 600 }, (_, i) => (i * 167 + 13) & 0xff);
    for (let offset = 0; offset < 8; offset++) {
      for (const len of [0, 1, 2, 3, 127, 128, 129, 130, 131, 255, 256, 257, 500, 591]) {
        const view = backing.subarray(offset, offset + len);
        expect(onesComplementSum(view), `offset ${offset} length ${len}`).toBe(model(view));
        expect(onesComplementSum(view, 0x1234)).toBe(model(Uint8Array.from([...view, ...(len % 2 ? [0] : []), 0x12, 0x34])));
      }
    }
  });

  it('all zero and all 0xff long buffers: 0 stays 0, nonzero never folds to 0', () => {
    expect(onesComplementSum(new Uint8Array(1514))).toBe(0);
    expect(onesComplementSum(new Uint8Array(1514).fill(0xff))).toBe(0xffff);
  });

  it('matches the model on arbitrary views of arbitrary buffers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 2000 }), fc.nat(7), (b, off) => {
        const v = b.subarray(Math.min(off, b.length));
        return onesComplementSum(v) === model(v);
      }),
      FC,
    );
  });
});

describe('onesComplementSumSkipping', () => {
  it('equals the sum with the field zeroed, at any length (short headers included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(30), fc.nat(0xffff), (b, half, init) => {
        const at = half * 2;
        const zeroed = Uint8Array.from(b);
        if (at < zeroed.length) zeroed[at] = 0;
        if (at + 1 < zeroed.length) zeroed[at + 1] = 0;
        return onesComplementSumSkipping(b, at, init) === onesComplementSum(zeroed, init);
      }),
      FC,
    );
  });
});

describe('pseudoHeaderSum', () => {
  it('equals the sum of the 12-byte pseudo-header it stands for', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(0x1ff), fc.nat(0x1ffff), (s, d, p, l) => {
        const ph = Uint8Array.from([...s, ...d, 0, p & 0xff, (l >>> 8) & 0xff, l & 0xff]);
        return pseudoHeaderSum(s, d, p, l) === model(ph);
      }),
      FC,
    );
  });
});
