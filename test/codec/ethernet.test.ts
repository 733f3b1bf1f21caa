import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernet, parseEthernet } from '../../src/codec/ethernet.ts';
import { FC, expectErr, hx, toHex, unwrap } from './helpers.ts';

const frame = fc.record({
  dst: fc.uint8Array({ minLength: 6, maxLength: 6 }),
  src: fc.uint8Array({ minLength: 6, maxLength: 6 }),
  etherType: fc.integer({ min: 0, max: 0xffff }),
  payload: fc.uint8Array({ maxLength: 120 }),
});

describe('Ethernet II', () => {
  it('constants', () => {
    expect([ETHERNET_HEADER_LEN, ETHERTYPE_IPV4, ETHERTYPE_ARP]).toEqual([14, 0x0800, 0x0806]);
  });

  it('lays out dst, src, EtherType big-endian, payload, without padding (codec.ethernet.layout, codec.ethernet.no-padding)', () => {
    const b = unwrap(emitEthernet({ dst: hx('ffffffffffff'), src: hx('525400123456'), etherType: 0x0806, payload: hx('0102') }));
    expect(toHex(b)).toBe('ffffffffffff' + '525400123456' + '0806' + '0102');
    expect(unwrap(emitEthernet({ dst: new Uint8Array(6), src: new Uint8Array(6), etherType: 0x0800, payload: new Uint8Array(0) })).length).toBe(14);
  });

  it('round-trips (codec.ethernet.roundtrip)', () => {
    fc.assert(
      fc.property(frame, (f) => {
        const b = unwrap(emitEthernet(f));
        expect(unwrap(parseEthernet(b))).toEqual(f);
        expect(toHex(unwrap(emitEthernet(unwrap(parseEthernet(b)))))).toBe(toHex(b));
      }),
      FC,
    );
  });

  it('parse returns copies, not views of the input', () => {
    const b = hx('ffffffffffff5254001234560800aabb');
    const f = unwrap(parseEthernet(b));
    b[14] = 0;
    b[0] = 0;
    expect(toHex(f.payload)).toBe('aabb');
    expect(toHex(f.dst)).toBe('ffffffffffff');
  });

  it('a frame shorter than 14 bytes is truncated (codec.ethernet.truncated)', () => {
    for (let n = 0; n < 14; n++) expectErr(parseEthernet(new Uint8Array(n)), 'truncated', 'ethernet.parse');
    expect(unwrap(parseEthernet(new Uint8Array(14))).payload.length).toBe(0);
  });

  it('accepts any EtherType, including 802.3 lengths (codec.ethernet.ethertype-opaque)', () => {
    expect(unwrap(parseEthernet(hx('ffffffffffff525400123456002e'))).etherType).toBe(0x002e);
    expect(unwrap(parseEthernet(hx('ffffffffffff52540012345686dd'))).etherType).toBe(0x86dd);
  });

  it('refuses bad arguments with invalid-argument (codec.errors.typed)', () => {
    const ok = { dst: new Uint8Array(6), src: new Uint8Array(6), etherType: 0x0800, payload: new Uint8Array(0) };
    expectErr(emitEthernet({ ...ok, dst: new Uint8Array(5) }), 'invalid-argument');
    expectErr(emitEthernet({ ...ok, src: new Uint8Array(7) }), 'invalid-argument');
    expectErr(emitEthernet({ ...ok, etherType: 0x10000 }), 'invalid-argument');
    expectErr(emitEthernet({ ...ok, etherType: -1 }), 'invalid-argument');
    expectErr(emitEthernet({ ...ok, etherType: 1.5 }), 'invalid-argument');
    expectErr(emitEthernet({ ...ok, payload: [1, 2] as unknown as Uint8Array }), 'invalid-argument');
  });
});
