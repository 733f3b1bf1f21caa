// The serial layer: COM1 init, the THRE-spinning writer and its line timing, ipv4::send_packet
// over SLIP (line bytes, the 4 KiB limit, the silent-loss hazard); the receive side is receive.ts.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { errorKind, field, must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { rfc1055Encode, SLIP } from '../oracles.ts';
import { expectSame } from '../nic/support.ts';
import { encodingAroundLimit } from './arbitraries.ts';
import { serialReceiveProperties } from './receive.ts';
import { serialRegisterProperties } from './registers.ts';
import { clockAfter, lineConfig, namedWrites, writesWithoutThre, type NamedWrite, datagram, hexOf, ioOfOp, lineOf, lineOfOp, obsRecord, sizedDatagram, TIME_EPS, timedOps, UART } from './support.ts';

// ------------------------------------------------------------------ properties

/** Sent after a datagram at the SLIP limit: short, with both specials (END, ESC). */
const NEXT_DATAGRAM = Uint8Array.of(0x45, 0, SLIP.END, 1, SLIP.ESC);

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
    // Each clause reads the values its statement names: the order of the registers written, the
    // divisor latch, LCR (8N1), and FCR/MCR/IER; one wrong value fails its own clause only.
    check: (pre, trace, ctx, t) => {
      const b = ctx.defaults.comBase;
      const div = ctx.limits.serialDivisor;
      const i = pre.length;
      const writes = (): NamedWrite[] => {
        okValue(trace, i, 'serial init');
        return namedWrites(ioOfOp(trace, i), b);
      };
      const last = (reg: string): number | undefined => writes().filter((w) => w.reg === reg).at(-1)?.value;
      const back = (k: number, what: string): number => field<number>(okValue(trace, i + k, `${what} read back`), 'value');
      t.check('serial.init.order', () => {
        const w = writes();
        expectSame(w.map((x) => `${x.reg}/${x.width}`), ['IER', 'LCR', 'DLL', 'DLM', 'LCR', 'FCR', 'MCR'].map((r) => `${r}/1`), 'registers init writes, in order (register/width)');
        expectSame(w[1]?.value, UART.LCR_DLAB, 'the first LCR write (DLAB, to reach the divisor latch)');
      });
      t.check('serial.init.divisor', () => {
        expectSame([last('DLL'), last('DLM')], [div & 0xff, div >>> 8], 'DLL, DLM written by init');
        const u = obsRecord(trace, 'uart');
        const latch = ((u['DLM'] ?? 0) << 8) | (u['DLL'] ?? 0);
        expectSame(latch, div, 'divisor latch after init');
        expectSame(ctx.limits.uartClockHz / latch, ctx.limits.serialBaud, 'baud rate from the divisor');
        expectSame([back(6, 'DLL'), back(7, 'DLM')], [div & 0xff, div >>> 8], 'DLL, DLM read back through the ports');
      });
      t.check('serial.init.8n1', () => {
        expectSame(last('LCR'), UART.LCR_8N1, 'the last LCR write of init');
        expectSame(obsRecord(trace, 'uart')['LCR'], UART.LCR_8N1, 'LCR after init');
        expectSame(back(1, 'LCR'), UART.LCR_8N1, 'LCR read back through its port');
      });
      t.check('serial.init.fifo', () => {
        expectSame([last('FCR'), last('MCR'), last('IER')], [UART.FCR_INIT, UART.MCR_INIT, 0], 'FCR, MCR, IER written by init');
        const u = obsRecord(trace, 'uart');
        expectSame([u['MCR'], u['IER'], (u['FCR'] ?? 0) & UART.FCR_ON_TRIGGER14], [UART.MCR_INIT, 0, UART.FCR_ON_TRIGGER14], 'MCR, IER, FCR (enable + 14-byte trigger) after init');
        // IIR: bits 6-7 set while the FIFOs are on; bit 0 set = no interrupt pending (IER is 0).
        expectSame([back(2, 'MCR'), back(3, 'IER'), back(4, 'IIR')], [UART.MCR_INIT, 0, 0xc1], 'MCR, IER, IIR read back through the ports');
      });
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
    check: (x, trace, ctx) => {
      const enc = rfc1055Encode(x.datagram);
      expectSame(field(okValue(trace, 4, 'ready after the second init'), 'ready'), false, 'ready() once init cleared the receive FIFO');
      // The THRE-spinning writer returns with the last byte waiting behind the one shifting
      // (a writer that did not spin left other bytes waiting: serial.write.thre's to report).
      if (writesWithoutThre(ioOfOp(trace, 2), ctx.defaults.comBase).length > 0) return;
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
    // Each datagram is its own case for both clauses: its bytes on the line and in THR, and the
    // THRE poll before each THR write.
    check: (sends, trace, ctx, t) => {
      const base = ctx.defaults.comBase;
      for (const [k, s] of sends.entries()) {
        const i = 2 + 2 * k;
        const enc = toHex(rfc1055Encode(s.datagram));
        t.check('serial.slip.line-bytes', () => {
          expectSame(field(okValue(trace, i, `send_packet of ${s.datagram.length} bytes`), 'encodedBytes'), enc.length / 2, `encoded size of datagram #${k}`);
          expectSame(hexOf(lineOfOp(trace, i)), enc, `line bytes of datagram #${k} (${s.datagram.length} bytes)`);
          const thr = ioOfOp(trace, i).filter((a) => a.dir === 'out' && a.port === base + UART.THR);
          expectSame(toHex(Uint8Array.from(thr.map((a) => a.value))), enc, `THR writes of datagram #${k}`);
        });
        const io = ioOfOp(trace, i);
        if (io.some((a) => a.dir === 'out' && a.port === base + UART.THR)) {
          t.check('serial.write.thre', () => {
            const bad = writesWithoutThre(io, base);
            must(bad.length === 0, `THR write #${bad[0]} of datagram #${k} not right after an LSR read showing THRE (${bad.length} such writes)`);
          });
        }
      }
      t.check('serial.slip.line-bytes', () => expectSame(hexOf(lineOf(trace)), sends.map((s) => toHex(rfc1055Encode(s.datagram))).join(''), 'the whole line'));
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
    // The clause's 10 / 38 400 s splits into its parts: serial.line.timing is the clocking (each
    // byte ends one character time after the previous one, or after the start on an idle line)
    // at the line the UART was configured for; serial.init.8n1 is the 10 bits a character takes
    // at that baud; the 38 400 baud itself is serial.init.divisor's (serial.init.sequence). So a
    // wrong divisor or word length fails its own clause, not the clocking.
    check: (sends, trace, ctx, t) => {
      const base = ctx.defaults.comBase;
      const { baud, byteTime: T } = lineConfig(trace, ctx.limits.uartClockHz);
      const all = lineOf(trace);
      for (const k of sends.keys()) {
        const i = 2 + 2 * k;
        const line = lineOfOp(trace, i);
        const t0 = clockAfter(trace, i - 1);
        const before = all.filter((l) => l.op < i);
        if (line.length > 0) {
          t.check('serial.line.timing', () => {
            let prev = Math.max(t0, before.at(-1)?.time ?? 0);
            for (const [j, b] of line.entries()) {
              const want = prev + T;
              must(Math.abs(b.time - want) <= TIME_EPS, `byte #${j} of datagram #${k} ends at ${b.time}s, expected ${want}s (${j === 0 ? 'start' : 'previous byte'} + one character time, ${T}s, at the configured line)`);
              prev = b.time;
            }
          });
        }
        if (line.length > 1) {
          t.check('serial.init.8n1', () => {
            for (let j = 1; j < line.length; j++) {
              const bits = (line[j]!.time - line[j - 1]!.time) * baud;
              must(Math.abs(bits - ctx.limits.serialBitsPerByte) <= 1e-6, `bytes #${j - 1} and #${j} of datagram #${k}, written back to back, end ${bits} bit times apart at ${baud} baud (expected ${ctx.limits.serialBitsPerByte}: 8N1)`);
            }
          });
        }
        // The spin's clock rule is about a writer that spins on THRE: judged only where it did.
        const io = ioOfOp(trace, i);
        const writes = io.filter((a) => a.dir === 'out' && a.port === base + UART.THR).length;
        if (writes > 0 && writesWithoutThre(io, base).length === 0) {
          t.check('serial.uart.thre-spin-time', () => {
            const beforeLast = [...before, ...line].at(-2)?.time;
            const wantClock = Math.max(t0, beforeLast === undefined ? t0 : beforeLast - T);
            must(Math.abs(clockAfter(trace, i) - wantClock) <= TIME_EPS, `clock after datagram #${k}: ${clockAfter(trace, i)}s, expected ${wantClock}s (the THRE spin stops when the last byte's predecessor starts shifting)`);
            const polls = io.filter((a) => a.dir === 'in' && a.port === base + UART.LSR).length;
            must(polls <= 2 * writes, `${polls} LSR polls for ${writes} bytes (at most two per byte)`);
          });
        }
      }
    },
  }),
  defineProperty({
    id: 'serial.slip.oversize',
    title: 'a datagram whose SLIP encoding exceeds the 4 KiB buffer (by one byte or by thousands) is refused too-large with nothing on the line; one whose encoding is exactly 4 KiB or just under goes out whole; the next datagram goes out normally',
    layer: 'serial',
    clauses: ['serial.slip.oversize-nothing-sent', 'serial.slip.line-bytes'],
    arbitrary: (ctx) => fc.noShrink(encodingAroundLimit(ctx)),
    scenario: ({ datagram }): Op[] => [
      { op: 'init' },
      { op: 'send-packet', datagram: toHex(datagram) },
      { op: 'send-packet', datagram: toHex(NEXT_DATAGRAM) },
    ],
    // Both sides of the limit: over it nothing is sent (the refusal's clause), at or under it
    // the whole encoding is (line-bytes': what must be accepted).
    check: ({ size, datagram }, trace, ctx, t) => {
      const enc = rfc1055Encode(datagram);
      const what = `send_packet of a ${datagram.length}-byte datagram encoding to ${enc.length} bytes (${size.rel} the ${ctx.limits.slipBufferBytes}-byte buffer)`;
      const thr = ioOfOp(trace, 1).filter((a) => a.dir === 'out' && a.port === ctx.defaults.comBase + UART.THR).length;
      if (!size.fits) {
        t.check('serial.slip.oversize-nothing-sent', () => {
          mustFail(trace, 1, what, ['too-large']);
          expectSame(lineOfOp(trace, 1).length, 0, `line bytes of the refused ${what}`);
          expectSame(thr, 0, `THR writes for the refused ${what}`);
        });
      } else {
        t.check('serial.slip.line-bytes', () => {
          expectSame(field(okValue(trace, 1, what), 'encodedBytes'), enc.length, `encoded size of the ${what}`);
          must(hexOf(lineOfOp(trace, 1)) === toHex(enc), `${what}: the line must carry exactly its SLIP encoding (got ${lineOfOp(trace, 1).length} bytes)`);
        });
      }
      t.check('serial.slip.line-bytes', () => expectSame(hexOf(lineOfOp(trace, 2)), toHex(rfc1055Encode(NEXT_DATAGRAM)), 'line bytes of the next datagram'));
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
      // An unsupported send shows nothing about the hazard (Unsupported: not observed).
      if (r && !r.ok) errorKind(r, 'send_packet');
      const line = hexOf(lineOfOp(trace, 1));
      must(
        line === toHex(rfc1055Encode(d)),
        `a ${d.length}-byte datagram (${specials} END/ESC bytes) never reached the line${r && !r.ok ? ` — send_packet's ${r.error.kind} error is its only trace, and the kernel discards it (syscall 0x34/0x01 returns Okay)` : ''}`,
      );
    },
    runsFactor: 0.1,
  }),
  ...serialReceiveProperties,
  ...serialRegisterProperties,
];
