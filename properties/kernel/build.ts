// Syscall 0x33: the packets built in place, checked with the RFC oracles (properties/oracles.ts)
// and the request layouts of the decisions in spec/clauses/kernel.json.
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import type { PropertyContext } from '../../src/runner/property.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { must, mustEqual, okValue } from '../../src/runner/assert.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { pseudoHeader, u16At, u32At, verifies } from '../oracles.ts';
import { ipv4Header, PROTO_TCP } from './frames.ts';
import { C } from './commands/index.ts';
import { RC, SYS } from './model.ts';

const PID = 1;
const MAC = '020000000001';
const IP = '0a000001';

/** boot, spawn, poke the request, 0x33, peek what the buffer holds afterwards. */
function buildOps(kind: number, addr: number, request: Uint8Array, peekLen: number, note: string): Op[] {
  return [
    { op: 'boot', mac: MAC, ip: IP },
    { op: 'spawn' },
    { op: 'poke', pid: PID, addr, bytes: toHex(request) },
    { op: 'syscall', pid: PID, no: SYS.Build, arg1: kind, arg2: addr, note },
    { op: 'peek', pid: PID, addr, len: peekLen },
  ];
}

function outcome(trace: Trace): { result: unknown; after: Uint8Array } {
  const v = okValue<{ result: unknown }>(trace, 3, '0x33');
  const p = okValue<{ bytes: string }>(trace, 4, 'peek');
  return { result: v.result, after: fromHex(p.bytes) ?? new Uint8Array() };
}

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

const bufferAddr = (ctx: PropertyContext): fc.Arbitrary<number> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(ctx.limits.userWindowStart) }, { weight: 1, arbitrary: fc.integer({ min: ctx.limits.userWindowStart, max: ctx.limits.userWindowEnd - 4096 }) });

// --- 0x33/1 -------------------------------------------------------------------------------------

interface Ipv4Req {
  ihl: number;
  /** total_length as written in the request (may disagree with what follows). */
  total: number;
  protocol: number;
  src: number[];
  dst: number[];
  payload: number[];
  addr: number;
}

function ipv4Request(r: Ipv4Req): Uint8Array {
  const h = ipv4Header({ ihl: Math.max(5, r.ihl), totalLength: r.total, protocol: r.protocol, src: r.src, dst: r.dst });
  h[0] = 0x40 | (r.ihl & 0x0f);
  return Uint8Array.from([...h, ...r.payload]);
}

function ipv4ReqArb(ctx: PropertyContext): fc.Arbitrary<Ipv4Req> {
  const maxTotal = ctx.limits.build0x33MaxTotalLength;
  const addr4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
  return fc
    .record({
      ihl: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 5, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) }),
      protocol: fc.constantFrom(1, 6, 17, 0, 255),
      src: addr4,
      dst: addr4,
      payload: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 48 }),
      // How total_length relates to what is written: exact, short of the header, at the bound
      // (build0x33MaxTotalLength - 1 .. + 2, the payload written in full), or far over it.
      lie: fc.oneof(
        { weight: 6, arbitrary: fc.constant<'exact' | 'short' | 'edge' | 'huge'>('exact') },
        { weight: 1, arbitrary: fc.constant<'short'>('short') },
        { weight: 3, arbitrary: fc.constant<'edge'>('edge') },
        { weight: 1, arbitrary: fc.constant<'huge'>('huge') },
      ),
      // The first refused length (r2's 1500) twice as often as its neighbours.
      edge: fc.constantFrom(maxTotal - 1, maxTotal, maxTotal + 1, maxTotal + 1, maxTotal + 2),
      huge: fc.integer({ min: maxTotal + 1, max: 0xffff }),
      addr: bufferAddr(ctx),
    })
    .map(({ lie, edge, huge, ...r }) => {
      const hl = Math.max(5, r.ihl) * 4;
      if (lie === 'edge') {
        // Write the whole datagram total_length describes, so an accepted one is checked byte for byte.
        const seed = r.payload.length ? r.payload : [0x5a];
        return { ...r, total: edge, payload: Array.from({ length: Math.max(0, edge - hl) }, (_, i) => seed[i % seed.length]! ^ (i & 0xff)) };
      }
      const total = lie === 'exact' ? hl + r.payload.length : lie === 'short' ? Math.max(0, Math.max(5, r.ihl) * 4 - 1 - (r.payload.length % 4)) : huge;
      return { ...r, total };
    });
}

// --- 0x33/3 -------------------------------------------------------------------------------------

