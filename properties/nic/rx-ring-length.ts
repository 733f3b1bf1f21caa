// RCR.RBLEN: the ring is 8 KiB << RBLEN (8, 16, 32, 64 KiB). For every RBLEN in one case, the
// chip (no driver polls) takes frames one after the other until the next no longer fits: the
// write offset runs on past 8 KiB for RBLEN > 0, and the refusal comes at that ring's free space.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { everyValue } from '../arbitraries.ts';
import { rxLength } from './arbitraries.ts';
import { NIC, RingModel, expectSame, footprint, injectValue, patterned, registerValue } from './support.ts';

/** RCR bits 11-12 (spec-notes §6). */
const RBLEN_SHIFT = 11;
const RBLEN_BITS = 2;

interface LengthInput {
  length: number;
  seed: number;
}

const ringOf = (ctx: PropertyContext, rblen: number): number => ctx.limits.rxRingBytes << rblen;
/** Frames one RBLEN's ring takes before one is refused, and that one. */
const framesFor = (ctx: PropertyContext, rblen: number, length: number): number => Math.floor(ringOf(ctx, rblen) / footprint(length)) + 1;

const lengthOps = (x: LengthInput, ctx: PropertyContext): Op[] =>
  everyValue(RBLEN_BITS).flatMap((rblen): Op[] => [
    { op: 'init' },
    { op: 'write-register', name: 'RCR', value: NIC.INIT_RCR | (rblen << RBLEN_SHIFT) },
    ...Array.from({ length: framesFor(ctx, rblen, x.length) }, (_, k): Op => ({ op: 'inject', frame: toHex(patterned(x.length, x.seed + k)) })),
    { op: 'read-register', name: 'CBR' },
  ]);

export const nicRingLengthProperties = [
  defineProperty({
    id: 'nic.rx.ring-length',
    title: 'with RCR.RBLEN = 0..3 the ring is 8, 16, 32 or 64 KiB: frames are written one after the other up to that ring’s free space (the write offset passing 8 KiB when RBLEN > 0), and the next is refused',
    layer: 'nic',
    clauses: ['nic.rx.align', 'nic.rx.ring-full'],
    // Long frames (few per ring): the Ethernet maximum up to the chip's 4092 bytes.
    arbitrary: (ctx) => fc.record({ length: rxLength(ctx, ctx.limits.maxEthernetFrame, NIC.MAX_WRITTEN), seed: fc.nat({ max: 0xffff }) }),
    scenario: (x, ctx) => lengthOps(x, ctx),
    check: (x, trace, ctx, t) => {
      let i = 0;
      for (const rblen of everyValue(RBLEN_BITS)) {
        const size = ringOf(ctx, rblen);
        const ring = new RingModel(size, ctx.limits.minRxFrame);
        const what = `RBLEN ${rblen} (a ${size}-byte ring)`;
        const init = i;
        t.step('nic.rx.align', () => {
          okValue(trace, init, 'init');
          okValue(trace, init + 1, `RCR <- 0x${(NIC.INIT_RCR | (rblen << RBLEN_SHIFT)).toString(16)}`);
        });
        i += 2;
        for (let k = 0; k < framesFor(ctx, rblen, x.length); k++, i++) {
          const at = i;
          const free = ring.free();
          const want = ring.inject(toHex(patterned(x.length, x.seed + k)));
          t.step('nic.rx.ring-full', () => expectSame(injectValue(trace, at).accepted, want.accepted, `${what}: frame #${k} (${x.length} bytes, ${free} bytes free): accepted`));
          if (want.accepted) t.step('nic.rx.align', () => expectSame(injectValue(trace, at), want, `${what}: frame #${k} written at the write offset`));
        }
        const cbr = i++;
        t.step('nic.rx.align', () => expectSame(registerValue(trace, cbr, 'CBR'), ring.cbr, `${what}: CBR after the ring was filled`));
      }
    },
    runsFactor: 0.1,
  }),
];
