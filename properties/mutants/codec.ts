// Deliberately wrong codec implementations: the reference with one documented rule broken.
import type { OpResult } from '../../src/iut/contract.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { onBytes, onValue, patchResults, type Mutant, type Obj } from './mutant.ts';
import { boundaryMutants } from './codec-edges.ts';
import { rfc1071Checksum } from '../oracles.ts';

/** A wrong checksum: RFC 1071 but with the odd trailing byte taken as the LOW byte of a word. */
function oddLowChecksum(d: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i += 2) s += i + 1 < d.length ? (d[i]! << 8) | d[i + 1]! : d[i]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}


/** Sets IPv4 header bytes and refreshes the header checksum, so only the named field is wrong. */
const ipv4Field = (at: number, values: number[]) =>
  onBytes((b) => {
    const o = Uint8Array.from(b);
    o.set(values, at);
    o[10] = 0;
    o[11] = 0;
    const c = rfc1071Checksum(o.slice(0, 20));
    o[10] = c >> 8;
    o[11] = c & 0xff;
    return o;
  });

const classicMutants: Mutant[] = [
  {
    name: 'checksum-odd-byte-low',
    layer: 'codec',
    description: 'RFC 1071 checksum takes an odd trailing byte as the low byte of its word',
    caughtBy: ['codec.checksum.rfc1071-value'],
    executor: patchResults('codec', 'checksum', (op, r) => {
      const d = fromHex(op.data as string)!;
      return r.ok ? { ok: true, value: { ...(r.value as Obj), checksum: oddLowChecksum(d) } } : r;
    }),
  },
  {
    name: 'ipv4-ttl-255',
    layer: 'codec',
    description: 'built IPv4 headers carry TTL 255 instead of 64',
    caughtBy: ['codec.ipv4.create-defaults'],
    executor: patchResults('codec', 'ipv4.create', ipv4Field(8, [255])),
  },
  {
    name: 'ipv4-no-df',
    layer: 'codec',
    description: 'built IPv4 headers leave the DF flag clear',
    caughtBy: ['codec.ipv4.create-defaults'],
    executor: patchResults('codec', 'ipv4.create', ipv4Field(6, [0, 0])),
  },
  {
    name: 'ipv4-stale-checksum',
    layer: 'codec',
    description: 'the IPv4 header checksum is computed before total_length is filled in',
    caughtBy: ['codec.ipv4.create-checksum'],
    executor: patchResults(
      'codec',
      'ipv4.create',
      onBytes((b) => {
        const o = Uint8Array.from(b.slice(0, 20));
        o.set([0, 0], 2);
        o.set([0, 0], 10);
        const c = rfc1071Checksum(o);
        const out = Uint8Array.from(b);
        out[10] = c >> 8;
        out[11] = c & 0xff;
        return out;
      }),
    ),
  },
  {
    name: 'ipv4-ihl-ignored',
    layer: 'codec',
    description: 'IPv4 parse assumes a 20-byte header whatever IHL says',
    caughtBy: ['codec.ipv4.parse-honours-ihl'],
    executor: patchResults('codec', 'ipv4.parse', (op, r) => {
      if (!r.ok) return r;
      const b = fromHex(op.bytes as string)!;
      const total = (b[2]! << 8) | b[3]!;
      return { ok: true, value: { ...(r.value as Obj), options: '', payload: toHex(b.slice(20, total)) } };
    }),
  },
  {
    name: 'ipv4-truncation-accepted',
    layer: 'codec',
    description: 'IPv4 parse of a datagram cut short of total_length returns what is there instead of an error',
    caughtBy: ['codec.ipv4.truncated'],
    executor: patchResults('codec', 'ipv4.parse', (_op, r) => (!r.ok && r.error.kind === 'truncated' ? { ok: true, value: { partial: true } } : r)),
  },
  {
    name: 'ipv4-padding-in-payload',
    layer: 'codec',
    description: 'IPv4 parse hands Ethernet padding after total_length up as payload',
    caughtBy: ['codec.ipv4.padding-ignored'],
    executor: patchResults('codec', 'ipv4.parse', (op, r) => {
      if (!r.ok) return r;
      const b = fromHex(op.bytes as string)!;
      return { ok: true, value: { ...(r.value as Obj), payload: toHex(b.slice(4 * (b[0]! & 0xf))) } };
    }),
  },
  {
    name: 'tcp-flags-shifted',
    layer: 'codec',
    description: 'parse_flags reads every flag one bit too high',
    caughtBy: ['codec.tcp.flags'],
    executor: patchResults('codec', 'tcp.flags', (op, r) => {
      const f = op.flags as number;
      return r.ok ? { ok: true, value: { syn: (f & 0x04) !== 0, ack: (f & 0x20) !== 0, fin: (f & 0x02) !== 0, rst: (f & 0x08) !== 0 } } : r;
    }),
  },
  {
    name: 'tcp-checksum-no-pseudo-header',
    layer: 'codec',
    description: 'TCP checksum computed over the segment alone, without the IPv4 pseudo-header',
    caughtBy: ['codec.tcp.create-layout-checksum'],
    executor: patchResults(
      'codec',
      'tcp.create',
      onBytes((b) => {
        const o = Uint8Array.from(b);
        o.set([0, 0], 16);
        const c = rfc1071Checksum(o);
        o.set([c >> 8, c & 0xff], 16);
        return o;
      }),
    ),
  },
  {
    name: 'tcp-data-offset-ignored',
    layer: 'codec',
    description: 'TCP parse assumes a 20-byte header whatever the data offset says',
    caughtBy: ['codec.tcp.parse-data-offset'],
    executor: patchResults('codec', 'tcp.parse', (op, r) => (r.ok ? { ok: true, value: { ...(r.value as Obj), options: '', payload: (op.bytes as string).slice(40) } } : r)),
  },
  {
    name: 'tcp-finwait1-ack-to-timewait',
    layer: 'codec',
    description: 'FinWait1 + ACK of our FIN goes straight to TimeWait instead of FinWait2',
    caughtBy: ['codec.tcp.transition-table', 'codec.tcp.transition-pairs', 'codec.tcp.connection-walk'],
    executor: patchResults('codec', /^tcp\.(transition|connection)$/, (op, r): OpResult => {
      if (!r.ok) return r;
      if (op.op === 'tcp.transition') return op.state === 'FinWait1' && op.input === 'rcv-ack' ? { ok: true, value: { state: 'TimeWait', send: null } } : r;
      const steps = ((r.value as Obj).steps as Obj[]).map((s, i, all) => {
        const prev = i === 0 ? 'Closed' : all[i - 1]!.state;
        return prev === 'FinWait1' && s.state === 'FinWait2' ? { ...s, state: 'TimeWait' } : s;
      });
      return { ok: true, value: { steps } };
    }),
  },
  {
    name: 'tcp-closed-ack-refused',
    layer: 'codec',
    description: 'an ACK arriving in Closed is refused as a protocol error instead of answered with RST (RFC 9293 §3.10.7.1)',
    caughtBy: ['codec.tcp.transition-table', 'codec.tcp.transition-pairs', 'codec.tcp.connection-walk'],
    executor: patchResults('codec', /^tcp\.(transition|connection)$/, (op, r): OpResult => {
      const refused: OpResult = { ok: false, error: { kind: 'protocol', message: 'no transition for rcv-ack in Closed' } };
      if (op.op === 'tcp.transition') return op.state === 'Closed' && op.input === 'rcv-ack' ? refused : r;
      if (!r.ok) return r;
      const inputs = op.inputs as string[];
      const steps = ((r.value as Obj).steps as Obj[]).map((s, i, all) => {
        const prev = i === 0 ? 'Closed' : all[i - 1]!.state;
        return prev === 'Closed' && inputs[i] === 'rcv-ack' ? { ok: false, state: 'Closed', send: null } : s;
      });
      return { ok: true, value: { steps } };
    }),
  },
  {
    name: 'udp-length-excludes-header',
    layer: 'codec',
    description: 'UDP length field counts the payload only, not the 8-byte header',
    caughtBy: ['codec.udp.create'],
    executor: patchResults(
      'codec',
      'udp.create',
      onBytes((b) => {
        const o = Uint8Array.from(b);
        o.set([(b.length - 8) >> 8, (b.length - 8) & 0xff], 4);
        return o;
      }),
    ),
  },
  {
    name: 'icmp-checksum-header-only',
    layer: 'codec',
    description: 'ICMP checksum covers the 8-byte header but not the payload',
    caughtBy: ['codec.icmp.echo-layout-checksum'],
    executor: patchResults(
      'codec',
      'icmp.create',
      onBytes((b) => {
        const o = Uint8Array.from(b);
        o.set([0, 0], 2);
        const c = rfc1071Checksum(o.slice(0, 8));
        o.set([c >> 8, c & 0xff], 2);
        return o;
      }),
    ),
  },
  {
    name: 'arp-hlen-4',
    layer: 'codec',
    description: 'ARP packets declare a hardware address length of 4',
    caughtBy: ['codec.arp.fixed-fields'],
    executor: patchResults(
      'codec',
      'arp.emit',
      onBytes((b) => {
        const o = Uint8Array.from(b);
        o[4] = 4;
        return o;
      }),
    ),
  },
  {
    name: 'ethernet-parse-swaps-macs',
    layer: 'codec',
    description: 'Ethernet parse returns the source MAC as the destination and vice versa',
    caughtBy: ['codec.ethernet.parse-roundtrip'],
    executor: patchResults('codec', 'ethernet.parse', onValue((v) => ({ ...v, dst: v.src!, src: v.dst! }))),
  },
];

/** The classic mutants above, then those at the edges of ranges, sizes and sums (codec-edges.ts). */
export const codecMutants: Mutant[] = [...classicMutants, ...boundaryMutants];
