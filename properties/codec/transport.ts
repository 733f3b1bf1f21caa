// ICMP echo, TCP and UDP: layouts, checksums (with the IPv4 pseudo-header for TCP/UDP),
// flag values, data offset, truncation.
import fc from 'fast-check';
import type { Json, Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, must, mustEqual, mustFail, okValue } from '../../src/runner/assert.ts';
import { concatBytes, toHex } from '../../src/util/bytes.ts';
import { boundaryInt, bytes, everyValue, FIELD_BITS, fieldRange, HEADER_BYTES, hexBytes, ipv4Addr, limitSizes, MAX_TRANSPORT, port, setWordForSum, u16, u32, u8 } from '../arbitraries.ts';
import { hx, pseudoHeader, rfc1071Checksum, rfc1071Sum, TCP_FLAGS, u16At, u32At, verifies } from '../oracles.ts';
import { checkRefused, checkTruncations, checkSameParse, checkTypedErrors, ERRORS_TYPED, truncationOps } from './parse-checks.ts';

const ICMP_HEADER = HEADER_BYTES.icmp; // type, code, checksum, identifier, sequence (RFC 792)
const TCP_HEADER = HEADER_BYTES.tcp; // without options (RFC 793)
const UDP_HEADER = HEADER_BYTES.udp; // RFC 768
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;


const echoArgs = (): fc.Arbitrary<EchoArgs> => fc.record({ type: fc.constantFrom(0, 8), identifier: u16(), sequence: u16(), payload: hexBytes(0, 100) });
type TcpArgs = { srcIp: string; dstIp: string; srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window?: number; payload: string };
/** tcp.create's arguments: every field edges first, all 8 flag bits, and `window` given or not. */
const tcpArgs = (): fc.Arbitrary<TcpArgs> =>
  fc
    .record({ srcIp: ipv4Addr(), dstIp: ipv4Addr(), srcPort: port(), dstPort: port(), seq: u32(), ack: u32(), flags: u8(), window: fc.option(u16(), { nil: undefined }), payload: hexBytes(0, 100) })
    .map(({ window, ...a }) => (window === undefined ? a : { ...a, window }));

/** A TCP segment built by the property from RFC 793's layout, with `options` after the header. */
function buildTcp(a: { srcIp: string; dstIp: string; srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window: number; urgent?: number; options: Uint8Array; payload: Uint8Array }): Uint8Array {
  const hl = TCP_HEADER + a.options.length;
  const s = new Uint8Array(hl + a.payload.length);
  const w32 = (at: number, v: number) => s.set([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], at);
  s.set([a.srcPort >> 8, a.srcPort & 0xff, a.dstPort >> 8, a.dstPort & 0xff]);
  w32(4, a.seq);
  w32(8, a.ack);
  s[12] = (hl / 4) << 4;
  s[13] = a.flags;
  s.set([a.window >> 8, a.window & 0xff], 14);
  s.set([(a.urgent ?? 0) >> 8, (a.urgent ?? 0) & 0xff], 18);
  s.set(a.options, 20);
  s.set(a.payload, hl);
  const c = rfc1071Checksum(concatBytes(pseudoHeader(hx(a.srcIp), hx(a.dstIp), IPPROTO_TCP, s.length), s));
  s[16] = c >> 8;
  s[17] = c & 0xff;
  return s;
}

/** An ICMP echo-shaped message built by the property from RFC 792's layout, checksum filled. */
function echoMessage(type: number, code: number, identifier: number, sequence: number, payload: Uint8Array): Uint8Array {
  const m = new Uint8Array(ICMP_HEADER + payload.length);
  m.set([type, code, 0, 0, identifier >> 8, identifier & 0xff, sequence >> 8, sequence & 0xff]);
  m.set(payload, ICMP_HEADER);
  const c = rfc1071Checksum(m);
  m.set([c >> 8, c & 0xff], 2);
  return m;
}

/** A UDP datagram built by the property from RFC 768's layout, checksum 0. */
function udpDatagram(a: { srcPort: number; dstPort: number; payload: Uint8Array }): Uint8Array {
  const d = new Uint8Array(UDP_HEADER + a.payload.length);
  d.set([a.srcPort >> 8, a.srcPort & 0xff, a.dstPort >> 8, a.dstPort & 0xff, d.length >> 8, d.length & 0xff, 0, 0]);
  d.set(a.payload, UDP_HEADER);
  return d;
}

