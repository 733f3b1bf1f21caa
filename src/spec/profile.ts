// Typed access to spec/profiles/*.json. Components and properties read limits from a Profile,
// never from literals, so a second profile (e.g. rou2exOS v0.11) needs only a new JSON file.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { specDir } from './paths.ts';

export interface Limits {
  /** PIT frequency; one poll_and_deliver per tick. */
  pitHz: number;
  framesPerTick: number;
  /** RX ring proper; the device wraps its write offset modulo this. */
  rxRingBytes: number;
  /** Extra bytes after the ring (the "+16" of the ring allocation). */
  rxRingSlack: number;
  /** Overrun guard after the ring, written into when WRAP is set. */
  rxOverrunGuardBytes: number;
  txDescriptors: number;
  txBufferBytes: number;
  netFrameBufBytes: number;
  portBindings: number;
  slipBufferBytes: number;
  serialBaud: number;
  serialDivisor: number;
  uartClockHz: number;
  serialBitsPerByte: number;
  minEthernetFrame: number;
  maxEthernetFrame: number;
  minRxFrame: number;
  rxCallerBufferBytes: number;
  messageQueueDepth: number;
  ipcMessageBytes: number;
  /** Inclusive bounds of the userland pointer window. */
  userWindowStart: number;
  userWindowEnd: number;
  netStatusBytes: number;
  noPid: number;
  /**
   * Hardware requests a served implementation may make during one op (protocol 2): the
   * largest documented op, init with a full PCI scan (256 x 32 x 8 configuration reads of two
   * accesses) and a reset poll of 100 000 reads, fits; a driver spinning forever does not.
   */
  servedRequestsPerOp: number;
}

export interface Defaults {
  ipv4VersionIhl: number;
  ipv4Identification: number;
  ipv4FlagsFragment: number;
  ipv4Ttl: number;
  tcpWindow: number;
  comBase: number;
  nicIoFallback: number;
  pciVendor: number;
  pciDevice: number;
}

export interface Profile {
  id: string;
  title: string;
  source: string;
  limits: Limits;
  defaults: Defaults;
}

const cache = new Map<string, Profile>();

export function loadProfile(id = 'seed'): Profile {
  const hit = cache.get(id);
  if (hit) return hit;
  const path = join(specDir, 'profiles', `${id}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`profile '${id}': cannot read ${path}: ${(e as Error).message}. Known: ${listProfiles().join(', ')}`);
  }
  const p = raw as Profile;
  for (const section of ['limits', 'defaults'] as const) {
    for (const [k, v] of Object.entries(p[section] ?? {})) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`profile '${id}': ${section}.${k} is not a number`);
    }
  }
  cache.set(id, p);
  return p;
}

export function listProfiles(): string[] {
  return readdirSync(join(specDir, 'profiles'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
}

/** The seed profile: the default everywhere. */
export const seedProfile = (): Profile => loadProfile('seed');
