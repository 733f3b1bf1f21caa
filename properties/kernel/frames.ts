// Frames and datagrams for the kernel properties, built byte by byte from the RFC layouts
// (RFC 894 Ethernet II, RFC 791 IPv4, RFC 793 TCP, RFC 768 UDP, RFC 792 ICMP, RFC 826 ARP) —
// never with src/codec — and the kernel's routing and length rules written from the clauses.
import fc from 'fast-check';
import type { Limits } from '../../src/spec/profile.ts';
import { rfc1071Checksum, u16At } from '../oracles.ts';
import { boundaryInt, FIELD_BITS, fieldRange } from '../arbitraries.ts';

export const ETH_HEADER = 14;
export const IPV4_HEADER = 20;
export const TCP_HEADER = 20;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
/** RFC 826 for Ethernet/IPv4: 8 fixed bytes + 2 x (6 + 4). */
export const ARP_BYTES = 28;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
/** The CRC-32 the NIC appends, which receive_frame hands back with each frame (nic.rx.deliver-includes-crc). */
export const CRC_BYTES = 4;

/** Addresses the properties use for frames arriving from the wire (their values do not matter to routing). */
export const PEER_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];
export const PEER_IP = [10, 0, 0, 2];
export const HOST_IP = [10, 0, 0, 1];
const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

/** Ports the generators prefer, so bindings and frames meet; the first one is what shrinking reaches. */
export const PORT_POOL = [80, 443, 22, 8080] as const;

/**
 * The ports routing binds and sends to, drawn from one small set so a bound port and a frame's
 * port coincide often: a low one, the 16-bit sign-bit edge (a port read as i16 is negative) and
 * the field's maximum. Port 0 is never bound (0x37 arg1 = 0 registers the driver) but a frame
 * may carry it, so frames also draw 0: it must reach the driver, never a free registry slot.
 */
export const bindPorts = (): number[] => [PORT_POOL[0], 2 ** (FIELD_BITS.port - 1), fieldRange('port').max];
export const framePorts = (): number[] => [...bindPorts(), fieldRange('port').min];

/** A frame offered on the wire. */
export type RxFrame =
  | { kind: 'tcp'; dstPort: number; ihl: number; payload: number }
  | { kind: 'tcp-cut'; dstPort: number; ihl: number; keep: number }
  /** An IPv4/TCP frame cut `short` bytes before the end of its 20-byte TCP header (the port stays whole). */
  | { kind: 'tcp-short-header'; dstPort: number; ihl: number; short: number }
  | { kind: 'tcp-bad-ihl'; dstPort: number; ihl: number }
  /** IPv4 (protocol TCP) with no TCP byte: received with its CRC, exactly 14 + IHL*4 + 4 bytes, so the "port" is CRC bytes 2..3. */
  | { kind: 'tcp-header-only'; ihl: number }
  | { kind: 'udp'; dstPort: number }
  | { kind: 'icmp'; payload: number }
  | { kind: 'arp' }
  | { kind: 'other'; etherType: number; payload: number; dstPort: number }
  | { kind: 'runt'; len: number }
  | { kind: 'oversize'; extra: number };

const fill = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (seed + 7 * i) & 0xff);
const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];

export function ethernet(dst: number[], src: number[], etherType: number, payload: number[]): Uint8Array {
  return Uint8Array.from([...dst, ...src, ...be16(etherType), ...payload]);
}

/** An IPv4 header of ihl*4 bytes (ihl >= 5: options are filled), header checksum filled. */
export function ipv4Header(o: { ihl?: number; totalLength: number; protocol: number; src: number[]; dst: number[] }): number[] {
  const ihl = o.ihl ?? 5;
  const h = new Array<number>(Math.max(IPV4_HEADER, ihl * 4)).fill(0);
  h[0] = 0x40 | (ihl & 0x0f);
  h.splice(2, 2, ...be16(o.totalLength));
  h[6] = 0x40;
  h[8] = 64;
  h[9] = o.protocol;
  h.splice(12, 4, ...o.src);
  h.splice(16, 4, ...o.dst);
  for (let i = IPV4_HEADER; i < h.length; i++) h[i] = 0x01; // NOP options (RFC 791)
  const c = rfc1071Checksum(Uint8Array.from(h.slice(0, Math.max(IPV4_HEADER, ihl * 4))));
  h.splice(10, 2, ...be16(c));
  return h;
}