/** The Internet checksum of `data` with the 16-bit field at `at` taken as zero. */
function exactChecksum(data: Uint8Array, at: number): number {
  const z = Uint8Array.from(data);
  z.set([0, 0], at);
  return rfc1071Checksum(z);
}

/** tcp.create arguments whose segment's checksum is 0x0000: the first payload word is chosen so. */
function aimTcpAtZero(a: TcpArgs, defaultWindow: number): TcpArgs {
  const payload = a.payload.length >= 4 ? hx(a.payload) : new Uint8Array(2);
  const seg = buildTcp({ ...a, window: a.window ?? defaultWindow, options: new Uint8Array(), payload });
  seg.set([0, 0], 16);
  setWordForSum(seg, TCP_HEADER, 0xffff, pseudoSum(a.srcIp, a.dstIp, IPPROTO_TCP, seg.length));
  return { ...a, payload: toHex(seg.slice(TCP_HEADER)) };
}

type EchoArgs = { type: number; identifier: number; sequence: number; payload: string };
/** icmp.create arguments whose message's checksum is 0x0000: the first payload word is chosen so. */
function aimIcmpAtZero(a: EchoArgs): EchoArgs {
  const m = echoMessage(a.type, 0, a.identifier, a.sequence, a.payload.length >= 4 ? hx(a.payload) : new Uint8Array(2));
  m.set([0, 0], 2);
  setWordForSum(m, ICMP_HEADER, 0xffff);
  return { ...a, payload: toHex(m.slice(ICMP_HEADER)) };
}

/** A UDP datagram whose checksum, computed over the pseudo-header, is 0: its first payload word is chosen so. */
function zeroSumDatagram(a: { srcIp: string; dstIp: string; srcPort: number; dstPort: number; zeroPayload: Uint8Array }): Uint8Array {
  const d = udpDatagram({ ...a, payload: a.zeroPayload });
  return setWordForSum(d, UDP_HEADER, 0xffff, pseudoSum(a.srcIp, a.dstIp, IPPROTO_UDP, d.length));
}

/** Pseudo-headers a TCP/UDP checksum may wrongly cover instead of RFC 793's (src, dst, 0, protocol, length). */
function wrongPseudoHeaders(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): { what: string; bytes: Uint8Array }[] {
  return [
    { what: 'no pseudo-header', bytes: new Uint8Array() },
    { what: 'the addresses only', bytes: concatBytes(src, dst) },
    { what: 'a pseudo-header without the length', bytes: pseudoHeader(src, dst, protocol, 0) },
    { what: 'a pseudo-header without the protocol', bytes: pseudoHeader(src, dst, 0, length) },
  ];
}

/** The folded sum of the TCP/UDP pseudo-header (what a checksum over the message starts from). */
const pseudoSum = (srcIp: string, dstIp: string, protocol: number, length: number): number => rfc1071Sum(pseudoHeader(hx(srcIp), hx(dstIp), protocol, length));

/** The segments tcp.verify is asked about: correct, wrong src, one byte changed, checksum zeroed, correct checksum 0. */
function verifyCases(a: TcpArgs, otherIp: string, at: number, x: number, zeroPayload: Uint8Array): { what: string; srcIp: string; bytes: Uint8Array }[] {
  const seg = buildTcp({ ...a, window: 1024, options: new Uint8Array(), payload: hx(a.payload) });
  const changed = Uint8Array.from(seg);
  changed[at % seg.length] = changed[at % seg.length]! ^ x;
  const zeroed = Uint8Array.from(seg);
  zeroed.set([0, 0], 16);
  // The first payload word set so the segment with checksum field 0 sums to 0xFFFF: its checksum is 0.
  const zero = buildTcp({ ...a, window: 1024, options: new Uint8Array(), payload: zeroPayload });
  zero.set([0, 0], 16);
  setWordForSum(zero, TCP_HEADER, 0xffff, pseudoSum(a.srcIp, a.dstIp, IPPROTO_TCP, zero.length));
  return [
    { what: 'a correct segment', srcIp: a.srcIp, bytes: seg },
    { what: `the segment against src ${otherIp} instead of ${a.srcIp}`, srcIp: otherIp, bytes: seg },
    { what: `the segment with byte ${at % seg.length} changed (^0x${x.toString(16)})`, srcIp: a.srcIp, bytes: changed },
    { what: `the segment with its checksum field 0 (correct: 0x${u16At(seg, 16).toString(16)})`, srcIp: a.srcIp, bytes: zeroed },
    { what: 'a segment whose correct checksum is 0, sent with checksum field 0', srcIp: a.srcIp, bytes: zero },
  ];
}

