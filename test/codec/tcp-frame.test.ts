// The one-call frame builder and parser against their definition: the layered helpers composed.
// Both directions: every input the layers accept gives the same bytes or fields, and every
// input they refuse is refused with the same error kind (and, for parsing, the same message).
import { afterEach, describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernet, parseEthernet } from '../../src/codec/ethernet.ts';
import { IPPROTO_TCP, IPPROTO_UDP, IPV4_MAX_PAYLOAD, createIpv4Packet, emitIpv4, parseIpv4, type Ipv4Defaults } from '../../src/codec/ipv4.ts';
import { createTcpSegment, emitTcp, parseTcp, verifyTcpChecksum } from '../../src/codec/tcp.ts';
import { TCP_FRAME_HEADERS_LEN, createTcpFrame, parseTcpFrame, type ParsedTcpFrame, type TcpFrameFields } from '../../src/codec/tcp-frame.ts';
import { poisonOverwriteAllocations } from '../../src/util/alloc.ts';
import type { Result } from '../../src/util/result.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import { FC, toHex, unwrap } from './helpers.ts';

const limits = seedProfile().limits;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
/**
 * A field's edges and just past them, wrong types included, with uniform values between; the
 * wrong ones rarer, so that often every field is right and the later checks are reached.
 */
const edgy = (max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, 1, max - 1, max) },
    { weight: 1, arbitrary: fc.constantFrom(max + 1, -1, 0.5, Number.NaN, 2 ** 53) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max }) },
  );
const sizedBytes = (n: number) => fc.oneof({ weight: 8, arbitrary: bytes(n) }, { weight: 1, arbitrary: fc.constantFrom(0, n - 1, n + 1).chain(bytes) });
/** Payload lengths at the frame-size limits (60 and 1514 bytes on the wire) and around them. */
const payloadLength = fc.oneof(
  fc.constantFrom(0, 1, 2, 5, 6, 7, limits.minEthernetFrame - TCP_FRAME_HEADERS_LEN, limits.maxEthernetFrame - TCP_FRAME_HEADERS_LEN - 1, limits.maxEthernetFrame - TCP_FRAME_HEADERS_LEN, limits.maxEthernetFrame - TCP_FRAME_HEADERS_LEN + 1),
  fc.integer({ min: 0, max: limits.maxEthernetFrame }),
);
const fields: fc.Arbitrary<TcpFrameFields> = fc.record(
  {
    dstMac: sizedBytes(6),
    srcMac: sizedBytes(6),
    srcIp: sizedBytes(4),
    dstIp: sizedBytes(4),
    srcPort: edgy(0xffff),
    dstPort: edgy(0xffff),
    seq: edgy(0xffff_ffff),
    ack: edgy(0xffff_ffff),
    flags: edgy(0xff),
    window: fc.option(edgy(0xffff), { nil: undefined }),
    payload: payloadLength.chain(bytes),
  },
  { requiredKeys: ['dstMac', 'srcMac', 'srcIp', 'dstIp', 'srcPort', 'dstPort', 'seq', 'ack', 'flags', 'payload'] },
);
const seedIp: Ipv4Defaults = { versionIhl: 0x45, identification: seedProfile().defaults.ipv4Identification, flagsFragment: seedProfile().defaults.ipv4FlagsFragment, ttl: seedProfile().defaults.ipv4Ttl };
const defaults: fc.Arbitrary<Ipv4Defaults> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(seedIp) },
  { weight: 2, arbitrary: fc.record({ versionIhl: fc.constantFrom(0x45, 0x44, 0x46, 0x35, 0x55, 0x145, -1), identification: edgy(0xffff), flagsFragment: edgy(0xffff), ttl: edgy(0xff) }) },
);

