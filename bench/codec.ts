// Codec throughput against anchors measured in the same run: Scapy building and parsing the
// same frames, npm `pcap`'s decoders parsing them, Buffer.copy over the same buffers.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { emitEthernet, parseEthernet, ETHERTYPE_IPV4 } from '../src/codec/ethernet.ts';
import { createIpv4Packet, parseIpv4, IPPROTO_TCP } from '../src/codec/ipv4.ts';
import { createTcpSegment, parseTcp, verifyTcpChecksum } from '../src/codec/tcp.ts';
import { TCP_FRAME_HEADERS_LEN, createTcpFrame, parseTcpFrame } from '../src/codec/tcp-frame.ts';
import { internetChecksum } from '../src/codec/checksum.ts';
import { slipEncode, SlipDecoder } from '../src/codec/slip.ts';
import { seedProfile } from '../src/spec/profile.ts';
import { rootDir } from '../src/spec/paths.ts';
import { anchored, filler, informative, measureTogether, pythonWith, rateRow, skippedAnchor, type BenchRow, type MeasureOptions, type Rate } from './harness.ts';

const MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
const SRC = Uint8Array.of(10, 0, 2, 15);
const DST = Uint8Array.of(10, 0, 2, 2);

function buildFrame(payload: Uint8Array): Uint8Array {
  const seg = createTcpSegment({ srcIp: SRC, dstIp: DST, srcPort: 1234, dstPort: 80, seq: 1, ack: 0, flags: 0x18, payload });
  if (!seg.ok) throw new Error(seg.error.message);
  const ip = createIpv4Packet({ src: SRC, dst: DST, protocol: IPPROTO_TCP, payload: seg.value });
  if (!ip.ok) throw new Error(ip.error.message);
  const f = emitEthernet({ dst: MAC, src: MAC, etherType: ETHERTYPE_IPV4, payload: ip.value });
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
}

/**
 * Parse every layer and verify both checksums: what a receiver has to do with a frame. With
 * `view` the parsers return views instead of copies (`{ view: true }`), as pcap's decoders do.
 */
function parseFrame(b: Uint8Array, view = false): Uint8Array {
  const opts = { view };
  const e = parseEthernet(b, opts);
  if (!e.ok) throw new Error(e.error.message);
  const ip = parseIpv4(e.value.payload, opts);
  if (!ip.ok || !ip.value.checksumOk) throw new Error('bench: IPv4 parse failed');
  const { src, dst } = ip.value.header;
  if (!verifyTcpChecksum(src, dst, ip.value.payload)) throw new Error('bench: TCP checksum');
  const t = parseTcp(ip.value.payload, opts);
  if (!t.ok) throw new Error(t.error.message);
  return t.value.payload;
}

/** The same frame in one call (createTcpFrame): what Scapy's Ether()/IP()/TCP() stack builds. */
function buildFrameAtOnce(payload: Uint8Array): Uint8Array {
  const f = createTcpFrame({ dstMac: MAC, srcMac: MAC, srcIp: SRC, dstIp: DST, srcPort: 1234, dstPort: 80, seq: 1, ack: 0, flags: 0x18, payload });
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
}

/** parseFrame in one call (parseTcpFrame): every layer, both checksums verified. */
function parseFrameAtOnce(b: Uint8Array, view = false): Uint8Array {
  const p = parseTcpFrame(b, { view });
  if (!p.ok) throw new Error(p.error.message);
  if (!p.value.ipv4.checksumOk || !p.value.tcp.checksumOk) throw new Error('bench: checksum');
  return p.value.payload;
}

interface PcapDecoder {
  decode(raw: Buffer, offset: number): { payload: { payload: { data?: Buffer } } };
}

/** npm `pcap`'s pure-JS decoders (its native capture part is never loaded), or why not. */
function pcapEthernet(): (new () => PcapDecoder) | string {
  try {
    return createRequire(import.meta.url)('pcap/decode/ethernet_packet') as new () => PcapDecoder;
  } catch (e) {
    return `npm pcap not installed (${(e as Error).message.split('\n')[0]})`;
  }
}

interface ScapyRates {
  version: string;
  rates: Rate[];
}

