// Ethernet II and ARP: layouts, fixed fields, round trips, truncation.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, okValue } from '../../src/runner/assert.ts';
import { hexBytes, ipv4Addr, mac, u16 } from '../arbitraries.ts';
import { hx, u16At } from '../oracles.ts';
import { checkAllTruncationsFail, truncationOps } from './truncation.ts';

const ETHER_HEADER = 14; // Ethernet II: dst 6, src 6, EtherType 2 (IEEE 802.3 / spec-notes §4)
const ARP_LEN = 28; // RFC 826 for Ethernet/IPv4 (spec-notes §4)

const ethernetFrame = () => fc.record({ dst: mac(), src: mac(), etherType: u16(), payload: hexBytes(0, 100) });
type Arp = { operation: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string };
/** RFC 826 layout for Ethernet/IPv4, built by the property: htype 1, ptype 0x0800, hlen 6, plen 4, op. */
const arpHex = (p: Arp): string => '0001' + '0800' + '06' + '04' + p.operation.toString(16).padStart(4, '0') + p.senderMac + p.senderIp + p.targetMac + p.targetIp;

const arpPacket = () => fc.record({ operation: fc.constantFrom(1, 2), senderMac: mac(), senderIp: ipv4Addr(), targetMac: mac(), targetIp: ipv4Addr() });

