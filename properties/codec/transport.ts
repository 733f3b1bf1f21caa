// ICMP echo, TCP and UDP: layouts, checksums (with the IPv4 pseudo-header for TCP/UDP),
// flag values, data offset, truncation.
import fc from 'fast-check';
import type { Json, Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, must, mustEqual, mustFail, okValue } from '../../src/runner/assert.ts';
import { concatBytes, toHex } from '../../src/util/bytes.ts';
import { bytes, hexBytes, ipv4Addr, port, u16, u32, u8 } from '../arbitraries.ts';
import { hx, pseudoHeader, rfc1071Checksum, rfc1071Sum, TCP_FLAGS, u16At, u32At, verifies } from '../oracles.ts';
import { checkRefused, checkTruncations, checkSameParse, checkTypedErrors, ERRORS_TYPED, truncationOps } from './parse-checks.ts';

const ICMP_HEADER = 8; // type, code, checksum, identifier, sequence (RFC 792)
const TCP_HEADER = 20; // without options (RFC 793)
const UDP_HEADER = 8; // RFC 768
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;


const echoArgs = () => fc.record({ type: fc.constantFrom(0, 8), identifier: u16(), sequence: u16(), payload: hexBytes(0, 100) });
const tcpArgs = () =>
  fc.record({ srcIp: ipv4Addr(), dstIp: ipv4Addr(), srcPort: port(), dstPort: port(), seq: u32(), ack: u32(), flags: fc.integer({ min: 0, max: 0x3f }), payload: hexBytes(0, 100) });

