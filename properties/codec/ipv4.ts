// IPv4: the documented build defaults, header checksum, parse honouring IHL and total_length,
// and the open points of spec-notes §4 as decided in spec/clauses/codec.json.
import fc from 'fast-check';
import type { Json, Op } from '../../src/iut/contract.ts';
import type { Defaults } from '../../src/spec/profile.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, mustFail, must, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { bytes, fieldRange, setWordForSum, hexBytes, HEADER_BYTES, ipv4Addr, IPV4_MAX_DATAGRAM, limitSizes, u16, u8, boundaryInt } from '../arbitraries.ts';
import { hx, rfc1071Checksum, u16At, verifies } from '../oracles.ts';
import { checkRefused, checkTruncations, checkSameParse, checkTypedErrors, ERRORS_TYPED, truncationOps } from './parse-checks.ts';

/** An IPv4 datagram built by the property itself from RFC 791's layout. */
export interface Ipv4Spec {
  versionIhl: number;
  tos: number;
  id: number;
  frag: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
  options: Uint8Array;
  payload: Uint8Array;
}

export function buildIpv4(s: Ipv4Spec, totalLength = 4 * (s.versionIhl & 0xf) + s.payload.length): Uint8Array {
  const hl = 20 + s.options.length;
  const b = new Uint8Array(hl + s.payload.length);
  b.set([s.versionIhl, s.tos, totalLength >> 8, totalLength & 0xff, s.id >> 8, s.id & 0xff, s.frag >> 8, s.frag & 0xff, s.ttl, s.protocol, 0, 0]);
  b.set(hx(s.src), 12);
  b.set(hx(s.dst), 16);
  b.set(s.options, 20);
  const c = rfc1071Checksum(b.slice(0, hl));
  b[10] = c >> 8;
  b[11] = c & 0xff;
  b.set(s.payload, hl);
  return b;
}

/** Valid datagrams, options (IHL 5..15) included. */
export const ipv4Datagram = (): fc.Arbitrary<Ipv4Spec> =>
  fc.integer({ min: 0, max: 10 }).chain((optWords) =>
    fc.record({
      versionIhl: fc.constant(0x40 | (5 + optWords)),
      tos: u8(),
      id: u16(),
      frag: u16(),
      ttl: u8(),
      protocol: u8(),
      src: ipv4Addr(),
      dst: ipv4Addr(),
      options: bytes(optWords * 4, optWords * 4),
      payload: bytes(0, 80),
    }),
  );

const createArgs = (): fc.Arbitrary<CreateArgs> => fc.record({ src: ipv4Addr(), dst: ipv4Addr(), protocol: fc.oneof(fc.constantFrom(1, 6, 17), u8()), payload: hexBytes(0, 120) });

type CreateArgs = { src: string; dst: string; protocol: number; payload: string };
/** ipv4.create arguments whose header checksum is 0x0000: dst's last word is chosen so. */
function aimIpv4AtZero(a: CreateArgs, d: Defaults): CreateArgs {
  const b = buildIpv4({ versionIhl: d.ipv4VersionIhl, tos: 0, id: d.ipv4Identification, frag: d.ipv4FlagsFragment, ttl: d.ipv4Ttl, protocol: a.protocol, src: a.src, dst: a.dst, options: new Uint8Array(), payload: hx(a.payload) });
  const header = b.slice(0, 20);
  header.set([0, 0], 10);
  setWordForSum(header, 18, 0xffff);
  return { ...a, dst: toHex(header.slice(16, 20)) };
}

