// Shared pieces of the nic properties: typed readers for the layer's observations, cheap
// shrinkable frame generators, the ring-filling helper and a small model of the RX ring written
// from the clauses (spec/clauses/nic.json), never from src/hw.
import fc from 'fast-check';
import type { Json, Op, Trace } from '../../src/iut/contract.ts';
import type { PropertyContext } from '../../src/runner/property.ts';
import { ContractViolation } from '../../src/runner/property.ts';
import { field, mustEqual, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { align4, withFcs } from '../oracles.ts';
import { boundaryInt } from '../arbitraries.ts';

// ------------------------------------------------------------------ spec facts (nic.json)

/** Register offsets and bits named by the clauses (spec-notes §6). */
export const NIC = {
  IDR0: 0x00,
  MAR0: 0x08,
  TSD0: 0x10,
  TSAD0: 0x20,
  RBSTART: 0x30,
  CR: 0x37,
  CAPR: 0x38,
  CBR: 0x3a,
  IMR: 0x3c,
  ISR: 0x3e,
  RCR: 0x44,
  MPC: 0x4c,
  CONFIG1: 0x52,
  CR_RST: 0x10,
  CR_RE: 0x08,
  CR_TE: 0x04,
  ISR_ROK: 0x01,
  ISR_TOK: 0x04,
  ISR_RXOVW: 0x10,
  RCR_AAP: 0x01,
  RCR_APM: 0x02,
  RCR_AM: 0x04,
  RCR_AB: 0x08,
  RCR_WRAP: 0x80,
  TSD_SIZE: 0x1fff,
  TSD_OWN: 0x2000,
  TSD_TOK: 0x8000,
  STATUS_ROK: 0x0001,
  STATUS_BAR: 0x2000,
  STATUS_PAM: 0x4000,
  STATUS_MAR: 0x8000,
  /** Header (status, length) before a frame in the ring, CRC after it. */
  HEADER: 4,
  CRC: 4,
  /** The device writes frames of 1..4092 bytes (4 KiB with the CRC): nic.rx.no-runt-filter. */
  MAX_WRITTEN: 4092,
  /** The driver's documented init values (nic.init.order). */
  INIT_RCR: 0x8f,
  /** CONFIG1's read-only IOMAP|MEMMAP bits, set on a mapped chip [hw: datasheet; QEMU reads 0x0C]. */
  CONFIG1_MAPPED: 0x0c,
  INIT_IMR: 0x0005,
  INIT_CR: 0x0c,
  /** The station address the device loads at reset (nic.mac.read). */
  DEFAULT_MAC: '525400123456',
  /** PCI (nic.pci.*). */
  CONFIG_ADDRESS: 0xcf8,
  CONFIG_DATA: 0xcfc,
  PCI_IDS: 0x00,
  PCI_COMMAND: 0x04,
  PCI_CLASS_REV: 0x08,
  PCI_BAR0: 0x10,
  /** BAR0 is an I/O BAR of 256 ports [hw: datasheet; QEMU reads 0xFFFFFF01 after all ones]. */
  PCI_BAR0_IO_PORTS: 0x100,
  /** Lowest I/O base a scenario moves the chip to: below it lie the PC's legacy and configuration ports. */
  IO_BASE_MIN: 0x1000,
  PCI_IO: 0x0001,
  PCI_BUS_MASTER: 0x0004,
} as const;

/** A port access width, all ones of it, a value as unsigned 0x-hex: the raw-port properties' vocabulary. */
export type PortWidth = 1 | 2 | 4;
export const onesOf = (w: PortWidth): number => (w === 4 ? 0xffffffff : (1 << (8 * w)) - 1);
export const hexOf = (v: number): string => `0x${(v >>> 0).toString(16)}`;
/** The card's PCI location in the raw-port scenarios (any non-bridge location would do). */
export const CARD_PCI = { bus: 0, dev: 3, fn: 0 } as const;

export const pciAddress = (bus: number, dev: number, fn: number, offset: number, enable = true): number =>
  ((enable ? 0x80000000 : 0) | (bus << 16) | (dev << 11) | (fn << 8) | (offset & 0xfc)) >>> 0;

/** One ring slot: header + frame + CRC, aligned. */
export const footprint = (len: number): number => align4(NIC.HEADER + len + NIC.CRC);

// ------------------------------------------------------------------ generators

/** Deterministic, mostly non-zero bytes from a seed (so stale or shifted bytes show). */
export function patterned(length: number, seed: number): Uint8Array {
  const b = new Uint8Array(length);
  let x = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = (x & 0xff) | (i & 1 ? 0 : 0x01); // every other byte odd: never a run of zeros
  }
  return b;
}

export interface FrameSpec {
  length: number;
  seed: number;
}

/** A frame as (length, seed): cheap to generate, shrinks on its length; lengths boundary-first (min, max, powers of two). */
export const frameSpec = (min: number, max: number): fc.Arbitrary<FrameSpec> =>
  fc.record({ length: boundaryInt({ min, max }), seed: fc.nat({ max: 0xffff }) });

