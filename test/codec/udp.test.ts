import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { onesComplementSum, pseudoHeaderSum } from '../../src/codec/checksum.ts';
import { UDP_HEADER_LEN, createUdpPacket, emitUdp, parseUdp, udpChecksum, verifyUdpChecksum } from '../../src/codec/udp.ts';
import type { UdpDatagram } from '../../src/codec/udp.ts';
import { FC, expectErr, hx, ip, toHex, unwrap } from './helpers.ts';

const srcIp = ip('10.0.2.15');
const dstIp = ip('10.0.2.2');

describe('UDP', () => {
  it('constant', () => expect(UDP_HEADER_LEN).toBe(8));

  it('create lays out ports, length = 8 + data, checksum 0 (codec.udp.layout, codec.udp.checksum-zero)', () => {
    expect(toHex(unwrap(createUdpPacket({ srcPort: 68, dstPort: 67, payload: hx('010203') })))).toBe('0044' + '0043' + '000b' + '0000' + '010203');
    expect(verifyUdpChecksum(srcIp, dstIp, unwrap(createUdpPacket({ srcPort: 1, dstPort: 2, payload: hx('ff') })))).toBe(true);
  });

  it('get_checksum covers pseudo-header (17) + datagram (codec.udp.get-checksum, codec.checksum.pseudo-header)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 99 }), fc.integer({ min: 0, max: 0xffff }), (payload, port) => {
        const d = unwrap(createUdpPacket({ srcPort: port, dstPort: 53, payload }));
        const c = udpChecksum(srcIp, dstIp, d);
        expect(c).not.toBe(0);
        d[6] = c >> 8;
        d[7] = c & 0xff;
        expect(onesComplementSum(d, pseudoHeaderSum(srcIp, dstIp, 17, d.length))).toBe(0xffff);
        expect(verifyUdpChecksum(srcIp, dstIp, d)).toBe(true);
        // The field's own value does not matter to the computation.
        expect(udpChecksum(srcIp, dstIp, d)).toBe(c);
      }),
      FC,
    );
  });

  it('a computed checksum of 0 is given as 0xffff (codec.udp.get-checksum)', () => {
    // Choose the last data word so that pseudo-header + datagram sums to 0xffff exactly.
    const d = unwrap(createUdpPacket({ srcPort: 1234, dstPort: 5678, payload: hx('0000') }));
    const s = onesComplementSum(d, pseudoHeaderSum(srcIp, dstIp, 17, d.length));
    const w = 0xffff - s;
    d[8] = w >> 8;
    d[9] = w & 0xff;
    expect(onesComplementSum(d, pseudoHeaderSum(srcIp, dstIp, 17, d.length))).toBe(0xffff);
    expect(udpChecksum(srcIp, dstIp, d)).toBe(0xffff);
    d[6] = 0xff;
    d[7] = 0xff;
    expect(verifyUdpChecksum(srcIp, dstIp, d)).toBe(true);
  });

  it('a wrong non-zero checksum does not verify', () => {
    const d = unwrap(createUdpPacket({ srcPort: 1, dstPort: 2, payload: hx('abcd') }));
    const c = udpChecksum(srcIp, dstIp, d);
    d[6] = (c >> 8) ^ 1;
    d[7] = c & 0xff;
    expect(verifyUdpChecksum(srcIp, dstIp, d)).toBe(false);
  });

  it('round-trips (codec.udp.roundtrip)', () => {
    const arb = fc
      .record({ srcPort: fc.integer({ min: 0, max: 0xffff }), dstPort: fc.integer({ min: 0, max: 0xffff }), checksum: fc.integer({ min: 0, max: 0xffff }), payload: fc.uint8Array({ maxLength: 80 }) })
      .map((d): UdpDatagram => ({ ...d, length: 8 + d.payload.length }));
    fc.assert(
      fc.property(arb, (d) => {
        const b = unwrap(emitUdp(d));
        expect(unwrap(parseUdp(b))).toEqual(d);
        expect(toHex(unwrap(emitUdp(unwrap(parseUdp(b)))))).toBe(toHex(b));
      }),
      FC,
    );
  });

  it('short input is truncated (codec.udp.truncated)', () => {
    const d = unwrap(createUdpPacket({ srcPort: 1, dstPort: 2, payload: hx('0102030405') }));
    for (let n = 0; n < d.length; n++) expectErr(parseUdp(d.subarray(0, n)), 'truncated', 'udp.parse');
  });

  it('length < 8 is malformed; data is cut at length (codec.udp.length)', () => {
    const d = unwrap(createUdpPacket({ srcPort: 1, dstPort: 2, payload: hx('0102030405') }));
    for (const len of [0, 7]) {
      const c = Uint8Array.from(d);
      c[4] = 0;
      c[5] = len;
      expectErr(parseUdp(c), 'malformed', 'udp.parse');
    }
    const longer = Uint8Array.from([...d, 0, 0, 0]);
    expect(toHex(unwrap(parseUdp(longer)).payload)).toBe('0102030405');
    const c = Uint8Array.from(d);
    c[5] = 9;
    expect(toHex(unwrap(parseUdp(c)).payload)).toBe('01');
  });

  it('refuses bad arguments and oversize datagrams (codec.errors.typed, codec.transport.max-size)', () => {
    expectErr(createUdpPacket({ srcPort: 0x10000, dstPort: 1, payload: new Uint8Array(0) }), 'invalid-argument', 'udp.create');
    expectErr(createUdpPacket({ srcPort: 1, dstPort: 1, payload: 'x' as unknown as Uint8Array }), 'invalid-argument');
    expect(unwrap(createUdpPacket({ srcPort: 1, dstPort: 1, payload: new Uint8Array(65515 - 8) })).length).toBe(65515);
    expectErr(createUdpPacket({ srcPort: 1, dstPort: 1, payload: new Uint8Array(65515 - 7) }), 'too-large', 'udp.create');
    expectErr(emitUdp({ srcPort: 1, dstPort: 1, length: 9, checksum: 0, payload: new Uint8Array(0) }), 'invalid-argument');
  });
});