export function tcpHeader(srcPort: number, dstPort: number): number[] {
  return [...be16(srcPort), ...be16(dstPort), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, ...be16(1024), 0, 0, 0, 0];
}

/** An Ethernet/IPv4/TCP frame to `dstPort` with the given IHL and payload bytes. */
export function tcpFrame(dstPort: number, o: { ihl?: number; payload?: number; src?: number[]; dst?: number[]; dstMac?: number[] } = {}): Uint8Array {
  const ihl = o.ihl ?? 5;
  const payload = fill(o.payload ?? 0, dstPort);
  const tcp = [...tcpHeader(40000, dstPort), ...payload];
  const ip = ipv4Header({ ihl, totalLength: ihl * 4 + tcp.length, protocol: PROTO_TCP, src: o.src ?? PEER_IP, dst: o.dst ?? HOST_IP });
  return ethernet(o.dstMac ?? BROADCAST, PEER_MAC, ETHERTYPE_IPV4, [...ip, ...tcp]);
}

export function buildRxFrame(f: RxFrame): Uint8Array {
  switch (f.kind) {
    case 'tcp':
      return tcpFrame(f.dstPort, { ihl: f.ihl, payload: f.payload });
    case 'tcp-cut':
      // IPv4/TCP with the given IHL, cut so the destination port is (at least partly) missing.
      return tcpFrame(f.dstPort, { ihl: f.ihl }).slice(0, Math.min(ETH_HEADER + f.ihl * 4 + 3, f.keep));
    case 'tcp-short-header':
      return tcpFrame(f.dstPort, { ihl: f.ihl }).slice(0, ETH_HEADER + f.ihl * 4 + TCP_HEADER - f.short);
    case 'tcp-header-only':
      return tcpFrame(0, { ihl: f.ihl }).slice(0, ETH_HEADER + f.ihl * 4);
    case 'tcp-bad-ihl': {
      // The port also sits where an IHL-blind read would look (14 + IHL*4 + 2, inside the IPv4
      // header): a kernel that forgets the IHL >= 5 rule then finds a bound port there.
      const frame = tcpFrame(f.dstPort);
      frame[ETH_HEADER] = 0x40 | (f.ihl & 0x0f);
      frame.set(be16(f.dstPort), ETH_HEADER + f.ihl * 4 + 2);
      return frame;
    }
    case 'udp': {
      const udp = [...be16(40000), ...be16(f.dstPort), 0, 8, 0, 0];
      return ethernet(BROADCAST, PEER_MAC, ETHERTYPE_IPV4, [...ipv4Header({ totalLength: 28, protocol: PROTO_UDP, src: PEER_IP, dst: HOST_IP }), ...udp]);
    }
    case 'icmp': {
      const icmp = [8, 0, 0, 0, 0, 1, 0, 1, ...fill(f.payload, 0x61)];
      const c = rfc1071Checksum(Uint8Array.from(icmp));
      icmp.splice(2, 2, ...be16(c));
      return ethernet(BROADCAST, PEER_MAC, ETHERTYPE_IPV4, [...ipv4Header({ totalLength: IPV4_HEADER + icmp.length, protocol: PROTO_ICMP, src: PEER_IP, dst: HOST_IP }), ...icmp]);
    }
    case 'arp':
      return ethernet(BROADCAST, PEER_MAC, ETHERTYPE_ARP, [0, 1, 8, 0, 6, 4, 0, 1, ...PEER_MAC, ...PEER_IP, 0, 0, 0, 0, 0, 0, ...HOST_IP]);
    case 'other': {
      // An IPv4/TCP datagram to a (bound) port under another EtherType: only the EtherType says
      // it has no TCP destination port.
      const frame = tcpFrame(f.dstPort, { payload: f.payload });
      frame.set(be16(f.etherType), 12);
      return frame;
    }
    case 'runt':
      return Uint8Array.from(fill(f.len, 0xa0));
    case 'oversize':
      return tcpFrame(PORT_POOL[0], { payload: f.extra });
  }
}

