// An Ethernet II frame carrying IPv4 and TCP, built and parsed in one call each way: what
// Scapy's Ether()/IP()/TCP() stack and npm pcap's decoders do. The layered helpers copy the
// payload once per layer (each returns bytes the caller owns); here the frame is written into
// one array and parsed from one copy, so a 1514-byte frame costs one payload copy each way.
// The results are defined as the layered helpers' (test/codec/tcp-frame.test.ts checks it):
//   createTcpFrame(f) = emitEthernet(IPv4 packet(createTcpSegment(f)))
//   parseTcpFrame(b)  = parseEthernet(b), then parseIpv4 of its payload, then parseTcp of that.
import { allocSlabBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { readU16BE, readU32BE, writeU16BE, writeU32BE } from '../util/bytes.ts';
import { seedProfile } from '../spec/profile.ts';
import { onesComplementSum, pseudoHeaderSum } from './checksum.ts';
import { MEMORY, wasmKernels } from './wasm/kernels.ts';
import { ETHERNET_FIELD, ETHERNET_HEADER_LEN, ETHERTYPE_IPV4 } from './ethernet.ts';
import { IPV4_ADDR_LEN, MAC_LEN, bytesCheck, firstFailure, ipCheck, macCheck, need, putBytes, u16Check, u32Check, u8Check, viewOf, type ParseOptions } from './fields.ts';
import { IPPROTO_TCP, IPV4_FIELD, IPV4_HEADER_LEN, IPV4_MAX_PAYLOAD, ipv4DefaultsFrom, type Ipv4Defaults, type Ipv4Header } from './ipv4.ts';
import { TCP_FIELD, TCP_HEADER_LEN, type TcpHeader, type createTcpSegment } from './tcp.ts';

/** Where the layers start in a frame whose IPv4 header has no options. */
const IP_AT = ETHERNET_HEADER_LEN;
const TCP_AT = IP_AT + IPV4_HEADER_LEN;
/** Ethernet + IPv4 + TCP headers without options. */
export const TCP_FRAME_HEADERS_LEN = TCP_AT + TCP_HEADER_LEN;

type SegmentFields = Parameters<typeof createTcpSegment>[0];
/** createTcpSegment's fields (window defaulting to the profile's tcpWindow), and the two MACs. */
export interface TcpFrameFields extends SegmentFields {
  dstMac: Uint8Array;
  srcMac: Uint8Array;
}

// The fast form of fields.ts's checks (same verdicts: a non-integer, out-of-range or
// non-number value fails the round trip through the integer operators).
const u8 = (v: unknown): boolean => ((v as number) & 0xff) === v;
const u16 = (v: unknown): boolean => ((v as number) & 0xffff) === v;
const u32 = (v: unknown): boolean => (v as number) >>> 0 === v;
const sized = (v: unknown, n: number): boolean => v instanceof Uint8Array && v.length === n;

/** Folded sum of the IPv4 header b[from, to) (an even length: IHL counts 32-bit words), summed where it lies. */
function headerSum(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** From this many bytes on the segment is summed by the wasm kernel (checksum.ts's threshold too). */
const WASM_MIN_BYTES = 64;

/**
 * Folded sum of the TCP segment b[from, to), started from `initial` (the pseudo-header's
 * words, unfolded): the frame copied into the kernel's memory as it is, the segment summed
 * there, so no view of it is made; short segments and frames past the kernel's memory go
 * through onesComplementSum.
 */
function segmentSum(b: Uint8Array, from: number, to: number, initial: number): number {
  if (to - from < WASM_MIN_BYTES || b.length > MEMORY.sumMax) return onesComplementSum(viewOf(b, from, to), initial);
  const k = wasmKernels();
  k.mem.set(b, MEMORY.sumIn);
  let s = initial + k.sum(MEMORY.sumIn + from, to - from);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

let seed: { ip: Ipv4Defaults; window: number } | undefined;
const seedDefaults = () => (seed ??= { ip: ipv4DefaultsFrom(seedProfile().defaults), window: seedProfile().defaults.tcpWindow });

/**
 * The frame createTcpSegment, createIpv4Packet and emitEthernet build together (EtherType
 * IPv4, protocol TCP, both checksums filled in), or the error kind the first of them returns.
 */
export function createTcpFrame(f: TcpFrameFields, defaults: Ipv4Defaults = seedDefaults().ip): Result<Uint8Array> {
  const where = 'tcpframe.create';
  const window = f.window ?? seedDefaults().window;
  const segment = TCP_HEADER_LEN + (f.payload instanceof Uint8Array ? f.payload.length : 0);
  // Every field right is the usual case: one test; the checks that name what is wrong run only when it fails.
  const right =
    u16(f.srcPort) && u16(f.dstPort) && u32(f.seq) && u32(f.ack) && u8(f.flags) && u16(window) && f.payload instanceof Uint8Array &&
    sized(f.srcIp, IPV4_ADDR_LEN) && sized(f.dstIp, IPV4_ADDR_LEN) && segment <= IPV4_MAX_PAYLOAD &&
    defaults.versionIhl === 0x45 && u16(defaults.identification) && u16(defaults.flagsFragment) && u8(defaults.ttl) &&
    sized(f.dstMac, MAC_LEN) && sized(f.srcMac, MAC_LEN);
  if (!right) {
    // In the layered builders' order: the TCP segment's fields, its size, then IPv4's defaults, then Ethernet's.
    const bad = firstFailure(where, [
      u16Check(f.srcPort, 'srcPort'),
      u16Check(f.dstPort, 'dstPort'),
      u32Check(f.seq, 'seq'),
      u32Check(f.ack, 'ack'),
      u8Check(f.flags, 'flags'),
      u16Check(window, 'window'),
      bytesCheck(f.payload, 'payload'),
      ipCheck(f.srcIp, 'srcIp'),
      ipCheck(f.dstIp, 'dstIp'),
    ]);
    if (bad) return bad;
    if (segment > IPV4_MAX_PAYLOAD) return err('too-large', where, `segment of ${segment} bytes does not fit in an IPv4 datagram (max ${IPV4_MAX_PAYLOAD})`);
    const worse = firstFailure(where, [
      u8Check(defaults.versionIhl, 'defaults.versionIhl'),
      need(defaults.versionIhl === 0x45, 'defaults.versionIhl must be 0x45: this builder writes a 20-byte header without options'),
      u16Check(defaults.identification, 'defaults.identification'),
      u16Check(defaults.flagsFragment, 'defaults.flagsFragment'),
      u8Check(defaults.ttl, 'defaults.ttl'),
      macCheck(f.dstMac, 'dstMac'),
      macCheck(f.srcMac, 'srcMac'),
    ]);
    if (worse) return worse;
  }
  const out = allocSlabBytesToOverwrite(TCP_AT + segment); // off the heap at every size: its checksum is summed through a view
  putBytes(out, f.dstMac, ETHERNET_FIELD.dst);
  putBytes(out, f.srcMac, ETHERNET_FIELD.src);
  writeU16BE(out, ETHERNET_FIELD.etherType, ETHERTYPE_IPV4);
  out[IP_AT + IPV4_FIELD.versionIhl] = defaults.versionIhl;
  out[IP_AT + IPV4_FIELD.dscpEcn] = 0;
  writeU16BE(out, IP_AT + IPV4_FIELD.totalLength, IPV4_HEADER_LEN + segment);
  writeU16BE(out, IP_AT + IPV4_FIELD.identification, defaults.identification);
  writeU16BE(out, IP_AT + IPV4_FIELD.flagsFragment, defaults.flagsFragment);
  out[IP_AT + IPV4_FIELD.ttl] = defaults.ttl;
  out[IP_AT + IPV4_FIELD.protocol] = IPPROTO_TCP;
  writeU16BE(out, IP_AT + IPV4_FIELD.checksum, 0);
  putBytes(out, f.srcIp, IP_AT + IPV4_FIELD.src);
  putBytes(out, f.dstIp, IP_AT + IPV4_FIELD.dst);
  writeU16BE(out, TCP_AT + TCP_FIELD.srcPort, f.srcPort);
  writeU16BE(out, TCP_AT + TCP_FIELD.dstPort, f.dstPort);
  writeU32BE(out, TCP_AT + TCP_FIELD.seq, f.seq);
  writeU32BE(out, TCP_AT + TCP_FIELD.ack, f.ack);
  out[TCP_AT + TCP_FIELD.dataOffset] = (TCP_HEADER_LEN / 4) << 4;
  out[TCP_AT + TCP_FIELD.flags] = f.flags;
  writeU16BE(out, TCP_AT + TCP_FIELD.window, window);
  writeU16BE(out, TCP_AT + TCP_FIELD.checksum, 0);
  writeU16BE(out, TCP_AT + TCP_FIELD.urgent, 0);
  putBytes(out, f.payload, TCP_FRAME_HEADERS_LEN);
  // Both checksums with their fields zero, summed where they lie.
  writeU16BE(out, IP_AT + IPV4_FIELD.checksum, ~headerSum(out, IP_AT, TCP_AT) & 0xffff);
  const pseudo = pseudoHeaderSum(f.srcIp, f.dstIp, IPPROTO_TCP, segment);
  writeU16BE(out, TCP_AT + TCP_FIELD.checksum, ~segmentSum(out, TCP_AT, out.length, pseudo) & 0xffff);
  return ok(out);
}

// The address fields are getters that make their view on first access (and keep it): a
// receiver that dispatches on ports never pays for four arrays it does not read.
class EthernetPart {
  #b: Uint8Array;
  #dst: Uint8Array | undefined;
  #src: Uint8Array | undefined;
  constructor(
    b: Uint8Array,
    readonly etherType: number,
  ) {
    this.#b = b;
  }
  get dst(): Uint8Array {
    return (this.#dst ??= viewOf(this.#b, ETHERNET_FIELD.dst, ETHERNET_FIELD.src));
  }
  get src(): Uint8Array {
    return (this.#src ??= viewOf(this.#b, ETHERNET_FIELD.src, ETHERNET_FIELD.etherType));
  }
}

class Ipv4HeaderPart implements Ipv4Header {
  #b: Uint8Array;
  #src: Uint8Array | undefined;
  #dst: Uint8Array | undefined;
  readonly dscpEcn: number;
  readonly identification: number;
  readonly flagsFragment: number;
  readonly ttl: number;
  readonly checksum: number;
  constructor(
    b: Uint8Array,
    readonly versionIhl: number,
    readonly totalLength: number,
    readonly protocol: number,
  ) {
    this.#b = b;
    this.dscpEcn = b[IP_AT + IPV4_FIELD.dscpEcn]!;
    this.identification = readU16BE(b, IP_AT + IPV4_FIELD.identification);
    this.flagsFragment = readU16BE(b, IP_AT + IPV4_FIELD.flagsFragment);
    this.ttl = b[IP_AT + IPV4_FIELD.ttl]!;
    this.checksum = readU16BE(b, IP_AT + IPV4_FIELD.checksum);
  }
  get src(): Uint8Array {
    return (this.#src ??= viewOf(this.#b, IP_AT + IPV4_FIELD.src, IP_AT + IPV4_FIELD.src + IPV4_ADDR_LEN));
  }
  get dst(): Uint8Array {
    return (this.#dst ??= viewOf(this.#b, IP_AT + IPV4_FIELD.dst, IP_AT + IPV4_FIELD.dst + IPV4_ADDR_LEN));
  }
}

export interface ParsedTcpFrame {
  ethernet: { readonly dst: Uint8Array; readonly src: Uint8Array; etherType: number };
  /** As parseIpv4 gives them, less the payload (the TCP segment). */
  ipv4: { header: Readonly<Ipv4Header>; options: Uint8Array; checksumOk: boolean };
  /** As parseTcp gives them, plus verifyTcpChecksum's verdict. */
  tcp: { header: TcpHeader; options: Uint8Array; checksumOk: boolean };
  /** The TCP payload: bytes after the TCP header up to IPv4's total_length. */
  payload: Uint8Array;
}

/**
 * Parses a frame as the layered parsers would, with their errors (kind, message), and
 * 'unsupported' for an EtherType other than IPv4 or a protocol other than TCP. By default
 * the arrays returned are views of one private copy of the frame: they never alias `bytes`,
 * and they share memory with one another. With `{ view: true }` they are views of `bytes`.
 */
export function parseTcpFrame(bytes: Uint8Array, opts?: ParseOptions): Result<ParsedTcpFrame> {
  if (bytes.length < ETHERNET_HEADER_LEN)
    return err('truncated', 'ethernet.parse', `frame of ${bytes.length} bytes is shorter than the ${ETHERNET_HEADER_LEN}-byte header`);
  const etherType = readU16BE(bytes, ETHERNET_FIELD.etherType);
  if (etherType !== ETHERTYPE_IPV4) return err('unsupported', 'tcpframe.parse', `EtherType 0x${etherType.toString(16).padStart(4, '0')} is not IPv4`);
  // IPv4, checked in parseIpv4's order, on the bytes after the Ethernet header.
  const where = 'ipv4.parse';
  const ipBytes = bytes.length - IP_AT;
  if (ipBytes < IPV4_HEADER_LEN) return err('truncated', where, `${ipBytes} bytes is shorter than the ${IPV4_HEADER_LEN}-byte header`);
  const versionIhl = bytes[IP_AT]!;
  const ihl = versionIhl & 0x0f;
  if (versionIhl >>> 4 !== 4) return err('malformed', where, `version ${versionIhl >>> 4} is not 4`);
  if (ihl < 5) return err('malformed', where, `IHL ${ihl} is below the minimum 5`);
  const ipHeaderLen = ihl * 4;
  if (ipBytes < ipHeaderLen) return err('truncated', where, `${ipBytes} bytes is shorter than the ${ipHeaderLen}-byte header IHL announces`);
  const totalLength = readU16BE(bytes, IP_AT + IPV4_FIELD.totalLength);
  if (totalLength < ipHeaderLen) return err('malformed', where, `total_length ${totalLength} is smaller than the ${ipHeaderLen}-byte header`);
  if (ipBytes < totalLength) return err('truncated', where, `${ipBytes} bytes is shorter than total_length ${totalLength}`);
  const protocol = bytes[IP_AT + IPV4_FIELD.protocol]!;
  if (protocol !== IPPROTO_TCP) return err('unsupported', 'tcpframe.parse', `IPv4 protocol ${protocol} is not TCP`);
  // TCP, checked in parseTcp's order, on the datagram's payload.
  const tcpAt = IP_AT + ipHeaderLen;
  const end = IP_AT + totalLength;
  const segment = end - tcpAt;
  if (segment < TCP_HEADER_LEN) return err('truncated', 'tcp.parse', `${segment} bytes is shorter than the ${TCP_HEADER_LEN}-byte header`);
  const dataOffset = bytes[tcpAt + TCP_FIELD.dataOffset]! >>> 4;
  if (dataOffset < 5) return err('malformed', 'tcp.parse', `data offset ${dataOffset} is below the minimum 5`);
  const tcpHeaderLen = dataOffset * 4;
  if (segment < tcpHeaderLen) return err('truncated', 'tcp.parse', `${segment} bytes is shorter than the ${tcpHeaderLen}-byte header the data offset announces`);

  // One copy of what the result refers to (bytes past total_length are padding), off V8's heap so its views are cheap.
  let b = bytes;
  if (!opts?.view) {
    b = allocSlabBytesToOverwrite(end);
    b.set(end === bytes.length ? bytes : viewOf(bytes, 0, end));
  }
  // The pseudo-header's addresses read where they lie (the address arrays are made only when
  // asked for); segmentSum folds the total.
  const at = IP_AT + IPV4_FIELD.src;
  const pseudo = readU16BE(b, at) + readU16BE(b, at + 2) + readU16BE(b, at + 4) + readU16BE(b, at + 6) + IPPROTO_TCP + segment;
  return ok({
    ethernet: new EthernetPart(b, etherType),
    ipv4: {
      header: new Ipv4HeaderPart(b, versionIhl, totalLength, protocol),
      options: viewOf(b, IP_AT + IPV4_FIELD.options, tcpAt),
      checksumOk: headerSum(b, IP_AT, tcpAt) === 0xffff,
    },
    tcp: {
      header: {
        srcPort: readU16BE(b, tcpAt + TCP_FIELD.srcPort),
        dstPort: readU16BE(b, tcpAt + TCP_FIELD.dstPort),
        seq: readU32BE(b, tcpAt + TCP_FIELD.seq),
        ack: readU32BE(b, tcpAt + TCP_FIELD.ack),
        dataOffset,
        flags: b[tcpAt + TCP_FIELD.flags]!,
        window: readU16BE(b, tcpAt + TCP_FIELD.window),
        checksum: readU16BE(b, tcpAt + TCP_FIELD.checksum),
        urgent: readU16BE(b, tcpAt + TCP_FIELD.urgent),
      },
      options: viewOf(b, tcpAt + TCP_FIELD.options, tcpAt + tcpHeaderLen),
      checksumOk: segmentSum(b, tcpAt, end, pseudo) === 0xffff,
    },
    payload: viewOf(b, tcpAt + tcpHeaderLen, end),
  });
}
