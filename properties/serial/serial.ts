// The serial layer: COM1 init, the THRE-spinning writer and its line timing, ipv4::send_packet
// over SLIP (line bytes, the 4 KiB limit, the silent-loss hazard), and the receive loop.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { errorKind, field, must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { specialBiasedBytes } from '../arbitraries.ts';
import { rfc1055Encode, SLIP } from '../oracles.ts';
import { expectSame } from '../nic/support.ts';
import { chunked, clockAfter, lineConfig, namedWrites, writesWithoutThre, type IoObs, type NamedWrite, datagram, datagramEncodingTo, hexOf, ioOfOp, itemBytes, lineOf, lineOfOp, obsArray, obsRecord, rxOps, sizedDatagram, SPECIALS, TIME_EPS, timedOps, UART } from './support.ts';

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
  defineProperty({
    id: 'serial.slip.receive-loop',
    title: 'the receive loop drains the UART through one persistent decoder: datagrams split anywhere across polls come out whole, in order, when their closing END arrives',
    layer: 'serial',
    clauses: ['serial.slip.receive-loop', 'serial.uart.rx-no-overrun'],
    arbitrary: () => fc.record({ datagrams: fc.array(specialBiasedBytes(1, 120, SPECIALS), { minLength: 1, maxLength: 5 }), cuts: fc.array(fc.nat(), { maxLength: 6 }) }),
    scenario: (x) => rxOps(x),
    // Per poll, in order (the decoder persists: once one poll is wrong every later one differs):
    // first the UART's side (the bytes fed come out of RBR as fed, DR set while any is unread),
    // then the loop's (it drained them all and handed out the datagrams completed so far).
    check: (x, trace, ctx, t) => {
      const base = ctx.defaults.comBase;
      const { chunks, ends } = chunked(x.datagrams, x.cuts);
      let fed = 0;
      let next = 0;
      for (const [c, chunk] of chunks.entries()) {
        const i = 2 + 3 * c;
        fed += chunk.length;
        const due: string[] = [];
        while (next < ends.length && ends[next]! < fed) due.push(toHex(x.datagrams[next++]!));
        const io = ioOfOp(trace, i);
        const rbr = io.filter((a) => a.dir === 'in' && a.port === base + UART.THR).map((a) => a.value);
        t.step('serial.uart.rx-no-overrun', () => {
          expectSame(rbr, [...chunk.subarray(0, rbr.length)], `bytes read from RBR during poll #${c} (expected the bytes fed, in order)`);
          const lsr = io.filter((a) => a.dir === 'in' && a.port === base + UART.LSR).at(-1);
          must(rbr.length >= chunk.length || lsr === undefined || (lsr.value & UART.LSR_DR) !== 0, `the UART showed no data (LSR DR clear) after ${rbr.length} of the ${chunk.length} bytes fed before poll #${c}`);
        });
        t.step('serial.slip.receive-loop', () => {
          expectSame(rbr.length, chunk.length, `bytes the receive loop drained in poll #${c}`);
          expectSame(field(okValue(trace, i, 'receive'), 'datagrams'), due, `datagrams handed out after ${fed} of the stream's bytes (poll #${c})`);
          expectSame(field(okValue(trace, i + 1, 'ready'), 'ready'), false, `ready() after the receive loop drained poll #${c}`);
        });
      }
      t.check('serial.slip.receive-loop', () => expectSame(obsArray<{ datagram: string }>(trace, 'delivered').map((d) => d.datagram), x.datagrams.map((d) => toHex(d)), 'observations.delivered'));
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
    // serial.ready.dr is the driver's rule (ready() is one LSR read's DR bit, read() returns
    // RBR), judged op by op against the port reads; serial.uart.rx-no-overrun is the UART's
    // (every fed byte is held, DR set while any is unread).
    check: (bytes, trace, ctx, t) => {
      const base = ctx.defaults.comBase;
      const inputs = (i: number, reg: number): IoObs[] => ioOfOp(trace, i).filter((a) => a.dir === 'in' && a.port === base + reg);
      const readyOps = [1, ...[...bytes].map((_, k) => 3 + 2 * k), 3 + 2 * bytes.length];
      for (const i of readyOps) {
        t.check('serial.ready.dr', () => {
          const ready = field<boolean>(okValue(trace, i, 'ready'), 'ready');
          const lsr = inputs(i, UART.LSR);
          must(lsr.length === 1, `ready() (op #${i}) must be one LSR read, made ${lsr.length}`);
          expectSame(ready, (lsr[0]!.value & UART.LSR_DR) !== 0, `ready() (op #${i}) against the DR bit of its LSR read (0x${lsr[0]!.value.toString(16)})`);
        });
      }
      for (const k of bytes.keys()) {
        const i = 4 + 2 * k;
        const r = trace.results[i];
        // A read that found nothing waiting has no RBR value to return (that is the UART's
        // clause); an unsupported one fails this clause as declared but unsupported.
        if (r && !r.ok) {
          if (r.error.kind === 'unsupported-op') t.check('serial.ready.dr', () => errorKind(r, 'read'));
          continue;
        }
        t.check('serial.ready.dr', () => {
          const rbr = inputs(i, UART.THR).at(-1);
          must(rbr !== undefined, `read() (op #${i}) returned a byte without reading RBR`);
          expectSame(field(okValue(trace, i, 'read'), 'byte'), rbr.value, `read() (op #${i}) against its RBR read`);
        });
      }
      t.check('serial.uart.rx-no-overrun', () => {
        expectSame(readyOps.map((i) => field(okValue(trace, i, 'ready'), 'ready')), [false, ...[...bytes].map(() => true), false], `ready() before the feed, before each of the ${bytes.length} reads, and after them`);
        expectSame([...bytes.keys()].map((k) => field(okValue(trace, 4 + 2 * k, `read #${k}`), 'byte')), [...bytes], `the ${bytes.length} bytes read (expected those fed, in order)`);
      });
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