export const ipv4Properties = [
  defineProperty({
    id: 'codec.ipv4.create-defaults',
    title: 'a built header carries 0x45, DSCP/ECN 0, total_length, id 0x1337, DF, TTL 64, protocol, src, dst',
    layer: 'codec',
    clauses: ['codec.ipv4.defaults', 'codec.ipv4.total-length'],
    arbitrary: createArgs,
    scenario: (a) => [{ op: 'ipv4.create', ...a }],
    check: (a, trace, ctx, t) => {
      const built = () => hx(field(okValue(trace, 0, 'ipv4.create'), 'bytes'));
      const d = ctx.defaults;
      t.check('codec.ipv4.defaults', () => {
        const b = built();
        mustEqual(
          { versionIhl: b[0], dscpEcn: b[1], id: u16At(b, 4), flagsFragment: u16At(b, 6), ttl: b[8], protocol: b[9] },
          { versionIhl: d.ipv4VersionIhl, dscpEcn: 0, id: d.ipv4Identification, flagsFragment: d.ipv4FlagsFragment, ttl: d.ipv4Ttl, protocol: a.protocol },
          'header fields',
        );
        mustEqual(toHex(b.slice(12, 16)) + toHex(b.slice(16, 20)), a.src + a.dst, 'src and dst');
      });
      t.check('codec.ipv4.total-length', () => {
        const b = built();
        mustEqual(b.length, 20 + a.payload.length / 2, 'datagram length');
        mustEqual(u16At(b, 2), b.length, 'total_length field');
        mustEqual(toHex(b.slice(20)), a.payload, 'payload after the header');
      });
    },
  }),
  defineProperty({
    id: 'codec.ipv4.create-checksum',
    title: 'a built header verifies (sums to 0xFFFF) and any one-word change breaks it',
    layer: 'codec',
    clauses: ['codec.ipv4.header-checksum'],
    // A third of the headers have dst's last word chosen so the checksum is 0x0000 (which
    // verifies as 0xFFFF would: the field must hold the computed value).
    arbitrary: (ctx) => fc.tuple(fc.tuple(createArgs(), fc.integer({ min: 0, max: 2 })).map(([a, aim]) => (aim === 0 ? aimIpv4AtZero(a, ctx.defaults) : a)), fc.integer({ min: 0, max: 9 }), boundaryInt({ min: 1, max: 0xfffe })),
    scenario: ([a]) => [{ op: 'ipv4.create', ...a }],
    check: ([_a, word, delta], trace) => {
      const b = hx(field(okValue(trace, 0, 'ipv4.create'), 'bytes'));
      const header = b.slice(0, 20);
      must(verifies(header), `header does not sum to 0xFFFF: ${toHex(header)}`);
      const zeroed = Uint8Array.from(header);
      zeroed.set([0, 0], 10);
      mustEqual(u16At(header, 10), rfc1071Checksum(zeroed), 'header checksum field (the computed checksum, not its 0x0000/0xFFFF twin)');
      const w = u16At(header, word * 2);
      const nw = (w + delta) % 0xffff; // a different value mod 0xFFFF, so not the 0/0xFFFF twin
      header[word * 2] = nw >> 8;
      header[word * 2 + 1] = nw & 0xff;
      must(!verifies(header), `header still verifies after word ${word} changed`);
    },
  }),
  defineProperty({
    id: 'codec.ipv4.max-size',
    title: 'a datagram of up to 65535 bytes (total_length\'s maximum) is built; one byte more, or far more, is refused as too large',
    layer: 'codec',
    clauses: ['codec.ipv4.total-length'],
    // One case holds the datagram one under, at, one over and k over the limit. The sizes are the
    // point: shrinking 64 KiB buffers would only burn time.
    arbitrary: () => fc.noShrink(fc.record({ fill: u8(), src: ipv4Addr(), dst: ipv4Addr(), protocol: u8(), k: boundaryInt({ min: 2, max: fieldRange('totalLength').max }) })),
    scenario: ({ fill, src, dst, protocol, k }) =>
      limitSizes(IPV4_MAX_DATAGRAM, 0, k).map(({ n }) => ({ op: 'ipv4.create', src, dst, protocol, payload: Buffer.alloc(n - HEADER_BYTES.ipv4, fill).toString('hex') })),
    check: ({ k }, trace, _ctx, t) =>
      limitSizes(IPV4_MAX_DATAGRAM, 0, k).forEach(({ n, rel, fits }, i) =>
        t.check('codec.ipv4.total-length', () => {
          const what = `datagram of ${n} bytes (${rel} the ${IPV4_MAX_DATAGRAM}-byte maximum)`;
          if (!fits) return mustFail(trace, i, what, ['too-large']);
          const b = hx(field(okValue(trace, i, what), 'bytes'));
          mustEqual([b.length, u16At(b, 2)], [n, n], `${what}: length and total_length`);
        }),
      ),
    runsFactor: 0.03,
  }),
  defineProperty({
    id: 'codec.ipv4.parse-honours-ihl',
    title: 'parse reads every field, takes IHL*4 bytes of header (options) and the payload after them',
    layer: 'codec',
    clauses: ['codec.ipv4.parse-fields', 'codec.ipv4.parse-ihl'],
    arbitrary: ipv4Datagram,
    scenario: (s) => [{ op: 'ipv4.parse', bytes: toHex(buildIpv4(s)) }],
    check: (s, trace, _ctx, t) => {
      const b = buildIpv4(s);
      const parsed = () => okValue<Record<string, Json>>(trace, 0, 'ipv4.parse');
      t.check('codec.ipv4.parse-fields', () => {
        const { options: _o, payload: _p, ...fields } = parsed();
        mustEqual(
          fields,
          {
            versionIhl: s.versionIhl,
            dscpEcn: s.tos,
            totalLength: b.length,
            identification: s.id,
            flagsFragment: s.frag,
            ttl: s.ttl,
            protocol: s.protocol,
            checksum: u16At(b, 10),
            src: s.src,
            dst: s.dst,
            checksumOk: true,
          },
          'parsed header fields',
        );
      });
      t.check('codec.ipv4.parse-ihl', () => {
        const v = parsed();
        mustEqual({ options: field(v, 'options'), payload: field(v, 'payload') }, { options: toHex(s.options), payload: toHex(s.payload) }, `options and payload of a datagram with IHL ${s.versionIhl & 0xf}`);
      });
    },
  }),
  // One round trip: create's output and the datagram the property builds from the documented
  // defaults must be the same bytes, and parse must give that datagram's fields back.
  defineProperty({
    id: 'codec.ipv4.parse-roundtrip',
    title: 'create and parse agree: parse gives back src, dst, protocol and payload of what create built',
    layer: 'codec',
    clauses: ['codec.ipv4.roundtrip'],
    arbitrary: createArgs,
    scenario: (a, ctx): Op[] => [
      { op: 'ipv4.create', ...a },
      {
        op: 'ipv4.parse',
        bytes: toHex(
          buildIpv4({ versionIhl: ctx.defaults.ipv4VersionIhl, tos: 0, id: ctx.defaults.ipv4Identification, frag: ctx.defaults.ipv4FlagsFragment, ttl: ctx.defaults.ipv4Ttl, protocol: a.protocol, src: a.src, dst: a.dst, options: new Uint8Array(), payload: hx(a.payload) }),
        ),
      },
    ],
    check: (a, trace) => {
      const created = hx(field<string>(okValue(trace, 0, 'ipv4.create'), 'bytes'));
      const parsed = okValue(trace, 1, 'ipv4.parse');
      mustEqual({ src: field(parsed, 'src'), dst: field(parsed, 'dst'), protocol: field(parsed, 'protocol'), payload: field(parsed, 'payload') }, { src: a.src, dst: a.dst, protocol: a.protocol, payload: a.payload }, 'parsed fields');
      // The fields create fills from the defaults, and the checksum, are other clauses' rules: the
      // datagram parse would describe is rebuilt with create's own values for them.
      const described = buildIpv4({ versionIhl: created[0]!, tos: created[1]!, id: u16At(created, 4), frag: u16At(created, 6), ttl: created[8]!, protocol: a.protocol, src: a.src, dst: a.dst, options: new Uint8Array(), payload: hx(a.payload) });
      const noChecksum = (b: Uint8Array) => toHex(b.slice(0, 10)) + toHex(b.slice(12));
      mustEqual(noChecksum(created), noChecksum(described), 'create output equals the datagram parse describes (checksum aside)');
    },
  }),
  defineProperty({
    id: 'codec.ipv4.truncated',
    title: 'every truncation of a valid datagram (below total_length) is an error, never a throw',
    layer: 'codec',
    clauses: ['codec.ipv4.truncated', 'codec.ipv4.truncated-total-length', ERRORS_TYPED],
    arbitrary: ipv4Datagram,
    scenario: (s) => truncationOps('ipv4.parse', buildIpv4(s)),
    // Cuts inside the header (< IHL*4) are r2's rule; cuts inside the payload (< total_length) our decision.
    check: (s, trace, _ctx, t) => {
      const header = 4 * (s.versionIhl & 0xf);
      const total = buildIpv4(s).length;
      checkTruncations(t, 'codec.ipv4.truncated', trace, header, 'IPv4 datagram');
      checkTruncations(t, 'codec.ipv4.truncated-total-length', trace, total - header, 'IPv4 datagram', header, header);
    },
  }),
  defineProperty({
    id: 'codec.ipv4.padding-ignored',
    title: 'bytes after total_length (Ethernet padding) are not payload',
    layer: 'codec',
    clauses: ['codec.ipv4.trailing-bytes'],
    arbitrary: () => fc.tuple(ipv4Datagram(), bytes(1, 46)),
    // Parsed bare and padded: the two parses must agree, whatever else parse gets wrong.
    scenario: ([s, pad]) => [{ op: 'ipv4.parse', bytes: toHex(buildIpv4(s)) }, { op: 'ipv4.parse', bytes: toHex(buildIpv4(s)) + toHex(pad) }],
    check: ([_s, pad], trace, _ctx, t) => checkSameParse(t, 'codec.ipv4.trailing-bytes', trace, 0, 1, `parse of the datagram with ${pad.length} bytes of padding against the bare datagram`),
  }),
  defineProperty({
    id: 'codec.ipv4.bad-headers',
    title: 'version other than 4, IHL below 5, or total_length below the header length is malformed',
    layer: 'codec',
    clauses: ['codec.ipv4.version', 'codec.ipv4.ihl-min', 'codec.ipv4.decision.total-below-header', ERRORS_TYPED],
    arbitrary: () =>
      fc.tuple(
        ipv4Datagram(),
        fc.integer({ min: 0, max: 15 }).filter((v) => v !== 4),
        fc.integer({ min: 0, max: 4 }),
      ),
    scenario: ([s, version, ihl]) => {
      const good = buildIpv4(s);
      const badVersion = Uint8Array.from(good);
      badVersion[0] = (version << 4) | (s.versionIhl & 0xf);
      const badIhl = Uint8Array.from(good);
      badIhl[0] = 0x40 | ihl;
      const headerLen = 4 * (s.versionIhl & 0xf);
      const shortTotal = buildIpv4(s, headerLen - 1 - (ihl % 4));
      return [badVersion, badIhl, shortTotal].map((b) => ({ op: 'ipv4.parse', bytes: toHex(b) }));
    },
    check: ([_s, version, ihl], trace, _ctx, t) => {
      checkTypedErrors(t, trace, 0, 3, 'IPv4 header with a bad field');
      checkRefused(t, 'codec.ipv4.version', trace, 0, `version ${version}`, ['malformed']);
      checkRefused(t, 'codec.ipv4.ihl-min', trace, 1, `IHL ${ihl} < 5`, ['malformed']);
      checkRefused(t, 'codec.ipv4.decision.total-below-header', trace, 2, 'total_length < IHL*4', ['malformed']);
    },
  }),
  defineProperty({
    id: 'codec.ipv4.bad-checksum-reported',
    title: 'a datagram whose header checksum is wrong parses with checksumOk = false',
    layer: 'codec',
    clauses: ['codec.ipv4.decision.checksum-reported'],
    arbitrary: () => fc.tuple(ipv4Datagram(), boundaryInt({ min: 1, max: 0xfffe })),
    scenario: ([s, delta]) => {
      const b = buildIpv4(s);
      const c = (u16At(b, 10) + delta) % 0xffff;
      b[10] = c >> 8;
      b[11] = c & 0xff;
      return [{ op: 'ipv4.parse', bytes: toHex(b) }];
    },
    check: (_s, trace) => mustEqual(field(okValue(trace, 0, 'ipv4.parse'), 'checksumOk'), false, 'checksumOk of a corrupted header'),
  }),
];
