// Deliberately wrong codec implementations whose bug shows only at an edge: a sum that needs a
// second carry fold, a field value at or over its sign bit, a size at or one past its limit,
// an argument one byte too short. Each is written the way a network developer makes the bug;
// the boundary-first arbitraries (properties/arbitraries.ts) are what make the suite see them.
import type { Op, OpResult } from '../../src/iut/contract.ts';
import { fromHex } from '../../src/util/bytes.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import { onBytes, onValue, patchOps, patchResults, type Mutant } from './mutant.ts';
import { pseudoHeader, rfc1071Checksum } from '../oracles.ts';

/** Big-endian words summed with ONE end-around fold, the result cut to 16 bits. */
function singleFoldSum(d: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i += 2) s += (d[i]! << 8) | (d[i + 1] ?? 0);
  return ((s & 0xffff) + (s >>> 16)) & 0xffff;
}

/** Rewrites a built TCP segment and refreshes its checksum, so only the rewritten field is wrong. */
const tcpRewrite = (f: (s: Uint8Array) => void) =>
  onBytes((b, op) => {
    const s = Uint8Array.from(b);
    f(s);
    s.set([0, 0], 16);
    const c = rfc1071Checksum(Uint8Array.from([...pseudoHeader(fromHex(op.srcIp as string)!, fromHex(op.dstIp as string)!, 6, s.length), ...s]));
    s.set([c >> 8, c & 0xff], 16);
    return s;
  });

const int16 = (v: number): number => (v >= 0x8000 ? v - 0x10000 : v);
const hexFixed = (h: unknown, bytes: number): unknown => (typeof h === 'string' ? h.padEnd(2 * bytes, '0').slice(0, 2 * bytes) : h);
const tooLarge = (message: string): OpResult => ({ ok: false, error: { kind: 'too-large', message } });

