import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { seedProfile } from '../../src/spec/profile.ts';
import { onesComplementSum } from '../../src/codec/checksum.ts';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPV4_HEADER_LEN,
  createIpv4Packet,
  emitIpv4,
  ipv4Checksum,
  ipv4DefaultsFrom,
  parseIpv4,
} from '../../src/codec/ipv4.ts';
import type { Ipv4Packet } from '../../src/codec/ipv4.ts';
import { FC, expectErr, hx, ip, toHex, unwrap } from './helpers.ts';

const src = ip('10.0.2.15');
const dst = ip('10.0.2.2');
const build = (payload: Uint8Array, protocol = IPPROTO_UDP) => unwrap(createIpv4Packet({ src, dst, protocol, payload }));

describe('IPv4 build', () => {
  it('constants', () => {
    expect([IPV4_HEADER_LEN, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP]).toEqual([20, 1, 6, 17]);
  });

  it('uses the documented defaults from the seed profile (codec.ipv4.defaults)', () => {
    expect(ipv4DefaultsFrom(seedProfile().defaults)).toEqual({ versionIhl: 0x45, identification: 0x1337, flagsFragment: 0x4000, ttl: 64 });
    const b = build(hx('abcd'), IPPROTO_ICMP);
    expect(toHex(b.subarray(0, 12))).toBe('45' + '00' + '0016' + '1337' + '4000' + '40' + '01' + toHex(b.subarray(10, 12)));
    expect(toHex(b.subarray(12))).toBe('0a00020f' + '0a000202' + 'abcd');
  });

  it('writes total_length = 20 + payload and a valid header checksum (codec.ipv4.total-length, codec.ipv4.header-checksum)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 255 }), (payload, proto) => {
        const b = build(payload, proto);
        expect(b.length).toBe(20 + payload.length);
        expect((b[2]! << 8) | b[3]!).toBe(20 + payload.length);
        expect(onesComplementSum(b.subarray(0, 20))).toBe(0xffff);
        expect(ipv4Checksum(b.subarray(0, 20))).toBe((b[10]! << 8) | b[11]!);
      }),
      FC,
    );
  });

  it('refuses a datagram over 65535 bytes; 65535 exactly is fine (codec.ipv4.total-length)', () => {
    expect(build(new Uint8Array(65535 - 20)).length).toBe(65535);
    expectErr(createIpv4Packet({ src, dst, protocol: 17, payload: new Uint8Array(65535 - 19) }), 'too-large', 'ipv4.create');
  });

  it('takes other defaults, and refuses ones it cannot honour', () => {
    const b = unwrap(createIpv4Packet({ src, dst, protocol: 6, payload: new Uint8Array(0) }, { versionIhl: 0x45, identification: 7, flagsFragment: 0, ttl: 128 }));
    expect([b[4], b[5], b[6], b[7], b[8]]).toEqual([0, 7, 0, 0, 128]);
    expectErr(createIpv4Packet({ src, dst, protocol: 6, payload: new Uint8Array(0) }, { versionIhl: 0x46, identification: 7, flagsFragment: 0, ttl: 128 }), 'invalid-argument');
    expectErr(createIpv4Packet({ src, dst, protocol: 6, payload: new Uint8Array(0) }, { versionIhl: 0x45, identification: 7, flagsFragment: 0, ttl: 256 }), 'invalid-argument');
  });

  it('refuses bad arguments: a 3- or 16-byte address, a protocol past 8 bits (codec.errors.typed, codec.builders.arguments)', () => {
    expectErr(createIpv4Packet({ src: new Uint8Array(3), dst, protocol: 6, payload: new Uint8Array(0) }), 'invalid-argument');
    expectErr(createIpv4Packet({ src, dst: new Uint8Array(16), protocol: 6, payload: new Uint8Array(0) }), 'invalid-argument');
    expectErr(createIpv4Packet({ src, dst, protocol: 256, payload: new Uint8Array(0) }), 'invalid-argument');
  });
});

