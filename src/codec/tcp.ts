// TCP segments (RFC 793 / RFC 9293 §3.1). The builder writes a 20-byte header (data offset 5,
// no options); the parser honours the data offset. The checksum covers the IPv4
// pseudo-header (src, dst, 0, 6, TCP length) and the whole segment.
//
//   0 src port | 2 dst port | 4 seq | 8 ack | 12 data offset (high nibble) + reserved
//   13 flags | 14 window | 16 checksum | 18 urgent pointer | 20 options… | offset*4 payload
//
// Flags: `flags` is byte 13 (CWR ECE URG ACK PSH RST SYN FIN). The low nibble of byte 12
// (reserved bits; NS/AE in later RFCs) is not represented: parse ignores it, emit writes 0.
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, readU32BE, writeU16BE, writeU32BE } from '../util/bytes.ts';
import { seedProfile } from '../spec/profile.ts';
import { onesComplementSum, onesComplementSumSkipping, pseudoHeaderSum } from './checksum.ts';
import { bytesCheck, firstFailure, ipCheck, need, takerFor, u16Check, u32Check, u8Check, type ParseOptions, putBytes } from './fields.ts';
import { IPPROTO_TCP, IPV4_MAX_PAYLOAD } from './ipv4.ts';

export const TCP_HEADER_LEN = 20;
export const TCP_MAX_HEADER_LEN = 60;
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

/** Byte offsets of the header fields. */
export const TCP_FIELD = {
  srcPort: 0,
  dstPort: 2,
  seq: 4,
  ack: 8,
  dataOffset: 12,
  flags: 13,
  window: 14,
  checksum: 16,
  urgent: 18,
  options: 20,
} as const;

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Header length in 32-bit words (5..15). */
  dataOffset: number;
  /** Byte 13 of the header. */
  flags: number;
  window: number;
  checksum: number;
  urgent: number;
}

export interface TcpSegment {
  header: TcpHeader;
  /** Header bytes 20..dataOffset*4. */
  options: Uint8Array;
  payload: Uint8Array;
}

/** Checksum of `segment` over the pseudo-header, the segment's checksum field taken as zero. */
export function tcpChecksum(srcIp: Uint8Array, dstIp: Uint8Array, segment: Uint8Array): number {
  return ~onesComplementSumSkipping(segment, TCP_FIELD.checksum, pseudoHeaderSum(srcIp, dstIp, IPPROTO_TCP, segment.length)) & 0xffff;
}

/** True when pseudo-header + segment (checksum included) sums to 0xFFFF. */
export function verifyTcpChecksum(srcIp: Uint8Array, dstIp: Uint8Array, segment: Uint8Array): boolean {
  return onesComplementSum(segment, pseudoHeaderSum(srcIp, dstIp, IPPROTO_TCP, segment.length)) === 0xffff;
}

export function parseFlags(flags: number): { syn: boolean; ack: boolean; fin: boolean; rst: boolean } {
  return {
    syn: (flags & TCP_SYN) !== 0,
    ack: (flags & TCP_ACK) !== 0,
    fin: (flags & TCP_FIN) !== 0,
    rst: (flags & TCP_RST) !== 0,
  };
}

/**
 * Writes a segment field by field. dataOffset*4 must equal 20 + options (options a multiple
 * of 4, at most 40 bytes). The checksum is written as given unless `fill` supplies the
 * addresses to compute it over. parseTcp(emitTcp(s)) returns s.
 */
