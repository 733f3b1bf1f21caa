// Syscall 0x33: build a packet in place in the caller's buffer [r2-doc], with the request
// layouts r2's kernel actually reads [r2-code]. The protocol work is the codec's; this file
// only reads the request, calls the builder and writes the result back at the buffer start.
// Each builder returns a syscall return code.
import type { Profile } from '../spec/profile.ts';
import { createIpv4Packet, ipv4DefaultsFrom, IPV4_HEADER_LEN } from '../codec/ipv4.ts';
import { createEcho, ICMP_ECHO_REPLY, ICMP_HEADER_LEN } from '../codec/icmp.ts';
import { createTcpSegment, TCP_HEADER_LEN } from '../codec/tcp.ts';
import { ETHERNET_HEADER_LEN } from '../codec/ethernet.ts';
import { readU16BE } from '../util/bytes.ts';
import { RC } from './constants.ts';
import type { UserAccess } from './user-access.ts';

/**
 * r2 builds ICMP messages in a fixed 64-byte buffer: the 8-byte header then 56 payload bytes
 * (the classic ping size) [r2-code]. The request carries no length, so the size is part of the
 * ABI rather than a profile limit.
 */
export const ICMP_BUILD_BYTES = 64;

/**
 * The TcpPacketRequest r2 userland passes [r2-code]: a TcpHeader in the CPU's native
 * (little-endian, x86-64) byte order — the kernel converts to network order — then src_ip[4],
 * dst_ip[4] as bytes, then length u16 (native), then `length` payload bytes.
 */
export const TCP_REQUEST = {
  srcPort: 0,
  dstPort: 2,
  seq: 4,
  ack: 8,
  offsetFlags: 12,
  srcIp: 20,
  dstIp: 24,
  length: 28,
  payload: 30,
} as const;

export const readU16LE = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
export const readU32LE = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16)) + (b[at + 3] ?? 0) * 0x1000000;
export function writeU16LE(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

/** Largest IPv4 datagram that fits one Ethernet frame of the profile. */
const maxDatagram = (p: Profile): number => p.limits.maxEthernetFrame - ETHERNET_HEADER_LEN;

/**
 * 0x33/1: the buffer holds an IPv4 header (IHL*4 bytes) and payload up to total_length. The
 * kernel rebuilds it as a 20-byte header with the profile defaults and a fresh checksum.
 * As r2 does, the built datagram's source is the request's destination and vice versa: the
 * call builds the reply to the header it is given (kernel.syscall.0x33.ipv4-reply-addresses).
 * total_length over build0x33MaxTotalLength (r2: total_len >= 1500 is refused;
 * kernel.syscall.0x33.ipv4-total-bound), IHL < 5 or total_length < IHL*4
 * (kernel.decision.0x33-ipv4-bounds) → InvalidInput, buffer untouched.
 */
export function buildIpv4(ua: UserAccess, addr: number, profile: Profile): number {
  const head = ua.fromUser(addr, 4);
  const ihlBytes = ((head[0] ?? 0) & 0x0f) * 4;
  const total = readU16BE(head, 2);
  if (total > profile.limits.build0x33MaxTotalLength) return RC.InvalidInput;
  if (ihlBytes < IPV4_HEADER_LEN || total < ihlBytes) return RC.InvalidInput;
  const req = ua.fromUser(addr, total);
  const built = createIpv4Packet(
    { src: req.slice(16, 20), dst: req.slice(12, 16), protocol: req[9] ?? 0, payload: req.slice(ihlBytes, total) },
    ipv4DefaultsFrom(profile.defaults),
  );
  if (!built.ok) return RC.InvalidInput;
  ua.toUser(addr, built.value);
  return RC.Okay;
}

/**
 * 0x33/2: an echo reply (type 0, code 0) of ICMP_BUILD_BYTES with the request's identifier and
 * sequence bytes kept as they are and the 56 bytes after the header as payload [r2-code]
 * (kernel.syscall.0x33.icmp).
 */
export function buildIcmp(ua: UserAccess, addr: number): number {
  const req = ua.fromUser(addr, ICMP_BUILD_BYTES);
  const built = createEcho({
    type: ICMP_ECHO_REPLY,
    identifier: readU16BE(req, 4),
    sequence: readU16BE(req, 6),
    payload: req.slice(ICMP_HEADER_LEN),
  });
  if (!built.ok) return RC.InvalidInput;
  ua.toUser(addr, built.value);
  return RC.Okay;
}

/**
 * 0x33/3: a TCP segment (20-byte header, data offset 5, window = profile tcpWindow, checksum
 * over the pseudo-header of src_ip/dst_ip) from a TcpPacketRequest; flags are the low byte of
 * the native data_offset_reserved_flags field (kernel.syscall.0x33.tcp-request-layout). A payload
 * longer than fits one Ethernet frame → InvalidInput (kernel.decision.0x33-tcp-length-bound; r2
 * copies into fixed stack buffers unchecked instead).
 */
export function buildTcp(ua: UserAccess, addr: number, profile: Profile): number {
  const req = ua.fromUser(addr, TCP_REQUEST.payload);
  const length = readU16LE(req, TCP_REQUEST.length);
  if (length > maxDatagram(profile) - IPV4_HEADER_LEN - TCP_HEADER_LEN) return RC.InvalidInput;
  const payload = ua.fromUser(addr + TCP_REQUEST.payload, length);
  const built = createTcpSegment({
    srcIp: req.slice(TCP_REQUEST.srcIp, TCP_REQUEST.srcIp + 4),
    dstIp: req.slice(TCP_REQUEST.dstIp, TCP_REQUEST.dstIp + 4),
    srcPort: readU16LE(req, TCP_REQUEST.srcPort),
    dstPort: readU16LE(req, TCP_REQUEST.dstPort),
    seq: readU32LE(req, TCP_REQUEST.seq),
    ack: readU32LE(req, TCP_REQUEST.ack),
    flags: readU16LE(req, TCP_REQUEST.offsetFlags) & 0xff,
    window: profile.defaults.tcpWindow,
    payload,
  });
  if (!built.ok) return RC.InvalidInput;
  ua.toUser(addr, built.value);
  return RC.Okay;
}
