// Ethernet II and ARP: layouts, fixed fields, round trips, truncation.
import fc from 'fast-check';
import type { Op, OpResult } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, okValue, resultAt } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { HEADER_BYTES, hexBytes, ipv4Addr, mac, u16 } from '../arbitraries.ts';
import { hx, u16At } from '../oracles.ts';
import { checkRefused, checkTruncations, checkSameParse, checkTypedErrors, ERRORS_TYPED, truncationOps } from './parse-checks.ts';

const ETHER_HEADER = HEADER_BYTES.ethernet; // Ethernet II: dst 6, src 6, EtherType 2 (IEEE 802.3 / spec-notes §4)
const ARP_LEN = HEADER_BYTES.arp; // RFC 826 for Ethernet/IPv4 (spec-notes §4)

const ethernetFrame = () => fc.record({ dst: mac(), src: mac(), etherType: u16(), payload: hexBytes(0, 100) });
type Arp = { operation: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string };
/** RFC 826 layout for Ethernet/IPv4, built by the property: htype 1, ptype 0x0800, hlen 6, plen 4, op. */
export const arpHex = (p: Arp): string => '0001' + '0800' + '06' + '04' + p.operation.toString(16).padStart(4, '0') + p.senderMac + p.senderIp + p.targetMac + p.targetIp;

/** ARP packets: request and reply often, but any 16-bit operation (0, 3, 0x0100, 0xFFFF...): the op is carried as is. */
const arpPacket = () => fc.record({ operation: fc.oneof(fc.constantFrom(1, 2), u16()), senderMac: mac(), senderIp: ipv4Addr(), targetMac: mac(), targetIp: ipv4Addr() });

/** EtherTypes every Ethernet helper must handle: refusing another one is ethertype-opaque's failure alone. */
const STANDARD_ETHERTYPES = [0x0800, 0x0806];
const refusedForEtherType = (r: OpResult, etherType: number): boolean => !r.ok && r.error.kind !== 'unsupported-op' && !STANDARD_ETHERTYPES.includes(etherType);

