// The chip's address filter: RE, the RCR address classes, the MAR0-7 multicast hash, and the
// class bits in the header status (nic.rx.rx-enabled, nic.rx.status-class-bits).
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { must } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { align4, multicastHashIndex } from '../oracles.ts';
import { NIC, expectSame, frameHex, frameSpec, injectValue, patterned, peekBytes, registerValue, u16le, type FrameSpec } from './support.ts';
import { lazy, peekAll } from './rx-checks.ts';
import { uintBits } from '../arbitraries.ts';

/** RCR's fields below bit 16 (accept bits, WRAP, MXDMA, RBLEN, RXFTH: spec-notes §6). */
const RCR_LOW_BITS = 16;

type Cls = 'broadcast' | 'mine' | 'multicast' | 'other';
interface FilterInput {
  mar: number[];
  rcr: number;
  rxEnabled: boolean;
  mac: string;
  frames: { cls: Cls; body: FrameSpec }[];
}

function dstFor(cls: Cls, mac: string, seed: number): string {
  const r = patterned(6, seed);
  if (cls === 'broadcast') return 'ffffffffffff';
  if (cls === 'mine') return mac;
  if (cls === 'multicast') {
    const m = toHex(Uint8Array.from([r[0]! | 1, ...r.subarray(1)]));
    return m === 'ffffffffffff' ? '01005e000001' : m;
  }
  // Half the time a near miss: the station address with one byte changed (a match needs all six).
  const m = Uint8Array.from(Buffer.from(mac, 'hex'));
  if (seed % 2 === 1 && !((m[0] ?? 0) & 1)) {
    const k = (seed >>> 1) % 6;
    m[k] = (m[k] ?? 0) ^ 0x80;
    return toHex(m);
  }
  const u = toHex(Uint8Array.from([r[0]! & 0xfe, ...r.subarray(1)]));
  return u === mac ? (mac === '020000000001' ? '020000000002' : '020000000001') : u;
}

const filterFrames = (f: FilterInput): string[] => f.frames.map((x) => dstFor(x.cls, f.mac, x.body.seed) + frameHex(x.body));

/** Ops before the frames: a frame before init (RE clear), init, RCR, CR, MAR0-7 written and read back. */
const FILTER_PROLOGUE = 4 + 2 * 8;

const filterOps = (f: FilterInput, ctx: PropertyContext): Op[] => [
  { op: 'setup', mac: f.mac },
  { op: 'inject', frame: filterFrames(f)[0]! },
  { op: 'init' },
  { op: 'write-register', name: 'RCR', value: f.rcr },
  { op: 'write-register', name: 'CR', value: f.rxEnabled ? NIC.CR_RE | NIC.CR_TE : NIC.CR_TE },
  ...marOps(f.mar),
  ...filterFrames(f).map((frame): Op => ({ op: 'inject', frame })),
  peekAll(ctx),
];

/** The multicast hash filter, written after init (whose reset does not concern it here) and read back. */
const marOps = (mar: number[]): Op[] => [
  ...mar.map((v, k): Op => ({ op: 'write-register', name: `MAR${k}`, value: v })),
  ...mar.map((_, k): Op => ({ op: 'read-register', name: `MAR${k}` })),
];

/** Whether MAR0-7 has the bit its hash selects for a multicast destination (nic.rx.status-class-bits). */
const marHit = (mar: number[], dst: Uint8Array): boolean => {
  const idx = multicastHashIndex(dst);
  return (((mar[idx >> 3] ?? 0) >> (idx & 7)) & 1) === 1;
};

/** Expected header status for a frame under an RCR and MAR0-7, or undefined when the filter refuses it. */
function filterStatus(rcr: number, mar: number[], cls: Cls, frame: Uint8Array): number | undefined {
  if (rcr & NIC.RCR_AAP) return NIC.STATUS_ROK;
  if (cls === 'broadcast') return rcr & NIC.RCR_AB ? NIC.STATUS_ROK | NIC.STATUS_BAR : undefined;
  if (cls === 'multicast') return rcr & NIC.RCR_AM && marHit(mar, frame.subarray(0, 6)) ? NIC.STATUS_ROK | NIC.STATUS_MAR : undefined;
  if (cls === 'mine') return rcr & NIC.RCR_APM ? NIC.STATUS_ROK | NIC.STATUS_PAM : undefined;
  return undefined;
}