/** A TCP segment built by the property from RFC 793's layout, with `options` after the header. */
function buildTcp(a: { srcIp: string; dstIp: string; srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window: number; options: Uint8Array; payload: Uint8Array }): Uint8Array {
  const hl = TCP_HEADER + a.options.length;
  const s = new Uint8Array(hl + a.payload.length);
  const w32 = (at: number, v: number) => s.set([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], at);
  s.set([a.srcPort >> 8, a.srcPort & 0xff, a.dstPort >> 8, a.dstPort & 0xff]);
  w32(4, a.seq);
  w32(8, a.ack);
  s[12] = (hl / 4) << 4;
  s[13] = a.flags;
  s.set([a.window >> 8, a.window & 0xff], 14);
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

/** Pseudo-headers a TCP/UDP checksum may wrongly cover instead of RFC 793's (src, dst, 0, protocol, length). */
function wrongPseudoHeaders(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): { what: string; bytes: Uint8Array }[] {
  return [
    { what: 'no pseudo-header', bytes: new Uint8Array() },
    { what: 'the addresses only', bytes: concatBytes(src, dst) },
    { what: 'a pseudo-header without the length', bytes: pseudoHeader(src, dst, protocol, 0) },
    { what: 'a pseudo-header without the protocol', bytes: pseudoHeader(src, dst, 0, length) },
  ];
}

/** RFC 791: total_length is 16 bits, so a transport message is at most 65535 - 20 bytes. */
const MAX_TRANSPORT = 0xffff - 20;

export const transportProperties = [
  defineProperty({
    id: 'codec.icmp.echo-layout-checksum',
    title: 'an echo message is type, code 0, checksum, id, seq, payload; the checksum covers header and payload',
    layer: 'codec',
    clauses: ['codec.icmp.layout', 'codec.icmp.checksum'],
    arbitrary: echoArgs,
    scenario: (a) => [{ op: 'icmp.create', ...a }],
    check: (a, trace, _ctx, t) => {
      const built = () => hx(field(okValue(trace, 0, 'icmp.create'), 'bytes'));
      t.check('codec.icmp.layout', () => {
        const b = built();
        mustEqual([b.length, b[0], b[1], u16At(b, 4), u16At(b, 6), toHex(b.slice(8))], [ICMP_HEADER + a.payload.length / 2, a.type, 0, a.identifier, a.sequence, a.payload], 'length, type, code, id, seq, payload');
      });
      t.check('codec.icmp.checksum', () => must(verifies(built()), 'ICMP message (header + payload) does not sum to 0xFFFF'));
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
    arbitrary: () => fc.record({ identifier: u16(), sequence: u16(), payload: bytes(0, 100) }),
    scenario: (a) => [{ op: 'icmp.reply', request: toHex(echoMessage(8, 0, a.identifier, a.sequence, a.payload)) }],
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
    arbitrary: tcpArgs,
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
      t.check('codec.tcp.window', () => mustEqual(u16At(built(), 14), ctx.defaults.tcpWindow, 'window'));
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
        fc.record({ a: tcpArgs(), window: u16(), options: bytes(words * 4, words * 4), payload: bytes(0, 60), reserved: fc.integer({ min: 1, max: 15 }) }),
      ),
    // The segment is parsed twice, with the reserved bits clear and set: reserved-bits is that the
    // two parses agree, whatever parse gets wrong otherwise (the other two clauses).
    scenario: ({ a, window, options, payload, reserved }) => {
      const seg = buildTcp({ ...a, window, options, payload });
      const withReserved = Uint8Array.from(seg);
      withReserved[12] = withReserved[12]! | reserved;
      return [seg, withReserved].map((b) => ({ op: 'tcp.parse', bytes: toHex(b) }));
    },
    check: ({ a, window, options, payload, reserved }, trace, _ctx, t) => {
      const seg = buildTcp({ ...a, window, options, payload });
      const parsed = () => okValue(trace, 0, 'tcp.parse');
      t.check('codec.tcp.parse-offset', () => {
        const v = parsed();
        mustEqual({ dataOffset: field(v, 'dataOffset'), options: field(v, 'options'), payload: field(v, 'payload') }, { dataOffset: 5 + options.length / 4, options: toHex(options), payload: toHex(payload) }, 'data offset, options and payload');
      });
      t.check('codec.tcp.roundtrip', () => {
        const { dataOffset: _d, options: _o, payload: _p, ...fields } = parsed() as Record<string, Json>;
        mustEqual(fields, { srcPort: a.srcPort, dstPort: a.dstPort, seq: a.seq, ack: a.ack, flags: a.flags, window, checksum: u16At(seg, 16), urgent: 0 }, 'parsed header fields');
      });
      checkSameParse(t, 'codec.tcp.reserved-bits', trace, 0, 1, `parse with reserved bits 0x${reserved.toString(16)} set against the same segment without them`);
    },
  }),
  defineProperty({
    id: 'codec.tcp.verify',
    title: 'verify accepts a segment with a correct pseudo-header checksum and rejects one with any other src/dst or a changed byte',
    layer: 'codec',
    clauses: ['codec.tcp.checksum'],
    arbitrary: () => fc.tuple(tcpArgs(), ipv4Addr(), fc.nat(), fc.integer({ min: 1, max: 0xfe })),
    scenario: ([a, otherIp, at, x]) => {
      const seg = buildTcp({ ...a, window: 1024, options: new Uint8Array(), payload: hx(a.payload) });
      const bad = Uint8Array.from(seg);
      bad[at % bad.length] = bad[at % bad.length]! ^ x;
      return [
        { op: 'tcp.verify', srcIp: a.srcIp, dstIp: a.dstIp, bytes: toHex(seg) },
        { op: 'tcp.verify', srcIp: otherIp, dstIp: a.dstIp, bytes: toHex(seg) },
        { op: 'tcp.verify', srcIp: a.srcIp, dstIp: a.dstIp, bytes: toHex(bad) },
      ];
    },
    check: ([a, otherIp, at, x], trace) => {
      mustEqual(field(okValue(trace, 0), 'valid'), true, 'a correct segment');
      // A different source address changes the pseudo-header sum unless its words sum to the
      // same value modulo 0xFFFF (0x0000 and 0xFFFF are one value in one's complement).
      const sum = (ip: string) => rfc1071Sum(hx(ip)) % 0xffff;
      if (sum(otherIp) !== sum(a.srcIp)) mustEqual(field(okValue(trace, 1), 'valid'), false, `segment verified against src ${otherIp} instead of ${a.srcIp}`);
      const seg = buildTcp({ ...a, window: 1024, options: new Uint8Array(), payload: hx(a.payload) });
      const i = at % seg.length;
      const before = (i % 2 === 0 ? seg[i]! << 8 : seg[i]!) >>> 0;
      const after = (i % 2 === 0 ? (seg[i]! ^ x) << 8 : seg[i]! ^ x) >>> 0;
      if (before !== after) {
        // Only a 0x0000 <-> 0xFFFF word swap escapes a one's complement sum.
        const word = (b: Uint8Array) => (b[i & ~1]! << 8) | (b[(i & ~1) + 1] ?? 0);
        const changed = Uint8Array.from(seg);
        changed[i] = changed[i]! ^ x;
        const w0 = word(seg);
        const w1 = word(changed);
        if (!((w0 === 0 && w1 === 0xffff) || (w0 === 0xffff && w1 === 0))) mustEqual(field(okValue(trace, 2), 'valid'), false, `segment with byte ${i} changed`);
      }
    },
  }),
  defineProperty({
    id: 'codec.tcp.flags',
    title: 'parse_flags reads FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 (PSH 0x08 ignored)',
    layer: 'codec',
    clauses: ['codec.tcp.flags'],
    arbitrary: () => fc.integer({ min: 0, max: 0xff }),
    scenario: (flags) => [{ op: 'tcp.flags', flags }],
    check: (flags, trace) =>
      mustEqual(okValue(trace, 0, 'tcp.flags'), { syn: (flags & TCP_FLAGS.SYN) !== 0, ack: (flags & TCP_FLAGS.ACK) !== 0, fin: (flags & TCP_FLAGS.FIN) !== 0, rst: (flags & TCP_FLAGS.RST) !== 0 }, `flags 0x${flags.toString(16)}`),
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
    arbitrary: () => fc.record({ srcIp: ipv4Addr(), dstIp: ipv4Addr(), srcPort: port(), dstPort: port(), payload: bytes(0, 60), pad: bytes(1, 10), shortLength: fc.integer({ min: 0, max: UDP_HEADER - 1 }) }),
    // The datagram is parsed bare and with trailing bytes: udp.length is that the two agree.
    scenario: (a) => {
      const d = udpDatagram(a);
      return [
        { op: 'udp.checksum', srcIp: a.srcIp, dstIp: a.dstIp, bytes: toHex(d) },
        { op: 'udp.parse', bytes: toHex(d) },
        { op: 'udp.parse', bytes: toHex(d) + toHex(a.pad) },
        { op: 'udp.parse', bytes: toHex(Uint8Array.from([...d.slice(0, 4), 0, a.shortLength, ...d.slice(6)])) },
        ...truncationOps('udp.parse', d),
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
    },
  }),
  defineProperty({
    id: 'codec.transport.max-size',
    title: 'ICMP, TCP and UDP messages up to 65515 bytes are built; one byte more is refused as too large',
    layer: 'codec',
    clauses: ['codec.transport.max-size'],
    // Large buffers: a couple of runs suffice, and shrinking them would only cost time.
    arbitrary: () => fc.noShrink(fc.record({ fill: u8(), srcIp: ipv4Addr(), dstIp: ipv4Addr() })),
    scenario: ({ fill, srcIp, dstIp }) => {
      const payload = (headerLen: number, extra: number) => Buffer.alloc(MAX_TRANSPORT - headerLen + extra, fill).toString('hex');
      const tcp = { srcIp, dstIp, srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0 };
      return [0, 1].flatMap((extra): Op[] => [
        { op: 'icmp.create', type: 8, identifier: 1, sequence: 1, payload: payload(ICMP_HEADER, extra) },
        { op: 'tcp.create', ...tcp, payload: payload(TCP_HEADER, extra) },
        { op: 'udp.create', srcPort: 1, dstPort: 2, payload: payload(UDP_HEADER, extra) },
      ]);
    },
    check: (_a, trace) => {
      ['ICMP', 'TCP', 'UDP'].forEach((what, i) => {
        mustEqual(hx(field(okValue(trace, i, `${what} message of ${MAX_TRANSPORT} bytes`), 'bytes')).length, MAX_TRANSPORT, `${what} message length`);
        mustFail(trace, i + 3, `${what} message of ${MAX_TRANSPORT + 1} bytes`, ['too-large']);
      });
    },
    runsFactor: 0.02,
  }),
];