/** The definition: the three layered builders, each on the one before's output. */
function layeredBuild(f: TcpFrameFields, d: Ipv4Defaults): Result<Uint8Array> {
  const seg = createTcpSegment({ srcIp: f.srcIp, dstIp: f.dstIp, srcPort: f.srcPort, dstPort: f.dstPort, seq: f.seq, ack: f.ack, flags: f.flags, ...(f.window === undefined ? {} : { window: f.window }), payload: f.payload });
  if (!seg.ok) return seg;
  const ip = createIpv4Packet({ src: f.srcIp, dst: f.dstIp, protocol: IPPROTO_TCP, payload: seg.value }, d);
  if (!ip.ok) return ip;
  return emitEthernet({ dst: f.dstMac, src: f.srcMac, etherType: ETHERTYPE_IPV4, payload: ip.value });
}

/** The layers' message, with emitEthernet's MAC names as the frame builder calls them. */
const asFrameMessage = (m: string): string => m.replace(/^(dst|src) must be a 6-byte MAC/, '$1Mac must be a 6-byte MAC');

function expectSameBuild(ours: Result<Uint8Array>, theirs: Result<Uint8Array>): void {
  expect(ours.ok, ours.ok ? 'built a frame the layers refuse' : `refused what the layers build: ${ours.error.message}`).toBe(theirs.ok);
  if (ours.ok && theirs.ok) expect(toHex(ours.value)).toBe(toHex(theirs.value));
  if (!ours.ok && !theirs.ok) expect([ours.error.kind, ours.error.where, ours.error.message]).toEqual([theirs.error.kind, 'tcpframe.create', asFrameMessage(theirs.error.message)]);
}

/** The definition of parsing: the layered parsers, with 'unsupported' for what is not IPv4 + TCP. */
function layeredParse(b: Uint8Array): Result<{ eth: ReturnType<typeof parseEthernet>; ip: ReturnType<typeof parseIpv4>; tcp: ReturnType<typeof parseTcp> }> | 'unsupported' {
  const eth = parseEthernet(b);
  if (!eth.ok) return eth;
  if (eth.value.etherType !== ETHERTYPE_IPV4) return 'unsupported';
  const ip = parseIpv4(eth.value.payload);
  if (!ip.ok) return ip;
  if (ip.value.header.protocol !== IPPROTO_TCP) return 'unsupported';
  const tcp = parseTcp(ip.value.payload);
  if (!tcp.ok) return tcp;
  return { ok: true, value: { eth, ip, tcp } };
}

/** Every field of a parse result as plain data (the address getters read). */
const plain = (p: ParsedTcpFrame) => ({
  ethernet: { dst: toHex(p.ethernet.dst), src: toHex(p.ethernet.src), etherType: p.ethernet.etherType },
  ipv4: { header: { ...p.ipv4.header, src: toHex(p.ipv4.header.src), dst: toHex(p.ipv4.header.dst) }, options: toHex(p.ipv4.options), checksumOk: p.ipv4.checksumOk },
  tcp: { header: { ...p.tcp.header }, options: toHex(p.tcp.options), checksumOk: p.tcp.checksumOk },
  payload: toHex(p.payload),
});

function expectSameParse(b: Uint8Array): void {
  const ours = parseTcpFrame(b);
  const theirs = layeredParse(b);
  if (theirs === 'unsupported') {
    expect(ours.ok ? 'ok' : ours.error.kind).toBe('unsupported');
    return;
  }
  expect(ours.ok, ours.ok ? 'parsed a frame the layers refuse' : `refused what the layers parse: ${ours.error.message}`).toBe(theirs.ok);
  if (!ours.ok && !theirs.ok) {
    expect([ours.error.kind, ours.error.where, ours.error.message]).toEqual([theirs.error.kind, theirs.error.where, theirs.error.message]);
    return;
  }
  if (!ours.ok || !theirs.ok) return;
  const { eth, ip, tcp } = theirs.value as { eth: Extract<typeof theirs.value.eth, { ok: true }>; ip: Extract<typeof theirs.value.ip, { ok: true }>; tcp: Extract<typeof theirs.value.tcp, { ok: true }> };
  const { payload: _segment, ...ipRest } = ip.value;
  expect(plain(ours.value)).toEqual({
    ethernet: { dst: toHex(eth.value.dst), src: toHex(eth.value.src), etherType: eth.value.etherType },
    ipv4: { header: { ...ipRest.header, src: toHex(ipRest.header.src), dst: toHex(ipRest.header.dst) }, options: toHex(ipRest.options), checksumOk: ipRest.checksumOk },
    tcp: { header: tcp.value.header, options: toHex(tcp.value.options), checksumOk: verifyTcpChecksum(ip.value.header.src, ip.value.header.dst, ip.value.payload) },
    payload: toHex(tcp.value.payload),
  });
  // The same with views of the input.
  expect(plain(unwrap(parseTcpFrame(b, { view: true })))).toEqual(plain(ours.value));
}

