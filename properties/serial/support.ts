// Shared pieces of the serial properties: the 16550 facts the clauses name, typed readers for
// the layer's observations (a missing or ill-typed one breaks the contract: an error, never a
// failure), generators and scenario builders.
import fc from 'fast-check';
import type { Json, Op, Trace } from '../../src/iut/contract.ts';
import { expandIo } from '../../src/iut/io-format.ts';
import { ContractViolation, type PropertyContext } from '../../src/runner/property.ts';
import { toHex } from '../../src/util/bytes.ts';
import { specialBiasedBytes } from '../arbitraries.ts';
import { rfc1055Encode, SLIP } from '../oracles.ts';

// ------------------------------------------------------------------ spec facts (serial.json)

/** 16550 register offsets from COM1 and the documented init values (spec-notes §7). */
export const UART = { THR: 0, IER: 1, FCR: 2, LCR: 3, MCR: 4, LSR: 5, DLL: 0, DLM: 1, LSR_DR: 0x01, LSR_THRE: 0x20, LCR_DLAB: 0x80, LCR_8N1: 0x03, FCR_INIT: 0xc7, FCR_ON_TRIGGER14: 0xc1, MCR_INIT: 0x0b } as const;
export const SPECIALS = [SLIP.END, SLIP.ESC, SLIP.ESC_END, SLIP.ESC_ESC];
/** Virtual time is exact up to float rounding. */
export const TIME_EPS = 1e-9;

// ------------------------------------------------------------------ trace readers

export interface LineObs {
  op: number;
  byte: number;
  time: number;
}
export interface IoObs {
  op: number;
  dir: 'in' | 'out';
  port: number;
  width: number;
  value: number;
  count?: number;
}

export function obsArray<T>(t: Trace, name: string): T[] {
  const v = t.observations?.[name];
  if (!Array.isArray(v)) throw new ContractViolation(`contract: trace.observations.${name} must be an array (see spec/contract/README.md, layer serial)`);
  return v as unknown as T[];
}
export function obsRecord(t: Trace, name: string): Record<string, number> {
  const v = t.observations?.[name];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ContractViolation(`contract: trace.observations.${name} must be an object (see spec/contract/README.md, layer serial)`);
  return v as Record<string, number>;
}
export const lineOf = (t: Trace): LineObs[] => obsArray<LineObs>(t, 'line');
export const lineOfOp = (t: Trace, op: number): LineObs[] => lineOf(t).filter((l) => l.op === op);
export const clockAfter = (t: Trace, op: number): number => {
  const c = obsArray<number>(t, 'clock')[op];
  if (typeof c !== 'number') throw new ContractViolation(`contract: trace.observations.clock has no entry for op #${op}`);
  return c;
};
/** The port accesses of op `op`, one per access (the compact forms expanded, spec/contract/README.md). */
export function ioOfOp(t: Trace, op: number): IoObs[] {
  try {
    return expandIo(obsArray<Json>(t, 'io'), op) as unknown as IoObs[];
  } catch (e) {
    throw new ContractViolation(`contract: trace.observations.${(e as Error).message} (see spec/contract/README.md, layer serial)`);
  }
}
export const hexOf = (l: LineObs[]): string => toHex(Uint8Array.from(l.map((x) => x.byte)));

// ------------------------------------------------------------------ generators

export const datagram = (max: number) => specialBiasedBytes(0, max, SPECIALS);

/** A datagram whose SLIP encoding is exactly `size` bytes, built from (specials, seed). */
export const datagramEncodingTo = (size: number) =>
  fc.record({ specials: fc.integer({ min: 0, max: Math.floor((size - 2) / 2) }), seed: fc.nat() }).map(({ specials, seed }) => {
    const plain = size - 2 - 2 * specials;
    const out = new Uint8Array(plain + specials);
    let x = seed >>> 0 || 1;
    const rnd = (): number => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>>= 0);
    };
    for (let i = 0; i < out.length; i++) {
      let b = rnd() & 0xff;
      if (b === SLIP.END || b === SLIP.ESC) b ^= 0x01;
      out[i] = b;
    }
    // Place the specials at distinct pseudo-random positions.
    const idx = [...out.keys()];
    for (let i = 0; i < specials; i++) {
      const j = i + (rnd() % (idx.length - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      out[idx[i]!] = rnd() & 1 ? SLIP.END : SLIP.ESC;
    }
    return out;
  });

/**
 * A datagram of n bytes, a share of them END/ESC: cheap to build. Only n shrinks (every
 * shrink step that passes sends up to 4 KiB through the UART, so the search stays short).
 */
