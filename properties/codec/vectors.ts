// Published packets (properties/vectors.ts names each one's source) decoded through the
// contract: every layer's fields must come out as the source reads them.
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, type Checks } from '../../src/runner/property.ts';
import { field, mustEqual, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { hx, u16At } from '../oracles.ts';
import { ARP_REPLY_VECTOR, CHECKSUM_VECTORS, IPV4_HEADER_CHECKSUM_VECTORS, PACKET_VECTORS, type PacketVector } from '../vectors.ts';

const macHex = (m: string): string => m.replace(/:/g, '');
const ipHex = (ip: string): string => ip.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join('');

/** The parse ops for one packet, layer by layer, with the bytes each layer starts at. */
function packetOps(v: PacketVector): { ops: Op[]; layers: string[] } {
  const ops: Op[] = [];
  const layers: string[] = [];
  let b = hx(v.hex);
  if (v.outer === 'ethernet') {
    ops.push({ op: 'ethernet.parse', bytes: toHex(b) });
    layers.push('ethernet');
    b = b.slice(14);
    if (v.expect.arp) {
      ops.push({ op: 'arp.parse', bytes: toHex(b) });
      layers.push('arp');
      return { ops, layers };
    }
  }
  if (v.expect.ipv4) {
    ops.push({ op: 'ipv4.parse', bytes: toHex(b) });
    layers.push('ipv4');
    b = b.slice(4 * (b[0]! & 0x0f), u16At(b, 2));
  }
  for (const l of ['icmp', 'tcp', 'udp'] as const) {
    if (v.expect[l]) {
      ops.push({ op: `${l}.parse`, bytes: toHex(b) });
      layers.push(l);
    }
  }
  // TCP and UDP checksums need the pseudo-header: verify them with the IPv4 addresses.
  const ip = v.expect.ipv4;
  if (ip && v.expect.tcp) ops.push({ op: 'tcp.verify', srcIp: ipHex(ip.src), dstIp: ipHex(ip.dst), bytes: toHex(b) });
  if (ip && v.expect.udp) ops.push({ op: 'udp.checksum', srcIp: ipHex(ip.src), dstIp: ipHex(ip.dst), bytes: toHex(b) });
  return { ops, layers };
}

const PUBLIC = 'codec.vectors.public';

/** Every packet with its ops; a run sends them all, one packet after another. */
const ALL_PACKETS = PACKET_VECTORS.map((v) => ({ v, ...packetOps(v) }));

/** The layer-by-layer checks of one packet whose ops start at result #from. */
function checkPacket(t: Checks, trace: Trace, from: number, { v, layers }: (typeof ALL_PACKETS)[number]): void {
  layers.forEach((layer, i) =>
    t.check(PUBLIC, () => {
      const got = okValue(trace, from + i, `${v.id}: ${layer}.parse`) as Record<string, unknown>;
      const want = (v.expect as Record<string, Record<string, unknown>>)[layer]!;
      for (const [key, w] of Object.entries(want)) {
        const k = layer === 'arp' && key === 'op' ? 'operation' : key; // the contract's name for ARP's op field
        if (k === 'checksumOk' && (layer === 'tcp' || layer === 'udp')) continue; // needs the pseudo-header: checked below
        if (k === 'payloadLength') mustEqual(hx(field(got as never, 'payload')).length, w, `${v.id}: ${layer} payload length`);
        else if (typeof w === 'string' && /[:.]/.test(w)) mustEqual(got[k], w.includes(':') ? macHex(w) : ipHex(w), `${v.id}: ${layer}.${k}`);
        else mustEqual(got[k], w, `${v.id}: ${layer}.${k}`);
      }
    }),
  );
  const n = from + layers.length;
  if (v.expect.ipv4 && v.expect.tcp) {
    const tcp = v.expect.tcp;
    t.check(PUBLIC, () => mustEqual(field(okValue(trace, n, `${v.id}: tcp.verify`), 'valid'), tcp.checksumOk, `${v.id}: TCP checksum verifies`));
  }
  // udp.checksum is the optional get_checksum (feature udp.checksum): its own clause's check.
  if (v.expect.ipv4 && v.expect.udp?.checksumOk) {
    const udp = v.expect.udp;
    t.check('codec.udp.get-checksum', () => mustEqual(field(okValue(trace, n, `${v.id}: udp.checksum`), 'checksum'), udp.checksum, `${v.id}: UDP checksum`));
  }
}

export const vectorProperties = [
  defineProperty({
    id: 'codec.vectors.public-packets',
    title: 'published Ethernet/ARP/IPv4/ICMP/TCP/UDP packets decode to the fields their sources give',
    layer: 'codec',
    clauses: [PUBLIC, 'codec.udp.get-checksum'],
    // Every vector in every run: there is nothing to generate.
    arbitrary: () => fc.constant(null),
    scenario: () => ALL_PACKETS.flatMap((p) => p.ops),
    check: (_x, trace, _ctx, t) => {
      let from = 0;
      for (const p of ALL_PACKETS) {
        checkPacket(t, trace, from, p);
        from += p.ops.length;
      }
    },
    runsFactor: 0.01,
  }),
  defineProperty({
    id: 'codec.vectors.public-checksums',
    title: 'published checksum examples: RFC 1071 §3 and IPv4 headers with a known checksum',
    layer: 'codec',
    clauses: [PUBLIC],
    arbitrary: () => fc.constant(null),
    scenario: () => [
      ...CHECKSUM_VECTORS.map((v) => ({ op: 'checksum', data: v.hex })),
      // A header with its checksum field zeroed must checksum to the published value.
      ...IPV4_HEADER_CHECKSUM_VECTORS.map((v) => ({ op: 'checksum', data: v.hex.slice(0, 20) + '0000' + v.hex.slice(24) })),
    ],
    check: (_x, trace, _ctx, t) => {
      CHECKSUM_VECTORS.forEach((v, i) => t.check(PUBLIC, () => mustEqual(okValue(trace, i), { checksum: v.checksum, sum: v.sum }, v.id)));
      IPV4_HEADER_CHECKSUM_VECTORS.forEach((v, i) => t.check(PUBLIC, () => mustEqual(field(okValue(trace, CHECKSUM_VECTORS.length + i), 'checksum'), v.checksum, v.id)));
    },
    runsFactor: 0.01,
  }),
  defineProperty({
    id: 'codec.vectors.public-arp-reply',
    title: 'the reply to a published ARP request matches the published reply',
    layer: 'codec',
    // arp.reply is an optional feature: this vector checks its clause, not codec.vectors.public.
    clauses: ['codec.arp.reply'],
    arbitrary: () => fc.constant(null),
    scenario: () => {
      const req = PACKET_VECTORS.find((p) => p.id === ARP_REPLY_VECTOR.requestId)!;
      return [{ op: 'arp.reply', request: req.hex.slice(28, 28 + 56), mac: macHex(ARP_REPLY_VECTOR.replierMac) }];
    },
    check: (_x, trace) => {
      const reply = hx(field(okValue(trace, 0, 'arp.reply'), 'bytes'));
      const e = ARP_REPLY_VECTOR.expect.arp;
      mustEqual(
        { op: u16At(reply, 6), senderMac: toHex(reply.slice(8, 14)), senderIp: toHex(reply.slice(14, 18)), targetMac: toHex(reply.slice(18, 24)), targetIp: toHex(reply.slice(24, 28)) },
        { op: e.op, senderMac: macHex(e.senderMac), senderIp: ipHex(e.senderIp), targetMac: macHex(e.targetMac), targetIp: ipHex(e.targetIp) },
        ARP_REPLY_VECTOR.id,
      );
    },
    runsFactor: 0.01,
  }),
];
