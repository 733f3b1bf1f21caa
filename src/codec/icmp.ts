// ICMP echo (RFC 792): type, code, checksum, identifier, sequence (8 bytes), then data.
// The checksum covers the whole ICMP message, header and data.
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, writeU16BE } from '../util/bytes.ts';
import { onesComplementSum, onesComplementSumSkipping } from './checksum.ts';
import { bytesCheck, copyOf, firstFailure, takerFor, u16Check, u8Check, type ParseOptions, putBytes } from './fields.ts';
import { IPV4_MAX_PAYLOAD } from './ipv4.ts';

export const ICMP_ECHO_REQUEST = 8;
export const ICMP_ECHO_REPLY = 0;
export const ICMP_HEADER_LEN = 8;

/** Byte offsets of the header fields. */
export const ICMP_FIELD = { type: 0, code: 1, checksum: 2, identifier: 4, sequence: 6, payload: 8 } as const;

export interface IcmpEcho {
  type: number;
  code: number;
  checksum: number;
  identifier: number;
  sequence: number;
  payload: Uint8Array;
}

/** Checksum of an ICMP message, its checksum field taken as zero. */
export function icmpChecksum(message: Uint8Array): number {
  return ~onesComplementSumSkipping(message, ICMP_FIELD.checksum) & 0xffff;
}

// Writes the fields of an already validated (or masked) message.
function serialize(m: IcmpEcho): Uint8Array {
  const out = allocBytesToOverwrite(ICMP_HEADER_LEN + m.payload.length);
  out[ICMP_FIELD.type] = m.type & 0xff;
  out[ICMP_FIELD.code] = m.code & 0xff;
  writeU16BE(out, ICMP_FIELD.checksum, m.checksum & 0xffff);
  writeU16BE(out, ICMP_FIELD.identifier, m.identifier & 0xffff);
  writeU16BE(out, ICMP_FIELD.sequence, m.sequence & 0xffff);
  putBytes(out, m.payload, ICMP_FIELD.payload);
  return out;
}

/**
 * Writes the message field by field, checksum as given (or computed with `fillChecksum`).
 * Too-large when the message could not fit in an IPv4 datagram with a 20-byte header.
 */
export function emitIcmp(m: IcmpEcho, opt: { fillChecksum?: boolean } = {}): Result<Uint8Array> {
  const where = 'icmp.emit';
  const bad = firstFailure(where, [
    u8Check(m.type, 'type'),
    u8Check(m.code, 'code'),
    u16Check(m.checksum, 'checksum'),
    u16Check(m.identifier, 'identifier'),
    u16Check(m.sequence, 'sequence'),
    bytesCheck(m.payload, 'payload'),
  ]);
  if (bad) return bad;
  const len = ICMP_HEADER_LEN + m.payload.length;
  if (len > IPV4_MAX_PAYLOAD)
    return err('too-large', where, `ICMP message of ${len} bytes does not fit in an IPv4 datagram (max ${IPV4_MAX_PAYLOAD})`);
  const out = serialize(m);
  if (opt.fillChecksum) writeU16BE(out, ICMP_FIELD.checksum, icmpChecksum(out));
  return ok(out);
}

/** An echo message (request 8 or reply 0): code 0, checksum over header + payload. */
export function createEcho(opts: { type: number; identifier: number; sequence: number; payload: Uint8Array }): Result<Uint8Array> {
  return emitIcmp(
    { type: opts.type, code: 0, checksum: 0, identifier: opts.identifier, sequence: opts.sequence, payload: opts.payload },
    { fillChecksum: true },
  );
}

/**
 * The reply to an echo request: type 0, code 0, same identifier, sequence and data
 * (RFC 792), checksum recomputed. It does not look at request.type: deciding whether a
 * message deserves a reply is the caller's job. Identifier and sequence are taken modulo
 * 65536 (a parsed request always holds 16-bit values).
 */
export function echoReplyFor(request: IcmpEcho): IcmpEcho {
  const reply: IcmpEcho = {
    type: ICMP_ECHO_REPLY,
    code: 0,
    checksum: 0,
    identifier: request.identifier & 0xffff,
    sequence: request.sequence & 0xffff,
    payload: copyOf(request.payload),
  };
  return { ...reply, checksum: icmpChecksum(serialize(reply)) };
}

/**
 * Parses any ICMP message into the echo shape: bytes 4..7 are read as identifier and
 * sequence whatever the type. The payload is every byte after the 8-byte header (ICMP has
 * no length field; IPv4 has already cut the message at total_length). A wrong checksum is
 * reported as checksumOk = false, not rejected. The payload is a copy (a view of `bytes` with
 * `{ view: true }`).
 */
export function parseIcmp(bytes: Uint8Array, opts?: ParseOptions): Result<IcmpEcho & { checksumOk: boolean }> {
  if (bytes.length < ICMP_HEADER_LEN)
    return err('truncated', 'icmp.parse', `${bytes.length} bytes is shorter than the ${ICMP_HEADER_LEN}-byte header`);
  return ok({
    type: bytes[ICMP_FIELD.type] ?? 0,
    code: bytes[ICMP_FIELD.code] ?? 0,
    checksum: readU16BE(bytes, ICMP_FIELD.checksum),
    identifier: readU16BE(bytes, ICMP_FIELD.identifier),
    sequence: readU16BE(bytes, ICMP_FIELD.sequence),
    payload: takerFor(opts)(bytes, ICMP_FIELD.payload, bytes.length),
    checksumOk: onesComplementSum(bytes) === 0xffff,
  });
}