export const transportProperties = [
  defineProperty({
    id: 'codec.icmp.echo-layout-checksum',
    title: 'an echo message is type, code 0, checksum, id, seq, payload; the checksum covers header and payload',
    layer: 'codec',
    clauses: ['codec.icmp.layout', 'codec.icmp.checksum'],
    // A third of the messages have their first payload word chosen so the checksum is 0x0000.
    arbitrary: () => fc.tuple(echoArgs(), fc.integer({ min: 0, max: 2 })).map(([a, aim]) => (aim === 0 ? aimIcmpAtZero(a) : a)),
    scenario: (a) => [{ op: 'icmp.create', ...a }],
    check: (a, trace, _ctx, t) => {
      const built = () => hx(field(okValue(trace, 0, 'icmp.create'), 'bytes'));
      t.check('codec.icmp.layout', () => {
        const b = built();
        mustEqual([b.length, b[0], b[1], u16At(b, 4), u16At(b, 6), toHex(b.slice(8))], [ICMP_HEADER + a.payload.length / 2, a.type, 0, a.identifier, a.sequence, a.payload], 'length, type, code, id, seq, payload');
      });
      t.check('codec.icmp.checksum', () => {
        const b = built();
        must(verifies(b), 'ICMP message (header + payload) does not sum to 0xFFFF');
        mustEqual(u16At(b, 2), exactChecksum(b, 2), 'checksum field (0x0000 and 0xFFFF both verify; the checksum is the computed one)');
      });
    },
  }),
  defineProperty({
    id: 'codec.icmp.parse-roundtrip',
    title: 'parse of an echo message gives its fields and checksumOk; a corrupted one has checksumOk = false',
    layer: 'codec',
    clauses: ['codec.icmp.roundtrip', 'codec.icmp.checksum'],
    arbitrary: () => fc.tuple(echoArgs(), fc.nat(), fc.integer({ min: 1, max: 0xfe })),
    scenario: ([a, at, x]) => {
      const msg = hx('00'.repeat(ICMP_HEADER) + a.payload);
      msg.set([a.type, 0, 0, 0, a.identifier >> 8, a.identifier & 0xff, a.sequence >> 8, a.sequence & 0xff]);
      const c = rfc1071Checksum(msg);
      msg.set([c >> 8, c & 0xff], 2);
      const bad = Uint8Array.from(msg);
      bad[at % bad.length] = bad[at % bad.length]! ^ x;
      return [msg, bad].map((m) => ({ op: 'icmp.parse', bytes: toHex(m) }));
    },
    check: ([a], trace, _ctx, t) => {
      t.check('codec.icmp.roundtrip', () => {
        const v = okValue(trace, 0, 'icmp.parse');
        mustEqual([field(v, 'type'), field(v, 'code'), field(v, 'identifier'), field(v, 'sequence'), field(v, 'payload')], [a.type, 0, a.identifier, a.sequence, a.payload], 'parsed echo');
      });
      t.check('codec.icmp.checksum', () => {
        mustEqual(field(okValue(trace, 0, 'icmp.parse'), 'checksumOk'), true, 'checksumOk of a correct message');
        mustEqual(field(okValue(trace, 1, 'icmp.parse'), 'checksumOk'), false, 'checksumOk of a corrupted message');
      });
    },
  }),
  defineProperty({
    id: 'codec.icmp.echo-reply',
    title: 'the reply to an echo request is type 0, code 0, same id, seq and data, with a fresh checksum',
    layer: 'codec',
    clauses: ['codec.icmp.echo-reply'],
    // The request's code is drawn too (0 often): the reply's is 0 whatever the request's.
    arbitrary: () => fc.record({ code: fc.oneof(fc.constant(0), u8()), identifier: u16(), sequence: u16(), payload: bytes(0, 100) }),
    scenario: (a) => [{ op: 'icmp.reply', request: toHex(echoMessage(8, a.code, a.identifier, a.sequence, a.payload)) }],
    check: (a, trace) => mustEqual(field(okValue(trace, 0, 'icmp.reply'), 'bytes'), toHex(echoMessage(0, 0, a.identifier, a.sequence, a.payload)), 'echo reply'),
  }),
  defineProperty({
    id: 'codec.icmp.parse-any-type',
    title: 'parse accepts any type and code, reads bytes 4..7 as id and seq, and flags a wrong checksum instead of failing',
    layer: 'codec',
    clauses: ['codec.icmp.lenient'],
    arbitrary: () => fc.record({ type: u8(), code: u8(), checksum: u16(), identifier: u16(), sequence: u16(), payload: bytes(0, 40) }),
    scenario: (m) => {
      const b = echoMessage(m.type, m.code, m.identifier, m.sequence, m.payload);
      b.set([m.checksum >> 8, m.checksum & 0xff], 2);
      return [{ op: 'icmp.parse', bytes: toHex(b) }];
    },
    check: (m, trace) => {
      const b = echoMessage(m.type, m.code, m.identifier, m.sequence, m.payload);
      b.set([m.checksum >> 8, m.checksum & 0xff], 2);
      mustEqual(okValue(trace, 0, 'icmp.parse'), { type: m.type, code: m.code, checksum: m.checksum, identifier: m.identifier, sequence: m.sequence, payload: toHex(m.payload), checksumOk: verifies(b) }, 'parsed message');
    },
  }),
  defineProperty({
    id: 'codec.icmp.truncated',
    title: 'an ICMP message shorter than its 8-byte header is a truncation error',
    layer: 'codec',
    clauses: ['codec.icmp.truncated', ERRORS_TYPED],
    arbitrary: () => bytes(ICMP_HEADER, 40),
    scenario: (m) => truncationOps('icmp.parse', m, ICMP_HEADER),
    check: (_m, trace, _ctx, t) => checkTruncations(t, 'codec.icmp.truncated', trace, ICMP_HEADER, 'ICMP message'),
  }),
  defineProperty({
    id: 'codec.tcp.create-layout-checksum',
    title: 'a built segment has data offset 5, the documented window, the given fields, and a checksum over the pseudo-header and segment',
    layer: 'codec',
    clauses: ['codec.tcp.layout', 'codec.tcp.window', 'codec.tcp.checksum', 'codec.checksum.pseudo-header', 'codec.tcp.reserved-bits'],
    // A third of the segments have their first payload word chosen so the checksum is 0x0000.
    arbitrary: (ctx) => fc.tuple(tcpArgs(), fc.integer({ min: 0, max: 2 })).map(([a, aim]) => (aim === 0 ? aimTcpAtZero(a, ctx.defaults.tcpWindow) : a)),
    scenario: (a) => [{ op: 'tcp.create', ...a }],
    check: (a, trace, ctx, t) => {
      const built = () => hx(field(okValue(trace, 0, 'tcp.create'), 'bytes'));
      t.check('codec.tcp.layout', () => {
        const s = built();
        mustEqual(
          [s.length, u16At(s, 0), u16At(s, 2), u32At(s, 4), u32At(s, 8), s[12]! >> 4, s[13], u16At(s, 18), toHex(s.slice(20))],
          [TCP_HEADER + a.payload.length / 2, a.srcPort, a.dstPort, a.seq, a.ack, 5, a.flags, 0, a.payload],
          'length, ports, seq, ack, data offset, flags, urgent, payload',
        );
      });
      t.check('codec.tcp.reserved-bits', () => mustEqual(built()[12]! & 0x0f, 0, 'reserved bits of byte 12'));
      const window = 'window' in a ? a.window : undefined;
      t.check('codec.tcp.window', () => mustEqual(u16At(built(), 14), window ?? ctx.defaults.tcpWindow, window === undefined ? 'window (none given: the default)' : `window (given ${window})`));
      // A checksum that verifies only over a wrong pseudo-header breaks the pseudo-header rule;
      // one that verifies over none of them is the TCP checksum's own failure.
      const checksum = () => {
        const s = built();
        const src = hx(a.srcIp);
        const dst = hx(a.dstIp);
        const right = verifies(concatBytes(pseudoHeader(src, dst, IPPROTO_TCP, s.length), s));
        return { right, wrong: right ? undefined : wrongPseudoHeaders(src, dst, IPPROTO_TCP, s.length).find((w) => verifies(concatBytes(w.bytes, s)))?.what };
      };
      t.check('codec.checksum.pseudo-header', () => {
        const { wrong } = checksum();
        must(wrong === undefined, `the checksum verifies over the segment with ${wrong}, not with the pseudo-header src, dst, 0, 6, TCP length`);
      });
      t.check('codec.tcp.checksum', () => {
        const { right, wrong } = checksum();
        must(right || wrong !== undefined, 'segment + pseudo-header does not sum to 0xFFFF');
        // 0x0000 and 0xFFFF both verify; the checksum is the one RFC 793 computes.
        if (right) {
          const s = built();
          mustEqual(u16At(s, 16), exactChecksum(concatBytes(pseudoHeader(hx(a.srcIp), hx(a.dstIp), IPPROTO_TCP, s.length), s), 12 + 16), 'checksum field');
        }
      });
    },
  }),
  defineProperty({
    id: 'codec.tcp.parse-data-offset',
    title: 'parse honours the data offset: options are the bytes between 20 and offset*4, payload after; reserved bits change nothing',
    layer: 'codec',
    clauses: ['codec.tcp.parse-offset', 'codec.tcp.roundtrip', 'codec.tcp.reserved-bits'],
    arbitrary: () =>
      fc.integer({ min: 0, max: 10 }).chain((words) =>
        fc.record({ a: tcpArgs(), window: u16(), urgent: u16(), options: bytes(words * 4, words * 4), payload: bytes(0, 60), reserved: fc.integer({ min: 1, max: 15 }) }),
      ),
    // The segment is parsed twice, with the reserved bits clear and set: reserved-bits is that the
    // two parses agree, whatever parse gets wrong otherwise (the other two clauses).
    scenario: ({ a, window, urgent, options, payload, reserved }) => {
      const seg = buildTcp({ ...a, window, urgent, options, payload });
      const withReserved = Uint8Array.from(seg);
      withReserved[12] = withReserved[12]! | reserved;
      return [seg, withReserved].map((b) => ({ op: 'tcp.parse', bytes: toHex(b) }));
    },
    check: ({ a, window, urgent, options, payload, reserved }, trace, _ctx, t) => {
      const seg = buildTcp({ ...a, window, urgent, options, payload });
      const parsed = () => okValue(trace, 0, 'tcp.parse');
      t.check('codec.tcp.parse-offset', () => {
        const v = parsed();
        mustEqual({ dataOffset: field(v, 'dataOffset'), options: field(v, 'options'), payload: field(v, 'payload') }, { dataOffset: 5 + options.length / 4, options: toHex(options), payload: toHex(payload) }, 'data offset, options and payload');
      });
      t.check('codec.tcp.roundtrip', () => {
        const { dataOffset: _d, options: _o, payload: _p, ...fields } = parsed() as Record<string, Json>;
        mustEqual(fields, { srcPort: a.srcPort, dstPort: a.dstPort, seq: a.seq, ack: a.ack, flags: a.flags, window, checksum: u16At(seg, 16), urgent }, 'parsed header fields');
      });
      checkSameParse(t, 'codec.tcp.reserved-bits', trace, 0, 1, `parse with reserved bits 0x${reserved.toString(16)} set against the same segment without them`);
    },
  }),
  defineProperty({
    id: 'codec.tcp.verify',
    title: 'verify accepts exactly the segments whose pseudo-header checksum verifies: a correct one, and not one with another src, a changed byte or a zero checksum field that does not verify',
    layer: 'codec',
    clauses: ['codec.tcp.checksum'],
    // Both directions, with the cases that must sometimes coincide built on purpose: a segment
    // whose correct checksum IS 0 (its first payload word chosen for it), beside the same
    // segment with its checksum field zeroed (which verifies only when that is so).
    arbitrary: () => fc.tuple(tcpArgs(), ipv4Addr(), fc.nat(), boundaryInt({ min: 1, max: 0xff }), bytes(2, 40)),
    scenario: ([a, otherIp, at, x, zeroPayload]) => verifyCases(a, otherIp, at, x, zeroPayload).map((c) => ({ op: 'tcp.verify', srcIp: c.srcIp, dstIp: a.dstIp, bytes: toHex(c.bytes) })),
    check: ([a, otherIp, at, x, zeroPayload], trace) =>
      verifyCases(a, otherIp, at, x, zeroPayload).forEach((c, i) => {
        // The oracle's verdict: pseudo-header + segment sum to 0xFFFF (0x0000 and 0xFFFF words are one value).
        const want = verifies(concatBytes(pseudoHeader(hx(c.srcIp), hx(a.dstIp), IPPROTO_TCP, c.bytes.length), c.bytes));
        mustEqual(field(okValue(trace, i, `tcp.verify of ${c.what}`), 'valid'), want, `${c.what} (${want ? 'verifies' : 'does not verify'})`);
      }),
  }),
  defineProperty({
    id: 'codec.tcp.flags',
    title: 'parse_flags reads FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 (PSH 0x08 ignored), for every one of the 256 flag bytes',
    layer: 'codec',
    clauses: ['codec.tcp.flags'],
    // The whole byte, every value, in one case: nothing is left to chance.
    arbitrary: () => fc.constant(everyValue(FIELD_BITS.tcpFlags)),
    scenario: (all) => all.map((flags) => ({ op: 'tcp.flags', flags })),
    check: (all, trace) =>
      all.forEach((flags, i) =>
        mustEqual(okValue(trace, i, `tcp.flags ${flags}`), { syn: (flags & TCP_FLAGS.SYN) !== 0, ack: (flags & TCP_FLAGS.ACK) !== 0, fin: (flags & TCP_FLAGS.FIN) !== 0, rst: (flags & TCP_FLAGS.RST) !== 0 }, `flags 0x${flags.toString(16)}`),
      ),
    runsFactor: 0.01,
  }),
  defineProperty({
    id: 'codec.tcp.truncated',
    title: 'a segment shorter than 20 bytes or than its data offset is an error; data offset < 5 is malformed',
    layer: 'codec',
    clauses: ['codec.tcp.truncated', 'codec.tcp.parse-offset', ERRORS_TYPED],
    arbitrary: () => fc.tuple(tcpArgs(), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 4 })),
    scenario: ([a, words, smallOffset]) => {
      const seg = buildTcp({ ...a, window: 1024, options: new Uint8Array(words * 4), payload: new Uint8Array() });
      const low = Uint8Array.from(seg);
      low[12] = (smallOffset << 4) | (low[12]! & 0x0f);
      return [...truncationOps('tcp.parse', seg), { op: 'tcp.parse', bytes: toHex(low) }];
    },
    check: ([_a, words, smallOffset], trace, _ctx, t) => {
      const len = TCP_HEADER + words * 4;
      checkTruncations(t, 'codec.tcp.truncated', trace, len, 'TCP segment');
      checkTypedErrors(t, trace, len, 1, 'TCP segment with a small data offset');
      checkRefused(t, 'codec.tcp.parse-offset', trace, len, `data offset ${smallOffset} < 5`, ['malformed']);
    },
  }),
  defineProperty({
    id: 'codec.udp.create',
    title: 'a built datagram has length = 8 + payload and checksum 0 (legal for IPv4)',
    layer: 'codec',
    clauses: ['codec.udp.layout', 'codec.udp.checksum-zero'],
    arbitrary: () => fc.record({ srcPort: port(), dstPort: port(), payload: hexBytes(0, 120) }),
    scenario: (a) => [{ op: 'udp.create', ...a }],
    check: (a, trace, _ctx, t) => {
      const built = () => hx(field(okValue(trace, 0, 'udp.create'), 'bytes'));
      t.check('codec.udp.layout', () => {
        const b = built();
        const n = UDP_HEADER + a.payload.length / 2;
        mustEqual([b.length, u16At(b, 0), u16At(b, 2), u16At(b, 4), toHex(b.slice(8))], [n, a.srcPort, a.dstPort, n, a.payload], 'length, ports, length field, payload');
      });
      t.check('codec.udp.checksum-zero', () => mustEqual(u16At(built(), 6), 0, 'checksum field'));
    },
  }),
  defineProperty({
    id: 'codec.udp.checksum-and-parse',
    title: 'get_checksum is the pseudo-header checksum (0 sent as 0xFFFF); parse honours the length field',
    layer: 'codec',
    // codec.checksum.pseudo-header is checked through tcp.create: udp.checksum is an optional feature.
    clauses: ['codec.udp.get-checksum', 'codec.udp.roundtrip', 'codec.udp.truncated', 'codec.udp.length', ERRORS_TYPED],
    arbitrary: () => fc.record({ srcIp: ipv4Addr(), dstIp: ipv4Addr(), srcPort: port(), dstPort: port(), payload: bytes(0, 60), zeroPayload: bytes(2, 60), pad: bytes(1, 10), shortLength: fc.integer({ min: 0, max: UDP_HEADER - 1 }) }),
    // The datagram is parsed bare and with trailing bytes: udp.length is that the two agree. A
    // second datagram, its first payload word chosen so the computed checksum is 0, is last.
    scenario: (a) => {
      const d = udpDatagram(a);
      return [
        { op: 'udp.checksum', srcIp: a.srcIp, dstIp: a.dstIp, bytes: toHex(d) },
        { op: 'udp.parse', bytes: toHex(d) },
        { op: 'udp.parse', bytes: toHex(d) + toHex(a.pad) },
        { op: 'udp.parse', bytes: toHex(Uint8Array.from([...d.slice(0, 4), 0, a.shortLength, ...d.slice(6)])) },
        ...truncationOps('udp.parse', d),
        { op: 'udp.checksum', srcIp: a.srcIp, dstIp: a.dstIp, bytes: toHex(zeroSumDatagram(a)) },
      ];
    },
    check: (a, trace, _ctx, t) => {
      const d = udpDatagram(a);
      const n = d.length;
      t.check('codec.udp.get-checksum', () => {
        const c = rfc1071Checksum(concatBytes(pseudoHeader(hx(a.srcIp), hx(a.dstIp), IPPROTO_UDP, n), d));
        mustEqual(field(okValue(trace, 0, 'udp.checksum'), 'checksum'), c === 0 ? 0xffff : c, 'UDP checksum');
      });
      t.check('codec.udp.roundtrip', () => mustEqual(okValue(trace, 1, 'udp.parse'), { srcPort: a.srcPort, dstPort: a.dstPort, length: n, checksum: 0, payload: toHex(a.payload) }, 'parsed datagram'));
      checkSameParse(t, 'codec.udp.length', trace, 1, 2, `parse with ${a.pad.length} bytes after the length field's end against the bare datagram`);
      checkTypedErrors(t, trace, 3, 1, 'UDP datagram with a short length field');
      checkRefused(t, 'codec.udp.length', trace, 3, `UDP length field ${a.shortLength} (< 8)`, ['malformed']);
      checkTruncations(t, 'codec.udp.truncated', trace, n, 'UDP datagram', 4);
      t.check('codec.udp.get-checksum', () => mustEqual(field(okValue(trace, 4 + n, 'udp.checksum'), 'checksum'), 0xffff, 'UDP checksum of a datagram whose computed checksum is 0 (sent as 0xFFFF)'));
    },
  }),
  defineProperty({
    id: 'codec.transport.max-size',
    title: 'ICMP, TCP and UDP messages up to 65515 bytes are built; one byte more, or far more, is refused as too large',
    layer: 'codec',
    clauses: ['codec.transport.max-size'],
    // One case builds each message one under, at, one over and k over the limit. Large buffers:
    // a couple of runs suffice, and shrinking them would only burn time.
    arbitrary: () => fc.noShrink(fc.record({ fill: u8(), srcIp: ipv4Addr(), dstIp: ipv4Addr(), k: boundaryInt({ min: 2, max: fieldRange('udpLength').max }) })),
    scenario: ({ fill, srcIp, dstIp, k }) => {
      const tcp = { srcIp, dstIp, srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0 };
      return limitSizes(MAX_TRANSPORT, 0, k).flatMap(({ n }): Op[] => {
        const payload = (headerLen: number) => Buffer.alloc(n - headerLen, fill).toString('hex');
        return [
          { op: 'icmp.create', type: 8, identifier: 1, sequence: 1, payload: payload(ICMP_HEADER) },
          { op: 'tcp.create', ...tcp, payload: payload(TCP_HEADER) },
          { op: 'udp.create', srcPort: 1, dstPort: 2, payload: payload(UDP_HEADER) },
        ];
      });
    },
    check: ({ k }, trace) =>
      limitSizes(MAX_TRANSPORT, 0, k).forEach(({ n, rel, fits }, s) =>
        ['ICMP', 'TCP', 'UDP'].forEach((what, j) => {
          const i = 3 * s + j;
          const desc = `${what} message of ${n} bytes (${rel} the ${MAX_TRANSPORT}-byte limit)`;
          if (fits) mustEqual(hx(field(okValue(trace, i, desc), 'bytes')).length, n, `${desc}: length`);
          else mustFail(trace, i, desc, ['too-large']);
        }),
      ),
    runsFactor: 0.02,
  }),
];
