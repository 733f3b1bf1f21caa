// The serial layer's receive side: the SLIP receive loop over the UART (datagrams split across
// polls, up to the 4 KiB decoded limit), decode errors, ready()/read() and read's bounded spin.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { errorKind, field, must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { specialBiasedBytes } from '../arbitraries.ts';
import { overBy, rxDatagrams } from './arbitraries.ts';
import { SLIP } from '../oracles.ts';
import { expectSame } from '../nic/support.ts';
import { chunked, type IoObs, ioOfOp, itemBytes, obsArray, obsRecord, rxOps, SPECIALS, UART } from './support.ts';

export const serialReceiveProperties = [
  defineProperty({
    id: 'serial.slip.receive-loop',
    title: 'the receive loop drains the UART through one persistent decoder: datagrams of any size up to the 4 KiB SLIP buffer, split anywhere across polls, come out whole, in order, when their closing END arrives',
    layer: 'serial',
    clauses: ['serial.slip.receive-loop', 'serial.uart.rx-no-overrun'],
    // Short datagrams, and now and then one between the Ethernet MTU and the 4 KiB SLIP buffer.
    arbitrary: (ctx) => fc.record({ datagrams: rxDatagrams(ctx), cuts: fc.array(fc.nat(), { maxLength: 6 }) }),
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
    arbitrary: (ctx) =>
      fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.record({ kind: fc.constant('good' as const), datagram: specialBiasedBytes(1, 60, SPECIALS), bad: fc.constant(0) }) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('bad-escape' as const), datagram: specialBiasedBytes(1, 60, SPECIALS), bad: fc.integer({ min: 0, max: 0xff }).filter((b) => b !== SLIP.ESC_END && b !== SLIP.ESC_ESC && b !== SLIP.END) }) },
          // Over the buffer by one byte, two, a few or thousands (decoded size).
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('too-long' as const), fill: fc.integer({ min: 0, max: 0xbf }), over: overBy(ctx) }) },
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