interface TcpReq {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  highByte: number;
  junk: number[];
  src: number[];
  dst: number[];
  length: number;
  written: number[];
  addr: number;
}

/** The TcpPacketRequest of kernel.syscall.0x33.tcp-request-layout, in native little-endian order. */
function tcpRequest(r: TcpReq): Uint8Array {
  return Uint8Array.from([...le16(r.srcPort), ...le16(r.dstPort), ...le32(r.seq), ...le32(r.ack), r.flags, r.highByte, ...r.junk, ...r.src, ...r.dst, ...le16(r.length), ...r.written]);
}

function tcpReqArb(ctx: PropertyContext): fc.Arbitrary<TcpReq> {
  const maxPayload = ctx.limits.maxEthernetFrame - 14 - 20 - 20;
  const addr4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
  return fc
    .record({
      srcPort: fc.integer({ min: 0, max: 0xffff }),
      dstPort: fc.integer({ min: 0, max: 0xffff }),
      seq: fc.nat({ max: 0xffffffff }),
      ack: fc.nat({ max: 0xffffffff }),
      flags: fc.integer({ min: 0, max: 0xff }),
      highByte: fc.integer({ min: 0, max: 0xff }),
      junk: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }),
      src: addr4,
      dst: addr4,
      written: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
      // Lengths: what was written, more (zeros follow), or around the limit.
      extra: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }) }, { weight: 1, arbitrary: fc.integer({ min: maxPayload - 2, max: maxPayload + 2 }) }),
      addr: bufferAddr(ctx),
    })
    .map(({ extra, ...r }) => ({ ...r, length: extra >= maxPayload - 2 ? extra : r.written.length + extra }));
}