export const frameBytes = (f: FrameSpec): Uint8Array => patterned(f.length, f.seed);
export const frameHex = (f: FrameSpec): string => toHex(frameBytes(f));
/** Byte offset of the first difference between two hex strings of bytes (-1: none). */
export const firstDifferingByte = (a: string, b: string): number => {
  const i = [...a].findIndex((c, k) => c !== b[k]);
  return i < 0 ? (a.length === b.length ? -1 : Math.min(a.length, b.length) >> 1) : i >> 1;
};
/** What receive_frame hands back for a frame (hex in, hex out): the frame and its CRC-32. */
export const deliveredHex = (frame: string): string => toHex(withFcs(Uint8Array.from(Buffer.from(frame, 'hex'))));

/**
 * Ops that move the device's write offset (and the driver's read offset) from 0 to `target`
 * (a multiple of 4, < ring size): frames injected and polled one by one. Filler frames are at
 * least `minLen` bytes so the driver delivers (not drops) them.
 */
export function advanceRingTo(target: number, ctx: PropertyContext, seed = 1): Op[] {
  const ops: Op[] = [];
  const maxStep = footprint(ctx.limits.maxEthernetFrame);
  const minStep = footprint(ctx.limits.minRxFrame);
  let left = target;
  let n = 0;
  while (left > 0) {
    // Leave either nothing or at least one minimal frame for the last step.
    let step = Math.min(left, maxStep);
    if (left - step > 0 && left - step < minStep) step = left - minStep;
    if (step < minStep) throw new Error(`advanceRingTo: cannot reach ${target} in steps of ${minStep}..${maxStep}`);
    const len = step - NIC.HEADER - NIC.CRC;
    ops.push({ op: 'inject', frame: toHex(patterned(len, seed * 1000 + n++)) }, { op: 'poll' });
    left -= step;
  }
  return ops;
}

/** Copied length (frame + CRC) within 4 bytes of a drop limit: there frame and frame + CRC compare differently (nic.rx.drop-thresholds-on-frame). */
export const nearThreshold = (copied: number, min: number, buffer: number): boolean => (copied >= min && copied < min + NIC.CRC) || (copied > buffer && copied <= buffer + NIC.CRC);

/** Targets reachable by advanceRingTo: 0, or minimal-frame footprint and above. */
export const reachable = (target: number, ctx: PropertyContext): boolean => target === 0 || target >= footprint(ctx.limits.minRxFrame);

// ------------------------------------------------------------------ trace readers

export interface WireObs {
  op: number;
  descriptor: number;
  tsad: number;
  tsd: number;
  bytes: string;
}
export interface StateObs {
  ISR: number;
  MPC: number;
  CAPR: number;
  CBR: number;
  TX_INDEX: number;
  RX_OFFSET: number;
}
export interface IoObs {
  op: number;
  dir: 'in' | 'out' | 'cfg-write';
  port?: number;
  width: number;
  value: number;
  count?: number;
  bus?: number;
  dev?: number;
  fn?: number;
  offset?: number;
}
export interface DmaObs {
  op: number;
  at: number;
  length: number;
}
export interface Delivered {
  op: number;
  frame: string;
}

function observation<T>(trace: Trace, name: string): T[] {
  const v = trace.observations?.[name];
  if (!Array.isArray(v)) throw new ContractViolation(`contract: trace.observations.${name} must be an array (see spec/contract/README.md, layer nic/serial)`);
  return v as unknown as T[];
}

export const wireOf = (t: Trace): WireObs[] => observation<WireObs>(t, 'wire');
export const ioOf = (t: Trace): IoObs[] => observation<IoObs>(t, 'io');
export const dmaOf = (t: Trace): DmaObs[] => observation<DmaObs>(t, 'dma');
export const deliveredOf = (t: Trace): Delivered[] => observation<Delivered>(t, 'delivered');
/** Guest-memory writes during send ops, `at` absolute; undefined when the trace does not report them (optional). */
export function txWritesOf(t: Trace): DmaObs[] | undefined {
  if (t.observations?.['txWrites'] === undefined) return undefined;
  const ws = observation<DmaObs>(t, 'txWrites');
  const bad = ws.findIndex((w) => typeof w !== 'object' || w === null || ![w.op, w.at, w.length].every((x) => Number.isSafeInteger(x) && x >= 0));
  if (bad >= 0) throw new ContractViolation(`contract: trace.observations.txWrites[${bad}] must be { op, at, length } of non-negative integers, got ${JSON.stringify(ws[bad])}`);
  return ws;
}

/** Device and driver state after op i (observations.state[i]). */
export function stateAt(t: Trace, i: number): StateObs {
  const s = observation<StateObs>(t, 'state')[i];
  if (!s) throw new ContractViolation(`contract: trace.observations.state has no entry for op #${i}`);
  return s;
}

/** The state before op i: after op i-1 (op 0 sees the reset state reported for it). */
export const stateBefore = (t: Trace, i: number): StateObs => stateAt(t, Math.max(0, i - 1));

