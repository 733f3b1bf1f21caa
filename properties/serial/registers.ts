// The 16550 itself, through raw in/out at COM1: the register map and DLAB banking, the character
// format and divisor, the TX FIFO/holding register (depth, loss when full, FCR clears), LSR and
// IIR, port decoding at COM1's edges, and virtual time. The driver ops never reach most of these
// (init programs one fixed line), so each is probed directly.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import type { Trace } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, must, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { expectSame } from '../nic/support.ts';
import { clockAfter, lineOf, obsRecord, TIME_EPS, UART } from './support.ts';

const R = { RBR: 0, THR: 0, DLL: 0, IER: 1, DLM: 1, IIR: 2, FCR: 2, LCR: 3, MCR: 4, LSR: 5, MSR: 6, SCR: 7 } as const;
const LSR_TEMT = 0x40;
const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
const FCR_CLEAR_TX = 0x04;

const out = (b: number, reg: number, value: number): Op => ({ op: 'out', port: b + reg, width: 1, value });
const inp = (b: number, reg: number): Op => ({ op: 'in', port: b + reg, width: 1 });
const valueAt = (trace: Trace, i: number, what: string): number => field<number>(okValue(trace, i, what), 'value');
const hex8 = (v: number): string => `0x${v.toString(16).padStart(2, '0')}`;

/** [hw] Bit times of one character for LCR bits 0-3: start + 5-8 data + parity + 1 / 1.5 / 2 stop. */
export function bitsPerChar(lcr: number): number {
  const data = 5 + (lcr & 0x03);
  const parity = lcr & 0x08 ? 1 : 0;
  const stop = lcr & 0x04 ? (data === 5 ? 1.5 : 2) : 1;
  return 1 + data + parity + stop;
}
/** [hw] A divisor latch of 0 divides by 2^16. */
const charTime = (lcr: number, divisor: number, clockHz: number): number => bitsPerChar(lcr) / (clockHz / (divisor || 0x10000));

/** LCR values that change the frame (bits 0-5; bit 6 is break, bit 7 DLAB), the 5-bit and parity edges first. */
const lcrFormat = fc.oneof(fc.constantFrom(0x00, 0x04, 0x07, 0x08, 0x0c, 0x0f, 0x03), fc.integer({ min: 0, max: 0x3f }));