export const linkProperties = [
  defineProperty({
    id: 'codec.ethernet.layout-roundtrip',
    title: 'emit lays out dst, src, EtherType (big-endian), payload with no padding; parse gives the fields back',
    layer: 'codec',
    clauses: ['codec.ethernet.layout', 'codec.ethernet.roundtrip', 'codec.ethernet.no-padding', 'codec.ethernet.ethertype-opaque'],
    arbitrary: ethernetFrame,
    scenario: (f) => [{ op: 'ethernet.emit', ...f }],
    check: (f, trace) => {
      const bytes = hx(field(okValue(trace, 0, 'ethernet.emit'), 'bytes'));
      mustEqual(bytes.length, ETHER_HEADER + f.payload.length / 2, 'frame length (no padding by the helper)');
      mustEqual(Buffer.from(bytes.slice(0, 6)).toString('hex'), f.dst, 'dst MAC at 0..6');
      mustEqual(Buffer.from(bytes.slice(6, 12)).toString('hex'), f.src, 'src MAC at 6..12');
      mustEqual(u16At(bytes, 12), f.etherType, 'EtherType at 12..14');
    },
  }),
  defineProperty({
    id: 'codec.ethernet.parse-roundtrip',
    title: 'parse(emit(frame)) = frame',
    layer: 'codec',
    clauses: ['codec.ethernet.roundtrip', 'codec.ethernet.ethertype-opaque'],
    arbitrary: ethernetFrame,
    scenario: (f) => [{ op: 'ethernet.parse', bytes: f.dst + f.src + f.etherType.toString(16).padStart(4, '0') + f.payload }],
    check: (f, trace) => mustEqual(okValue(trace, 0, 'ethernet.parse'), { dst: f.dst, src: f.src, etherType: f.etherType, payload: f.payload }, 'parsed frame'),
  }),
  defineProperty({
    id: 'codec.ethernet.truncated',
    title: 'a frame shorter than the 14-byte header is a truncation error',
    layer: 'codec',
    clauses: ['codec.ethernet.truncated', 'codec.errors.typed'],
    arbitrary: () => hexBytes(14, 40).map(hx),
    scenario: (frame) => truncationOps('ethernet.parse', frame, ETHER_HEADER),
    check: (_f, trace) => checkAllTruncationsFail(trace, ETHER_HEADER, 'Ethernet frame'),
  }),
  defineProperty({
    id: 'codec.arp.fixed-fields',
    title: 'an emitted ARP packet is 28 bytes: htype 1, ptype 0x0800, hlen 6, plen 4, op, sender MAC/IP, target MAC/IP',
    layer: 'codec',
    clauses: ['codec.arp.layout'],
    arbitrary: arpPacket,
    scenario: (p) => [{ op: 'arp.emit', ...p }],
    check: (p, trace) => {
      const b = hx(field(okValue(trace, 0, 'arp.emit'), 'bytes'));
      mustEqual(b.length, ARP_LEN, 'ARP length');
      mustEqual([u16At(b, 0), u16At(b, 2), b[4], b[5], u16At(b, 6)], [1, 0x0800, 6, 4, p.operation], 'htype, ptype, hlen, plen, op');
      mustEqual(Buffer.from(b.slice(8, 28)).toString('hex'), p.senderMac + p.senderIp + p.targetMac + p.targetIp, 'addresses at 8..28');
    },
  }),
  defineProperty({
    id: 'codec.arp.roundtrip',
    title: 'emit gives the RFC 826 bytes, and parse of them (with any trailing bytes) gives the packet back',
    layer: 'codec',
    clauses: ['codec.arp.roundtrip', 'codec.arp.trailing-ignored'],
    arbitrary: () => fc.tuple(arpPacket(), hexBytes(0, 20)),
    scenario: ([p, trailing]): Op[] => [
      { op: 'arp.emit', ...p },
      { op: 'arp.parse', bytes: arpHex(p) + trailing },
    ],
    check: ([p], trace) => {
      mustEqual(field(okValue(trace, 0, 'arp.emit'), 'bytes'), arpHex(p), 'emitted ARP');
      mustEqual(okValue(trace, 1, 'arp.parse'), p, 'parsed ARP');
    },
  }),
  defineProperty({
    id: 'codec.arp.request-reply',
    title: 'a request asks with op 1 and a zero target MAC; the reply swaps roles with op 2 and the replier’s MAC',
    layer: 'codec',
    clauses: ['codec.arp.request-reply'],
    arbitrary: () => fc.record({ senderMac: mac(), senderIp: ipv4Addr(), targetIp: ipv4Addr(), replierMac: mac() }),
    scenario: (a): Op[] => {
      const request = arpHex({ operation: 1, senderMac: a.senderMac, senderIp: a.senderIp, targetMac: '000000000000', targetIp: a.targetIp });
      return [
        { op: 'arp.request', senderMac: a.senderMac, senderIp: a.senderIp, targetIp: a.targetIp },
        { op: 'arp.reply', request, mac: a.replierMac },
      ];
    },
    check: (a, trace) => {
      mustEqual(field(okValue(trace, 0, 'arp.request'), 'bytes'), arpHex({ operation: 1, senderMac: a.senderMac, senderIp: a.senderIp, targetMac: '000000000000', targetIp: a.targetIp }), 'request');
      mustEqual(field(okValue(trace, 1, 'arp.reply'), 'bytes'), arpHex({ operation: 2, senderMac: a.replierMac, senderIp: a.targetIp, targetMac: a.senderMac, targetIp: a.senderIp }), 'reply');
    },
  }),
  defineProperty({
    id: 'codec.arp.truncated-or-foreign',
    title: 'an ARP packet cut short is truncated; one for another hardware/protocol type is malformed',
    layer: 'codec',
    clauses: ['codec.arp.truncated', 'codec.arp.foreign', 'codec.errors.typed'],
    arbitrary: () => fc.tuple(arpPacket(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 255 })),
    scenario: ([p, at, x]) => {
      const good = hx(arpHex(p));
      const foreign = Uint8Array.from(good);
      foreign[at] = foreign[at]! ^ x;
      return [...truncationOps('arp.parse', good), { op: 'arp.parse', bytes: Buffer.from(foreign).toString('hex') }];
    },
    check: (_p, trace) => {
      checkAllTruncationsFail(trace, ARP_LEN, 'ARP packet');
      mustEqual(trace.results[ARP_LEN]?.ok === false && trace.results[ARP_LEN].error.kind, 'malformed', 'ARP with a changed htype/ptype/hlen/plen');
    },
  }),
];
