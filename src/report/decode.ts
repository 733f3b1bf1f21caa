// Decodes counterexample bytes for a person: Ethernet, ARP, IPv4, ICMP, TCP and UDP headers,
// with the project's own parsers (src/codec). Each decoded layer carries the byte range of its
// header so a hexdump can colour it. Decoding is best effort and never throws: bytes that do
// not parse as what they were guessed to be are reported with the parser's error.
import { parseEthernet, ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../codec/ethernet.ts';
import { parseArp, ARP_PACKET_LEN } from '../codec/arp.ts';
import { parseIpv4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../codec/ipv4.ts';
import { parseIcmp, ICMP_HEADER_LEN } from '../codec/icmp.ts';
import { parseTcp, verifyTcpChecksum } from '../codec/tcp.ts';
import { parseUdp, verifyUdpChecksum, UDP_HEADER_LEN } from '../codec/udp.ts';
import { formatIp, formatMac } from '../util/bytes.ts';

export type Protocol = 'ethernet' | 'arp' | 'ipv4' | 'icmp' | 'tcp' | 'udp';
export const PROTOCOLS: readonly Protocol[] = ['ethernet', 'arp', 'ipv4', 'icmp', 'tcp', 'udp'];

export const PROTOCOL_LABEL: Record<Protocol | 'payload', string> = {
  ethernet: 'Ethernet',
  arp: 'ARP',
  ipv4: 'IPv4',
  icmp: 'ICMP',
  tcp: 'TCP',
  udp: 'UDP',
  payload: 'payload',
};

export interface DecodedLayer {
  protocol: Protocol | 'payload';
  /** Byte range of this layer's header (for the payload layer: of the payload). */
  start: number;
  end: number;
  fields: Array<[name: string, value: string]>;
  /** Set when the bytes did not parse as this protocol. */
  error?: string;
}

const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
const TCP_FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];
const tcpFlags = (f: number): string => TCP_FLAG_NAMES.filter((_, i) => f & (1 << i)).join('|') || 'none';
const ETHERTYPE_NAME: Record<number, string> = { [ETHERTYPE_IPV4]: 'IPv4', [ETHERTYPE_ARP]: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q' };
const IPPROTO_NAME: Record<number, string> = { [IPPROTO_ICMP]: 'ICMP', [IPPROTO_TCP]: 'TCP', [IPPROTO_UDP]: 'UDP' };
const ICMP_TYPE_NAME: Record<number, string> = { 0: 'echo reply', 3: 'destination unreachable', 8: 'echo request', 11: 'time exceeded' };
const ARP_OP_NAME: Record<number, string> = { 1: 'request', 2: 'reply' };
const named = (n: number, names: Record<number, string>, fmt: (n: number) => string = String): string =>
  names[n] ? `${fmt(n)} (${names[n]})` : fmt(n);

/** Transport context for checksums that cover the IPv4 pseudo-header. */
interface Pseudo {
  src: Uint8Array;
  dst: Uint8Array;
}

function payloadLayer(bytes: Uint8Array, start: number, end: number): DecodedLayer[] {
  return end > start ? [{ protocol: 'payload', start, end, fields: [['length', `${end - start} bytes`]] }] : [];
}

function decodeAt(protocol: Protocol, bytes: Uint8Array, at: number, pseudo?: Pseudo): DecodedLayer[] {
  // No bytes at all for this layer (an empty payload): nothing to decode, and no "does not parse" row.
  if (at >= bytes.length) return [];
  const view = bytes.subarray(at);
  switch (protocol) {
    case 'ethernet': {
      const r = parseEthernet(view);
      if (!r.ok) return [{ protocol, start: at, end: bytes.length, fields: [], error: r.error.message }];
      const f = r.value;
      const layer: DecodedLayer = {
        protocol,
        start: at,
        end: at + ETHERNET_HEADER_LEN,
        fields: [
          ['dst', formatMac(f.dst)],
          ['src', formatMac(f.src)],
          ['type', named(f.etherType, ETHERTYPE_NAME, hex16)],
        ],
      };
      const inner = at + ETHERNET_HEADER_LEN;
      if (f.etherType === ETHERTYPE_IPV4) return [layer, ...decodeAt('ipv4', bytes, inner)];
      if (f.etherType === ETHERTYPE_ARP) return [layer, ...decodeAt('arp', bytes, inner)];
      return [layer, ...payloadLayer(bytes, inner, bytes.length)];
    }
    case 'arp': {
      const r = parseArp(view);
      if (!r.ok) return [{ protocol, start: at, end: bytes.length, fields: [], error: r.error.message }];
      const p = r.value;
      const layer: DecodedLayer = {
        protocol,
        start: at,
        end: at + ARP_PACKET_LEN,
        fields: [
          ['op', named(p.op, ARP_OP_NAME)],
          ['sender', `${formatMac(p.senderMac)} ${formatIp(p.senderIp)}`],
          ['target', `${formatMac(p.targetMac)} ${formatIp(p.targetIp)}`],
        ],
      };
      const trailing = bytes.length - (at + ARP_PACKET_LEN);
      return trailing > 0 ? [layer, { protocol: 'payload', start: at + ARP_PACKET_LEN, end: bytes.length, fields: [['trailing (padding)', `${trailing} bytes`]] }] : [layer];
    }
    case 'ipv4': {
      const r = parseIpv4(view);
      if (!r.ok) return [{ protocol, start: at, end: bytes.length, fields: [], error: r.error.message }];
      const p = r.value;
      const h = p.header;
      const headerEnd = at + (h.versionIhl & 0x0f) * 4;
      const layer: DecodedLayer = {
        protocol,
        start: at,
        end: headerEnd,
        fields: [
          ['version/IHL', `${h.versionIhl >> 4}/${h.versionIhl & 0x0f} (${(h.versionIhl & 0x0f) * 4}-byte header)`],
          ['DSCP/ECN', `0x${h.dscpEcn.toString(16).padStart(2, '0')}`],
          ['total length', String(h.totalLength)],
          ['identification', hex16(h.identification)],
          ['flags/fragment', `${hex16(h.flagsFragment)}${h.flagsFragment & 0x4000 ? ' DF' : ''}${h.flagsFragment & 0x2000 ? ' MF' : ''} offset ${h.flagsFragment & 0x1fff}`],
          ['TTL', String(h.ttl)],
          ['protocol', named(h.protocol, IPPROTO_NAME)],
          ['checksum', `${hex16(h.checksum)} ${p.checksumOk ? '(correct)' : '(WRONG)'}`],
          ['src', formatIp(h.src)],
          ['dst', formatIp(h.dst)],
          ...(p.options.length ? ([['options', `${p.options.length} bytes`]] as Array<[string, string]>) : []),
        ],
      };
      const payloadEnd = at + h.totalLength;
      const inner = h.protocol === IPPROTO_ICMP ? 'icmp' : h.protocol === IPPROTO_TCP ? 'tcp' : h.protocol === IPPROTO_UDP ? 'udp' : undefined;
      // Decode the transport over exactly the payload (bytes past total_length are padding).
      const sub = bytes.subarray(0, payloadEnd);
      const transport = inner ? decodeAt(inner, sub, headerEnd, { src: h.src, dst: h.dst }) : payloadLayer(sub, headerEnd, payloadEnd);
      const padding: DecodedLayer[] =
        bytes.length > payloadEnd ? [{ protocol: 'payload', start: payloadEnd, end: bytes.length, fields: [['after total length (padding)', `${bytes.length - payloadEnd} bytes`]] }] : [];
      return [layer, ...transport, ...padding];
    }
    case 'icmp': {
      const r = parseIcmp(view);
      if (!r.ok) return [{ protocol, start: at, end: bytes.length, fields: [], error: r.error.message }];
      const m = r.value;
      return [
        {
          protocol,
          start: at,
          end: at + ICMP_HEADER_LEN,
          fields: [
            ['type/code', `${named(m.type, ICMP_TYPE_NAME)}/${m.code}`],
            ['checksum', `${hex16(m.checksum)} ${m.checksumOk ? '(correct)' : '(WRONG)'}`],
            ['identifier', hex16(m.identifier)],
            ['sequence', String(m.sequence)],
          ],
        },
        ...payloadLayer(bytes, at + ICMP_HEADER_LEN, bytes.length),
      ];
    }
    case 'tcp': {
      const r = parseTcp(view);
      if (!r.ok) return [{ protocol, start: at, end: bytes.length, fields: [], error: r.error.message }];
      const h = r.value.header;
      const checksum = pseudo ? `${hex16(h.checksum)} ${verifyTcpChecksum(pseudo.src, pseudo.dst, view) ? '(correct)' : '(WRONG)'}` : hex16(h.checksum);
      return [
        {
          protocol,
          start: at,
          end: at + h.dataOffset * 4,
          fields: [
            ['ports', `${h.srcPort} → ${h.dstPort}`],
            ['seq', String(h.seq)],
            ['ack', String(h.ack)],
            ['data offset', `${h.dataOffset} (${h.dataOffset * 4}-byte header)`],
            ['flags', `0x${h.flags.toString(16).padStart(2, '0')} ${tcpFlags(h.flags)}`],
            ['window', String(h.window)],
            ['checksum', checksum],
            ['urgent', String(h.urgent)],
          ],
        },
        ...payloadLayer(bytes, at + h.dataOffset * 4, bytes.length),
      ];
    }
    case 'udp': {
      const r = parseUdp(view);
      if (!r.ok) return [{ protocol, start: at, end: bytes.length, fields: [], error: r.error.message }];
      const d = r.value;
      const checksum =
        d.checksum === 0 ? '0x0000 (none)' : pseudo ? `${hex16(d.checksum)} ${verifyUdpChecksum(pseudo.src, pseudo.dst, view.subarray(0, d.length)) ? '(correct)' : '(WRONG)'}` : hex16(d.checksum);
      return [
        {
          protocol,
          start: at,
          end: at + UDP_HEADER_LEN,
          fields: [
            ['ports', `${d.srcPort} → ${d.dstPort}`],
            ['length', String(d.length)],
            ['checksum', checksum],
          ],
        },
        ...payloadLayer(bytes, at + UDP_HEADER_LEN, at + d.length),
      ];
    }
  }
}

/** Decodes `bytes` as `protocol` and whatever it carries. */
export function decodeAs(protocol: Protocol, bytes: Uint8Array): DecodedLayer[] {
  return decodeAt(protocol, bytes, 0);
}

/**
 * True when the bytes are very likely an Ethernet frame whatever field carried them: an
 * Ethernet header whose EtherType is IPv4 or ARP and whose payload parses as such.
 */
export function looksLikeEthernet(bytes: Uint8Array): boolean {
  const f = parseEthernet(bytes);
  if (!f.ok) return false;
  if (f.value.etherType === ETHERTYPE_IPV4) return parseIpv4(f.value.payload).ok;
  if (f.value.etherType === ETHERTYPE_ARP) return parseArp(f.value.payload).ok;
  return false;
}

/** True when the bytes are very likely an IPv4 datagram: it parses and its header checksum is right. */
export function looksLikeIpv4(bytes: Uint8Array): boolean {
  const p = parseIpv4(bytes);
  return p.ok && p.value.checksumOk;
}

/**
 * Decodes with a hint when there is one (the op or field said what the bytes are); without
 * one, only bytes that clearly look like an Ethernet frame or an IPv4 datagram are decoded.
 */
export function decodeGuess(bytes: Uint8Array, hint?: Protocol): DecodedLayer[] | undefined {
  if (hint) return decodeAs(hint, bytes);
  if (looksLikeEthernet(bytes)) return decodeAs('ethernet', bytes);
  if (looksLikeIpv4(bytes)) return decodeAs('ipv4', bytes);
  return undefined;
}
