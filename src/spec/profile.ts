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
  /** [hw] The 16550's transmit and receive FIFOs hold this many bytes (without FIFOs: one). */
  uartFifoBytes: number;
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
  /** Processes that can exist at once (r2's MAX_PROCESSES), the kernel's own included. */
  maxProcesses: number;
  /** Of those, the kernel's own (idle kmain, init_rc, clock, shell): spawned ones are the rest. */
  kernelProcesses: number;
  /** Largest total_length 0x33/1 accepts (r2 refuses total_len >= 1500). */
  build0x33MaxTotalLength: number;
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
  /** Where the kernel keeps NET_FRAME_BUF: the buf_addr every network Message carries (a kernel static). */
  netFrameBufAddr: number;
}

/** Syscall numbers as spec data: which ones rou2exOS defines beyond the modelled network ABI. */
export interface SyscallNumbers {
  /** Defined by rou2exOS, outside this model's scope: answered out of scope, never InvalidSyscall. */
  definedNotModelled: number[];
}

export interface Profile {
  id: string;
  title: string;
  source: string;
  limits: Limits;
  defaults: Defaults;
  syscalls: SyscallNumbers;
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
  const defined = p.syscalls?.definedNotModelled;
  if (!Array.isArray(defined) || !defined.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`profile '${id}': syscalls.definedNotModelled must be a list of syscall numbers`);
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