export function emitTcp(s: TcpSegment, fill?: { srcIp: Uint8Array; dstIp: Uint8Array }): Result<Uint8Array> {
  const where = 'tcp.emit';
  const h = s.header;
  const bad = firstFailure(where, [
    u16Check(h.srcPort, 'srcPort'),
    u16Check(h.dstPort, 'dstPort'),
    u32Check(h.seq, 'seq'),
    u32Check(h.ack, 'ack'),
    need(Number.isInteger(h.dataOffset) && h.dataOffset >= 5 && h.dataOffset <= 15, 'dataOffset must be an integer in 5..15'),
    u8Check(h.flags, 'flags'),
    u16Check(h.window, 'window'),
    u16Check(h.checksum, 'checksum'),
    u16Check(h.urgent, 'urgent'),
    bytesCheck(s.options, 'options'),
    bytesCheck(s.payload, 'payload'),
    fill ? ipCheck(fill.srcIp, 'srcIp') : undefined,
    fill ? ipCheck(fill.dstIp, 'dstIp') : undefined,
  ]);
  if (bad) return bad;
  const headerLen = h.dataOffset * 4;
  if (headerLen !== TCP_HEADER_LEN + s.options.length)
    return err('invalid-argument', where, `dataOffset*4 = ${headerLen} does not match 20 + ${s.options.length} option bytes`);
  const len = headerLen + s.payload.length;
  if (len > IPV4_MAX_PAYLOAD)
    return err('too-large', where, `segment of ${len} bytes does not fit in an IPv4 datagram (max ${IPV4_MAX_PAYLOAD})`);
  const out = allocBytesToOverwrite(len);
  writeU16BE(out, TCP_FIELD.srcPort, h.srcPort);
  writeU16BE(out, TCP_FIELD.dstPort, h.dstPort);
  writeU32BE(out, TCP_FIELD.seq, h.seq);
  writeU32BE(out, TCP_FIELD.ack, h.ack);
  out[TCP_FIELD.dataOffset] = h.dataOffset << 4;
  out[TCP_FIELD.flags] = h.flags;
  writeU16BE(out, TCP_FIELD.window, h.window);
  writeU16BE(out, TCP_FIELD.checksum, h.checksum);
  writeU16BE(out, TCP_FIELD.urgent, h.urgent);
  putBytes(out, s.options, TCP_FIELD.options);
  putBytes(out, s.payload, headerLen);
  if (fill) writeU16BE(out, TCP_FIELD.checksum, tcpChecksum(fill.srcIp, fill.dstIp, out));
  return ok(out);
}

let seedWindow: number | undefined;
/** Zero option bytes (length 0: nothing can be written into it, so one is shared). */
const NO_OPTIONS = new Uint8Array(0);

/**
 * Builds a segment: 20-byte header, data offset 5, urgent 0, window defaulting to the
 * profile's tcpWindow (1024 in the seed), checksum over pseudo-header + segment.
 */
export function createTcpSegment(opts: {
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
  payload: Uint8Array;
}): Result<Uint8Array> {
  const r = emitTcp(
    {
      header: {
        srcPort: opts.srcPort,
        dstPort: opts.dstPort,
        seq: opts.seq,
        ack: opts.ack,
        dataOffset: 5,
        flags: opts.flags,
        window: opts.window ?? (seedWindow ??= seedProfile().defaults.tcpWindow),
        checksum: 0,
        urgent: 0,
      },
      options: NO_OPTIONS,
      payload: opts.payload,
    },
    { srcIp: opts.srcIp, dstIp: opts.dstIp },
  );
  return r.ok ? r : err(r.error.kind, 'tcp.create', r.error.message);
}

/**
 * Parses a segment: fewer than 20 bytes → truncated; data offset < 5 → malformed; data
 * offset beyond the buffer → truncated. The payload is every byte after dataOffset*4 (TCP
 * has no length field; IPv4 has already cut the segment at total_length). The checksum is
 * not checked here (it needs the addresses): see verifyTcpChecksum. Returned arrays are copies
 * (views of `bytes` with `{ view: true }`).
 */
export function parseTcp(bytes: Uint8Array, opts?: ParseOptions): Result<TcpSegment> {
  const where = 'tcp.parse';
  if (bytes.length < TCP_HEADER_LEN)
    return err('truncated', where, `${bytes.length} bytes is shorter than the ${TCP_HEADER_LEN}-byte header`);
  const dataOffset = (bytes[TCP_FIELD.dataOffset] ?? 0) >>> 4;
  if (dataOffset < 5) return err('malformed', where, `data offset ${dataOffset} is below the minimum 5`);
  const headerLen = dataOffset * 4;
  if (bytes.length < headerLen)
    return err('truncated', where, `${bytes.length} bytes is shorter than the ${headerLen}-byte header the data offset announces`);
  const take = takerFor(opts);
  return ok({
    header: {
      srcPort: readU16BE(bytes, TCP_FIELD.srcPort),
      dstPort: readU16BE(bytes, TCP_FIELD.dstPort),
      seq: readU32BE(bytes, TCP_FIELD.seq),
      ack: readU32BE(bytes, TCP_FIELD.ack),
      dataOffset,
      flags: bytes[TCP_FIELD.flags] ?? 0,
      window: readU16BE(bytes, TCP_FIELD.window),
      checksum: readU16BE(bytes, TCP_FIELD.checksum),
      urgent: readU16BE(bytes, TCP_FIELD.urgent),
    },
    options: take(bytes, TCP_FIELD.options, headerLen),
    payload: take(bytes, headerLen, bytes.length),
  });
}
