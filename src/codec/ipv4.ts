// IPv4 (RFC 791). The builder writes a 20-byte header without options using the profile's
// documented defaults; the parser honours IHL and total_length.
//
//   0 ver/IHL | 1 DSCP/ECN | 2 total_length | 4 identification | 6 flags/fragment
//   8 TTL | 9 protocol | 10 header checksum | 12 src | 16 dst | 20 options… | IHL*4 payload
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, writeU16BE } from '../util/bytes.ts';
import { seedProfile } from '../spec/profile.ts';
import type { Defaults } from '../spec/profile.ts';
import { onesComplementSumOf, onesComplementSumSkipping } from './checksum.ts';
import { IPV4_ADDR_LEN, bytesCheck, firstFailure, ipCheck, need, takerFor, u16Check, u8Check, type ParseOptions, putBytes } from './fields.ts';

export const IPV4_HEADER_LEN = 20;
/** Largest header IHL can express (15 words). */
export const IPV4_MAX_HEADER_LEN = 60;
/** total_length is a 16-bit field. */
export const IPV4_MAX_TOTAL_LEN = 0xffff;
/** Largest payload a datagram with a 20-byte header can carry; the transport builders cap at it. */
export const IPV4_MAX_PAYLOAD = IPV4_MAX_TOTAL_LEN - IPV4_HEADER_LEN;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** Byte offsets of the header fields. */
export const IPV4_FIELD = {
  versionIhl: 0,
  dscpEcn: 1,
  totalLength: 2,
  identification: 4,
  flagsFragment: 6,
  ttl: 8,
  protocol: 9,
  checksum: 10,
  src: 12,
  dst: 16,
  options: 20,
} as const;

/** Flags/fragment-offset field: Don't Fragment and More Fragments bits. */
export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;

export interface Ipv4Header {
  versionIhl: number;
  dscpEcn: number;
  totalLength: number;
  identification: number;
  flagsFragment: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: Uint8Array;
  dst: Uint8Array;
}

export interface Ipv4Packet {
  header: Ipv4Header;
  /** Header bytes 20..IHL*4 (empty without options). */
  options: Uint8Array;
  /** Bytes IHL*4..total_length: anything after total_length (Ethernet padding) is not payload. */
  payload: Uint8Array;
}

export interface ParsedIpv4 extends Ipv4Packet {
  /** Whether the header (IHL*4 bytes, options included) sums to 0xFFFF. */
  checksumOk: boolean;
}

export interface Ipv4Defaults {
  versionIhl: number;
  identification: number;
  flagsFragment: number;
  ttl: number;
}

export const ipv4DefaultsFrom = (d: Defaults): Ipv4Defaults => ({
  versionIhl: d.ipv4VersionIhl,
  identification: d.ipv4Identification,
  flagsFragment: d.ipv4FlagsFragment,
  ttl: d.ipv4Ttl,
});

let seedDefaults: Ipv4Defaults | undefined;
/** The seed profile's defaults, computed once (createIpv4Packet's default argument). */
const seedIpv4Defaults = (): Ipv4Defaults => (seedDefaults ??= ipv4DefaultsFrom(seedProfile().defaults));

/** Zero option bytes (length 0: nothing can be written into it, so one is shared). */
const NO_BYTES = new Uint8Array(0);

const versionOf = (versionIhl: number): number => versionIhl >>> 4;
const ihlOf = (versionIhl: number): number => versionIhl & 0x0f;

/** Header checksum of `header` (IHL*4 bytes, or just the 20), its checksum field taken as zero. */
export function ipv4Checksum(header: Uint8Array): number {
  return ~onesComplementSumSkipping(header, IPV4_FIELD.checksum) & 0xffff;
}

/**
 * Builds a datagram: 20-byte header (no options) from `defaults`, DSCP/ECN 0, total_length =
 * 20 + payload, header checksum filled in; then the payload.
 */
