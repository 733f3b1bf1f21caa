import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ARP_OP_REPLY, ARP_OP_REQUEST, ARP_PACKET_LEN, arpReply, arpRequest, emitArp, parseArp } from '../../src/codec/arp.ts';
import type { ArpPacket } from '../../src/codec/arp.ts';
import { FC, expectErr, hx, ip, mac, toHex, unwrap } from './helpers.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const packet = fc.record({ op: fc.integer({ min: 0, max: 0xffff }), senderMac: bytes(6), senderIp: bytes(4), targetMac: bytes(6), targetIp: bytes(4) });

describe('ARP', () => {
  it('constants', () => {
    expect([ARP_PACKET_LEN, ARP_OP_REQUEST, ARP_OP_REPLY]).toEqual([28, 1, 2]);
  });

  it('emits the 28-byte layout with the fixed fields (codec.arp.layout)', () => {
    const p: ArpPacket = { op: 1, senderMac: mac('52:54:00:12:34:56'), senderIp: ip('10.0.2.15'), targetMac: new Uint8Array(6), targetIp: ip('10.0.2.2') };
    expect(toHex(unwrap(emitArp(p)))).toBe('0001' + '0800' + '06' + '04' + '0001' + '525400123456' + '0a00020f' + '000000000000' + '0a000202');
  });

  it('round-trips (codec.arp.roundtrip)', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const b = unwrap(emitArp(p));
        expect(b.length).toBe(28);
        expect(unwrap(parseArp(b))).toEqual(p);
        expect(toHex(unwrap(emitArp(unwrap(parseArp(b)))))).toBe(toHex(b));
      }),
      FC,
    );
  });

  it('request has op 1 and a zero target MAC (codec.arp.request)', () => {
    const req = arpRequest(mac('52:54:00:12:34:56'), ip('10.0.2.15'), ip('10.0.2.2'));
    expect(req).toEqual({ op: 1, senderMac: mac('52:54:00:12:34:56'), senderIp: ip('10.0.2.15'), targetMac: new Uint8Array(6), targetIp: ip('10.0.2.2') });
  });

  it('the reply swaps roles with op 2 and the replier’s MAC (codec.arp.reply)', () => {
    const req = arpRequest(mac('52:54:00:12:34:56'), ip('10.0.2.15'), ip('10.0.2.2'));
    const rep = arpReply(req, mac('52:55:0a:00:02:02'));
    expect(rep).toEqual({ op: 2, senderMac: mac('52:55:0a:00:02:02'), senderIp: ip('10.0.2.2'), targetMac: mac('52:54:00:12:34:56'), targetIp: ip('10.0.2.15') });
  });

  it('short input is truncated (codec.arp.truncated)', () => {
    const good = unwrap(emitArp(arpRequest(new Uint8Array(6), ip('1.2.3.4'), ip('5.6.7.8'))));
    for (let n = 0; n < 28; n++) expectErr(parseArp(good.subarray(0, n)), 'truncated', 'arp.parse');
  });

  it('foreign htype/ptype/hlen/plen is malformed; op is not checked (codec.arp.foreign)', () => {
    const good = unwrap(emitArp(arpRequest(new Uint8Array(6), ip('1.2.3.4'), ip('5.6.7.8'))));
    for (const [at, v] of [[1, 6], [2, 0x86], [4, 8], [5, 16]] as const) {
      const b = Uint8Array.from(good);
      b[at] = v;
      expectErr(parseArp(b), 'malformed', 'arp.parse');
    }
    const odd = Uint8Array.from(good);
    odd[6] = 1;
    odd[7] = 9;
    expect(unwrap(parseArp(odd)).op).toBe(0x0109);
  });

  it('ignores bytes after the 28 (Ethernet padding) (codec.arp.trailing-ignored)', () => {
    const good = unwrap(emitArp(arpRequest(new Uint8Array(6), ip('1.2.3.4'), ip('5.6.7.8'))));
    const padded = Uint8Array.from([...good, ...new Uint8Array(18).fill(0xaa)]);
    expect(unwrap(parseArp(padded))).toEqual(unwrap(parseArp(good)));
  });

  it('refuses bad arguments (codec.errors.typed)', () => {
    const p = arpRequest(new Uint8Array(6), ip('1.2.3.4'), ip('5.6.7.8'));
    expectErr(emitArp({ ...p, senderIp: new Uint8Array(16) }), 'invalid-argument');
    expectErr(emitArp({ ...p, targetMac: new Uint8Array(8) }), 'invalid-argument');
    expectErr(emitArp({ ...p, op: 0x10000 }), 'invalid-argument');
    expect(parseArp(hx(''))).toMatchObject({ ok: false });
  });
});