/** I/O accesses of one op, with repeated accesses expanded to their count. */
export function ioOfOp(t: Trace, op: number): IoObs[] {
  const out: IoObs[] = [];
  for (const e of ioOf(t)) if (e.op === op) for (let k = 0; k < (e.count ?? 1); k++) out.push(e);
  return out;
}

/** The value of op i when it succeeded, else undefined: for deciding what to check, never a claim. */
export function peekValue<T>(t: Trace, i: number): T | undefined {
  const r = t.results[i];
  return r?.ok ? (r.value as T) : undefined;
}

export interface InitValue {
  ioBase: number;
  rxBuffer: number;
  txBuffers: number[];
}
export const initValue = (t: Trace, i: number): InitValue => okValue<InitValue>(t, i, 'init');

export type InjectValue = { accepted: true; offset: number } | { accepted: false; reason: string };
export const injectValue = (t: Trace, i: number): InjectValue => okValue<InjectValue>(t, i, `inject (op #${i})`);

export interface PollValue {
  length: number;
  frame: string;
}
export const pollValue = (t: Trace, i: number): PollValue => okValue<PollValue>(t, i, `poll (op #${i})`);
export const peekBytes = (t: Trace, i: number): Uint8Array => Uint8Array.from(Buffer.from(field<string>(okValue(t, i, `peek-ring (op #${i})`), 'bytes'), 'hex'));
export const registerValue = (t: Trace, i: number, name = `read-register (op #${i})`): number => field<number>(okValue(t, i, name), 'value');

export const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
export const u32le = (b: Uint8Array, at: number): number => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;

/** Indexes of ops named `name` in a scenario. */
export const indexesOf = (ops: Op[], name: string): number[] => ops.flatMap((o, i) => (o.op === name ? [i] : []));

// ------------------------------------------------------------------ ring model (from the clauses)

export interface ModelFrame {
  frame: string;
  length: number;
  offset: number;
}

/**
 * The RX ring as nic.rx.* describes it: write offset (CBR), the driver's read offset
 * (RX_OFFSET; CAPR = RX_OFFSET - 16), free space, what is accepted, what receive_frame returns.
 */
export class RingModel {
  cbr = 0;
  rxOffset = 0;
  mpc = 0;
  unread: ModelFrame[] = [];
  constructor(
    readonly size: number,
    readonly minFrame: number,
  ) {}

  get capr(): number {
    return (this.rxOffset - 16) & 0xffff;
  }

  free(): number {
    return (this.size + this.rxOffset - this.cbr) % this.size || this.size;
  }

  /** nic.rx.ring-full + nic.rx.align: accepted at CBR, or refused (MPC counts it). */
  inject(frameHex: string): { accepted: true; offset: number } | { accepted: false; reason: 'ring-full' | 'too-small' | 'too-large' } {
    const length = frameHex.length / 2;
    if (length === 0) return { accepted: false, reason: 'too-small' };
    if (length > NIC.MAX_WRITTEN) return { accepted: false, reason: 'too-large' };
    if (footprint(length) >= this.free()) {
      this.mpc = (this.mpc + 1) & 0xffffff;
      return { accepted: false, reason: 'ring-full' };
    }
    const offset = this.cbr;
    this.unread.push({ frame: frameHex, length, offset });
    this.cbr = (offset + footprint(length)) % this.size;
    return { accepted: true, offset };
  }

  /**
   * nic.rx.empty / drop-and-continue / advance: one frame consumed per call when not empty. A
   * delivered frame comes back with its CRC (deliver-includes-crc); the 14-byte minimum and the
   * buffer size are compared with that length, the header's (drop-thresholds-on-frame).
   */
  poll(buffer: number): { length: number; frame: string; consumed: ModelFrame | undefined } {
    const head = this.unread.shift();
    if (!head) return { length: 0, frame: '', consumed: undefined };
    this.rxOffset = (this.rxOffset + footprint(head.length)) % this.size;
    const copied = head.length + NIC.CRC;
    const delivered = copied >= this.minFrame && copied <= buffer;
    return delivered ? { length: copied, frame: deliveredHex(head.frame), consumed: head } : { length: 0, frame: '', consumed: head };
  }
}

export const asJson = (x: unknown): Json => x as Json;

/**
 * Memoizes a scenario builder per generated input: the runners call scenario(input) and then
 * check(input, ...) with the same object, and checks rebuild the ops to read the trace.
 */
export function memoOps<I extends object>(build: (input: I, ctx: PropertyContext) => Op[]): (input: I, ctx: PropertyContext) => Op[] {
  const cache = new WeakMap<I, Op[]>();
  return (input, ctx) => {
    let ops = cache.get(input);
    if (!ops) cache.set(input, (ops = build(input, ctx)));
    return ops;
  };
}

/** Structural equality of plain data (what mustEqual compares), without serialising on success. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  // Key order is not part of the data (another implementation may emit fields in any order).
  return ka.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * mustEqual for plain data, ignoring key order, formatting its message only when the values
 * differ (checks call it thousands of times per run).
 */
export function expectSame<T>(actual: T, expected: T, what: string | (() => string)): void {
  if (!same(actual, expected)) mustEqual(actual, expected, typeof what === 'string' ? what : what());
}
