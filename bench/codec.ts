// Codec throughput: Ethernet+IPv4+TCP frames built and parsed, checksum and SLIP bandwidth.
import { emitEthernet, parseEthernet, ETHERTYPE_IPV4 } from '../src/codec/ethernet.ts';
import { createIpv4Packet, parseIpv4, IPPROTO_TCP } from '../src/codec/ipv4.ts';
import { createTcpSegment, parseTcp } from '../src/codec/tcp.ts';
import { internetChecksum } from '../src/codec/checksum.ts';
import { slipEncode, SlipDecoder } from '../src/codec/slip.ts';
import { seedProfile } from '../src/spec/profile.ts';
import { filler, measure, type BenchRow } from './harness.ts';

const HEADERS = 14 + 20 + 20; // Ethernet + IPv4 + TCP without options

export function codecBench(): BenchRow[] {
  const limits = seedProfile().limits;
  const rows: BenchRow[] = [];
  const mac = filler(6, 7);
  const src = Uint8Array.from([10, 0, 2, 15]);
  const dst = Uint8Array.from([10, 0, 2, 2]);
  for (const frameLen of [limits.minEthernetFrame, limits.maxEthernetFrame]) {
    const payload = filler(frameLen - HEADERS);
    const build = (): Uint8Array => {
      const seg = createTcpSegment({ srcIp: src, dstIp: dst, srcPort: 1234, dstPort: 80, seq: 1, ack: 0, flags: 0x18, payload });
      if (!seg.ok) throw new Error(seg.error.message);
      const ip = createIpv4Packet({ src, dst, protocol: IPPROTO_TCP, payload: seg.value });
      if (!ip.ok) throw new Error(ip.error.message);
      const f = emitEthernet({ dst: mac, src: mac, etherType: ETHERTYPE_IPV4, payload: ip.value });
      if (!f.ok) throw new Error(f.error.message);
      return f.value;
    };
    const frame = build();
    if (frame.length !== frameLen) throw new Error(`bench frame is ${frame.length} bytes, wanted ${frameLen}`);
    const parse = (b: Uint8Array): void => {
      const e = parseEthernet(b);
      if (!e.ok) throw new Error(e.error.message);
      const ip = parseIpv4(e.value.payload);
      if (!ip.ok) throw new Error(ip.error.message);
      const t = parseTcp(ip.value.payload);
      if (!t.ok) throw new Error(t.error.message);
    };
    const m = measure(() => parse(build()));
    rows.push({ group: 'codec', name: `Ethernet+IPv4+TCP build+parse, ${frameLen} B`, value: m.opsPerSec, unit: 'frames/s', spread: m.spread });
  }
  const block = filler(64 * 1024);
  const c = measure(() => void internetChecksum(block), { minMs: 300 });
  rows.push({ group: 'codec', name: 'internet checksum (64 KiB buffers)', value: (c.opsPerSec * block.length) / 1e6, unit: 'MB/s', spread: c.spread });
  const datagram = filler(1500, 3); // ~1.2% END/ESC bytes, like random data
  const enc = slipEncode(datagram, limits.slipBufferBytes);
  if (!enc.ok) throw new Error(enc.error.message);
  const e = measure(() => void slipEncode(datagram, limits.slipBufferBytes));
  rows.push({ group: 'codec', name: 'SLIP encode (1500 B datagrams)', value: (e.opsPerSec * datagram.length) / 1e6, unit: 'MB/s', spread: e.spread });
  const decoder = new SlipDecoder(limits.slipBufferBytes);
  const d = measure(() => void decoder.push(enc.value));
  rows.push({ group: 'codec', name: 'SLIP decode (1500 B datagrams)', value: (d.opsPerSec * datagram.length) / 1e6, unit: 'MB/s', spread: d.spread });
  return rows;
}