/** Runs bench/scapy_codec.py on the same frames, when some python3 can import scapy. */
function scapyRates(frames: Uint8Array[], o: MeasureOptions): ScapyRates | string {
  const py = pythonWith('scapy');
  if (!py) return 'skipped: no python3 that can `import scapy` (Debian: apt-get install python3-scapy)';
  const input = JSON.stringify({ frames: frames.map((f) => Buffer.from(f).toString('hex')), samples: o.samples, sample_ms: o.sampleMs });
  const r = spawnSync(py, [join(rootDir, 'bench/scapy_codec.py')], { input, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `skipped: scapy bench failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-1)[0]}`;
  const out = JSON.parse(r.stdout) as { scapy: string; rates: Array<{ cpu: number[]; wall: number[] }> };
  const st = (xs: number[]): Rate['cpu'] => {
    const s = [...xs].sort((a, b) => a - b);
    const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    return { median, best: s[s.length - 1]!, spread: (s[s.length - 1]! - s[0]!) / median };
  };
  return { version: out.scapy, rates: out.rates.map((x) => ({ cpu: st(x.cpu), wall: st(x.wall), samples: x.cpu.length })) };
}

export async function codecBench(o: MeasureOptions): Promise<BenchRow[]> {
  const limits = seedProfile().limits;
  const rows: BenchRow[] = [];
  const sizes = [limits.minEthernetFrame, limits.maxEthernetFrame];
  const payloads = sizes.map((n) => filler(n - TCP_FRAME_HEADERS_LEN, n));
  const frames = payloads.map(buildFrame);
  for (const [i, f] of frames.entries()) if (f.length !== sizes[i]) throw new Error(`bench frame is ${f.length} bytes, wanted ${sizes[i]}`);

  // Build + parse in one call each way (createTcpFrame, parseTcpFrame copying: its default),
  // as Scapy builds a stack and dissects a frame, against Scapy doing it with the same frames;
  // beside it the layered helpers (one call and one payload copy per layer), copying and viewing.
  for (const [i, f] of frames.entries()) if (Buffer.compare(buildFrameAtOnce(payloads[i]!), f) !== 0) throw new Error('bench: createTcpFrame built another frame');
  const scapy = scapyRates(frames, o);
  for (const [i, size] of sizes.entries()) {
    const payload = payloads[i]!;
    // Scapy ran in its own process, so nothing here needs sampling in turn with the goal row: it
    // is measured alone, and no other subject's garbage (the layered ones make six arrays a
    // frame) is swept on its time.
    const [atOnce] = await measureTogether([{ fn: () => parseFrameAtOnce(buildFrameAtOnce(payload)) }], o);
    const [copying, viewing] = await measureTogether([{ fn: () => parseFrame(buildFrame(payload)) }, { fn: () => parseFrame(buildFrame(payload), true) }], o);
    const row = rateRow('codec', `Ethernet+IPv4+TCP build+parse (createTcpFrame, parseTcpFrame), ${size} B`, 'frames/s', atOnce!);
    const layered = [
      rateRow('codec', `Ethernet+IPv4+TCP build+parse (layered helpers, parse copying), ${size} B`, 'frames/s', copying!),
      rateRow('codec', `Ethernet+IPv4+TCP build+parse (layered helpers, parse { view: true }), ${size} B`, 'frames/s', viewing!),
    ];
    if (typeof scapy === 'string') rows.push(skippedAnchor(row, 'Scapy', scapy, 500), ...layered);
    else {
      const anchor = { name: `Scapy ${scapy.version} (same frames, build + parse)`, value: scapy.rates[i]!.cpu.median, basis: 'cpu' as const };
      rows.push(anchored(row, anchor, 500), ...layered.map((r) => informative(r, anchor)));
    }
  }

  // Parse only, every layer, both checksums verified, returning views: against npm pcap's
  // decoders on the same frames (one call that copies nothing either, and verifies nothing).
  const Pcap = pcapEthernet();
  for (const [i, size] of sizes.entries()) {
    const frame = frames[i]!;
    const buf = Buffer.from(frame);
    const ours = [
      { name: `Ethernet+IPv4+TCP parse (parseTcpFrame, views) + verify checksums, ${size} B`, fn: () => parseFrameAtOnce(frame, true) },
      { name: `Ethernet+IPv4+TCP parse (parseTcpFrame, one copy) + verify checksums, ${size} B`, fn: () => parseFrameAtOnce(frame) },
      { name: `Ethernet+IPv4+TCP parse (layered helpers, views) + verify checksums, ${size} B`, fn: () => parseFrame(frame, true) },
      { name: `Ethernet+IPv4+TCP parse (layered helpers, copies) + verify checksums, ${size} B`, fn: () => parseFrame(frame) },
    ];
    if (typeof Pcap === 'string') {
      const rates = await measureTogether(ours.map(({ fn }) => ({ fn })), o);
      const [first, ...rest] = ours.map((x, k) => rateRow('codec', x.name, 'frames/s', rates[k]!));
      rows.push(skippedAnchor(first!, 'npm pcap decoders', Pcap, 1), ...rest);
      continue;
    }
    const check = new Pcap().decode(buf, 0).payload.payload.data;
    if (!check || check.length !== size - TCP_FRAME_HEADERS_LEN) throw new Error('bench: pcap decoded a different TCP payload');
    // The goal row in turn with pcap alone, then the others in turn with pcap again: each ratio
    // against the pcap samples taken beside it, and no informative subject's garbage on the goal row's time.
    const pcapName = 'npm pcap 3.1 decoders (same frames; no copy, no verification)';
    const decode = { fn: () => new Pcap().decode(buf, 0) };
    const [goal, goalPcap] = await measureTogether([{ fn: ours[0]!.fn }, decode], o);
    rows.push(anchored(rateRow('codec', ours[0]!.name, 'frames/s', goal!), { name: pcapName, value: goalPcap!.cpu.median, basis: 'cpu' }, 1));
    const others = ours.slice(1);
    const rates = await measureTogether([...others.map(({ fn }) => ({ fn })), decode], o);
    const anchor = { name: pcapName, value: rates[others.length]!.cpu.median, basis: 'cpu' as const };
    rows.push(...others.map((x, k) => informative(rateRow('codec', x.name, 'frames/s', rates[k]!), anchor)));
  }

  // Checksum over many distinct 1514-byte buffers (1.5 MiB: beyond L2), against Buffer.copy of them.
  const count = 1024;
  const bufs = Array.from({ length: count }, (_, k) => Buffer.from(filler(limits.maxEthernetFrame, k + 1)));
  const dest = Buffer.alloc(limits.maxEthernetFrame);
  let at = 0;
  const sum = (): number => internetChecksum(bufs[at++ & (count - 1)]!);
  const copy = (): number => bufs[at++ & (count - 1)]!.copy(dest);
  const [c, cp] = await measureTogether([{ fn: sum }, { fn: copy }], o);
  const bytesPerOp = limits.maxEthernetFrame / 1e6;
  const copyRow = rateRow('codec', `Buffer.copy, ${count} distinct ${limits.maxEthernetFrame} B buffers`, 'MB/s', cp!, bytesPerOp);
  rows.push(anchored(rateRow('codec', `RFC 1071 checksum, ${count} distinct ${limits.maxEthernetFrame} B buffers`, 'MB/s', c!, bytesPerOp), { name: 'Buffer.copy of the same buffers', value: copyRow.value, basis: 'cpu' }, 0.1));
  rows.push(copyRow);

  // SLIP over 1500-byte datagrams (~1.2% END/ESC bytes, like random data), against copying them.
  const datagram = filler(1500, 3);
  const enc = slipEncode(datagram, limits.slipBufferBytes);
  if (!enc.ok) throw new Error(enc.error.message);
  const decoder = new SlipDecoder(limits.slipBufferBytes);
  const src = Buffer.from(datagram);
  const into = Buffer.alloc(datagram.length);
  const [e, d, k] = await measureTogether(
    [{ fn: () => slipEncode(datagram, limits.slipBufferBytes) }, { fn: () => decoder.push(enc.value) }, { fn: () => src.copy(into) }],
    o,
  );
  const slipCopy = rateRow('codec', 'Buffer.copy, 1500 B', 'MB/s', k!, datagram.length / 1e6);
  const anchor = { name: 'Buffer.copy of the datagram', value: slipCopy.value, basis: 'cpu' as const };
  rows.push(anchored(rateRow('codec', 'SLIP encode, 1500 B datagrams', 'MB/s', e!, datagram.length / 1e6), anchor, 0.05));
  rows.push(anchored(rateRow('codec', 'SLIP decode, 1500 B datagrams', 'MB/s', d!, datagram.length / 1e6), anchor, 0.05));
  rows.push(slipCopy);
  return rows;
}