export const sizedDatagram = (min: number, max: number) =>
  fc.record({ n: fc.integer({ min, max }), permille: fc.noShrink(fc.integer({ min: 0, max: 1000 })), seed: fc.noShrink(fc.nat()) }).map(({ n, permille, seed }) => {
    const out = new Uint8Array(n);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const special = x % 1000 < permille;
      out[i] = special ? (x & 0x100 ? SLIP.END : SLIP.ESC) : ((x >>> 16) & 0xff) === SLIP.END || ((x >>> 16) & 0xff) === SLIP.ESC ? 0x55 : (x >>> 16) & 0xff;
    }
    return out;
  });

// ------------------------------------------------------------------ scenarios

export interface TimedSend {
  gap: number;
  datagram: Uint8Array;
}

export const timedOps = (sends: TimedSend[]): Op[] => [{ op: 'init' }, ...sends.flatMap((s): Op[] => [{ op: 'advance', seconds: s.gap }, { op: 'send-packet', datagram: toHex(s.datagram) }])];

/** Splits the concatenated encodings at the cut points; returns the chunks and each datagram's closing END index. */
export function chunked(datagrams: Uint8Array[], cuts: number[]): { chunks: Uint8Array[]; ends: number[] } {
  const encs = datagrams.map(rfc1055Encode);
  const stream = Uint8Array.from(encs.flatMap((e) => [...e]));
  const ends: number[] = [];
  let at = 0;
  for (const e of encs) ends.push((at += e.length) - 1);
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].filter((p) => p > 0 && p < stream.length).sort((a, b) => a - b);
  const bounds = [0, ...points, stream.length];
  return { chunks: bounds.slice(1).map((end, i) => stream.slice(bounds[i], end)), ends };
}

export interface RxInput {
  datagrams: Uint8Array[];
  cuts: number[];
}

export const rxOps = (x: RxInput): Op[] => [
  { op: 'init' },
  ...chunked(x.datagrams, x.cuts).chunks.flatMap((c): Op[] => [{ op: 'feed', bytes: toHex(c) }, { op: 'receive' }, { op: 'ready' }]),
];

export type Item = { kind: 'good' | 'bad-escape'; datagram: Uint8Array; bad: number } | { kind: 'too-long'; fill: number; over: number };

export const itemBytes = (it: Item, ctx: PropertyContext): Uint8Array => {
  if (it.kind === 'too-long') return rfc1055Encode(new Uint8Array(ctx.limits.slipBufferBytes + it.over).fill(it.fill));
  const e = rfc1055Encode(it.datagram);
  if (it.kind === 'good') return e;
  return Uint8Array.from([...e.subarray(0, -1), SLIP.ESC, it.bad, ...e.subarray(1)]);
};


// ------------------------------------------------------------------ register-level readers

export interface NamedWrite {
  reg: string;
  width: number;
  value: number;
}

/**
 * The `out`s of one op named by 16550 register: offsets 0 and 1 are the divisor latch (DLL, DLM)
 * while LCR's DLAB bit is set, THR and IER otherwise. DLAB starts clear (the caller's scenario
 * guarantees it).
 */
export function namedWrites(io: IoObs[], base: number): NamedWrite[] {
  let dlab = false;
  return io
    .filter((a) => a.dir === 'out')
    .map((a) => {
      const off = a.port - base;
      if (off === UART.LCR) dlab = (a.value & UART.LCR_DLAB) !== 0;
      const reg = ['THR', 'IER', 'FCR', 'LCR', 'MCR'][off] ?? `port 0x${a.port.toString(16)}`;
      return { reg: dlab && off === 0 ? 'DLL' : dlab && off === 1 ? 'DLM' : reg, width: a.width, value: a.value };
    });
}

/** Indexes (among the op's THR writes) of those not right after an LSR read showing THRE. */
export function writesWithoutThre(io: IoObs[], base: number): number[] {
  const out: number[] = [];
  let n = 0;
  io.forEach((a, j) => {
    if (a.dir !== 'out' || a.port !== base + UART.THR) return;
    const prev = io[j - 1];
    if (!(prev && prev.dir === 'in' && prev.port === base + UART.LSR && (prev.value & UART.LSR_THRE) !== 0)) out.push(n);
    n++;
  });
  return out;
}

/**
 * The line as the UART was left configured (observations.uart): the baud rate from the divisor
 * latch and the bits of one character frame from LCR (start, 5-8 data bits, parity, 1, 1.5 or 2
 * stop bits: the 16550's LCR layout). A byte takes frameBits / baud seconds on the line.
 */
export function lineConfig(t: Trace, clockHz: number): { baud: number; frameBits: number; byteTime: number } {
  const u = obsRecord(t, 'uart');
  const lcr = u['LCR'] ?? 0;
  const latch = ((u['DLM'] ?? 0) << 8) | (u['DLL'] ?? 0);
  const data = 5 + (lcr & 0x03);
  const stop = lcr & 0x04 ? (data === 5 ? 1.5 : 2) : 1;
  const frameBits = 1 + data + ((lcr >> 3) & 1) + stop;
  const baud = clockHz / latch;
  return { baud, frameBits, byteTime: frameBits / baud };
}
