// PCI configuration writes and the I/O-space enable, checked through raw port access: a write
// of any width at CONFIG_DATA + k changes exactly the bytes it covers, in the bits the register
// implements (BAR0 sizing, read-only IDs), nothing when the cycle is disabled or the function
// absent; and the chip answers its ports only while COMMAND's I/O bit is set.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, Violation } from '../../src/runner/property.ts';
import { okValue } from '../../src/runner/assert.ts';
import { CARD_PCI as LOC, NIC, expectSame, hexOf as hex, memoOps, onesOf as ones, pciAddress, registerValue as inValue, type PortWidth as W } from './support.ts';

/** ABSENT is a slot no function answers at (nor on QEMU's i440FX); HOST the host bridge. */
const ABSENT = { bus: 0, dev: 9, fn: 0 } as const;
const HOST = { bus: 0, dev: 0, fn: 0 } as const;

/**
 * Config dwords the writes aim at, with the bits software may change [hw: PCI Local Bus Spec
 * 3.0 §6.2.5.1, §6.1]: BAR0 above its 256 I/O ports, nothing in the IDs or revision/class.
 */
const TARGETS = [
  { reg: NIC.PCI_BAR0, writable: ~(NIC.PCI_BAR0_IO_PORTS - 1) >>> 0 },
  { reg: NIC.PCI_IDS, writable: 0 },
  { reg: NIC.PCI_CLASS_REV, writable: 0 },
] as const;

/**
 * Where a write goes: the card's dword, the same with the enable bit clear, an absent function,
 * or the host bridge (which implements none of these bits: IDs and class read-only, no BAR0).
 */
type Path = 'card' | 'disabled' | 'absent' | 'bridge';

interface CfgWrite {
  target: number;
  path: Path;
  k: number;
  w: W;
  value: number;
}

/** A lane of a dword (k + w <= 4) and a value at the field's edges (0, all ones, alternating bits) or anywhere. */
const cfgWrite = (): fc.Arbitrary<CfgWrite> =>
  fc
    .record({
      target: fc.integer({ min: 0, max: TARGETS.length - 1 }),
      path: fc.oneof({ weight: 4, arbitrary: fc.constant<Path>('card') }, { weight: 2, arbitrary: fc.constantFrom<Path>('disabled', 'absent', 'bridge') }),
      w: fc.constantFrom<W>(1, 2, 4),
      k: fc.nat({ max: 3 }),
      value: fc.oneof(fc.constantFrom(0, 0xffffffff, 0x55555555, 0xaaaaaaaa), fc.nat({ max: 0xffffffff })),
    })
    .map((x) => {
      const k = x.k % (5 - x.w);
      let value = (x.value & ones(x.w)) >>> 0;
      // BAR0's byte 1 is where the chip's 256 ports go: below 0x10 the window would lie over the
      // PC's legacy ports or the configuration ports themselves, so those values are lifted.
      const lane1 = 1 - k;
      if (TARGETS[x.target]!.reg === NIC.PCI_BAR0 && lane1 >= 0 && lane1 < x.w && ((value >>> (8 * lane1)) & 0xff) < NIC.IO_BASE_MIN >>> 8) {
        value = (value | ((NIC.IO_BASE_MIN >>> 8) << (8 * lane1))) >>> 0;
      }
      return { ...x, k, value };
    });

interface CfgInput {
  writes: CfgWrite[];
  /** A chip register read and written while I/O decoding is off: byte offset in IDR0-5 / MAR0-7. */
  reg: number;
  regValue: number;
}

/** Op indexes of the layout below. */
const FIRST_WRITE = 1 + 2 * TARGETS.length;
const STEPS_PER_WRITE = 4;

const cfgOps = memoOps((x: CfgInput, ctx): Op[] => {
  const base = ctx.defaults.nicIoFallback;
  const select = (reg: number, at: { bus: number; dev: number; fn: number } = LOC, enable = true): Op => ({ op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: pciAddress(at.bus, at.dev, at.fn, reg, enable) });
  const dword: Op = { op: 'in', port: NIC.CONFIG_DATA, width: 4 };
  return [
    { op: 'setup', pci: { ...LOC } },
    // Every target's value as firmware left it.
    ...TARGETS.flatMap((t): Op[] => [select(t.reg), dword]),
    ...x.writes.flatMap((c): Op[] => {
      const reg = TARGETS[c.target]!.reg;
      if (c.path === 'bridge') return [select(reg, HOST), dword, { op: 'out', port: NIC.CONFIG_DATA + c.k, width: c.w, value: c.value }, dword];
      return [
        c.path === 'absent' ? select(reg, ABSENT) : select(reg, LOC, c.path === 'card'),
        { op: 'out', port: NIC.CONFIG_DATA + c.k, width: c.w, value: c.value },
        select(reg),
        dword,
      ];
    }),
    // BAR0 back where firmware put it, then the I/O enable off and on around a chip register.
    select(NIC.PCI_BAR0),
    { op: 'out', port: NIC.CONFIG_DATA, width: 4, value: (base | 1) >>> 0 },
    select(NIC.PCI_COMMAND),
    { op: 'in', port: NIC.CONFIG_DATA, width: 2 },
    { op: 'in', port: base + x.reg, width: 1 },
    { op: 'out', port: NIC.CONFIG_DATA, width: 2, value: 0 },
    { op: 'in', port: base + x.reg, width: 1 },
    { op: 'in', port: base, width: 4 },
    { op: 'out', port: base + x.reg, width: 1, value: x.regValue },
    { op: 'out', port: NIC.CONFIG_DATA, width: 2, value: NIC.PCI_IO },
    { op: 'in', port: base + x.reg, width: 1 },
  ];
});

