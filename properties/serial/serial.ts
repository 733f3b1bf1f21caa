// The serial layer: COM1 init, the THRE-spinning writer and its line timing, ipv4::send_packet
// over SLIP (line bytes, the 4 KiB limit, the silent-loss hazard), and the receive loop.
import fc from 'fast-check';
import type { Json, Op, Trace } from '../../src/iut/contract.ts';
import { expandIo } from '../../src/iut/io-format.ts';
import { Violation, defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { field, must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { specialBiasedBytes } from '../arbitraries.ts';
import { rfc1055Encode, SLIP } from '../oracles.ts';
import { expectSame } from '../nic/support.ts';

// ------------------------------------------------------------------ spec facts (serial.json)

/** 16550 register offsets from COM1 and the documented init values (spec-notes §7). */
const UART = { THR: 0, IER: 1, FCR: 2, LCR: 3, MCR: 4, LSR: 5, DLL: 0, DLM: 1, LSR_DR: 0x01, LSR_THRE: 0x20, LCR_DLAB: 0x80, LCR_8N1: 0x03, FCR_INIT: 0xc7, FCR_ON_TRIGGER14: 0xc1, MCR_INIT: 0x0b } as const;
const SPECIALS = [SLIP.END, SLIP.ESC, SLIP.ESC_END, SLIP.ESC_ESC];
/** Virtual time is exact up to float rounding. */
const TIME_EPS = 1e-9;

// ------------------------------------------------------------------ trace readers

interface LineObs {
  op: number;
  byte: number;
  time: number;
}
interface IoObs {
  op: number;
  dir: 'in' | 'out';
  port: number;
  width: number;
  value: number;
  count?: number;
}

function obsArray<T>(t: Trace, name: string): T[] {
  const v = t.observations?.[name];
  if (!Array.isArray(v)) throw new Violation(`trace.observations.${name} must be an array (see spec/contract/README.md, layer serial)`);
  return v as unknown as T[];
}
function obsRecord(t: Trace, name: string): Record<string, number> {
  const v = t.observations?.[name];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Violation(`trace.observations.${name} must be an object`);
  return v as Record<string, number>;
}
const lineOf = (t: Trace): LineObs[] => obsArray<LineObs>(t, 'line');
const lineOfOp = (t: Trace, op: number): LineObs[] => lineOf(t).filter((l) => l.op === op);
const clockAfter = (t: Trace, op: number): number => {
  const c = obsArray<number>(t, 'clock')[op];
  if (typeof c !== 'number') throw new Violation(`trace.observations.clock has no entry for op #${op}`);
  return c;
};
/** The port accesses of op `op`, one per access (the compact forms expanded, spec/contract/README.md). */
function ioOfOp(t: Trace, op: number): IoObs[] {
  try {
    return expandIo(obsArray<Json>(t, 'io'), op) as unknown as IoObs[];
  } catch (e) {
    throw new Violation(`trace.observations.${(e as Error).message} (see spec/contract/README.md, layer serial)`);
  }
}
const hexOf = (l: LineObs[]): string => toHex(Uint8Array.from(l.map((x) => x.byte)));

// ------------------------------------------------------------------ generators

const datagram = (max: number) => specialBiasedBytes(0, max, SPECIALS);

/** A datagram whose SLIP encoding is exactly `size` bytes, built from (specials, seed). */
const datagramEncodingTo = (size: number) =>
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
const sizedDatagram = (min: number, max: number) =>
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

interface TimedSend {
  gap: number;
  datagram: Uint8Array;
}

const timedOps = (sends: TimedSend[]): Op[] => [{ op: 'init' }, ...sends.flatMap((s): Op[] => [{ op: 'advance', seconds: s.gap }, { op: 'send-packet', datagram: toHex(s.datagram) }])];

/** Splits the concatenated encodings at the cut points; returns the chunks and each datagram's closing END index. */
function chunked(datagrams: Uint8Array[], cuts: number[]): { chunks: Uint8Array[]; ends: number[] } {
  const encs = datagrams.map(rfc1055Encode);
  const stream = Uint8Array.from(encs.flatMap((e) => [...e]));
  const ends: number[] = [];
  let at = 0;
  for (const e of encs) ends.push((at += e.length) - 1);
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].filter((p) => p > 0 && p < stream.length).sort((a, b) => a - b);
  const bounds = [0, ...points, stream.length];
  return { chunks: bounds.slice(1).map((end, i) => stream.slice(bounds[i], end)), ends };
}

interface RxInput {
  datagrams: Uint8Array[];
  cuts: number[];
}

const rxOps = (x: RxInput): Op[] => [
  { op: 'init' },
  ...chunked(x.datagrams, x.cuts).chunks.flatMap((c): Op[] => [{ op: 'feed', bytes: toHex(c) }, { op: 'receive' }, { op: 'ready' }]),
];

type Item = { kind: 'good' | 'bad-escape'; datagram: Uint8Array; bad: number } | { kind: 'too-long'; fill: number };

const itemBytes = (it: Item, ctx: PropertyContext): Uint8Array => {
  if (it.kind === 'too-long') return rfc1055Encode(new Uint8Array(ctx.limits.slipBufferBytes + 1).fill(it.fill));
  const e = rfc1055Encode(it.datagram);
  if (it.kind === 'good') return e;
  return Uint8Array.from([...e.subarray(0, -1), SLIP.ESC, it.bad, ...e.subarray(1)]);
};

// ------------------------------------------------------------------ properties

export const serialProperties = [
  defineProperty({
    id: 'serial.init.sequence',
    title: 'init writes IER 0, LCR 0x80, DLL/DLM = divisor 3, LCR 0x03 (8N1), FCR 0xC7, MCR 0x0B in that order at COM1, whatever the UART held before (DLAB clear)',
    layer: 'serial',
    clauses: ['serial.init.order', 'serial.init.divisor', 'serial.init.8n1', 'serial.init.fifo'],
    // Earlier register contents, except a DLAB left set: then the documented first write (IER <- 0)
    // would land in DLM instead — the sequence assumes the UART's reset state there.
    arbitrary: () =>
      fc.array(
        fc.record({ reg: fc.integer({ min: 1, max: 7 }), value: fc.integer({ min: 0, max: 0xff }) }).map((p) => (p.reg === UART.LCR ? { ...p, value: p.value & ~UART.LCR_DLAB } : p)),
        { maxLength: 4 },
      ),
    scenario: (pre, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        ...pre.map((p): Op => ({ op: 'out', port: b + p.reg, width: 1, value: p.value })),
        { op: 'init' },
        // Read back through the ports: LCR, MCR, IER, IIR, then the divisor latch under DLAB.
        ...[UART.LCR, UART.MCR, UART.IER, UART.FCR].map((r): Op => ({ op: 'in', port: b + r, width: 1 })),
        { op: 'out', port: b + UART.LCR, width: 1, value: UART.LCR_8N1 | UART.LCR_DLAB },
        { op: 'in', port: b + UART.DLL, width: 1 },
        { op: 'in', port: b + UART.DLM, width: 1 },
        { op: 'out', port: b + UART.LCR, width: 1, value: UART.LCR_8N1 },
      ];
    },
    check: (pre, trace, ctx) => {
      const b = ctx.defaults.comBase;
      const div = ctx.limits.serialDivisor;
      const i = pre.length;
      okValue(trace, i, 'serial init');
      const writes = ioOfOp(trace, i).filter((a) => a.dir === 'out').map((a) => [a.port - b, a.width, a.value]);
      expectSame(
        writes,
        [
          [UART.IER, 1, 0x00],
          [UART.LCR, 1, UART.LCR_DLAB],
          [UART.DLL, 1, div & 0xff],
          [UART.DLM, 1, div >>> 8],
          [UART.LCR, 1, UART.LCR_8N1],
          [UART.FCR, 1, UART.FCR_INIT],
          [UART.MCR, 1, UART.MCR_INIT],
        ],
        'init writes as [offset from COM1, width, value]',
      );
      const u = obsRecord(trace, 'uart');
      const latch = ((u['DLM'] ?? 0) << 8) | (u['DLL'] ?? 0);
      expectSame(latch, div, 'divisor latch after init');
      expectSame(ctx.limits.uartClockHz / latch, ctx.limits.serialBaud, 'baud rate from the divisor');
      expectSame([u['LCR'], u['MCR'], u['IER'], (u['FCR'] ?? 0) & UART.FCR_ON_TRIGGER14], [UART.LCR_8N1, UART.MCR_INIT, 0, UART.FCR_ON_TRIGGER14], 'LCR, MCR, IER, FCR (enable + 14-byte trigger) after init');
      const back = [1, 2, 3, 4, 6, 7].map((k) => field<number>(okValue(trace, i + k, 'register read-back'), 'value'));
      // IIR: bits 6-7 set while the FIFOs are on; bit 0 set = no interrupt pending (IER is 0).
      expectSame(back, [UART.LCR_8N1, UART.MCR_INIT, 0, 0xc1, div & 0xff, div >>> 8], 'LCR, MCR, IER, IIR, DLL, DLM read back through the ports');
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.init.clears-fifos',
    title: 'FCR <- 0xC7 clears both FIFOs: a second init discards received bytes not yet read and the byte still waiting to be sent (the one shifting completes)',
    layer: 'serial',
    clauses: ['serial.init.fifo'],
    arbitrary: () => fc.record({ rx: fc.uint8Array({ minLength: 1, maxLength: 40 }), datagram: datagram(40) }),
    scenario: (x): Op[] => [
      { op: 'init' },
      { op: 'feed', bytes: toHex(x.rx) },
      { op: 'send-packet', datagram: toHex(x.datagram) },
      { op: 'init' },
      { op: 'ready' },
      { op: 'advance', seconds: 1 },
    ],
    check: (x, trace) => {
      const enc = rfc1055Encode(x.datagram);
      expectSame(field(okValue(trace, 4, 'ready after the second init'), 'ready'), false, 'ready() once init cleared the receive FIFO');
      // The THRE-spinning writer returns with the last byte waiting behind the one shifting.
      expectSame(hexOf(lineOf(trace)), toHex(enc.subarray(0, -1)), 'bytes that reached the line');
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.slip.line-bytes',
    title: 'send_packet puts exactly the SLIP encoding of each datagram on the line, one THR write per byte, each after an LSR read showing THRE',
    layer: 'serial',
    clauses: ['serial.slip.line-bytes', 'serial.write.thre'],
    arbitrary: () => fc.array(fc.record({ gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })), datagram: datagram(300) }), { minLength: 1, maxLength: 4 }),
    scenario: (sends) => timedOps(sends),
    check: (sends, trace, ctx) => {
      const thr = ctx.defaults.comBase + UART.THR;
      const lsr = ctx.defaults.comBase + UART.LSR;
      for (const [k, s] of sends.entries()) {
        const i = 2 + 2 * k;
        const enc = toHex(rfc1055Encode(s.datagram));
        expectSame(field(okValue(trace, i, `send_packet of ${s.datagram.length} bytes`), 'encodedBytes'), enc.length / 2, `encoded size of datagram #${k}`);
        const line = hexOf(lineOfOp(trace, i));
        if (line !== enc) expectSame(line, enc, `line bytes of datagram #${k} (${s.datagram.length} bytes)`);
        const io = ioOfOp(trace, i);
        const writes = io.flatMap((a, j) => (a.dir === 'out' && a.port === thr ? [j] : []));
        expectSame(toHex(Uint8Array.from(writes.map((j) => io[j]!.value))), enc, `THR writes of datagram #${k}`);
        for (const j of writes) {
          const prev = io[j - 1];
          must(prev && prev.dir === 'in' && prev.port === lsr && (prev.value & UART.LSR_THRE) !== 0, `THR write #${writes.indexOf(j)} of datagram #${k} not preceded by an LSR read showing THRE`);
        }
      }
      expectSame(hexOf(lineOf(trace)), sends.map((s) => toHex(rfc1055Encode(s.datagram))).join(''), 'the whole line');
    },
  }),
  defineProperty({
    id: 'serial.tx.timing',
    title: 'each byte ends 10 bit times (at 38 400 baud) after the previous one, or after the op starts on an idle line; the THRE spin leaves the clock where the last byte’s predecessor began shifting',
    layer: 'serial',
    clauses: ['serial.line.timing', 'serial.uart.thre-spin-time', 'serial.init.8n1'],
    arbitrary: () =>
      fc.array(fc.record({ gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.05, noNaN: true }), fc.integer({ min: 1, max: 40 }).map((b) => b / 3840)), datagram: datagram(80) }), { minLength: 1, maxLength: 4 }),
    scenario: (sends) => timedOps(sends),
    check: (sends, trace, ctx) => {
      const T = ctx.limits.serialBitsPerByte / ctx.limits.serialBaud;
      const lsr = ctx.defaults.comBase + UART.LSR;
      const ends: number[] = [];
      for (const [k, s] of sends.entries()) {
        const i = 2 + 2 * k;
        const t0 = clockAfter(trace, i - 1);
        const line = lineOfOp(trace, i);
        const n = rfc1055Encode(s.datagram).length;
        expectSame(line.length, n, `line bytes of datagram #${k}`);
        let prev = Math.max(t0, ends[ends.length - 1] ?? 0);
        for (const [j, b] of line.entries()) {
          const want = prev + T;
          must(Math.abs(b.time - want) <= TIME_EPS, `byte #${j} of datagram #${k} ends at ${b.time}s, expected ${want}s (${j === 0 ? 'start' : 'previous byte'} + ${ctx.limits.serialBitsPerByte} bit times at ${ctx.limits.serialBaud} baud)`);
          prev = b.time;
          ends.push(b.time);
        }
        const beforeLast = ends[ends.length - 2];
        const wantClock = Math.max(t0, beforeLast === undefined ? t0 : beforeLast - T);
        must(Math.abs(clockAfter(trace, i) - wantClock) <= TIME_EPS, `clock after datagram #${k}: ${clockAfter(trace, i)}s, expected ${wantClock}s (the THRE spin stops when the last byte's predecessor starts shifting)`);
        const polls = ioOfOp(trace, i).filter((a) => a.dir === 'in' && a.port === lsr).length;
        must(polls <= 2 * n, `${polls} LSR polls for ${n} bytes (at most two per byte)`);
      }
    },
  }),
  defineProperty({
    id: 'serial.slip.oversize',
    title: 'a datagram whose SLIP encoding exceeds the 4 KiB buffer is refused too-large with nothing on the line; the next datagram goes out normally',
    layer: 'serial',
    clauses: ['serial.slip.oversize-nothing-sent'],
    arbitrary: (ctx) => fc.noShrink(fc.integer({ min: 1, max: 40 }).chain((over) => datagramEncodingTo(ctx.limits.slipBufferBytes + over))),
    scenario: (d): Op[] => [
      { op: 'init' },
      { op: 'send-packet', datagram: toHex(d) },
      { op: 'send-packet', datagram: toHex(Uint8Array.of(0x45, 0, SLIP.END, 1, SLIP.ESC)) },
    ],
    check: (d, trace, ctx) => {
      mustFail(trace, 1, `send_packet of a ${d.length}-byte datagram encoding to ${rfc1055Encode(d).length} bytes`, ['too-large']);
      expectSame(lineOfOp(trace, 1).length, 0, 'line bytes of the refused datagram');
      expectSame(ioOfOp(trace, 1).filter((a) => a.dir === 'out' && a.port === ctx.defaults.comBase + UART.THR).length, 0, 'THR writes for the refused datagram');
      expectSame(hexOf(lineOfOp(trace, 2)), toHex(rfc1055Encode(Uint8Array.of(0x45, 0, SLIP.END, 1, SLIP.ESC))), 'line bytes of the next datagram');
    },
    runsFactor: 0.2,
  }),
  defineProperty({
    id: 'serial.hazard.silent-loss',
    title: 'HAZARD: every datagram that fits the 4 KiB SLIP buffer reaches the line (escapes can push its encoding past the buffer; the error goes to a kernel that discards it)',
    layer: 'serial',
    clauses: ['serial.slip.silent-loss'],
    arbitrary: (ctx) => fc.oneof(sizedDatagram(1, ctx.limits.slipBufferBytes), sizedDatagram(ctx.limits.slipBufferBytes / 2, ctx.limits.slipBufferBytes)),
    scenario: (d): Op[] => [{ op: 'init' }, { op: 'send-packet', datagram: toHex(d) }],
    check: (d, trace) => {
      const specials = d.reduce((n, b) => n + (b === SLIP.END || b === SLIP.ESC ? 1 : 0), 0);
      const r = trace.results[1];
      const line = hexOf(lineOfOp(trace, 1));
      must(
        line === toHex(rfc1055Encode(d)),
        `a ${d.length}-byte datagram (${specials} END/ESC bytes) never reached the line${r && !r.ok ? ` — send_packet's ${r.error.kind} error is its only trace, and the kernel discards it (syscall 0x34/0x01 returns Okay)` : ''}`,
      );
    },
    runsFactor: 0.1,
  }),
  defineProperty({
    id: 'serial.slip.receive-loop',
    title: 'the receive loop drains the UART through one persistent decoder: datagrams split anywhere across polls come out whole, in order, when their closing END arrives',
    layer: 'serial',
    clauses: ['serial.slip.receive-loop', 'serial.uart.rx-no-overrun'],
    arbitrary: () => fc.record({ datagrams: fc.array(specialBiasedBytes(1, 120, SPECIALS), { minLength: 1, maxLength: 5 }), cuts: fc.array(fc.nat(), { maxLength: 6 }) }),
    scenario: (x) => rxOps(x),
    check: (x, trace) => {
      const { chunks, ends } = chunked(x.datagrams, x.cuts);
      let fed = 0;
      let next = 0;
      for (const [c, chunk] of chunks.entries()) {
        const i = 2 + 3 * c;
        fed += chunk.length;
        const due: string[] = [];
        while (next < ends.length && ends[next]! < fed) due.push(toHex(x.datagrams[next++]!));
        expectSame(field(okValue(trace, i, 'receive'), 'datagrams'), due, `datagrams handed out after ${fed} of the stream's bytes (chunk #${c})`);
        expectSame(field(okValue(trace, i + 1, 'ready'), 'ready'), false, `ready() after the receive loop drained chunk #${c}`);
      }
      expectSame(obsArray<{ datagram: string }>(trace, 'delivered').map((d) => d.datagram), x.datagrams.map((d) => toHex(d)), 'observations.delivered');
    },
  }),
  defineProperty({
    id: 'serial.slip.decode-errors',
    title: 'frames with a bad escape or over the 4 KiB buffer are dropped and counted in decodeErrors; every good datagram around them is delivered in order',
    layer: 'serial',
    clauses: ['serial.slip.decode-errors-counted'],
    arbitrary: () =>
      fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.record({ kind: fc.constant('good' as const), datagram: specialBiasedBytes(1, 60, SPECIALS), bad: fc.constant(0) }) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('bad-escape' as const), datagram: specialBiasedBytes(1, 60, SPECIALS), bad: fc.integer({ min: 0, max: 0xff }).filter((b) => b !== SLIP.ESC_END && b !== SLIP.ESC_ESC && b !== SLIP.END) }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('too-long' as const), fill: fc.integer({ min: 0, max: 0xbf }) }) },
        ),
        { minLength: 1, maxLength: 6 },
      ),
    scenario: (items, ctx): Op[] => [{ op: 'init' }, { op: 'feed', bytes: items.map((it) => toHex(itemBytes(it, ctx))).join('') }, { op: 'receive' }],
    check: (items, trace) => {
      const good = items.flatMap((it) => (it.kind === 'good' ? [toHex(it.datagram)] : []));
      expectSame(field(okValue(trace, 2, 'receive'), 'datagrams'), good, 'datagrams delivered');
      const c = obsRecord(trace, 'counters');
      expectSame({ decodeErrors: c['decodeErrors'], received: c['received'] }, { decodeErrors: items.length - good.length, received: good.length }, 'counters');
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.rx.ready-read',
    title: 'ready() is LSR bit 0 and read() returns the waiting bytes in order — however many were fed — after which ready() is false',
    layer: 'serial',
    clauses: ['serial.ready.dr', 'serial.uart.rx-no-overrun'],
    arbitrary: () => fc.uint8Array({ minLength: 1, maxLength: 64 }),
    scenario: (bytes): Op[] => [{ op: 'init' }, { op: 'ready' }, { op: 'feed', bytes: toHex(bytes) }, ...[...bytes].flatMap((): Op[] => [{ op: 'ready' }, { op: 'read' }]), { op: 'ready' }],
    check: (bytes, trace, ctx) => {
      expectSame(field(okValue(trace, 1), 'ready'), false, 'ready() before anything arrived');
      const lsr = ctx.defaults.comBase + UART.LSR;
      for (const [k, b] of [...bytes].entries()) {
        const i = 3 + 2 * k;
        expectSame(field(okValue(trace, i), 'ready'), true, `ready() with ${bytes.length - k} bytes waiting`);
        const readsLsr = ioOfOp(trace, i).filter((a) => a.dir === 'in' && a.port === lsr);
        must(readsLsr.length === 1 && (readsLsr[0]!.value & UART.LSR_DR) !== 0, `ready() must be one LSR read with DR set (op #${i})`);
        expectSame(field(okValue(trace, i + 1), 'byte'), b, `byte #${k}`);
      }
      expectSame(field(okValue(trace, 3 + 2 * bytes.length), 'ready'), false, 'ready() once everything was read');
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.rx.read-bounded',
    title: 'read() on a UART with nothing received gives up with a device error after a bounded spin; a byte fed later is read normally',
    layer: 'serial',
    clauses: ['serial.write.bounded-spin'],
    arbitrary: () => fc.integer({ min: 0, max: 0xff }),
    scenario: (b): Op[] => [{ op: 'init' }, { op: 'read' }, { op: 'feed', bytes: toHex(Uint8Array.of(b)) }, { op: 'read' }],
    check: (b, trace) => {
      mustFail(trace, 1, 'read() with nothing received', ['device']);
      expectSame(field(okValue(trace, 3, 'read() after a byte arrived'), 'byte'), b, 'the byte read');
    },
    runsFactor: 0.01,
  }),
];
