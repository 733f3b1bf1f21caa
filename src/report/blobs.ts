// Finds the bytes in a counterexample: every hex string in the scenario's ops, in the trace's
// results and in its observations, with where it was found, what protocol the op or field
// says it is, and whether it is an Ethernet frame (what goes into the pcap files).
import type { Json, Layer, Scenario, Trace } from '../iut/contract.ts';
import { fromHex } from '../util/bytes.ts';
import { looksLikeEthernet, type Protocol } from './decode.ts';

export interface ByteBlob {
  /** Where in the counterexample: `ops[0].bytes`, `results[2].value.payload`, `observations.wire[1].frame`. */
  path: string;
  source: 'scenario' | 'trace';
  /** The op the field belongs to (for a result: the op it answers). */
  op?: string;
  /** The field's name (for an array element: the array's name). */
  key: string;
  bytes: Uint8Array;
  /** What the op or field says these bytes are. */
  hint?: Protocol;
  /** An Ethernet frame: pcap material. */
  ethernet: boolean;
}

const MAX_DEPTH = 12;
const MAX_BLOBS = 500;
const HEX = /^[0-9a-fA-F]+$/;
/** Layers whose `frame` fields carry Ethernet frames (SLIP frames are IP datagrams). */
const FRAME_LAYERS: readonly Layer[] = ['nic', 'kernel'];

const isHexBytes = (v: unknown): v is string => typeof v === 'string' && v.length >= 2 && v.length % 2 === 0 && HEX.test(v);

/** What the op and the field name say the bytes are. */
export function hintFor(layer: Layer, op: string | undefined, key: string, path: string): Protocol | undefined {
  const k = key.toLowerCase();
  if (op) {
    const family = op.split('.')[0];
    const packetKey = k === 'bytes' || k === 'request';
    if (packetKey && (family === 'ethernet' || family === 'arp' || family === 'ipv4' || family === 'icmp' || family === 'tcp' || family === 'udp')) return family;
  }
  if (FRAME_LAYERS.includes(layer)) {
    if (k === 'frame' || k === 'frames' || /(^|\.)wire\b/.test(path)) return 'ethernet';
    if (k === 'bytes' && op && /frame|inject|rx|tx|wire/i.test(op)) return 'ethernet';
  }
  return undefined;
}

export function collectBlobs(scenario: Scenario | undefined, trace?: Trace): ByteBlob[] {
  const out: ByteBlob[] = [];
  // Reports are read from files: tolerate a counterexample without a scenario or with odd shapes.
  const layer = scenario?.layer ?? 'codec';
  const visit = (v: Json | undefined, path: string, key: string, source: ByteBlob['source'], op: string | undefined, depth: number): void => {
    if (out.length >= MAX_BLOBS || depth > MAX_DEPTH || v === undefined || v === null) return;
    if (isHexBytes(v)) {
      const bytes = fromHex(v);
      if (!bytes) return;
      const hint = hintFor(layer, op, key, path);
      const ethernet = hint === 'ethernet' ? bytes.length >= 14 : hint === undefined && looksLikeEthernet(bytes);
      out.push({ path, source, ...(op ? { op } : {}), key, bytes, ...(hint ? { hint } : {}), ethernet });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${path}[${i}]`, key, source, op, depth + 1));
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, `${path}.${k}`, k, source, op, depth + 1);
    }
  };
  const ops = Array.isArray(scenario?.ops) ? scenario.ops : [];
  ops.forEach((o, i) => {
    if (o && typeof o === 'object') for (const [k, x] of Object.entries(o)) if (k !== 'op') visit(x, `ops[${i}].${k}`, k, 'scenario', typeof o.op === 'string' ? o.op : undefined, 1);
  });
  const results = Array.isArray(trace?.results) ? trace.results : [];
  results.forEach((r, i) => {
    if (r && r.ok) visit(r.value, `results[${i}].value`, 'value', 'trace', typeof ops[i]?.op === 'string' ? ops[i]!.op : undefined, 1);
  });
  if (trace?.observations && typeof trace.observations === 'object') {
    for (const [k, x] of Object.entries(trace.observations)) visit(x, `observations.${k}`, k, 'trace', undefined, 1);
  }
  return out;
}

/** The Ethernet frames of a counterexample, in order: the scenario's, then the trace's. */
export function ethernetFrames(scenario: Scenario | undefined, trace?: Trace): ByteBlob[] {
  return collectBlobs(scenario, trace).filter((b) => b.ethernet);
}