export const boundaryMutants: Mutant[] = [
  {
    name: 'checksum-single-fold',
    layer: 'codec',
    description: 'the checksum folds the carries once and cuts to 16 bits, so a total whose first fold carries again is off by one',
    caughtBy: ['codec.checksum.rfc1071-value'],
    breaks: ['codec.checksum.rfc1071'],
    executor: patchResults('codec', 'checksum', (op, r) => {
      if (!r.ok) return r;
      const sum = singleFoldSum(fromHex(op.data as string)!);
      return { ok: true, value: { checksum: ~sum & 0xffff, sum } };
    }),
  },
  {
    name: 'checksum-frame-buffer-only',
    layer: 'codec',
    description: 'the checksum is taken over a copy in the 2 KiB frame buffer, so bytes past netFrameBufBytes are not summed',
    caughtBy: ['codec.checksum.rfc1071-value'],
    breaks: ['codec.checksum.rfc1071'],
    executor: patchResults('codec', 'checksum', (op, r) => {
      const d = fromHex(op.data as string)!;
      const cap = seedProfile().limits.netFrameBufBytes;
      if (!r.ok || d.length <= cap) return r;
      const c = rfc1071Checksum(d.slice(0, cap));
      return { ok: true, value: { checksum: c, sum: ~c & 0xffff } };
    }),
  },
  {
    name: 'udp-computed-zero-sent-as-zero',
    layer: 'codec',
    description: 'get_checksum returns a computed 0 as 0 instead of 0xFFFF (0 means "no checksum" in UDP)',
    caughtBy: ['codec.udp.checksum-and-parse'],
    breaks: ['codec.udp.get-checksum'],
    executor: patchResults('codec', 'udp.checksum', onValue((v) => (v.checksum === 0xffff ? { checksum: 0 } : v))),
  },
  {
    name: 'tcp-checksum-zero-as-ffff',
    layer: 'codec',
    description: 'tcp.create writes a computed checksum of 0 as 0xFFFF (the UDP rule applied to TCP); it still verifies, but it is not the checksum',
    caughtBy: ['codec.tcp.create-layout-checksum'],
    breaks: ['codec.tcp.checksum'],
    executor: patchResults('codec', 'tcp.create', onBytes((b) => (b[16] === 0 && b[17] === 0 ? Uint8Array.from([...b.slice(0, 16), 0xff, 0xff, ...b.slice(18)]) : b))),
  },
  {
    name: 'ipv4-checksum-zero-as-ffff',
    layer: 'codec',
    description: 'ipv4.create writes a computed header checksum of 0 as 0xFFFF; the header still verifies, but the field is not the checksum',
    caughtBy: ['codec.ipv4.create-checksum'],
    breaks: ['codec.ipv4.header-checksum'],
    executor: patchResults('codec', 'ipv4.create', onBytes((b) => (b[10] === 0 && b[11] === 0 ? Uint8Array.from([...b.slice(0, 10), 0xff, 0xff, ...b.slice(12)]) : b))),
  },
  {
    name: 'tcp-flags-six-bits',
    layer: 'codec',
    description: 'tcp.create masks the flags to the six RFC 793 bits (& 0x3F), dropping ECE and CWR',
    caughtBy: ['codec.tcp.create-layout-checksum'],
    breaks: ['codec.tcp.layout'],
    executor: patchResults('codec', 'tcp.create', tcpRewrite((s) => void (s[13] = s[13]! & 0x3f))),
  },
  {
    name: 'tcp-window-argument-ignored',
    layer: 'codec',
    description: 'tcp.create always writes the default window, ignoring an explicit window argument',
    caughtBy: ['codec.tcp.create-layout-checksum'],
    breaks: ['codec.tcp.window'],
    executor: patchOps('codec', (op) => (op.op === 'tcp.create' ? (({ window: _w, ...rest }) => rest as Op)(op) : op)),
  },
  {
    name: 'tcp-urgent-dropped',
    layer: 'codec',
    description: 'tcp.parse reports the urgent pointer as 0 whatever the segment says (URG is not supported)',
    caughtBy: ['codec.tcp.parse-data-offset'],
    breaks: ['codec.tcp.roundtrip'],
    executor: patchResults('codec', 'tcp.parse', onValue((v) => ({ ...v, urgent: 0 }))),
  },
  {
    name: 'tcp-seq-signed',
    layer: 'codec',
    description: 'tcp.parse reads seq and ack as signed 32-bit integers, so values from 2^31 come out negative',
    caughtBy: ['codec.tcp.parse-data-offset'],
    breaks: ['codec.tcp.roundtrip'],
    executor: patchResults('codec', 'tcp.parse', onValue((v) => ({ ...v, seq: (v.seq as number) | 0, ack: (v.ack as number) | 0 }))),
  },
  {
    name: 'tcp-verify-zero-means-none',
    layer: 'codec',
    description: 'tcp.verify takes a checksum field of 0 as "no checksum" (the UDP rule) and accepts the segment',
    caughtBy: ['codec.tcp.verify'],
    breaks: ['codec.tcp.checksum'],
    executor: patchResults('codec', 'tcp.verify', (op, r) => {
      const b = fromHex(op.bytes as string)!;
      return r.ok && b.length >= 18 && b[16] === 0 && b[17] === 0 ? { ok: true, value: { valid: true } } : r;
    }),
  },
  {
    name: 'udp-ports-signed',
    layer: 'codec',
    description: 'udp.parse reads the ports as signed 16-bit integers, so ports from 0x8000 come out negative',
    caughtBy: ['codec.udp.checksum-and-parse'],
    breaks: ['codec.udp.roundtrip'],
    executor: patchResults('codec', 'udp.parse', onValue((v) => ({ ...v, srcPort: int16(v.srcPort as number), dstPort: int16(v.dstPort as number) }))),
  },
  {
    name: 'udp-port-zero-refused',
    layer: 'codec',
    description: 'udp.create refuses source or destination port 0 as invalid, though 0 fits the field',
    caughtBy: ['codec.udp.create'],
    breaks: ['codec.udp.layout'],
    executor: patchResults('codec', 'udp.create', (op, r) => (op.srcPort === 0 || op.dstPort === 0 ? { ok: false, error: { kind: 'invalid-argument', message: 'port 0 is reserved' } } : r)),
  },
  {
    name: 'udp-short-buffer-malformed',
    layer: 'codec',
    description: 'udp.parse of a buffer shorter than its length field says "malformed" instead of "truncated"',
    caughtBy: ['codec.udp.checksum-and-parse'],
    breaks: ['codec.udp.truncated'],
    executor: patchResults('codec', 'udp.parse', (op, r) => (!r.ok && r.error.kind === 'truncated' && (op.bytes as string).length >= 16 ? { ok: false, error: { ...r.error, kind: 'malformed' } } : r)),
  },
  {
    name: 'ipv4-max-datagram-refused',
    layer: 'codec',
    description: 'ipv4.create refuses a datagram of exactly 65535 bytes (total >= 0xFFFF instead of > 0xFFFF)',
    caughtBy: ['codec.ipv4.max-size'],
    breaks: ['codec.ipv4.total-length'],
    executor: patchResults('codec', 'ipv4.create', (op, r) => (r.ok && hexLength(op.payload) + 20 >= 0xffff ? tooLarge('datagram does not fit total_length') : r)),
  },
  {
    name: 'ipv4-address-padded',
    layer: 'codec',
    description: 'ipv4.create pads a short address with zero bytes and cuts a long one to 4 instead of refusing it',
    caughtBy: ['codec.builders.invalid-arguments'],
    breaks: ['codec.builders.arguments'],
    executor: patchOps('codec', (op) => (op.op === 'ipv4.create' ? { ...op, src: hexFixed(op.src, 4), dst: hexFixed(op.dst, 4) } as Op : op)),
  },
  {
    name: 'tcp-port-wraps',
    layer: 'codec',
    description: 'tcp.create stores ports as (port & 0xFFFF), so 65536 becomes 0 and -1 becomes 65535, instead of refusing them',
    caughtBy: ['codec.builders.invalid-arguments'],
    breaks: ['codec.builders.arguments'],
    executor: patchOps('codec', (op) => (op.op === 'tcp.create' && typeof op.srcPort === 'number' && typeof op.dstPort === 'number' ? { ...op, srcPort: op.srcPort & 0xffff, dstPort: op.dstPort & 0xffff } : op)),
  },
  {
    name: 'arp-operation-low-byte',
    layer: 'codec',
    description: 'arp.emit writes the operation as one byte (0x00, op & 0xFF): right for 1 and 2 only',
    caughtBy: ['codec.arp.fixed-fields'],
    breaks: ['codec.arp.layout'],
    executor: patchResults('codec', 'arp.emit', onBytes((b) => Uint8Array.from([...b.slice(0, 6), 0, b[7]!, ...b.slice(8)]))),
  },
  {
    name: 'icmp-reply-keeps-code',
    layer: 'codec',
    description: 'the echo reply copies the request\'s code instead of sending code 0',
    caughtBy: ['codec.icmp.echo-reply'],
    breaks: ['codec.icmp.echo-reply'],
    executor: patchResults(
      'codec',
      'icmp.reply',
      onBytes((b, op) => {
        const o = Uint8Array.from(b);
        o[1] = fromHex(op.request as string)![1] ?? 0;
        o.set([0, 0], 2);
        const c = rfc1071Checksum(o);
        o.set([c >> 8, c & 0xff], 2);
        return o;
      }),
    ),
  },
];

/** Bytes in a hex argument (0 when it is not a string). */
function hexLength(h: unknown): number {
  return typeof h === 'string' ? h.length / 2 : 0;
}