export function createIpv4Packet(
  opts: { src: Uint8Array; dst: Uint8Array; protocol: number; payload: Uint8Array },
  defaults: Ipv4Defaults = seedIpv4Defaults(),
): Result<Uint8Array> {
  const where = 'ipv4.create';
  const bad = firstFailure(where, [
    ipCheck(opts.src, 'src'),
    ipCheck(opts.dst, 'dst'),
    u8Check(opts.protocol, 'protocol'),
    bytesCheck(opts.payload, 'payload'),
    u8Check(defaults.versionIhl, 'defaults.versionIhl'),
    need(
      versionOf(defaults.versionIhl) === 4 && ihlOf(defaults.versionIhl) === 5,
      'defaults.versionIhl must be 0x45: this builder writes a 20-byte header without options',
    ),
    u16Check(defaults.identification, 'defaults.identification'),
    u16Check(defaults.flagsFragment, 'defaults.flagsFragment'),
    u8Check(defaults.ttl, 'defaults.ttl'),
  ]);
  if (bad) return bad;
  const total = IPV4_HEADER_LEN + opts.payload.length;
  if (total > IPV4_MAX_TOTAL_LEN)
    return err('too-large', where, `datagram of ${total} bytes exceeds the 16-bit total_length (${IPV4_MAX_TOTAL_LEN})`);
  // Every field is checked above and consistent by construction: write it without emitIpv4's checks.
  return ok(
    writeIpv4(
      {
        versionIhl: defaults.versionIhl,
        dscpEcn: 0,
        totalLength: total,
        identification: defaults.identification,
        flagsFragment: defaults.flagsFragment,
        ttl: defaults.ttl,
        protocol: opts.protocol,
        checksum: 0,
        src: opts.src,
        dst: opts.dst,
      },
      NO_BYTES,
      opts.payload,
      true,
    ),
  );
}

/**
 * Writes a datagram field by field. The header must be consistent: version 4, IHL*4 = 20 +
 * options (options a multiple of 4, at most 40 bytes), total_length = IHL*4 + payload.
 * The checksum is written as given unless `fillChecksum` is set, so a test can build a
 * datagram with a wrong checksum; parseIpv4(emitIpv4(p)) returns p.
 */
export function emitIpv4(p: Ipv4Packet, opt: { fillChecksum?: boolean } = {}): Result<Uint8Array> {
  const where = 'ipv4.emit';
  const h = p.header;
  const bad = firstFailure(where, [
    u8Check(h.versionIhl, 'versionIhl'),
    u8Check(h.dscpEcn, 'dscpEcn'),
    u16Check(h.totalLength, 'totalLength'),
    u16Check(h.identification, 'identification'),
    u16Check(h.flagsFragment, 'flagsFragment'),
    u8Check(h.ttl, 'ttl'),
    u8Check(h.protocol, 'protocol'),
    u16Check(h.checksum, 'checksum'),
    ipCheck(h.src, 'src'),
    ipCheck(h.dst, 'dst'),
    bytesCheck(p.options, 'options'),
    bytesCheck(p.payload, 'payload'),
  ]);
  if (bad) return bad;
  const headerLen = ihlOf(h.versionIhl) * 4;
  const consistency = firstFailure(where, [
    versionOf(h.versionIhl) === 4 ? undefined : `version ${versionOf(h.versionIhl)} is not 4`,
    need(p.options.length % 4 === 0 && p.options.length <= IPV4_MAX_HEADER_LEN - IPV4_HEADER_LEN, 'options must be a multiple of 4 bytes, at most 40'),
    headerLen === IPV4_HEADER_LEN + p.options.length ? undefined : `IHL*4 = ${headerLen} does not match 20 + ${p.options.length} option bytes`,
    h.totalLength === headerLen + p.payload.length ? undefined : `totalLength ${h.totalLength} is not ${headerLen} + ${p.payload.length}`,
  ]);
  if (consistency) return consistency;
  return ok(writeIpv4(h, p.options, p.payload, opt.fillChecksum === true));
}