export const linkProperties = [
  defineProperty({
    id: 'codec.ethernet.layout-roundtrip',
    title: 'emit accepts any EtherType and lays out dst, src, EtherType (big-endian), payload with no padding',
    layer: 'codec',
    clauses: ['codec.ethernet.layout', 'codec.ethernet.no-padding', 'codec.ethernet.ethertype-opaque'],
    arbitrary: ethernetFrame,
    scenario: (f) => [{ op: 'ethernet.emit', ...f }],
    check: (f, trace, _ctx, t) => {
      if (!STANDARD_ETHERTYPES.includes(f.etherType)) t.check('codec.ethernet.ethertype-opaque', () => okValue(trace, 0, `ethernet.emit with EtherType 0x${f.etherType.toString(16)}`));
      if (refusedForEtherType(resultAt(trace, 0), f.etherType)) return;
      const bytes = () => hx(field(okValue(trace, 0, 'ethernet.emit'), 'bytes'));
      t.check('codec.ethernet.no-padding', () => mustEqual(bytes().length, ETHER_HEADER + f.payload.length / 2, 'frame length (no padding by the helper)'));
      t.check('codec.ethernet.layout', () => {
        const b = bytes();
        mustEqual(toHex(b.slice(0, 6)), f.dst, 'dst MAC at 0..6');
        mustEqual(toHex(b.slice(6, 12)), f.src, 'src MAC at 6..12');
        mustEqual(u16At(b, 12), f.etherType, 'EtherType at 12..14');
        mustEqual(toHex(b.slice(ETHER_HEADER, ETHER_HEADER + f.payload.length / 2)), f.payload, 'payload from byte 14');
      });
    },
  }),
  defineProperty({
    id: 'codec.ethernet.parse-roundtrip',
    title: 'parse(emit(frame)) = frame, whatever the EtherType',
    layer: 'codec',
    clauses: ['codec.ethernet.roundtrip', 'codec.ethernet.ethertype-opaque'],
    arbitrary: ethernetFrame,
    scenario: (f) => [{ op: 'ethernet.parse', bytes: f.dst + f.src + f.etherType.toString(16).padStart(4, '0') + f.payload }],
    check: (f, trace, _ctx, t) => {
      const r = resultAt(trace, 0);
      if (r.ok || !STANDARD_ETHERTYPES.includes(f.etherType)) t.check('codec.ethernet.ethertype-opaque', () => mustEqual(field(okValue(trace, 0, 'ethernet.parse'), 'etherType'), f.etherType, 'EtherType reported unchanged'));
      if (refusedForEtherType(r, f.etherType)) return;
      t.check('codec.ethernet.roundtrip', () => {
        const v = okValue(trace, 0, 'ethernet.parse');
        mustEqual({ dst: field(v, 'dst'), src: field(v, 'src'), payload: field(v, 'payload') }, { dst: f.dst, src: f.src, payload: f.payload }, 'parsed frame');
      });
    },
  }),
  defineProperty({
    id: 'codec.ethernet.truncated',
    title: 'a frame shorter than the 14-byte header is a truncation error',
    layer: 'codec',
    clauses: ['codec.ethernet.truncated', ERRORS_TYPED],
    arbitrary: () => hexBytes(14, 40).map(hx),
    scenario: (frame) => truncationOps('ethernet.parse', frame, ETHER_HEADER),
    check: (_f, trace, _ctx, t) => checkTruncations(t, 'codec.ethernet.truncated', trace, ETHER_HEADER, 'Ethernet frame'),
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
      mustEqual(toHex(b.slice(8, 28)), p.senderMac + p.senderIp + p.targetMac + p.targetIp, 'addresses at 8..28');
    },
  }),
  defineProperty({
    id: 'codec.arp.roundtrip',
    title: 'parse of the RFC 826 bytes (as codec.arp.fixed-fields checks emit lays them out) gives the packet back; trailing bytes change nothing',
    layer: 'codec',
    clauses: ['codec.arp.roundtrip', 'codec.arp.trailing-ignored'],
    arbitrary: () => fc.tuple(arpPacket(), hexBytes(1, 20)),
    // The packet is parsed twice, bare and with trailing bytes: trailing-ignored is that the two
    // parses agree, whatever parse gets wrong otherwise (which is roundtrip's).
    scenario: ([p, trailing]): Op[] => [
      { op: 'arp.parse', bytes: arpHex(p) },
      { op: 'arp.parse', bytes: arpHex(p) + trailing },
    ],
    check: ([p, trailing], trace, _ctx, t) => {
      t.check('codec.arp.roundtrip', () => mustEqual(okValue(trace, 0, 'arp.parse'), p, 'parsed ARP'));
      checkSameParse(t, 'codec.arp.trailing-ignored', trace, 0, 1, `parse of the packet with ${trailing.length / 2} trailing bytes against the bare packet`);
    },
  }),
  defineProperty({
    id: 'codec.arp.request-reply',
    title: 'a request asks with op 1 and a zero target MAC; the reply swaps roles with op 2 and the replier’s MAC',
    layer: 'codec',
    clauses: ['codec.arp.request', 'codec.arp.reply'],
    arbitrary: () => fc.record({ senderMac: mac(), senderIp: ipv4Addr(), targetIp: ipv4Addr(), replierMac: mac() }),
    // The reply is asked of a request the property builds, so the two halves are independent.
    scenario: (a): Op[] => {
      const request = arpHex({ operation: 1, senderMac: a.senderMac, senderIp: a.senderIp, targetMac: '000000000000', targetIp: a.targetIp });
      return [
        { op: 'arp.request', senderMac: a.senderMac, senderIp: a.senderIp, targetIp: a.targetIp },
        { op: 'arp.reply', request, mac: a.replierMac },
      ];
    },
    check: (a, trace, _ctx, t) => {
      t.check('codec.arp.request', () =>
        mustEqual(field(okValue(trace, 0, 'arp.request'), 'bytes'), arpHex({ operation: 1, senderMac: a.senderMac, senderIp: a.senderIp, targetMac: '000000000000', targetIp: a.targetIp }), 'request'),
      );
      t.check('codec.arp.reply', () =>
        mustEqual(field(okValue(trace, 1, 'arp.reply'), 'bytes'), arpHex({ operation: 2, senderMac: a.replierMac, senderIp: a.targetIp, targetMac: a.senderMac, targetIp: a.senderIp }), 'reply'),
      );
    },
  }),
  defineProperty({
    id: 'codec.arp.truncated-or-foreign',
    title: 'an ARP packet cut short is truncated; one for another hardware/protocol type is malformed',
    layer: 'codec',
    clauses: ['codec.arp.truncated', 'codec.arp.foreign', ERRORS_TYPED],
    arbitrary: () => fc.tuple(arpPacket(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 255 })),
    scenario: ([p, at, x]) => {
      const good = hx(arpHex(p));
      const foreign = Uint8Array.from(good);
      foreign[at] = foreign[at]! ^ x;
      return [...truncationOps('arp.parse', good), { op: 'arp.parse', bytes: toHex(foreign) }];
    },
    check: ([_p, at], trace, _ctx, t) => {
      checkTruncations(t, 'codec.arp.truncated', trace, ARP_LEN, 'ARP packet');
      checkTypedErrors(t, trace, ARP_LEN, 1, 'ARP with a changed htype/ptype/hlen/plen');
      checkRefused(t, 'codec.arp.foreign', trace, ARP_LEN, `ARP with byte ${at} (htype/ptype/hlen/plen) changed`, ['malformed']);
    },
  }),
];
