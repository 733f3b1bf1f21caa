// Header field widths and address lengths, from the RFC layouts the codec clauses cite
// (spec/clauses/codec.json). Field ranges and the sizes they bound are derived from these, so
// no property writes 0xffff or 65535 itself.
import { maxOfBits, rangeOfBits, type IntRange } from './numbers.ts';

/** Bits of each numeric header field a builder takes as an argument. */
export const FIELD_BITS = {
  /** TCP/UDP ports (RFC 793 §3.1, RFC 768). */
  port: 16,
  /** TCP sequence and acknowledgment numbers (RFC 793 §3.1). */
  seq: 32,
  /** TCP header byte 13: CWR ECE URG ACK PSH RST SYN FIN (RFC 793, RFC 3168). */
  tcpFlags: 8,
  /** TCP window and urgent pointer (RFC 793 §3.1). */
  window: 16,
  urgent: 16,
  /** ICMP type and code (RFC 792). */
  icmpType: 8,
  icmpCode: 8,
  /** ICMP echo identifier and sequence (RFC 792). */
  identifier: 16,
  /** ARP operation (RFC 826). */
  arpOperation: 16,
  /** Ethernet II EtherType (IEEE 802.3). */
  etherType: 16,
  /** IPv4 protocol, DSCP/ECN, TTL (RFC 791). */
  protocol: 8,
  /** IPv4 total_length (RFC 791): bounds the datagram. */
  totalLength: 16,
  /** UDP length field (RFC 768). */
  udpLength: 16,
} as const;

export type FieldName = keyof typeof FIELD_BITS;

/** The range of a named field. */
export const fieldRange = (f: FieldName): IntRange => rangeOfBits(FIELD_BITS[f]);

/** Address lengths (IEEE 802.3 MAC, RFC 791 IPv4). */
export const ADDRESS_BYTES = { mac: 6, ipv4: 4 } as const;

/** Header lengths without options (RFC 791, 792, 793, 768; IEEE 802.3; RFC 826 for Ethernet/IPv4). */
export const HEADER_BYTES = { ethernet: 14, arp: 28, ipv4: 20, icmp: 8, tcp: 20, udp: 8 } as const;

/** RFC 791: a datagram is at most what total_length holds. */
export const IPV4_MAX_DATAGRAM = maxOfBits(FIELD_BITS.totalLength);
/** The largest transport message (ICMP, TCP, UDP) an IPv4 datagram without options carries. */
export const MAX_TRANSPORT = IPV4_MAX_DATAGRAM - HEADER_BYTES.ipv4;
