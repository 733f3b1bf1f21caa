import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { onesComplementSum, pseudoHeaderSum } from '../../src/codec/checksum.ts';
import {
  TCP_ACK,
  TCP_FIN,
  TCP_HEADER_LEN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
  createTcpSegment,
  emitTcp,
  parseFlags,
  parseTcp,
  tcpChecksum,
  verifyTcpChecksum,
} from '../../src/codec/tcp.ts';
import type { TcpSegment } from '../../src/codec/tcp.ts';
import { FC, expectErr, hx, ip, toHex, unwrap } from './helpers.ts';

const srcIp = ip('10.0.2.15');
const dstIp = ip('10.0.2.2');
const base = { srcIp, dstIp, srcPort: 80, dstPort: 40000, seq: 1, ack: 2, flags: TCP_SYN | TCP_ACK, payload: new Uint8Array(0) };

describe('TCP segments', () => {
  it('flag values (codec.tcp.flags)', () => {
    expect([TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK, TCP_URG, TCP_HEADER_LEN]).toEqual([1, 2, 4, 8, 0x10, 0x20, 20]);
  });

  it('parseFlags reports syn, ack, fin, rst (codec.tcp.flags)', () => {
    expect(parseFlags(TCP_SYN | TCP_ACK)).toEqual({ syn: true, ack: true, fin: false, rst: false });
    expect(parseFlags(TCP_FIN | TCP_RST | TCP_PSH)).toEqual({ syn: false, ack: false, fin: true, rst: true });
    expect(parseFlags(0)).toEqual({ syn: false, ack: false, fin: false, rst: false });
    for (let f = 0; f < 256; f++) {
      expect(parseFlags(f)).toEqual({ syn: (f & 2) !== 0, ack: (f & 16) !== 0, fin: (f & 1) !== 0, rst: (f & 4) !== 0 });
    }
  });

  it('builds a 20-byte header, offset 5, urgent 0, default window 1024 (codec.tcp.layout, codec.tcp.window)', () => {
    const b = unwrap(createTcpSegment({ ...base, seq: 0x01020304, ack: 0xa0b0c0d0, payload: hx('6869') }));
    expect(b.length).toBe(22);
    expect(toHex(b.subarray(0, 16))).toBe('0050' + '9c40' + '01020304' + 'a0b0c0d0' + '50' + '12' + '0400');
    expect(toHex(b.subarray(18))).toBe('0000' + '6869');
    expect(unwrap(createTcpSegment({ ...base, window: 0xffff })).subarray(14, 16)).toEqual(hx('ffff'));
  });

  it('checksum covers pseudo-header + segment (codec.tcp.checksum, codec.checksum.pseudo-header)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 99 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 255 }), (payload, seq, flags) => {
        const b = unwrap(createTcpSegment({ ...base, seq, flags, payload }));
        expect(onesComplementSum(b, pseudoHeaderSum(srcIp, dstIp, 6, b.length))).toBe(0xffff);
        expect(verifyTcpChecksum(srcIp, dstIp, b)).toBe(true);
        expect(tcpChecksum(srcIp, dstIp, b)).toBe((b[16]! << 8) | b[17]!);
        // Wrong addresses fail verification.
        expect(verifyTcpChecksum(srcIp, ip('10.0.2.3'), b)).toBe(false);
      }),
      FC,
    );
  });

  it('parse honours the data offset; offset < 5 is malformed (codec.tcp.parse-offset)', () => {
    const s: TcpSegment = {
      header: { srcPort: 1, dstPort: 2, seq: 3, ack: 4, dataOffset: 6, flags: TCP_ACK, window: 5, checksum: 0, urgent: 0 },
      options: hx('02040218'),
      payload: hx('aa'),
    };
    const b = unwrap(emitTcp(s, { srcIp, dstIp }));
    const p = unwrap(parseTcp(b));
    expect(toHex(p.options)).toBe('02040218');
    expect(toHex(p.payload)).toBe('aa');
    for (const off of [0, 1, 4]) {
      const c = Uint8Array.from(b);
      c[12] = off << 4;
      expectErr(parseTcp(c), 'malformed', 'tcp.parse');
    }
  });

  it('short input is truncated (codec.tcp.truncated)', () => {
    const b = unwrap(createTcpSegment({ ...base, payload: hx('01') }));
    for (let n = 0; n < 20; n++) expectErr(parseTcp(b.subarray(0, n)), 'truncated', 'tcp.parse');
    const c = Uint8Array.from(b);
    c[12] = 0xf0; // 60-byte header in a 21-byte buffer
    expectErr(parseTcp(c), 'truncated', 'tcp.parse');
  });

  it('ignores the reserved bits of byte 12 and writes them 0 (codec.tcp.reserved-bits)', () => {
    const b = unwrap(createTcpSegment(base));
    const c = Uint8Array.from(b);
    c[12] = 0x5f;
    const p = unwrap(parseTcp(c));
    expect(p.header.dataOffset).toBe(5);
    expect(p.header.flags).toBe(TCP_SYN | TCP_ACK);
    expect(unwrap(emitTcp(p))[12]).toBe(0x50);
  });

  it('round-trips (codec.tcp.roundtrip)', () => {
    const arb = fc
      .record({
        srcPort: fc.integer({ min: 0, max: 0xffff }),
        dstPort: fc.integer({ min: 0, max: 0xffff }),
        seq: fc.integer({ min: 0, max: 0xffffffff }),
        ack: fc.integer({ min: 0, max: 0xffffffff }),
        flags: fc.integer({ min: 0, max: 255 }),
        window: fc.integer({ min: 0, max: 0xffff }),
        checksum: fc.integer({ min: 0, max: 0xffff }),
        urgent: fc.integer({ min: 0, max: 0xffff }),
        words: fc.integer({ min: 0, max: 10 }),
        payload: fc.uint8Array({ maxLength: 64 }),
      })
      .map(({ words, payload, ...h }): TcpSegment => ({
        header: { ...h, dataOffset: 5 + words },
        options: Uint8Array.from({ length: words * 4 }, (_, i) => i + 1),
        payload,
      }));
    fc.assert(
      fc.property(arb, (s) => {
        const b = unwrap(emitTcp(s));
        expect(unwrap(parseTcp(b))).toEqual(s);
        expect(toHex(unwrap(emitTcp(unwrap(parseTcp(b)))))).toBe(toHex(b));
      }),
      FC,
    );
  });

  it('refuses bad arguments and oversize segments (codec.errors.typed, codec.builders.arguments, codec.transport.max-size)', () => {
    expectErr(createTcpSegment({ ...base, srcIp: new Uint8Array(3) }), 'invalid-argument', 'tcp.create');
    expectErr(createTcpSegment({ ...base, seq: 2 ** 32 }), 'invalid-argument');
    expectErr(createTcpSegment({ ...base, flags: 0x100 }), 'invalid-argument');
    expectErr(createTcpSegment({ ...base, window: 70000 }), 'invalid-argument');
    expectErr(createTcpSegment({ ...base, dstPort: -1 }), 'invalid-argument');
    expect(unwrap(createTcpSegment({ ...base, payload: new Uint8Array(65515 - 20) })).length).toBe(65515);
    expectErr(createTcpSegment({ ...base, payload: new Uint8Array(65515 - 19) }), 'too-large', 'tcp.create');
    const s: TcpSegment = { header: { srcPort: 1, dstPort: 2, seq: 3, ack: 4, dataOffset: 6, flags: 0, window: 5, checksum: 0, urgent: 0 }, options: new Uint8Array(0), payload: new Uint8Array(0) };
    expectErr(emitTcp(s), 'invalid-argument');
    expectErr(emitTcp({ ...s, header: { ...s.header, dataOffset: 4 } }), 'invalid-argument');
  });
});
