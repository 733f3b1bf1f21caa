// The public byte vectors of vectors.ts, decoded and re-encoded by the codec.
// Clause: codec.vectors.public (and slip.* for the SLIP ones).
import { describe, it, expect } from 'vitest';
import { formatIp, formatMac } from '../../src/util/bytes.ts';
import { internetChecksum, onesComplementSum } from '../../src/codec/checksum.ts';
import { emitEthernet, parseEthernet } from '../../src/codec/ethernet.ts';
import { arpReply, emitArp, parseArp } from '../../src/codec/arp.ts';
import { emitIpv4, ipv4Checksum, parseIpv4 } from '../../src/codec/ipv4.ts';
import { createEcho, emitIcmp, parseIcmp } from '../../src/codec/icmp.ts';
import { emitTcp, parseTcp, tcpChecksum, verifyTcpChecksum } from '../../src/codec/tcp.ts';
import { emitUdp, parseUdp, udpChecksum, verifyUdpChecksum } from '../../src/codec/udp.ts';
import { slipDecodeAll, slipEncode, slipEncodedSize } from '../../src/codec/slip.ts';
import { ARP_REPLY_VECTOR, CHECKSUM_VECTORS, IPV4_HEADER_CHECKSUM_VECTORS, PACKET_VECTORS, SLIP_VECTORS } from '../../properties/vectors.ts';
import { hx, mac, toHex, unwrap } from './helpers.ts';

describe('public vectors: checksum', () => {
  for (const v of CHECKSUM_VECTORS) {
    it(`${v.id} (${v.source})`, () => {
      expect(onesComplementSum(hx(v.hex))).toBe(v.sum);
      expect(internetChecksum(hx(v.hex))).toBe(v.checksum);
    });
  }
  for (const v of IPV4_HEADER_CHECKSUM_VECTORS) {
    it(`${v.id} (${v.source})`, () => {
      const h = hx(v.hex);
      expect(ipv4Checksum(h)).toBe(v.checksum);
      expect(onesComplementSum(h)).toBe(0xffff);
      // Header only: the datagram it announces is longer than 20 bytes.
      expect(parseIpv4(h)).toMatchObject({ ok: false, error: { kind: 'truncated' } });
    });
  }
});

describe('public vectors: packets', () => {
  for (const v of PACKET_VECTORS) {
    it(`${v.id} (${v.source})`, () => {
      const bytes = hx(v.hex);
      let l3 = bytes;
      const e = v.expect;
      if (v.outer === 'ethernet') {
        const f = unwrap(parseEthernet(bytes));
        expect({ dst: formatMac(f.dst), src: formatMac(f.src), etherType: f.etherType, payloadLength: f.payload.length }).toEqual(e.ethernet);
        expect(toHex(unwrap(emitEthernet(f)))).toBe(v.hex);
        l3 = f.payload;
      }
      if (e.arp) {
        const a = unwrap(parseArp(l3));
        expect({ op: a.op, senderMac: formatMac(a.senderMac), senderIp: formatIp(a.senderIp), targetMac: formatMac(a.targetMac), targetIp: formatIp(a.targetIp) }).toEqual(e.arp);
        expect(toHex(unwrap(emitArp(a)))).toBe(toHex(l3.subarray(0, 28)));
      }
      if (e.ipv4) {
        const p = unwrap(parseIpv4(l3));
        const h = p.header;
        expect({ ...h, src: formatIp(h.src), dst: formatIp(h.dst), checksumOk: p.checksumOk }).toEqual(e.ipv4);
        expect(toHex(unwrap(emitIpv4(p)))).toBe(toHex(l3.subarray(0, h.totalLength)));
        expect(toHex(unwrap(emitIpv4(p, { fillChecksum: true })))).toBe(toHex(l3.subarray(0, h.totalLength)));
        const l4 = p.payload;
        if (e.icmp) {
          const m = unwrap(parseIcmp(l4));
          expect({ ...m, payload: toHex(m.payload) }).toEqual(e.icmp);
          expect(toHex(unwrap(emitIcmp(m)))).toBe(toHex(l4));
          expect(toHex(unwrap(createEcho({ type: m.type, identifier: m.identifier, sequence: m.sequence, payload: m.payload })))).toBe(toHex(l4));
        }
        if (e.tcp) {
          const s = unwrap(parseTcp(l4));
          const checksumOk = verifyTcpChecksum(h.src, h.dst, l4);
          expect({ ...s.header, options: toHex(s.options), payload: toHex(s.payload), checksumOk }).toEqual(e.tcp);
          expect(tcpChecksum(h.src, h.dst, l4)).toBe(e.tcp.checksum);
          expect(toHex(unwrap(emitTcp(s)))).toBe(toHex(l4));
          expect(toHex(unwrap(emitTcp(s, { srcIp: h.src, dstIp: h.dst })))).toBe(toHex(l4));
        }
        if (e.udp) {
          const d = unwrap(parseUdp(l4));
          const checksumOk = verifyUdpChecksum(h.src, h.dst, l4);
          expect({ ...d, payload: toHex(d.payload), checksumOk }).toEqual(e.udp);
          expect(udpChecksum(h.src, h.dst, l4)).toBe(e.udp.checksum);
          expect(toHex(unwrap(emitUdp(d)))).toBe(toHex(l4));
        }
      }
    });
  }

  it(`${ARP_REPLY_VECTOR.id}: arpReply to the captured request matches the captured reply`, () => {
    const req = PACKET_VECTORS.find((v) => v.id === ARP_REPLY_VECTOR.requestId)!;
    const f = unwrap(parseEthernet(hx(req.hex)));
    const reply = arpReply(unwrap(parseArp(f.payload)), mac(ARP_REPLY_VECTOR.replierMac));
    expect({
      op: reply.op,
      senderMac: formatMac(reply.senderMac),
      senderIp: formatIp(reply.senderIp),
      targetMac: formatMac(reply.targetMac),
      targetIp: formatIp(reply.targetIp),
    }).toEqual(ARP_REPLY_VECTOR.expect.arp);
    // The frame carrying it goes back to the requester.
    const frame = unwrap(parseEthernet(unwrap(emitEthernet({ dst: f.src, src: reply.senderMac, etherType: f.etherType, payload: unwrap(emitArp(reply)) }))));
    expect({ dst: formatMac(frame.dst), src: formatMac(frame.src), etherType: frame.etherType }).toEqual(ARP_REPLY_VECTOR.expect.ethernet);
  });
});

describe('public vectors: SLIP', () => {
  for (const v of SLIP_VECTORS) {
    it(`${v.id} (${v.source})`, () => {
      const d = hx(v.decoded);
      expect(toHex(unwrap(slipEncode(d)))).toBe(v.encoded);
      expect(slipEncodedSize(d)).toBe(v.encoded.length / 2);
      const events = slipDecodeAll(hx(v.encoded));
      expect(events.map((ev) => ('frame' in ev ? toHex(ev.frame) : ev.error.kind))).toEqual([v.decoded]);
    });
  }
});