/** A short description for the `note` of an inject op. */
export function describeRx(f: RxFrame, len: number): string {
  switch (f.kind) {
    case 'tcp':
      return `${len}-byte IPv4/TCP frame to port ${f.dstPort}${f.ihl !== 5 ? `, IHL ${f.ihl}` : ''}`;
    case 'tcp-cut':
      return `IPv4/TCP frame (IHL ${f.ihl}) to port ${f.dstPort} cut to ${len} bytes`;
    case 'tcp-bad-ihl':
      return `${len}-byte IPv4/TCP frame to port ${f.dstPort} with IHL ${f.ihl}`;
    case 'tcp-short-header':
      return `IPv4/TCP frame (IHL ${f.ihl}) to port ${f.dstPort} cut to ${len} bytes, ${f.short} short of its TCP header`;
    case 'tcp-header-only':
      return `${len}-byte IPv4 header (IHL ${f.ihl}, protocol TCP) with no TCP byte: its 4 CRC bytes sit where the ports would`;
    case 'udp':
      return `${len}-byte IPv4/UDP frame to port ${f.dstPort}`;
    case 'icmp':
      return `${len}-byte ICMP echo request`;
    case 'arp':
      return `${len}-byte ARP request`;
    case 'other':
      return `${len}-byte frame with EtherType 0x${f.etherType.toString(16).padStart(4, '0')} carrying IPv4/TCP to port ${f.dstPort}`;
    case 'runt':
      return `${len}-byte runt`;
    case 'oversize':
      return `${len}-byte IPv4/TCP frame (${len + 4} bytes with its CRC, around the driver's buffer)`;
  }
}

export interface RxOptions {
  /** Include runts (< 14 bytes) and frames around the driver's buffer. */
  oddSizes?: boolean;
  /** Ports of TCP/UDP frames (default PORT_POOL or any). */
  ports?: fc.Arbitrary<number>;
  /** Only these kinds of frames. */
  kinds?: RxFrame['kind'][];
  /**
   * Weight of each kind of frame built to fool routing (IHL < 5, cut short, another EtherType,
   * UDP) against 6 for plain TCP (default 1): the routing property raises it so each of them
   * meets a bound port within default runs.
   */
  fooling?: number;
}

export const poolPort = (): fc.Arbitrary<number> => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PORT_POOL) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 0xffff }) });

export function rxFrame(limits: Limits, o: RxOptions = {}): fc.Arbitrary<RxFrame> {
  const port = o.ports ?? poolPort();
  const fool = o.fooling ?? 1;
  const arbs: fc.WeightedArbitrary<RxFrame>[] = [
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('tcp' as const), dstPort: port, ihl: fc.integer({ min: 5, max: 8 }), payload: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'arp' as const }) },
    { weight: fool, arbitrary: fc.record({ kind: fc.constant('udp' as const), dstPort: port }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('icmp' as const), payload: fc.integer({ min: 0, max: 24 }) }) },
    { weight: fool, arbitrary: fc.record({ kind: fc.constant('tcp-bad-ihl' as const), dstPort: port, ihl: fc.integer({ min: 0, max: 4 }) }) },
    { weight: fool, arbitrary: fc.record({ kind: fc.constant('tcp-cut' as const), dstPort: port, ihl: fc.integer({ min: 5, max: 8 }), keep: fc.integer({ min: limits.minRxFrame, max: ETH_HEADER + 8 * 4 + 3 }) }) },
    // The whole TCP header but for 1..16 bytes: the port is there, so it routes by it (short > 4:
    // still short of a whole header after receive_frame appends the 4 CRC bytes).
    { weight: fool, arbitrary: fc.record({ kind: fc.constant('tcp-short-header' as const), dstPort: port, ihl: fc.integer({ min: 5, max: 8 }), short: fc.oneof(fc.constantFrom(1, CRC_BYTES + 1), fc.integer({ min: 1, max: TCP_HEADER - 4 })) }) },
    {
      weight: fool,
      arbitrary: fc.record({
        kind: fc.constant('other' as const),
        // Boundary-first EtherTypes (0, 0xFFFF, 0x0800 ± 1, 0x0806 ± 1, sign bit...) but never IPv4 or ARP.
        etherType: boundaryInt(fieldRange('etherType'), [ETHERTYPE_IPV4, ETHERTYPE_ARP]).filter((t) => t !== ETHERTYPE_IPV4 && t !== ETHERTYPE_ARP),
        payload: fc.integer({ min: 0, max: 46 }),
        dstPort: port,
      }),
    },
  ];
  if (o.oddSizes) {
    // Runts of 10..13 bytes reach 14 with their CRC and are delivered; shorter ones are dropped.
    arbs.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant('runt' as const), len: fc.integer({ min: 1, max: limits.minRxFrame - 1 }) }) });
    // Around the driver's buffer (the caller's 2 KiB), still well inside what the NIC accepts: the
    // driver compares frame + 4 CRC bytes, so 2044 bytes is delivered (filling NET_FRAME_BUF) and
    // 2045..2048 are dropped like anything longer.
    const fits = limits.rxCallerBufferBytes - CRC_BYTES - tcpFrame(0).length;
    arbs.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant('oversize' as const), extra: fc.integer({ min: fits - 2, max: fits + 40 }) }) });
  }
  const kept = o.kinds ? arbs.filter((a) => o.kinds!.includes(kindOf(a))) : arbs;
  return fc.oneof(...kept);
}