export const kernelBuildProperties = [
  defineProperty({
    id: 'kernel.build.ipv4',
    title: '0x33/1 rebuilds the request as a 20-byte header (0x45, id 0x1337, DF, TTL 64, reply addresses, valid checksum) plus its payload; total_length >= 1500, IHL < 5 or total_length < IHL*4: InvalidInput, buffer untouched',
    layer: 'kernel',
    clauses: [C.build0x33Ipv4, C.replyAddresses, C.ipv4TotalBound, C.ipv4Bounds],
    arbitrary: ipv4ReqArb,
    scenario: (r, ctx) => {
      const req = ipv4Request(r);
      return buildOps(1, r.addr, req, Math.max(req.length, 20 + r.payload.length, 20), `0x33 build IPv4 (IHL ${r.ihl}, total_length ${r.total})`);
    },
    check: (r, trace, ctx, t) => {
      const req = ipv4Request(r);
      const { result, after } = outcome(trace);
      const hl = r.ihl * 4;
      const max = ctx.limits.build0x33MaxTotalLength;
      // r2's own bound first (total_len >= 1500), then our IHL decisions.
      const refusedBy = r.total > max ? C.ipv4TotalBound : r.ihl < 5 || r.total < hl ? C.ipv4Bounds : null;
      if (refusedBy) {
        t.check(refusedBy, () => {
          const why = refusedBy === C.ipv4TotalBound ? `total_length ${r.total} > ${max} (r2 refuses total_len >= ${max + 1})` : `IHL ${r.ihl} and total_length ${r.total}`;
          mustEqual(result, RC.InvalidInput, `0x33/1 with ${why}`);
          mustEqual(toHex(after.subarray(0, req.length)), toHex(req), 'the buffer after a refused 0x33/1 is untouched');
        });
        return;
      }
      const payload = req.subarray(hl, r.total);
      const b = after.subarray(0, 20 + payload.length);
      t.step(C.build0x33Ipv4, () => {
        mustEqual(result, RC.Okay, '0x33/1 of a valid request');
        const d = ctx.defaults;
        mustEqual(
          { versionIhl: b[0], totalLength: u16At(b, 2), identification: u16At(b, 4), flagsFragment: u16At(b, 6), ttl: b[8], protocol: b[9] },
          { versionIhl: d.ipv4VersionIhl, totalLength: 20 + payload.length, identification: d.ipv4Identification, flagsFragment: d.ipv4FlagsFragment, ttl: d.ipv4Ttl, protocol: r.protocol },
          'header fields of the built datagram',
        );
        must(verifies(b.subarray(0, 20)), `the built header's checksum does not verify (RFC 1071): ${toHex(b.subarray(0, 20))}`);
        mustEqual(toHex(b.subarray(20)), toHex(payload), 'payload after the 20-byte header (options dropped)');
      });
      t.check(C.replyAddresses, () =>
        mustEqual({ src: toHex(b.subarray(12, 16)), dst: toHex(b.subarray(16, 20)) }, { src: toHex(Uint8Array.from(r.dst)), dst: toHex(Uint8Array.from(r.src)) }, "the built datagram answers the request: source = the request's destination and vice versa"),
      );
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'kernel.build.icmp',
    title: '0x33/2 writes a 64-byte echo reply: type 0, code 0, the request identifier and sequence, its 56 bytes of payload, a valid checksum',
    layer: 'kernel',
    clauses: [C.icmpEchoReply],
    arbitrary: (ctx) => fc.record({ request: fc.uint8Array({ minLength: 64, maxLength: 64 }), addr: bufferAddr(ctx) }),
    scenario: (r) => buildOps(2, r.addr, r.request, 64, '0x33 build ICMP echo reply'),
    check: (r, trace) => {
      const { result, after } = outcome(trace);
      mustEqual(result, RC.Okay, `0x33/2 [${C.icmpEchoReply}]`);
      mustEqual({ type: after[0], code: after[1], idSeq: toHex(after.subarray(4, 8)) }, { type: 0, code: 0, idSeq: toHex(r.request.subarray(4, 8)) }, `echo reply header [${C.icmpEchoReply}]`);
      mustEqual(toHex(after.subarray(8, 64)), toHex(r.request.subarray(8, 64)), `echo reply payload: the request's 56 bytes after its header [${C.icmpEchoReply}]`);
      must(verifies(after.subarray(0, 64)), `the echo reply's checksum does not verify over its 64 bytes: ${toHex(after.subarray(0, 8))}… [${C.icmpEchoReply}]`);
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'kernel.build.tcp',
    title: '0x33/3 builds a TCP segment from the little-endian TcpPacketRequest: ports, seq, ack, flags, data offset 5, window 1024, urgent 0, payload, pseudo-header checksum',
    layer: 'kernel',
    clauses: [C.build0x33Tcp, C.tcpRequestLayout, C.tcpLengthBound],
    arbitrary: tcpReqArb,
    scenario: (r, ctx) => {
      const req = tcpRequest(r);
      // Read back at most one Ethernet payload (maxEthernetFrame - 14), the most 0x33 builds.
      return buildOps(3, r.addr, req, Math.max(req.length, 20 + Math.min(r.length, ctx.limits.maxEthernetFrame - 14)), `0x33 build TCP (length ${r.length})`);
    },
    check: (r, trace, ctx, t) => {
      const req = tcpRequest(r);
      const { result, after } = outcome(trace);
      const maxPayload = ctx.limits.maxEthernetFrame - 14 - 20 - 20;
      if (r.length > maxPayload) {
        t.check(C.tcpLengthBound, () => {
          mustEqual(result, RC.InvalidInput, `0x33/3 with length ${r.length} > ${maxPayload}`);
          mustEqual(toHex(after.subarray(0, req.length)), toHex(req), 'the buffer after a refused 0x33/3 is untouched');
        });
        return;
      }
      const seg = after.subarray(0, 20 + r.length);
      t.step(C.build0x33Tcp, () => mustEqual(result, RC.Okay, '0x33/3'));
      t.check(C.tcpRequestLayout, () =>
        mustEqual(
          { srcPort: u16At(seg, 0), dstPort: u16At(seg, 2), seq: u32At(seg, 4), ack: u32At(seg, 8), flags: seg[13] },
          { srcPort: r.srcPort, dstPort: r.dstPort, seq: r.seq, ack: r.ack, flags: r.flags },
          'segment fields read from the little-endian request (flags = the low byte at 12)',
        ),
      );
      t.check(C.build0x33Tcp, () => {
        const payload = new Uint8Array(r.length);
        payload.set(Uint8Array.from(r.written).subarray(0, r.length));
        mustEqual({ dataOffset: seg[12]! >> 4, window: u16At(seg, 14), urgent: u16At(seg, 18) }, { dataOffset: 5, window: ctx.defaults.tcpWindow, urgent: 0 }, 'data offset, window, urgent');
        mustEqual(toHex(seg.subarray(20)), toHex(payload), `the ${r.length} payload bytes follow the header`);
        const ph = pseudoHeader(Uint8Array.from(r.src), Uint8Array.from(r.dst), PROTO_TCP, seg.length);
        must(verifies(Uint8Array.from([...ph, ...seg])), `the TCP checksum 0x${u16At(seg, 16).toString(16)} does not verify over the pseudo-header of src ${toHex(Uint8Array.from(r.src))}, dst ${toHex(Uint8Array.from(r.dst))} and the segment`);
      });
    },
    runsFactor: 0.5,
  }),
];