/** Well-formed frames with IPv4 and TCP options and Ethernet padding, checksums right or not. */
const frames = fc
  .record({
    ipOptionWords: fc.integer({ min: 0, max: 10 }),
    tcpOptionWords: fc.integer({ min: 0, max: 10 }),
    payload: fc.oneof(fc.constantFrom(0, 1, 6, limits.maxEthernetFrame - TCP_FRAME_HEADERS_LEN), fc.integer({ min: 0, max: 1500 })).chain(bytes),
    padding: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
    badChecksums: fc.constantFrom(false, true),
    seed: bytes(32),
  })
  .map(({ ipOptionWords, tcpOptionWords, payload, padding, badChecksums, seed }) => {
    const srcIp = seed.subarray(0, 4);
    const dstIp = seed.subarray(4, 8);
    const seg = unwrap(
      emitTcp(
        { header: { srcPort: seed[8]! << 8, dstPort: seed[9]!, seq: 0xffff_ffff - seed[10]!, ack: seed[11]!, dataOffset: 5 + tcpOptionWords, flags: seed[12]!, window: seed[13]!, checksum: badChecksums ? 1 : 0, urgent: seed[14]! }, options: new Uint8Array(tcpOptionWords * 4).fill(seed[15]!), payload },
        badChecksums ? undefined : { srcIp, dstIp },
      ),
    );
    const options = new Uint8Array(ipOptionWords * 4).fill(seed[16]!);
    const ip = unwrap(
      emitIpv4(
        { header: { versionIhl: 0x40 | (5 + ipOptionWords), dscpEcn: seed[17]!, totalLength: 20 + options.length + seg.length, identification: seed[18]!, flagsFragment: seed[19]!, ttl: seed[20]!, protocol: IPPROTO_TCP, checksum: badChecksums ? 2 : 0, src: srcIp, dst: dstIp }, options, payload: seg },
        { fillChecksum: !badChecksums },
      ),
    );
    const frame = unwrap(emitEthernet({ dst: seed.subarray(21, 27), src: seed.subarray(26, 32), etherType: ETHERTYPE_IPV4, payload: ip }));
    const out = new Uint8Array(frame.length + padding).fill(0x5a);
    out.set(frame);
    return out;
  });

/** Where the layers' fields lie in a frame (the IPv4 header's length read from it). */
const tcpAt = (b: Uint8Array) => 14 + ((b[14] ?? 0) & 0x0f) * 4;
const setU16 = (b: Uint8Array, at: number, v: number) => {
  b[at] = (v >> 8) & 0xff;
  b[at + 1] = v & 0xff;
};
/**
 * A frame with one field set to an edge value: EtherType, version/IHL, total_length (at and
 * around the header lengths and the bytes there are), protocol, data offset; or any byte.
 */
const damaged = fc
  .tuple(
    frames,
    fc.constantFrom('etherType', 'versionIhl', 'totalLength', 'protocol', 'dataOffset', 'any'),
    fc.constantFrom(0x00, 0x01, 0x04, 0x05, 0x06, 0x0f, 0x11, 0x40, 0x44, 0x45, 0x46, 0x4f, 0x50, 0x54, 0x60, 0xf0, 0xff),
    fc.integer({ min: -2, max: 2 }),
    fc.integer({ min: 0, max: 80 }),
    fc.nat(),
  )
  .map(([f, field, v, delta, at, pick]) => {
    const b = Uint8Array.from(f);
    const ipHeader = tcpAt(b) - 14;
    const dataOffsetAt = tcpAt(b) + 12;
    switch (field) {
      case 'etherType':
        setU16(b, 12, v === 0 ? 0x0800 + delta : (v << 8) | 0x06);
        break;
      case 'versionIhl':
        b[14] = v;
        break;
      case 'totalLength': {
        const edges = [0, 19, 20, ipHeader, ipHeader + 19, ipHeader + 20, b.length - 14, 0xffff];
        setU16(b, 16, Math.max(0, Math.min(0xffff, edges[pick % edges.length]! + delta)));
        break;
      }
      case 'protocol':
        b[23] = v;
        break;
      case 'dataOffset':
        if (dataOffsetAt < b.length) b[dataOffsetAt] = v;
        break;
      default:
        if (at < b.length) b[at] = v;
    }
    return b;
  });

