// Ethernet II framing: dst MAC (6), src MAC (6), EtherType (2, big-endian), payload.
// The helper neither pads nor checks the 60/1514-byte frame bounds: padding to the minimum
// frame is the NIC driver's job (rtl8139 send_frame) and the size bounds belong to the
// driver and the syscall (spec-notes §3, §4, §6).
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, writeU16BE } from '../util/bytes.ts';
import { bytesCheck, firstFailure, macCheck, takerFor, u16Check, type ParseOptions, putBytes } from './fields.ts';

export const ETHERNET_HEADER_LEN = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

/** Byte offsets of the header fields. */
export const ETHERNET_FIELD = { dst: 0, src: 6, etherType: 12, payload: 14 } as const;

export interface EthernetFrame {
  dst: Uint8Array;
  src: Uint8Array;
  etherType: number;
  payload: Uint8Array;
}

export function emitEthernet(f: EthernetFrame): Result<Uint8Array> {
  const bad = firstFailure('ethernet.emit', [
    macCheck(f.dst, 'dst'),
    macCheck(f.src, 'src'),
    u16Check(f.etherType, 'etherType'),
    bytesCheck(f.payload, 'payload'),
  ]);
  if (bad) return bad;
  const out = allocBytesToOverwrite(ETHERNET_HEADER_LEN + f.payload.length);
  putBytes(out, f.dst, ETHERNET_FIELD.dst);
  putBytes(out, f.src, ETHERNET_FIELD.src);
  writeU16BE(out, ETHERNET_FIELD.etherType, f.etherType);
  putBytes(out, f.payload, ETHERNET_FIELD.payload);
  return ok(out);
}

/**
 * Splits a frame into header fields and payload. Any EtherType value is accepted and
 * reported as is (dispatch is the caller's business); the payload is every byte after the
 * header, including any padding the sender added. Returned arrays are copies (views of
 * `bytes` with `{ view: true }`).
 */
export function parseEthernet(bytes: Uint8Array, opts?: ParseOptions): Result<EthernetFrame> {
  if (bytes.length < ETHERNET_HEADER_LEN)
    return err('truncated', 'ethernet.parse', `frame of ${bytes.length} bytes is shorter than the ${ETHERNET_HEADER_LEN}-byte header`);
  const take = takerFor(opts);
  return ok({
    dst: take(bytes, ETHERNET_FIELD.dst, ETHERNET_FIELD.src),
    src: take(bytes, ETHERNET_FIELD.src, ETHERNET_FIELD.etherType),
    etherType: readU16BE(bytes, ETHERNET_FIELD.etherType),
    payload: take(bytes, ETHERNET_FIELD.payload, bytes.length),
  });
}