describe('IPv4 parse', () => {
  it('reports the fields (codec.ipv4.parse-fields)', () => {
    const p = unwrap(parseIpv4(build(hx('0102'), IPPROTO_TCP)));
    expect(p.header).toMatchObject({ versionIhl: 0x45, dscpEcn: 0, totalLength: 22, identification: 0x1337, flagsFragment: 0x4000, ttl: 64, protocol: 6 });
    expect(p.header.src).toEqual(src);
    expect(p.header.dst).toEqual(dst);
    expect(toHex(p.payload)).toBe('0102');
    expect(p.options.length).toBe(0);
    expect(p.checksumOk).toBe(true);
  });

  it('honours IHL: options 20..IHL*4, payload after (codec.ipv4.parse-ihl)', () => {
    const pkt: Ipv4Packet = {
      header: { versionIhl: 0x47, dscpEcn: 0, totalLength: 28 + 3, identification: 1, flagsFragment: 0, ttl: 1, protocol: 17, checksum: 0, src, dst },
      options: hx('0101010101010100'),
      payload: hx('aabbcc'),
    };
    const b = unwrap(emitIpv4(pkt, { fillChecksum: true }));
    const p = unwrap(parseIpv4(b));
    expect(toHex(p.options)).toBe('0101010101010100');
    expect(toHex(p.payload)).toBe('aabbcc');
    expect(p.checksumOk).toBe(true);
  });

  it('round-trips (codec.ipv4.roundtrip)', () => {
    const arb = fc
      .record({
        dscpEcn: fc.integer({ min: 0, max: 255 }),
        identification: fc.integer({ min: 0, max: 0xffff }),
        flagsFragment: fc.integer({ min: 0, max: 0xffff }),
        ttl: fc.integer({ min: 0, max: 255 }),
        protocol: fc.integer({ min: 0, max: 255 }),
        checksum: fc.integer({ min: 0, max: 0xffff }),
        src: fc.uint8Array({ minLength: 4, maxLength: 4 }),
        dst: fc.uint8Array({ minLength: 4, maxLength: 4 }),
        optionWords: fc.integer({ min: 0, max: 10 }),
        payload: fc.uint8Array({ maxLength: 100 }),
        optSeed: fc.integer({ min: 0, max: 255 }),
      })
      .map(({ optionWords, optSeed, payload, ...h }): Ipv4Packet => ({
        header: { ...h, versionIhl: 0x40 | (5 + optionWords), totalLength: (5 + optionWords) * 4 + payload.length },
        options: Uint8Array.from({ length: optionWords * 4 }, (_, i) => (optSeed + i) & 0xff),
        payload,
      }));
    fc.assert(
      fc.property(arb, (pkt) => {
        const b = unwrap(emitIpv4(pkt));
        const { checksumOk, ...back } = unwrap(parseIpv4(b));
        expect(back).toEqual(pkt);
        expect(checksumOk).toBe(onesComplementSum(b.subarray(0, (pkt.header.versionIhl & 15) * 4)) === 0xffff);
        expect(toHex(unwrap(emitIpv4(back)))).toBe(toHex(b));
      }),
      FC,
    );
  });

  it('emit refuses an inconsistent header', () => {
    const h = { versionIhl: 0x45, dscpEcn: 0, totalLength: 21, identification: 0, flagsFragment: 0, ttl: 1, protocol: 1, checksum: 0, src, dst };
    expect(unwrap(emitIpv4({ header: h, options: new Uint8Array(0), payload: hx('00') })).length).toBe(21);
    expectErr(emitIpv4({ header: { ...h, totalLength: 22 }, options: new Uint8Array(0), payload: hx('00') }), 'invalid-argument');
    expectErr(emitIpv4({ header: { ...h, versionIhl: 0x65 }, options: new Uint8Array(0), payload: hx('00') }), 'invalid-argument');
    expectErr(emitIpv4({ header: { ...h, versionIhl: 0x46 }, options: new Uint8Array(0), payload: hx('00') }), 'invalid-argument');
    expectErr(emitIpv4({ header: { ...h, versionIhl: 0x46, totalLength: 25 }, options: hx('010101'), payload: hx('00') }), 'invalid-argument');
  });

  it('version other than 4 is malformed (codec.ipv4.version)', () => {
    for (const v of [0, 6, 15]) {
      const b = build(hx('00'));
      b[0] = (v << 4) | 5;
      expectErr(parseIpv4(b), 'malformed', 'ipv4.parse');
    }
  });

  it('IHL below 5 is malformed (codec.ipv4.ihl-min)', () => {
    for (const ihl of [0, 1, 4]) {
      const b = build(hx('00'));
      b[0] = 0x40 | ihl;
      expectErr(parseIpv4(b), 'malformed', 'ipv4.parse');
    }
  });

  it('short buffers are truncated: < 20, < IHL*4 (codec.ipv4.truncated)', () => {
    const b = build(hx('0102030405'));
    for (let n = 0; n < 20; n++) expectErr(parseIpv4(b.subarray(0, n)), 'truncated', 'ipv4.parse');
    const withOptions = Uint8Array.from([...b.subarray(0, 20), 0, 0, 0, 0]);
    withOptions[0] = 0x47; // IHL 7 = 28 bytes, only 24 present
    withOptions[2] = 0;
    withOptions[3] = 28;
    expectErr(parseIpv4(withOptions), 'truncated');
  });

  it('a whole header but fewer than total_length bytes is truncated (codec.ipv4.truncated-total-length)', () => {
    const b = build(hx('0102030405'));
    for (let n = 20; n < b.length; n++) expectErr(parseIpv4(b.subarray(0, n)), 'truncated', 'ipv4.parse');
  });

  it('total_length below IHL*4 is malformed (codec.ipv4.decision.total-below-header)', () => {
    const b = build(hx('0102030405'));
    b[2] = 0;
    b[3] = 19;
    expectErr(parseIpv4(b), 'malformed', 'ipv4.parse');
    b[3] = 20;
    expect(unwrap(parseIpv4(b)).payload.length).toBe(0);
  });

  it('bytes after total_length are ignored (codec.ipv4.trailing-bytes)', () => {
    const b = build(hx('0102'));
    const padded = Uint8Array.from([...b, ...new Uint8Array(60 - 14 - b.length)]);
    const p = unwrap(parseIpv4(padded));
    expect(toHex(p.payload)).toBe('0102');
    expect(p.checksumOk).toBe(true);
  });

  it('a wrong checksum is reported, not rejected (codec.ipv4.decision.checksum-reported)', () => {
    const b = build(hx('0102'));
    b[11] = b[11]! ^ 0xff;
    const p = unwrap(parseIpv4(b));
    expect(p.checksumOk).toBe(false);
    expect(toHex(p.payload)).toBe('0102');
    b[11] = b[11]! ^ 0xff;
    b[8] = 1; // TTL changed after the checksum was computed
    expect(unwrap(parseIpv4(b)).checksumOk).toBe(false);
  });

  it('never throws on arbitrary bytes (codec.errors.typed)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = parseIpv4(b);
        if (!r.ok) expect(['truncated', 'malformed']).toContain(r.error.kind);
      }),
      FC,
    );
  });
});