afterEach(() => poisonOverwriteAllocations(undefined));

describe('createTcpFrame: the layered builders in one call', () => {
  it('builds the same frame, or refuses with the same kind, for fields at and past every edge', () => {
    fc.assert(fc.property(fields, defaults, (f, d) => expectSameBuild(createTcpFrame(f, d), layeredBuild(f, d))), FC);
  });

  it('IPv4 defaults at and past their edges, the other fields right', () => {
    const right = fields.filter((f) => layeredBuild(f, seedIp).ok);
    const wild = fc.record({ versionIhl: fc.constantFrom(0x45, 0x44, 0x46, 0x35, 0x55, 0x145, -1, 0.5), identification: edgy(0xffff), flagsFragment: edgy(0xffff), ttl: edgy(0xff) });
    fc.assert(fc.property(right, wild, (f, d) => expectSameBuild(createTcpFrame(f, d), layeredBuild(f, d))), FC);
  });

  it('writes every byte of the frame (allocations poisoned)', () => {
    poisonOverwriteAllocations(0xa5);
    fc.assert(fc.property(fields, (f) => expectSameBuild(createTcpFrame(f), layeredBuild(f, seedIp))), { ...FC, numRuns: 100 });
  });

  it('every field of a kind wrong at once', () => {
    const good: TcpFrameFields = { dstMac: new Uint8Array(6), srcMac: new Uint8Array(6), srcIp: new Uint8Array(4), dstIp: new Uint8Array(4), srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 5, window: 6, payload: new Uint8Array(7) };
    const cases: Array<[Partial<TcpFrameFields>, Partial<Ipv4Defaults>]> = [
      [{ srcPort: 0x10000, dstPort: -1, window: 0.5 }, { identification: 0x10000, flagsFragment: -1 }],
      [{ seq: 2 ** 32, ack: -1 }, {}],
      [{ flags: 0x100 }, { ttl: 0x100 }],
      [{ srcIp: new Uint8Array(5), dstIp: new Uint8Array(3), dstMac: new Uint8Array(7), srcMac: new Uint8Array(5) }, {}],
      [{ dstMac: new Uint8Array(7), srcMac: new Uint8Array(5) }, {}],
      [{ payload: [1, 2, 3] as unknown as Uint8Array }, {}],
    ];
    for (const [f, d] of cases) expectSameBuild(createTcpFrame({ ...good, ...f }, { ...seedIp, ...d }), layeredBuild({ ...good, ...f }, { ...seedIp, ...d }));
  });

  it('the largest segment IPv4 can carry is built; one byte more is too large', () => {
    const base = { dstMac: new Uint8Array(6), srcMac: new Uint8Array(6), srcIp: new Uint8Array(4), dstIp: new Uint8Array(4), srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 5 };
    for (const n of [IPV4_MAX_PAYLOAD - 20, IPV4_MAX_PAYLOAD - 19]) {
      const f = { ...base, payload: new Uint8Array(n).fill(n & 0xff) };
      expectSameBuild(createTcpFrame(f), layeredBuild(f, seedIp));
      // The size is checked before the MACs, as the layered builders check the segment before Ethernet.
      const badMac = { ...f, srcMac: new Uint8Array(5) };
      expectSameBuild(createTcpFrame(badMac), layeredBuild(badMac, seedIp));
    }
    // Past the wasm kernel's memory (64 KiB): the segment is summed by the other path, both ways.
    const largest = unwrap(createTcpFrame({ ...base, payload: new Uint8Array(IPV4_MAX_PAYLOAD - 20).fill(0xa7) }));
    expect(largest.length).toBe(14 + 0xffff);
    expectSameParse(largest);
    expect(unwrap(parseTcpFrame(largest)).tcp.checksumOk).toBe(true);
    const tooLarge = createTcpFrame({ ...base, payload: new Uint8Array(IPV4_MAX_PAYLOAD - 19) });
    expect(tooLarge.ok ? 'ok' : tooLarge.error.kind).toBe('too-large');
  });

  it('parseTcpFrame reads back what it built, both checksums right', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const r = createTcpFrame(f);
        if (!r.ok) return;
        const p = unwrap(parseTcpFrame(r.value));
        expect([p.ipv4.checksumOk, p.tcp.checksumOk, toHex(p.payload), p.tcp.header.srcPort, p.tcp.header.seq]).toEqual([true, true, toHex(f.payload), f.srcPort, f.seq]);
      }),
      { ...FC, numRuns: 100 },
    );
  });
});

