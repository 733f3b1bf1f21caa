import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { onesComplementSum } from '../../src/codec/checksum.ts';
import { ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_HEADER_LEN, createEcho, echoReplyFor, emitIcmp, icmpChecksum, parseIcmp } from '../../src/codec/icmp.ts';
import type { IcmpEcho } from '../../src/codec/icmp.ts';
import { FC, expectErr, hx, toHex, unwrap } from './helpers.ts';

describe('ICMP echo', () => {
  it('constants', () => {
    expect([ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY, ICMP_HEADER_LEN]).toEqual([8, 0, 8]);
  });

  it('lays out type, code 0, checksum, id, seq, data (codec.icmp.layout)', () => {
    const b = unwrap(createEcho({ type: 8, identifier: 0x1234, sequence: 0x0102, payload: hx('6162') }));
    expect(toHex(b.subarray(0, 2))).toBe('0800');
    expect(toHex(b.subarray(4))).toBe('1234' + '0102' + '6162');
  });

  it('the checksum covers header and data, odd lengths included (codec.icmp.checksum)', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 8), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 101 }), (type, identifier, sequence, payload) => {
        const b = unwrap(createEcho({ type, identifier, sequence, payload }));
        expect(onesComplementSum(b)).toBe(0xffff);
        expect(icmpChecksum(b)).toBe((b[2]! << 8) | b[3]!);
        expect(unwrap(parseIcmp(b)).checksumOk).toBe(true);
      }),
      FC,
    );
  });

  it('the reply keeps id, seq and data, type 0 code 0, fresh checksum (codec.icmp.echo-reply)', () => {
    const req = unwrap(parseIcmp(unwrap(createEcho({ type: 8, identifier: 7, sequence: 9, payload: hx('00ff10') }))));
    const rep = echoReplyFor(req);
    expect(rep).toMatchObject({ type: 0, code: 0, identifier: 7, sequence: 9 });
    expect(toHex(rep.payload)).toBe('00ff10');
    const bytes = unwrap(emitIcmp(rep));
    expect(unwrap(parseIcmp(bytes)).checksumOk).toBe(true);
    expect(toHex(bytes)).toBe(toHex(unwrap(createEcho({ type: 0, identifier: 7, sequence: 9, payload: hx('00ff10') }))));
    // The reply's data is a copy.
    req.payload[0] = 0x55;
    expect(rep.payload[0]).toBe(0);
  });

  it('round-trips (codec.icmp.roundtrip)', () => {
    const arb = fc.record({
      type: fc.integer({ min: 0, max: 255 }),
      code: fc.integer({ min: 0, max: 255 }),
      checksum: fc.integer({ min: 0, max: 0xffff }),
      identifier: fc.integer({ min: 0, max: 0xffff }),
      sequence: fc.integer({ min: 0, max: 0xffff }),
      payload: fc.uint8Array({ maxLength: 64 }),
    });
    fc.assert(
      fc.property(arb, (m: IcmpEcho) => {
        const b = unwrap(emitIcmp(m));
        const { checksumOk, ...back } = unwrap(parseIcmp(b));
        expect(back).toEqual(m);
        expect(checksumOk).toBe(onesComplementSum(b) === 0xffff);
        expect(toHex(unwrap(emitIcmp(back)))).toBe(toHex(b));
      }),
      FC,
    );
  });

  it('short input is truncated (codec.icmp.truncated)', () => {
    for (let n = 0; n < 8; n++) expectErr(parseIcmp(new Uint8Array(n)), 'truncated', 'icmp.parse');
  });

  it('other types and bad checksums are parsed and reported (codec.icmp.lenient)', () => {
    // Destination unreachable (3), code 3: bytes 4..7 "unused" are read as id/seq.
    const b = hx('0303fcfc00000000');
    const m = unwrap(parseIcmp(b));
    expect(m).toMatchObject({ type: 3, code: 3, identifier: 0, sequence: 0, checksumOk: true });
    b[7] = 1;
    expect(unwrap(parseIcmp(b)).checksumOk).toBe(false);
  });

  it('refuses bad arguments and oversize messages (codec.errors.typed, codec.transport.max-size)', () => {
    expectErr(createEcho({ type: 256, identifier: 0, sequence: 0, payload: new Uint8Array(0) }), 'invalid-argument');
    expectErr(createEcho({ type: 8, identifier: 0x10000, sequence: 0, payload: new Uint8Array(0) }), 'invalid-argument');
    expectErr(createEcho({ type: 8, identifier: 0, sequence: -1, payload: new Uint8Array(0) }), 'invalid-argument');
    expect(unwrap(createEcho({ type: 8, identifier: 0, sequence: 0, payload: new Uint8Array(65515 - 8) })).length).toBe(65515);
    expectErr(createEcho({ type: 8, identifier: 0, sequence: 0, payload: new Uint8Array(65515 - 7) }), 'too-large');
  });
});