export const nicRxFilterProperties = [
  defineProperty({
    id: 'nic.rx.address-filter',
    title: 'with RE set the chip takes a frame iff RCR accepts its address class (multicast only if its MAR0-7 hash bit is set); promiscuous frames carry ROK alone, filtered ones broadcast/physical/multicast bits; with RE clear nothing is taken',
    layer: 'nic',
    clauses: ['nic.rx.status-class-bits', 'nic.rx.rx-enabled'],
    arbitrary: (ctx) =>
      fc.record({
        // Random filters (each multicast frame a coin toss), and the empty and the full one.
        mar: fc.oneof(
          { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 8, maxLength: 8 }) },
          { weight: 1, arbitrary: fc.constantFrom(Array<number>(8).fill(0), Array<number>(8).fill(0xff)) },
        ),
        // Every bit of RCR's low 16 (the four accept bits, WRAP, RBLEN, the FIFO and DMA fields):
        // only AAP, APM, AM and AB may decide what is taken.
        // AAP (accept all) is cleared three times in four, so the class filter itself decides.
        rcr: fc.tuple(uintBits(RCR_LOW_BITS), fc.integer({ min: 0, max: 3 })).map(([v, coin]) => (coin > 0 ? v & ~NIC.RCR_AAP : v)),
        rxEnabled: fc.boolean(),
        mac: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((m) => toHex(Uint8Array.from([m[0]! & 0xfe, ...m.subarray(1)]))),
        frames: fc.array(fc.record({ cls: fc.constantFrom<Cls>('broadcast', 'mine', 'multicast', 'other'), body: frameSpec(ctx.limits.minRxFrame - 6, 200) }), { minLength: 1, maxLength: 6 }),
      }),
    scenario: (f, ctx) => filterOps(f, ctx),
    check: (f, trace, ctx, t) => {
      const first = FILTER_PROLOGUE + 1;
      t.check('nic.rx.rx-enabled', () => expectSame(injectValue(trace, 1), { accepted: false, reason: 'rx-disabled' }, 'a frame before init (CR.RE clear)'));
      t.step('nic.rx.status-class-bits', () => expectSame(f.mar.map((_, k) => registerValue(trace, 5 + f.mar.length + k)), f.mar, 'MAR0-7 read back'));
      const frames = filterFrames(f);
      const mem = lazy(() => peekBytes(trace, first + frames.length));
      let expectOffset = 0;
      for (const [k, hexFrame] of frames.entries()) {
        const i = first + k;
        const bytes = Uint8Array.from(Buffer.from(hexFrame, 'hex'));
        const cls = f.frames[k]!.cls;
        const what = `${cls} frame #${k} (to ${hexFrame.slice(0, 12)}) with RCR 0x${f.rcr.toString(16)}, RE ${f.rxEnabled ? 'set' : 'clear'}${cls === 'multicast' ? `, MAR bit ${multicastHashIndex(bytes)} ${marHit(f.mar, bytes) ? 'set' : 'clear'}` : ''}`;
        if (!f.rxEnabled) {
          t.check('nic.rx.rx-enabled', () => expectSame(injectValue(trace, i), { accepted: false, reason: 'rx-disabled' }, what));
          continue;
        }
        const status = filterStatus(f.rcr, f.mar, cls, bytes);
        const at = expectOffset;
        // Which frames are taken, and their status word, is the filter's rule; once it differs
        // the following offsets differ too.
        t.step('nic.rx.status-class-bits', () => {
          const got = injectValue(trace, i);
          if (status === undefined) return expectSame(got, { accepted: false, reason: 'rx-disabled' }, what);
          expectSame(got, { accepted: true, offset: at }, what);
          const st = u16le(mem(), at);
          expectSame(`0x${st.toString(16)}`, `0x${status.toString(16)}`, `${what}: header status`);
          must(toHex(mem().subarray(at + NIC.HEADER, at + NIC.HEADER + bytes.length)) === hexFrame, `${what}: frame bytes in the ring differ from the frame injected`);
        });
        if (status !== undefined) expectOffset = align4(expectOffset + NIC.HEADER + bytes.length + NIC.CRC);
      }
    },
    runsFactor: 0.5,
  }),
];