describe('parseTcpFrame: the layered parsers in one call', () => {
  it('gives the layered fields for well-formed frames (options, padding, wrong checksums)', () => {
    fc.assert(fc.property(frames, expectSameParse), FC);
  });

  it('refuses what the layers refuse, with their error, and what is not IPv4 + TCP as unsupported', () => {
    fc.assert(fc.property(damaged, expectSameParse), { ...FC, numRuns: 1000 });
  });

  it('every truncation of a frame', () => {
    fc.assert(
      fc.property(frames, (f) => {
        for (let n = 0; n <= Math.min(f.length, 140); n++) expectSameParse(f.subarray(0, n));
        expectSameParse(f.subarray(0, f.length - 1));
      }),
      { ...FC, numRuns: 30 },
    );
  });

  it('a frame at the start of a buffer larger than the checksum kernel\'s memory (padding after it)', () => {
    const f = unwrap(createTcpFrame({ dstMac: new Uint8Array(6), srcMac: new Uint8Array(6), srcIp: new Uint8Array(4), dstIp: new Uint8Array(4), srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 5, payload: new Uint8Array(100).fill(9) }));
    const huge = new Uint8Array(300 * 1024).fill(0x77);
    huge.set(f);
    expectSameParse(huge);
    expect(unwrap(parseTcpFrame(huge, { view: true })).tcp.checksumOk).toBe(true);
  });

  it('another EtherType or protocol is unsupported', () => {
    const f = unwrap(createTcpFrame({ dstMac: new Uint8Array(6), srcMac: new Uint8Array(6), srcIp: new Uint8Array(4), dstIp: new Uint8Array(4), srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 5, payload: new Uint8Array(10) }));
    const arp = Uint8Array.from(f);
    arp[12] = ETHERTYPE_ARP >> 8;
    arp[13] = ETHERTYPE_ARP & 0xff;
    const udp = Uint8Array.from(f);
    udp[23] = IPPROTO_UDP;
    const messages = ['EtherType 0x0806 is not IPv4', 'IPv4 protocol 17 is not TCP'];
    for (const [i, b] of [arp, udp].entries()) {
      const r = parseTcpFrame(b);
      expect(r.ok ? 'ok' : [r.error.kind, r.error.where, r.error.message]).toEqual(['unsupported', 'tcpframe.parse', messages[i]]);
    }
  });

  it('by default nothing returned aliases the input; with { view: true } everything does', () => {
    fc.assert(
      fc.property(frames, (f) => {
        const copied = parseTcpFrame(f);
        const viewed = parseTcpFrame(f, { view: true });
        const before = plain(unwrap(copied));
        const input = Uint8Array.from(f);
        f.fill(0xee);
        expect(plain(unwrap(copied))).toEqual(before);
        const v = unwrap(viewed);
        for (const a of [v.ethernet.dst, v.ethernet.src, v.ipv4.header.src, v.ipv4.header.dst, v.ipv4.options, v.tcp.options, v.payload]) expect(a.every((x) => x === 0xee)).toBe(true);
        f.set(input);
      }),
      { ...FC, numRuns: 100 },
    );
  });
});