/** Writes a checked, consistent datagram; with `fillChecksum` the header checksum is computed. */
function writeIpv4(h: Ipv4Header, options: Uint8Array, payload: Uint8Array, fillChecksum: boolean): Uint8Array {
  const headerLen = IPV4_HEADER_LEN + options.length;
  const out = allocBytesToOverwrite(h.totalLength);
  out[IPV4_FIELD.versionIhl] = h.versionIhl;
  out[IPV4_FIELD.dscpEcn] = h.dscpEcn;
  writeU16BE(out, IPV4_FIELD.totalLength, h.totalLength);
  writeU16BE(out, IPV4_FIELD.identification, h.identification);
  writeU16BE(out, IPV4_FIELD.flagsFragment, h.flagsFragment);
  out[IPV4_FIELD.ttl] = h.ttl;
  out[IPV4_FIELD.protocol] = h.protocol;
  putBytes(out, h.src, IPV4_FIELD.src);
  putBytes(out, h.dst, IPV4_FIELD.dst);
  putBytes(out, options, IPV4_FIELD.options);
  putBytes(out, payload, headerLen);
  // The header checksum is computed over the header with its checksum field zero.
  writeU16BE(out, IPV4_FIELD.checksum, fillChecksum ? 0 : h.checksum);
  if (fillChecksum) writeU16BE(out, IPV4_FIELD.checksum, ~onesComplementSumOf(out, headerLen) & 0xffff);
  return out;
}

/**
 * Parses a datagram. Checks, in this order:
 *   fewer than 20 bytes → truncated; version ≠ 4 → malformed; IHL < 5 → malformed;
 *   fewer than IHL*4 bytes → truncated; total_length < IHL*4 → malformed;
 *   fewer than total_length bytes → truncated.
 * Bytes after total_length (Ethernet padding) are ignored. A wrong header checksum is not an
 * error: it is reported as checksumOk = false and the caller decides (r2 drops, a sniffer
 * shows). Returned arrays are copies (views of `bytes` with `{ view: true }`).
 */
export function parseIpv4(bytes: Uint8Array, opts?: ParseOptions): Result<ParsedIpv4> {
  const where = 'ipv4.parse';
  if (bytes.length < IPV4_HEADER_LEN)
    return err('truncated', where, `${bytes.length} bytes is shorter than the ${IPV4_HEADER_LEN}-byte header`);
  const versionIhl = bytes[IPV4_FIELD.versionIhl] ?? 0;
  const version = versionOf(versionIhl);
  const ihl = ihlOf(versionIhl);
  if (version !== 4) return err('malformed', where, `version ${version} is not 4`);
  if (ihl < 5) return err('malformed', where, `IHL ${ihl} is below the minimum 5`);
  const headerLen = ihl * 4;
  if (bytes.length < headerLen)
    return err('truncated', where, `${bytes.length} bytes is shorter than the ${headerLen}-byte header IHL announces`);
  const totalLength = readU16BE(bytes, IPV4_FIELD.totalLength);
  if (totalLength < headerLen)
    return err('malformed', where, `total_length ${totalLength} is smaller than the ${headerLen}-byte header`);
  if (bytes.length < totalLength)
    return err('truncated', where, `${bytes.length} bytes is shorter than total_length ${totalLength}`);
  const take = takerFor(opts);
  return ok({
    header: {
      versionIhl,
      dscpEcn: bytes[IPV4_FIELD.dscpEcn] ?? 0,
      totalLength,
      identification: readU16BE(bytes, IPV4_FIELD.identification),
      flagsFragment: readU16BE(bytes, IPV4_FIELD.flagsFragment),
      ttl: bytes[IPV4_FIELD.ttl] ?? 0,
      protocol: bytes[IPV4_FIELD.protocol] ?? 0,
      checksum: readU16BE(bytes, IPV4_FIELD.checksum),
      src: take(bytes, IPV4_FIELD.src, IPV4_FIELD.src + IPV4_ADDR_LEN),
      dst: take(bytes, IPV4_FIELD.dst, IPV4_FIELD.dst + IPV4_ADDR_LEN),
    },
    options: take(bytes, IPV4_FIELD.options, headerLen),
    payload: take(bytes, headerLen, totalLength),
    checksumOk: onesComplementSumOf(bytes, headerLen) === 0xffff,
  });
}
