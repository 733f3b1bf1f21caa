// UDP (RFC 768): src port, dst port, length (header + data), checksum; then data.
// create leaves the checksum 0 ("not computed", legal over IPv4); udpChecksum computes it
// over the IPv4 pseudo-header (protocol 17) for callers that want one.
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, writeU16BE } from '../util/bytes.ts';
import { onesComplementSum, onesComplementSumSkipping, pseudoHeaderSum } from './checksum.ts';
import { bytesCheck, firstFailure, takerFor, u16Check, type ParseOptions, putBytes } from './fields.ts';
import { IPPROTO_UDP, IPV4_MAX_PAYLOAD } from './ipv4.ts';

export const UDP_HEADER_LEN = 8;

/** Byte offsets of the header fields. */
export const UDP_FIELD = { srcPort: 0, dstPort: 2, length: 4, checksum: 6, payload: 8 } as const;

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  /** Header + data, as carried in the length field. */
  length: number;
  checksum: number;
  payload: Uint8Array;
}

/**
 * The checksum to put in `datagram`'s checksum field, computed over pseudo-header + datagram
 * with the field taken as zero. A computed 0 is returned as 0xFFFF (RFC 768: 0 on the wire
 * means "no checksum").
 */
export function udpChecksum(srcIp: Uint8Array, dstIp: Uint8Array, datagram: Uint8Array): number {
  const c = ~onesComplementSumSkipping(datagram, UDP_FIELD.checksum, pseudoHeaderSum(srcIp, dstIp, IPPROTO_UDP, datagram.length)) & 0xffff;
  return c === 0 ? 0xffff : c;
}

/** True when the checksum field is 0 (not computed) or pseudo-header + datagram sums to 0xFFFF. */
export function verifyUdpChecksum(srcIp: Uint8Array, dstIp: Uint8Array, datagram: Uint8Array): boolean {
  if (datagram.length >= UDP_HEADER_LEN && readU16BE(datagram, UDP_FIELD.checksum) === 0) return true;
  return onesComplementSum(datagram, pseudoHeaderSum(srcIp, dstIp, IPPROTO_UDP, datagram.length)) === 0xffff;
}

/**
 * Writes a datagram field by field, checksum as given. `length` must be 8 + payload.
 * parseUdp(emitUdp(d)) returns d.
 */
export function emitUdp(d: UdpDatagram): Result<Uint8Array> {
  const where = 'udp.emit';
  const bad = firstFailure(where, [
    u16Check(d.srcPort, 'srcPort'),
    u16Check(d.dstPort, 'dstPort'),
    u16Check(d.checksum, 'checksum'),
    bytesCheck(d.payload, 'payload'),
  ]);
  if (bad) return bad;
  const len = UDP_HEADER_LEN + d.payload.length;
  if (len > IPV4_MAX_PAYLOAD)
    return err('too-large', where, `datagram of ${len} bytes does not fit in an IPv4 datagram (max ${IPV4_MAX_PAYLOAD})`);
  if (d.length !== len) return err('invalid-argument', where, `length ${String(d.length)} is not 8 + ${d.payload.length}`);
  const out = allocBytesToOverwrite(len);
  writeU16BE(out, UDP_FIELD.srcPort, d.srcPort);
  writeU16BE(out, UDP_FIELD.dstPort, d.dstPort);
  writeU16BE(out, UDP_FIELD.length, len);
  writeU16BE(out, UDP_FIELD.checksum, d.checksum);
  putBytes(out, d.payload, UDP_FIELD.payload);
  return ok(out);
}

/** Builds a datagram with length = 8 + payload and checksum 0. */
export function createUdpPacket(opts: { srcPort: number; dstPort: number; payload: Uint8Array }): Result<Uint8Array> {
  const payload: unknown = opts.payload;
  const n = payload instanceof Uint8Array ? payload.length : 0;
  const r = emitUdp({ srcPort: opts.srcPort, dstPort: opts.dstPort, length: UDP_HEADER_LEN + n, checksum: 0, payload: opts.payload });
  return r.ok ? r : err(r.error.kind, 'udp.create', r.error.message);
}

/**
 * Parses a datagram: fewer than 8 bytes → truncated; length field < 8 → malformed; length
 * field beyond the buffer → truncated. The payload is cut at the length field (bytes after
 * it are ignored). The checksum is not checked here: see verifyUdpChecksum. The payload is a
 * copy (a view of `bytes` with `{ view: true }`).
 */
export function parseUdp(bytes: Uint8Array, opts?: ParseOptions): Result<UdpDatagram> {
  const where = 'udp.parse';
  if (bytes.length < UDP_HEADER_LEN)
    return err('truncated', where, `${bytes.length} bytes is shorter than the ${UDP_HEADER_LEN}-byte header`);
  const length = readU16BE(bytes, UDP_FIELD.length);
  if (length < UDP_HEADER_LEN) return err('malformed', where, `length field ${length} is below the 8-byte header`);
  if (bytes.length < length) return err('truncated', where, `${bytes.length} bytes is shorter than the length field ${length}`);
  return ok({
    srcPort: readU16BE(bytes, UDP_FIELD.srcPort),
    dstPort: readU16BE(bytes, UDP_FIELD.dstPort),
    length,
    checksum: readU16BE(bytes, UDP_FIELD.checksum),
    payload: takerFor(opts)(bytes, UDP_FIELD.payload, length),
  });
}