const kindOf = (a: fc.WeightedArbitrary<RxFrame>): RxFrame['kind'] => fc.sample(a.arbitrary, { numRuns: 1, seed: 0 })[0]!.kind;

/**
 * tcp_dest_port as kernel.routing.tcp-dest-port states it: the big-endian u16 at 14 + IHL*4 + 2,
 * None (null) unless >= 14 bytes, EtherType 0x0800, >= 34 bytes, protocol 6, IHL >= 5
 * (kernel.routing.ihl-below-5) and >= 14 + IHL*4 + 4 bytes.
 */
export function tcpDestPortOracle(frame: Uint8Array): number | null {
  if (frame.length < ETH_HEADER || u16At(frame, 12) !== ETHERTYPE_IPV4) return null;
  if (frame.length < ETH_HEADER + IPV4_HEADER || frame[ETH_HEADER + 9] !== PROTO_TCP) return null;
  const ihl = frame[ETH_HEADER]! & 0x0f;
  if (ihl < 5) return null;
  const at = ETH_HEADER + ihl * 4;
  if (frame.length < at + 4) return null;
  return u16At(frame, at + 2);
}

/** Why a frame has no TCP destination port (for messages), or null when it has one. */
export function whyNoPort(frame: Uint8Array): string | null {
  if (frame.length < ETH_HEADER) return 'shorter than an Ethernet header';
  const et = u16At(frame, 12);
  if (et === ETHERTYPE_ARP) return 'ARP';
  if (et !== ETHERTYPE_IPV4) return `EtherType 0x${et.toString(16).padStart(4, '0')}`;
  if (frame.length < ETH_HEADER + IPV4_HEADER) return 'too short for an IPv4 header';
  const proto = frame[ETH_HEADER + 9]!;
  if (proto !== PROTO_TCP) return proto === PROTO_UDP ? 'UDP' : proto === PROTO_ICMP ? 'ICMP' : `IP protocol ${proto}`;
  const ihl = frame[ETH_HEADER]! & 0x0f;
  if (ihl < 5) return `IHL ${ihl} (below 5)`;
  if (frame.length < ETH_HEADER + ihl * 4 + 4) return 'too short to hold the TCP destination port';
  return null;
}

/** kernel.syscall.0x34.raw-length: the length 0x34/0x04 derives from a frame's headers. */
export function rawFrameLength(head: Uint8Array): number {
  const et = u16At(head, 12);
  if (et === ETHERTYPE_IPV4) return ETH_HEADER + u16At(head, 16);
  if (et === ETHERTYPE_ARP) return ETH_HEADER + ARP_BYTES;
  return 0;
}

// --- what processes transmit -----------------------------------------------------------------

/**
 * The source and destination IPv4 addresses of a datagram a process sends. Loopback is
 * src_ip == dst_ip (kernel.decision.loopback-both-paths), not "dst_ip is this host": so besides
 * looped-to-self and outbound, equal addresses that are not the host's own ('loop-peer') and a
 * destination that is the host's own IP from another source ('to-host', NOT looped) are drawn.
 */
export type TxAddrs = 'loop' | 'loop-peer' | 'to-host' | 'out';
const TX_ADDRS: Record<TxAddrs, { src: number[]; dst: number[] }> = {
  loop: { src: HOST_IP, dst: HOST_IP },
  'loop-peer': { src: PEER_IP, dst: PEER_IP },
  'to-host': { src: PEER_IP, dst: HOST_IP },
  out: { src: HOST_IP, dst: PEER_IP },
};
const txAddrs = (): fc.Arbitrary<TxAddrs> => fc.oneof({ weight: 3, arbitrary: fc.constantFrom<TxAddrs>('loop', 'out') }, { weight: 2, arbitrary: fc.constantFrom<TxAddrs>('loop-peer', 'to-host') });
export const describeAddrs = (a: TxAddrs): string =>
  a === 'loop' ? ', src_ip == dst_ip (this host)' : a === 'loop-peer' ? ', src_ip == dst_ip (not this host)' : a === 'to-host' ? ', dst_ip is this host but src_ip is not' : '';