export const serialRegisterProperties = [
  defineProperty({
    id: 'serial.uart.registers',
    title: 'through raw in/out: IER keeps bits 0-3, MCR bits 0-4, LCR and SCR read back whole; LSR and MSR ignore writes; DLAB banks DLL/DLM over RBR/THR and IER without touching IER',
    layer: 'serial',
    clauses: ['serial.uart.register-map', 'serial.uart.dlab'],
    arbitrary: () => fc.record({ ier: fc.integer({ min: 0, max: 0xff }), mcr: fc.integer({ min: 0, max: 0xff }), scr: fc.integer({ min: 0, max: 0xff }), lcr: fc.integer({ min: 0, max: 0x7f }), dll: fc.integer({ min: 0, max: 0xff }), dlm: fc.integer({ min: 0, max: 0xff }), junk: fc.integer({ min: 0, max: 0xff }), rx: fc.uint8Array({ minLength: 1, maxLength: 3 }) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        out(b, R.IER, x.ier), // 0
        out(b, R.MCR, x.mcr),
        out(b, R.SCR, x.scr),
        out(b, R.LCR, x.lcr),
        inp(b, R.IER), // 4
        inp(b, R.MCR),
        inp(b, R.SCR),
        inp(b, R.LCR),
        inp(b, R.MSR), // 8
        out(b, R.MSR, x.junk),
        out(b, R.LSR, x.junk),
        out(b, R.SCR, x.scr ^ 0xff),
        inp(b, R.MSR), // 12
        inp(b, R.LSR),
        { op: 'feed', bytes: toHex(x.rx) },
        out(b, R.LCR, x.lcr | UART.LCR_DLAB),
        out(b, R.DLL, x.dll), // 16
        out(b, R.DLM, x.dlm),
        inp(b, R.DLL),
        inp(b, R.DLM),
        inp(b, R.DLL), // 20
        inp(b, R.LSR),
        out(b, R.LCR, x.lcr),
        inp(b, R.IER),
        inp(b, R.RBR), // 24
      ];
    },
    check: (x, trace, _ctx, t) => {
      t.check('serial.uart.register-map', () => {
        expectSame(
          [4, 5, 6, 7].map((i) => hex8(valueAt(trace, i, 'register read'))),
          [x.ier & 0x0f, x.mcr & 0x1f, x.scr, x.lcr].map(hex8),
          `IER, MCR, SCR, LCR read back after writing ${[x.ier, x.mcr, x.scr, x.lcr].map(hex8).join(', ')}`,
        );
        expectSame(hex8(valueAt(trace, 12, 'MSR')), hex8(valueAt(trace, 8, 'MSR')), 'MSR after writes to MSR, LSR and SCR (read-only, not the scratch register)');
        expectSame(hex8(valueAt(trace, 13, 'LSR')), hex8(UART.LSR_THRE | LSR_TEMT), `LSR of an idle UART after writing ${hex8(x.junk)} to it (read-only)`);
      });
      // The DLAB serial hang's cause: with DLAB set, +0 is DLL — a read returns it and consumes
      // nothing while DR stays set, so a `while ready: read` loop never drains.
      t.check('serial.uart.dlab', () => {
        expectSame([18, 19, 20].map((i) => hex8(valueAt(trace, i, 'divisor latch read'))), [x.dll, x.dlm, x.dll].map(hex8), 'DLL, DLM, DLL read back with DLAB set');
        expectSame(hex8(valueAt(trace, 21, 'LSR') & UART.LSR_DR), hex8(UART.LSR_DR), 'LSR DR after reading +0 with DLAB set (no received byte consumed)');
        expectSame(hex8(valueAt(trace, 23, 'IER')), hex8(x.ier & 0x0f), 'IER after writing DLM under DLAB');
        expectSame(hex8(valueAt(trace, 24, 'RBR')), hex8(x.rx[0]!), 'RBR once DLAB is cleared: the first byte fed');
        expectSame(lineOf(trace).length, 0, 'bytes on the line (DLL writes transmit nothing)');
        const u = obsRecord(trace, 'uart');
        expectSame([u['DLL'], u['DLM']].map((v) => hex8(v ?? -1)), [x.dll, x.dlm].map(hex8), 'uart observation DLL, DLM');
      });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.uart.char-format',
    title: 'a character takes start + 5-8 data + parity + 1/1.5/2 stop bits (LCR) at uartClockHz / divisor (0 = 65536); back-to-back bytes end one character time apart, at the format in effect when each was written',
    layer: 'serial',
    clauses: ['serial.uart.char-format'],
    arbitrary: () => fc.record({ divisor: fc.oneof(fc.constant(0), fc.constantFrom(1, 3, 0xffff), fc.integer({ min: 1, max: 0xffff })), f1: lcrFormat, f2: lcrFormat, bytes: fc.uint8Array({ minLength: 3, maxLength: 3 }) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        out(b, R.FCR, FCR_ENABLE),
        out(b, R.LCR, UART.LCR_DLAB),
        out(b, R.DLL, x.divisor & 0xff),
        out(b, R.DLM, x.divisor >>> 8),
        out(b, R.LCR, x.f1),
        out(b, R.THR, x.bytes[0]!),
        out(b, R.THR, x.bytes[1]!),
        out(b, R.LCR, x.f2),
        out(b, R.THR, x.bytes[2]!),
      ];
    },
    check: (x, trace, ctx) => {
      const t1 = charTime(x.f1, x.divisor, ctx.limits.uartClockHz);
      const t2 = charTime(x.f2, x.divisor, ctx.limits.uartClockHz);
      const want = [t1, 2 * t1, 2 * t1 + t2];
      const line = lineOf(trace);
      expectSame(toHex(Uint8Array.from(line.map((l) => l.byte))), toHex(x.bytes), 'bytes on the line');
      for (const [j, l] of line.entries()) {
        must(Math.abs(l.time - want[j]!) <= TIME_EPS * Math.max(1, want[j]!), `byte #${j} ends at ${l.time}s, expected ${want[j]}s (LCR ${hex8(j < 2 ? x.f1 : x.f2)}: ${bitsPerChar(j < 2 ? x.f1 : x.f2)} bit times at divisor ${x.divisor || 65536})`);
      }
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.uart.tx-fifo',
    title: 'with FIFOs on 16 bytes (off: 1) wait behind the byte shifting and further THR writes are lost; FCR bit 2 discards the waiting bytes (THRE set, TEMT clear while one shifts) and the next byte follows the one shifting; TEMT sets when its stop bit ends',
    layer: 'serial',
    clauses: ['serial.uart.tx-fifo', 'serial.uart.lsr-iir'],
    arbitrary: (ctx) => fc.record({ fifo: fc.boolean(), n: fc.oneof(fc.constantFrom(1, 2, 3, ctx.limits.uartFifoBytes + 1, ctx.limits.uartFifoBytes + 2), fc.integer({ min: 1, max: ctx.limits.uartFifoBytes + 4 })) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      const T = charTime(0, 0, ctx.limits.uartClockHz); // reset state: 5N1, divisor latch 0
      const fcr = x.fifo ? FCR_ENABLE : 0;
      return [
        out(b, R.FCR, fcr),
        ...Array.from({ length: x.n }, (_, k) => out(b, R.THR, k)),
        { op: 'advance', seconds: (ctx.limits.uartFifoBytes + 2) * T }, // the line drains
        out(b, R.THR, 0x41),
        out(b, R.THR, 0x42),
        out(b, R.FCR, fcr | FCR_CLEAR_TX),
        inp(b, R.LSR),
        out(b, R.THR, 0xaa),
        { op: 'advance', seconds: 2 * T },
        inp(b, R.LSR),
      ];
    },
    check: (x, trace, ctx, t) => {
      const T = charTime(0, 0, ctx.limits.uartClockHz);
      const held = 1 + (x.fifo ? ctx.limits.uartFifoBytes : 1);
      const line = lineOf(trace);
      const a = 1 + x.n; // the advance; then A, B, the clear, LSR, 0xAA, advance, LSR
      const t0 = clockAfter(trace, a);
      t.check('serial.uart.tx-fifo', () => {
        const sent = line.filter((l) => l.op < a);
        expectSame(sent.length, Math.min(x.n, held), `bytes on the line of ${x.n} back-to-back THR writes (FIFOs ${x.fifo ? 'on' : 'off'}: 1 shifting and ${held - 1} waiting, each later write lost)`);
        const rest = line.filter((l) => l.op > a);
        expectSame(rest.map((l) => hex8(l.byte)), [0x41, 0xaa].map(hex8), 'bytes on the line after 0x41 (shifting) and 0x42 (waiting) were followed by an FCR TX clear and 0xAA');
        must(Math.abs(rest[1]!.time - (t0 + 2 * T)) <= TIME_EPS, `0xAA, written after the clear, ends at ${rest[1]!.time}s, expected ${t0 + 2 * T}s (right after the byte still shifting)`);
      });
      t.check('serial.uart.lsr-iir', () => {
        expectSame(hex8(valueAt(trace, a + 4, 'LSR after the clear')), hex8(UART.LSR_THRE), 'LSR after FCR cleared the TX FIFO while a byte shifts (THRE set, TEMT clear)');
        // TEMT sets the instant the last stop bit ends: judged where the clock stands exactly there.
        const end = line.at(-1)?.time;
        if (end !== undefined && end === clockAfter(trace, a + 6)) expectSame(hex8(valueAt(trace, a + 7, 'LSR at the end')), hex8(UART.LSR_THRE | LSR_TEMT), `LSR the instant the last stop bit ends (${end}s)`);
      });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.uart.fcr-writes',
    title: 'an FCR write discards the waiting TX byte exactly when it sets bit 2 or toggles bit 0, and the unread RX bytes exactly when it sets bit 1 or toggles bit 0; any other FCR write keeps both',
    layer: 'serial',
    clauses: ['serial.uart.tx-fifo'],
    // Every FCR value: the clear bits alone and together, each with and without a toggle of bit 0.
    arbitrary: () => fc.record({ fifo: fc.boolean(), v: fc.oneof(fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xc0, 0xc1, 0xc7, 0xf8, 0xf9, 0xff), fc.integer({ min: 0, max: 0xff })), rx: fc.uint8Array({ minLength: 1, maxLength: 3 }) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        out(b, R.FCR, x.fifo ? FCR_ENABLE : 0),
        { op: 'feed', bytes: toHex(x.rx) },
        out(b, R.THR, 0x41), // shifting
        out(b, R.THR, 0x42), // waiting (fits the holding register as well as the FIFO)
        out(b, R.FCR, x.v),
        { op: 'advance', seconds: 3 * charTime(0, 0, ctx.limits.uartClockHz) }, // the line drains
        inp(b, R.LSR), // 6
        ...[...x.rx].map(() => inp(b, R.RBR)),
      ];
    },
    check: (x, trace, _ctx, t) => {
      const toggled = ((x.fifo ? FCR_ENABLE : 0) ^ x.v) & FCR_ENABLE;
      const rxCleared = (toggled || x.v & FCR_CLEAR_RX) !== 0;
      const txCleared = (toggled || x.v & FCR_CLEAR_TX) !== 0;
      const what = `FCR ${hex8(x.v)} written with FIFOs ${x.fifo ? 'on' : 'off'}${toggled ? ' (bit 0 toggled)' : ''}`;
      // Two checks: the TX half rests on bytes waiting to be sent, which QEMU never has
      // (spec/hardware/qemu.json uart-transmits-at-once); the RX half is judged there too.
      t.check('serial.uart.tx-fifo', () => {
        expectSame(lineOf(trace).map((l) => hex8(l.byte)), (txCleared ? [0x41] : [0x41, 0x42]).map(hex8), `bytes on the line after 0x41 (shifting) and 0x42 (waiting), then ${what}`);
      });
      t.check('serial.uart.tx-fifo', () => {
        expectSame(hex8(valueAt(trace, 6, 'LSR') & UART.LSR_DR), hex8(rxCleared ? 0 : UART.LSR_DR), `LSR DR with ${x.rx.length} bytes received before ${what}`);
        if (!rxCleared) expectSame([...x.rx.keys()].map((k) => hex8(valueAt(trace, 7 + k, `RBR #${k}`))), [...x.rx].map(hex8), `RBR reads after ${what} (the bytes received before it)`);
      });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.uart.rbr-empty-read',
    title: 'RBR reads with nothing received lose nothing: bytes fed afterwards set DR and read back in order, after which DR clears',
    layer: 'serial',
    clauses: ['serial.uart.rx-no-overrun'],
    arbitrary: () => fc.record({ empties: fc.integer({ min: 1, max: 3 }), rx: fc.uint8Array({ minLength: 1, maxLength: 3 }) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      // The value an empty RBR read returns is not settled (the last byte on a 16450, 0 from
      // QEMU's FIFO), so only what follows is judged.
      return [...Array.from({ length: x.empties }, () => inp(b, R.RBR)), { op: 'feed', bytes: toHex(x.rx) }, inp(b, R.LSR), ...[...x.rx].map(() => inp(b, R.RBR)), inp(b, R.LSR)];
    },
    check: (x, trace, _ctx, t) => {
      const lsr = x.empties + 1;
      const what = `${x.rx.length} bytes fed after ${x.empties} RBR reads with nothing received`;
      t.check('serial.uart.rx-no-overrun', () => {
        expectSame(hex8(valueAt(trace, lsr, 'LSR') & UART.LSR_DR), hex8(UART.LSR_DR), `LSR DR with ${what}`);
        expectSame([...x.rx.keys()].map((k) => hex8(valueAt(trace, lsr + 1 + k, `RBR #${k}`))), [...x.rx].map(hex8), `RBR reads of ${what}`);
        expectSame(hex8(valueAt(trace, lsr + 1 + x.rx.length, 'LSR at the end') & UART.LSR_DR), hex8(0), `LSR DR once the ${what} are read`);
      });
    },
    runsFactor: 0.2,
  }),
  defineProperty({
    id: 'serial.uart.lsr-iir',
    title: 'LSR DR/THRE/TEMT and IIR (0x04 data ready if IER bit 0, else 0x02 THR empty if IER bit 1, else 0x01; bits 6-7 with FIFOs on) for every IER, with and without received and waiting bytes; FCR bit 1 empties RX',
    layer: 'serial',
    clauses: ['serial.uart.lsr-iir', 'serial.uart.tx-fifo'],
    arbitrary: () => fc.record({ ier: fc.integer({ min: 0, max: 0x0f }), fifo: fc.boolean(), rx: fc.uint8Array({ maxLength: 3 }), tx: fc.integer({ min: 0, max: 2 }) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        out(b, R.FCR, x.fifo ? FCR_ENABLE : 0),
        out(b, R.IER, x.ier),
        { op: 'feed', bytes: toHex(x.rx) },
        ...Array.from({ length: x.tx }, (_, k) => out(b, R.THR, 0x41 + k)),
        inp(b, R.IIR),
        inp(b, R.LSR),
        out(b, R.FCR, (x.fifo ? FCR_ENABLE : 0) | FCR_CLEAR_RX),
        inp(b, R.LSR),
      ];
    },
    check: (x, trace, _ctx, t) => {
      const i = 3 + x.tx;
      const dr = x.rx.length > 0;
      const thre = x.tx < 2;
      const lsr = (dr ? UART.LSR_DR : 0) | (thre ? UART.LSR_THRE : 0) | (x.tx === 0 ? LSR_TEMT : 0);
      const iir = (x.fifo ? 0xc0 : 0) | (x.ier & 1 && dr ? 0x04 : x.ier & 2 && thre ? 0x02 : 0x01);
      const state = `IER ${hex8(x.ier)}, FIFOs ${x.fifo ? 'on' : 'off'}, ${x.rx.length} bytes received, ${x.tx} written`;
      t.check('serial.uart.lsr-iir', () => {
        expectSame(hex8(valueAt(trace, i, 'IIR')), hex8(iir), `IIR (${state})`);
        expectSame(hex8(valueAt(trace, i + 1, 'LSR')), hex8(lsr), `LSR (${state})`);
      });
      if (dr) t.check('serial.uart.tx-fifo', () => expectSame(hex8(valueAt(trace, i + 3, 'LSR') & UART.LSR_DR), hex8(0), `LSR DR after FCR bit 1 (${state})`));
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'serial.uart.port-decoding',
    title: 'byte k of a 16/32-bit access is port + k’s: inside COM1 each byte reaches its register; one straddling COM1’s edge is split, the UART sees its bytes at their ports, the ports beyond read 0xFF and lose writes',
    layer: 'serial',
    clauses: ['serial.uart.port-decoding'],
    arbitrary: () => fc.record({ v: fc.integer({ min: 0, max: 0xffffffff }), w: fc.integer({ min: 0, max: 0xffff }) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        out(b, R.LCR, UART.LCR_DLAB),
        { op: 'out', port: b - 2, width: 4, value: x.v }, // bytes 2, 3 land in DLL, DLM
        inp(b, R.DLL),
        inp(b, R.DLM),
        { op: 'in', port: b - 2, width: 4 },
        out(b, R.LCR, 0),
        { op: 'out', port: b + R.SCR, width: 2, value: x.w }, // byte 0 lands in SCR
        inp(b, R.SCR),
        { op: 'in', port: b + R.SCR, width: 2 },
        inp(b, R.IIR),
        { op: 'out', port: b + R.MCR, width: 4, value: x.v }, // 10: MCR, LSR, MSR, SCR
        inp(b, R.MCR),
        inp(b, R.SCR),
        out(b, R.LCR, UART.LCR_DLAB),
        { op: 'out', port: b + R.DLL, width: 2, value: x.w }, // 14: DLL, DLM
        inp(b, R.DLL),
        inp(b, R.DLM),
        { op: 'in', port: b + R.DLL, width: 2 },
      ];
    },
    check: (x, trace) => {
      expectSame([11, 12].map((i) => hex8(valueAt(trace, i, 'MCR, SCR'))), [x.v & 0x1f, x.v >>> 24].map(hex8), `MCR (bits 0-4) and SCR after a 32-bit write of 0x${x.v.toString(16)} at COM1 + 4 (bytes 1, 2 at the read-only LSR, MSR)`);
      expectSame([15, 16].map((i) => hex8(valueAt(trace, i, 'DLL, DLM'))), [x.w & 0xff, x.w >>> 8].map(hex8), `DLL, DLM after a 16-bit write of 0x${x.w.toString(16)} at COM1 with DLAB set`);
      expectSame(valueAt(trace, 17, '16-bit read at COM1 with DLAB set').toString(16), x.w.toString(16), '16-bit read of DLL, DLM');
      const dll = (x.v >>> 16) & 0xff;
      const dlm = x.v >>> 24;
      expectSame([2, 3].map((i) => hex8(valueAt(trace, i, 'divisor latch'))), [dll, dlm].map(hex8), `DLL, DLM after a 32-bit write of 0x${x.v.toString(16)} at COM1 - 2`);
      expectSame(valueAt(trace, 4, '32-bit read at COM1 - 2').toString(16), (((dlm << 24) | (dll << 16) | 0xffff) >>> 0).toString(16), '32-bit read at COM1 - 2 (two unmapped bytes, then DLL, DLM)');
      expectSame(hex8(valueAt(trace, 7, 'SCR')), hex8(x.w & 0xff), `SCR after a 16-bit write of 0x${x.w.toString(16)} at COM1 + 7`);
      expectSame(valueAt(trace, 8, '16-bit read at COM1 + 7').toString(16), (0xff00 | (x.w & 0xff)).toString(16), '16-bit read at COM1 + 7 (SCR, then an unmapped byte)');
      expectSame(hex8(valueAt(trace, 9, 'IIR')), hex8(0x01), 'IIR (the straddling writes reached no other register: FCR untouched)');
    },
    runsFactor: 0.2,
  }),
  defineProperty({
    id: 'serial.clock.virtual',
    title: 'virtual time moves only on advance (by exactly its seconds) and on LSR reads that see THRE clear; reads of every other register leave the clock alone',
    layer: 'serial',
    clauses: ['serial.clock.virtual'],
    arbitrary: () => fc.record({ seconds: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10, noNaN: true })), reg: fc.constantFrom(R.IER, R.IIR, R.LCR, R.MCR, R.MSR, R.SCR), width: fc.constantFrom<1 | 2>(1, 2) }),
    scenario: (x, ctx): Op[] => {
      const b = ctx.defaults.comBase;
      return [
        out(b, R.FCR, FCR_ENABLE),
        out(b, R.THR, 1),
        out(b, R.THR, 2),
        out(b, R.THR, 3),
        // A 16-bit read at MCR would cover LSR: only registers below it, or single bytes.
        { op: 'in', port: b + x.reg, width: x.reg === R.MCR || x.reg === R.SCR ? 1 : x.width },
        { op: 'advance', seconds: x.seconds },
      ];
    },
    check: (x, trace) => {
      const before = clockAfter(trace, 3);
      expectSame(clockAfter(trace, 4), before, `clock after reading register +${x.reg} with bytes waiting to be sent`);
      const now = field<number>(okValue(trace, 5, 'advance'), 'now');
      must(Math.abs(now - (before + x.seconds)) <= TIME_EPS, `advance(${x.seconds}) from ${before}s answered now = ${now}s`);
      must(Math.abs(clockAfter(trace, 5) - now) <= TIME_EPS, `clock after advance: ${clockAfter(trace, 5)}s, its answer said ${now}s`);
    },
    runsFactor: 0.2,
  }),
];