/** The dword after writing `value` at lane (k, w): the covered bytes change in their writable bits only. */
function written(old: number, c: CfgWrite, writable: number): number {
  const lane = ones(c.w) * 2 ** (8 * c.k);
  const mask = (writable & lane) >>> 0;
  return ((old & ~mask) | ((c.value * 2 ** (8 * c.k)) & mask)) >>> 0;
}

export const nicPciConfigProperties = [
  defineProperty({
    id: 'nic.pci.config-write',
    title: "a configuration write of width 1/2/4 at 0xCFC+k changes bytes k.. of the selected dword in the bits the register implements (BAR0 sizing reads 0xFFFFFF01, IDs and class are read-only), nothing on the host bridge, when disabled or absent; the chip's ports answer only while COMMAND's I/O bit is set",
    layer: 'nic',
    clauses: ['nic.pci.config-write', 'nic.pci.io-enable'],
    arbitrary: () =>
      fc.record({
        writes: fc.array(cfgWrite(), { minLength: 1, maxLength: 6 }),
        reg: fc.oneof(fc.integer({ min: NIC.IDR0, max: NIC.IDR0 + 5 }), fc.integer({ min: NIC.MAR0, max: NIC.MAR0 + 7 })),
        regValue: fc.oneof(fc.constantFrom(0, 0xff), fc.nat({ max: 0xff })),
      }),
    scenario: (x, ctx) => cfgOps(x, ctx),
    check: (x, trace, _ctx, t) => {
      const ioAt = FIRST_WRITE + STEPS_PER_WRITE * x.writes.length;
      t.check('nic.pci.config-write', () => {
        const model = TARGETS.map((_, n) => inValue(trace, 2 + 2 * n, `firmware's config dword ${hex(TARGETS[n]!.reg)}`));
        for (const [n, c] of x.writes.entries()) {
          const at = FIRST_WRITE + STEPS_PER_WRITE * n;
          const target = TARGETS[c.target]!;
          if (c.path === 'bridge') {
            okValue(trace, at + 2, `out 0xCFC+${c.k} width ${c.w} to the host bridge`);
            const before = inValue(trace, at + 1, `the host bridge's config dword ${hex(target.reg)}`);
            expectSame(hex(inValue(trace, at + 3, `the host bridge's config dword ${hex(target.reg)}`)), hex(before), `host bridge ${HOST.bus}:${HOST.dev}.${HOST.fn} dword ${hex(target.reg)} after writing ${hex(c.value)} at 0xCFC+${c.k} width ${c.w} (it implements none of these bits)`);
            continue;
          }
          okValue(trace, at + 1, `out 0xCFC+${c.k} width ${c.w}`);
          if (c.path === 'card') model[c.target] = written(model[c.target]!, c, target.writable);
          const how = c.path === 'card' ? '' : c.path === 'disabled' ? ' with the enable bit clear' : ` to absent function ${ABSENT.bus}:${ABSENT.dev}.${ABSENT.fn}`;
          expectSame(hex(inValue(trace, at + 3, `config dword ${hex(target.reg)}`)), hex(model[c.target]!), `config dword ${hex(target.reg)} after writing ${hex(c.value)} at 0xCFC+${c.k} width ${c.w}${how} (writable bits ${hex(target.writable)})`);
        }
      });
      t.check('nic.pci.io-enable', () => {
        const command = inValue(trace, ioAt + 3, 'COMMAND');
        if (!(command & NIC.PCI_IO)) throw new Violation(`COMMAND ${hex(command)} as firmware left it has I/O decoding off`);
        const before = inValue(trace, ioAt + 4, `register +${hex(x.reg)} with I/O decoding on`);
        expectSame(hex(inValue(trace, ioAt + 6, `register +${hex(x.reg)} with I/O decoding off`)), hex(0xff), `register +${hex(x.reg)} with COMMAND's I/O bit clear`);
        expectSame(hex(inValue(trace, ioAt + 7, 'IDR0-3 (dword) with I/O decoding off')), hex(0xffffffff), 'a dword read of IDR0-3 with I/O decoding off');
        expectSame(hex(inValue(trace, ioAt + 10, `register +${hex(x.reg)} with I/O decoding on again`)), hex(before), `register +${hex(x.reg)} after ${hex(x.regValue)} was written to it with I/O decoding off (the write must be lost)`);
      });
    },
    runsFactor: 0.3,
  }),
];