/** A raw Ethernet frame a process writes to its buffer for 0x34/0x04. */
export type TxFrame =
  | { kind: 'ipv4'; totalLength: number; addrs: TxAddrs; dstPort: number; body: number }
  | { kind: 'arp'; junk: number }
  | { kind: 'other'; etherType: number; junk: number };

/** An IPv4 datagram a process writes for 0x34/0x01 (bytes past `body` are whatever memory holds). */
export interface TxDatagram {
  totalLength: number;
  addrs: TxAddrs;
  dstPort: number;
  /** Payload bytes written after the 20-byte header (biased towards SLIP's END and ESC). */
  body: number[];
}

export function buildTxFrame(f: TxFrame, mac: number[]): Uint8Array {
  switch (f.kind) {
    case 'ipv4': {
      const tcp = [...tcpHeader(40000, f.dstPort), ...fill(f.body, 0x41)];
      return ethernet(mac, PEER_MAC, ETHERTYPE_IPV4, [...ipv4Header({ totalLength: f.totalLength, protocol: PROTO_TCP, ...TX_ADDRS[f.addrs] }), ...tcp]);
    }
    case 'arp':
      return Uint8Array.from([...ethernet(BROADCAST, mac, ETHERTYPE_ARP, [0, 1, 8, 0, 6, 4, 0, 2, ...mac, ...HOST_IP, ...PEER_MAC, ...PEER_IP]), ...fill(f.junk, 0xe0)]);
    case 'other':
      return ethernet(BROADCAST, mac, f.etherType, fill(f.junk, 0x90));
  }
}

export function buildTxDatagram(d: TxDatagram): Uint8Array {
  return Uint8Array.from([...ipv4Header({ totalLength: d.totalLength, protocol: PROTO_TCP, ...TX_ADDRS[d.addrs] }), ...tcpHeader(40000, d.dstPort).slice(0, Math.min(20, d.body.length)), ...d.body.slice(20)]);
}

export function txFrame(limits: Limits): fc.Arbitrary<TxFrame> {
  const maxIp = limits.maxEthernetFrame - ETH_HEADER;
  const total = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: IPV4_HEADER + 20, max: IPV4_HEADER + 20 + 60 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: IPV4_HEADER + 20 }) },
    { weight: 1, arbitrary: fc.integer({ min: maxIp - 2, max: maxIp + 2 }) },
  );
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('ipv4' as const), totalLength: total, addrs: txAddrs(), dstPort: poolPort(), body: fc.integer({ min: 0, max: 40 }) }) },
    // ARP frames carry junk after their 42 bytes: only 42 of them may leave.
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('arp' as const), junk: fc.integer({ min: 20, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('other' as const), etherType: fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== ETHERTYPE_IPV4 && t !== ETHERTYPE_ARP), junk: fc.integer({ min: 0, max: 50 }) }) },
  );
}

export function txDatagram(limits: Limits): fc.Arbitrary<TxDatagram> {
  const wrapMax = limits.netFrameBufBytes - ETH_HEADER;
  // Sizes around the SLIP buffer: the header, 20 bytes of TCP header and up to 40 body bytes
  // are written, the rest of total_length is zeros from memory (SLIP adds 2 bytes of framing).
  const total = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: IPV4_HEADER, max: 120 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: IPV4_HEADER - 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: limits.slipBufferBytes - 60, max: limits.slipBufferBytes }) },
    { weight: 1, arbitrary: fc.integer({ min: wrapMax - 2, max: wrapMax + 2 }) },
  );
  const special = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 0xff }) }, { weight: 1, arbitrary: fc.constantFrom(0xc0, 0xdb) });
  return fc.record({ totalLength: total, addrs: txAddrs(), dstPort: poolPort(), body: fc.array(special, { minLength: 20, maxLength: 60 }) });
}

export function describeTx(f: TxFrame): string {
  switch (f.kind) {
    case 'ipv4':
      return `IPv4/TCP frame to port ${f.dstPort}, total_length ${f.totalLength}${describeAddrs(f.addrs)}`;
    case 'arp':
      return `ARP reply followed by ${f.junk} unrelated bytes`;
    case 'other':
      return `frame with EtherType 0x${f.etherType.toString(16).padStart(4, '0')}`;
  }
}
