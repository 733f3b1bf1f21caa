// Classic libpcap capture files (the format tcpdump and Wireshark read): a 24-byte global
// header, then one 16-byte record header per packet followed by its bytes. Written in
// little-endian with magic 0xa1b2c3d4 (microsecond timestamps), version 2.4, snaplen 65535,
// link type 1 (Ethernet). Timestamps are deterministic: packet i is at i seconds after the epoch,
// so the same counterexample always gives the same file.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from './model.ts';
import type { PropertyResult } from '../runner/run.ts';
import { ethernetFrames } from './blobs.ts';

export const PCAP_MAGIC = 0xa1b2c3d4;
export const PCAP_VERSION = { major: 2, minor: 4 } as const;
export const PCAP_SNAPLEN = 65535;
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;

export interface PcapPacket {
  tsSec: number;
  tsUsec: number;
  /** Bytes captured (at most snaplen). */
  data: Uint8Array;
  /** Length of the packet on the wire. */
  origLen: number;
}

export interface PcapFile {
  littleEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
  packets: PcapPacket[];
}

export function encodePcap(frames: Uint8Array[], linkType = LINKTYPE_ETHERNET): Uint8Array {
  const captured = frames.map((f) => f.subarray(0, PCAP_SNAPLEN));
  const size = GLOBAL_HEADER_LEN + captured.reduce((n, f) => n + RECORD_HEADER_LEN + f.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, PCAP_MAGIC, true);
  dv.setUint16(4, PCAP_VERSION.major, true);
  dv.setUint16(6, PCAP_VERSION.minor, true);
  dv.setInt32(8, 0, true); // thiszone: UTC
  dv.setUint32(12, 0, true); // sigfigs
  dv.setUint32(16, PCAP_SNAPLEN, true);
  dv.setUint32(20, linkType, true);
  let at = GLOBAL_HEADER_LEN;
  captured.forEach((f, i) => {
    dv.setUint32(at, i, true); // ts_sec: one second apart
    dv.setUint32(at + 4, 0, true); // ts_usec
    dv.setUint32(at + 8, f.length, true); // incl_len
    dv.setUint32(at + 12, frames[i]!.length, true); // orig_len
    out.set(f, at + RECORD_HEADER_LEN);
    at += RECORD_HEADER_LEN + f.length;
  });
  return out;
}

/** Reads a classic pcap file (either byte order). Throws on a malformed file. */
export function parsePcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < GLOBAL_HEADER_LEN) throw new Error(`pcap: ${bytes.length} bytes is shorter than the 24-byte global header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getUint32(0, true) === PCAP_MAGIC;
  if (!le && dv.getUint32(0, false) !== PCAP_MAGIC) throw new Error(`pcap: bad magic 0x${dv.getUint32(0, false).toString(16)}`);
  const file: PcapFile = {
    littleEndian: le,
    versionMajor: dv.getUint16(4, le),
    versionMinor: dv.getUint16(6, le),
    snaplen: dv.getUint32(16, le),
    linkType: dv.getUint32(20, le),
    packets: [],
  };
  let at = GLOBAL_HEADER_LEN;
  while (at < bytes.length) {
    if (at + RECORD_HEADER_LEN > bytes.length) throw new Error(`pcap: truncated record header at offset ${at}`);
    const incl = dv.getUint32(at + 8, le);
    const end = at + RECORD_HEADER_LEN + incl;
    if (incl > file.snaplen || end > bytes.length) throw new Error(`pcap: record at offset ${at} claims ${incl} bytes`);
    file.packets.push({ tsSec: dv.getUint32(at, le), tsUsec: dv.getUint32(at + 4, le), data: new Uint8Array(bytes.subarray(at + RECORD_HEADER_LEN, end)), origLen: dv.getUint32(at + 12, le) });
    at = end;
  }
  return file;
}

/** A file name for a property id: ids are `[a-z0-9._-]`, anything else becomes '_'. */
export const pcapFileName = (propertyId: string): string => `${propertyId.replace(/[^A-Za-z0-9._-]/g, '_')}.pcap`;

/** The Ethernet frames of a failing or erroring property's counterexample (empty otherwise). */
export function propertyFrames(p: PropertyResult): Uint8Array[] {
  if ((p.status !== 'fail' && p.status !== 'error') || !p.counterexample) return [];
  return ethernetFrames(p.counterexample.scenario, p.counterexample.trace).map((b) => b.bytes);
}

/**
 * Writes `<dir>/<property-id>.pcap` for every failing or erroring property whose counterexample
 * carries Ethernet frames (hazards are failing properties of hazard clauses, so they are
 * included). Stale .pcap files from an earlier run in `dir` are removed first. Returns the paths.
 */
export function writePcaps(report: Pick<ConformanceReport, 'properties'>, dir: string): string[] {
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.pcap')) rmSync(join(dir, f));
  const written: string[] = [];
  for (const p of report.properties) {
    const frames = propertyFrames(p);
    if (!frames.length) continue;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, pcapFileName(p.id));
    writeFileSync(path, encodePcap(frames));
    written.push(path);
  }
  return written;
}
