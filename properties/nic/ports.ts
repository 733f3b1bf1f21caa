// Raw port access, checked against byte-lane models: PCI configuration mechanism #1 (which
// accesses reach CONFIG_ADDRESS, which byte lanes of CONFIG_DATA a narrow read sees, what a
// disabled cycle reads) and the RTL8139's byte-addressed registers (an access of any width at
// any offset reads and writes the bytes it covers, even across register boundaries).
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { okValue } from '../../src/runner/assert.ts';
import { CARD_PCI as LOC, NIC, expectSame, hexOf as hex, memoOps, onesOf as ones, pciAddress, registerValue as inValue, type PortWidth as W } from './support.ts';

/** Config dwords whose bytes are not all alike: IDs, command/status, class, BAR0, subsystem, interrupt. */
const CFG_DWORDS = [0x00, 0x04, 0x08, 0x10, 0x2c, 0x3c] as const;

/** A narrow access inside one dword: offset k and width w with k + w <= 4. */
const lane = (): fc.Arbitrary<{ k: number; w: W }> =>
  fc.constantFrom<W>(1, 2, 4).chain((w) => fc.integer({ min: 0, max: 4 - w }).map((k) => ({ k, w })));

interface PciInput {
  reg: number;
  reads: { k: number; w: W }[];
  /** Non-dword (or unaligned dword) writes to 0xCF8-0xCFB that must not reach CONFIG_ADDRESS. */
  pokes: { k: number; w: W; value: number }[];
  disabled: { k: number; w: W }[];
}

/**
 * [hw] On a PC, byte 0xCF9 is the chipset's reset control register (PIIX3 and later): a write
 * with bit 2 set resets the machine. The pokes keep that bit clear in the byte landing there.
 */
const RESET_CONTROL = { port: 0xcf9, resetBit: 0x04 } as const;
const sparingReset = (p: { k: number; w: W; value: number }): number => {
  const lane = RESET_CONTROL.port - NIC.CONFIG_ADDRESS - p.k;
  return lane >= 0 && lane < p.w ? (p.value & ~(RESET_CONTROL.resetBit << (8 * lane))) >>> 0 : p.value;
};

const poke = (): fc.Arbitrary<{ k: number; w: W; value: number }> =>
  fc.oneof(
    fc.constantFrom<W>(1, 2).chain((w) => fc.integer({ min: 0, max: 4 - w }).map((k) => ({ k, w }))),
    fc.integer({ min: 1, max: 3 }).map((k) => ({ k, w: 4 as W })),
  ).chain((p) => fc.integer({ min: 0, max: ones(p.w) }).map((value) => ({ ...p, value: sparingReset({ ...p, value }) })));

const pciOps = memoOps((x: PciInput): Op[] => {
  const addr = pciAddress(LOC.bus, LOC.dev, LOC.fn, x.reg);
  return [
    { op: 'setup', pci: { ...LOC } },
    { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: addr },
    { op: 'in', port: NIC.CONFIG_ADDRESS, width: 4 },
    { op: 'in', port: NIC.CONFIG_DATA, width: 4 },
    ...x.reads.map((r): Op => ({ op: 'in', port: NIC.CONFIG_DATA + r.k, width: r.w })),
    ...x.reads.filter((r) => r.w < 4).map((r): Op => ({ op: 'in', port: NIC.CONFIG_ADDRESS + r.k, width: r.w })),
    ...x.pokes.flatMap((p): Op[] => [
      { op: 'out', port: NIC.CONFIG_ADDRESS + p.k, width: p.w, value: p.value },
      { op: 'in', port: NIC.CONFIG_ADDRESS, width: 4 },
    ]),
    { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: pciAddress(LOC.bus, LOC.dev, LOC.fn, x.reg, false) },
    ...x.disabled.map((r): Op => ({ op: 'in', port: NIC.CONFIG_DATA + r.k, width: r.w })),
  ];
});


// ------------------------------------------------------------------ chip registers as bytes

/** Byte ranges of plain read/write registers: IDR0-5, MAR0-7 (nic.regs.byte-lanes), TSAD0-3 + RBSTART (nic.decision.partial-register-access). */
const SEGMENTS = [
  { from: NIC.IDR0, to: 0x06, clause: 'nic.regs.byte-lanes' },
  { from: 0x08, to: 0x10, clause: 'nic.regs.byte-lanes' },
  { from: NIC.TSAD0, to: NIC.RBSTART + 4, clause: 'nic.decision.partial-register-access' },
] as const;

interface Access {
  seg: number;
  at: number;
  w: W;
  write: boolean;
  value: number;
}

const access = (): fc.Arbitrary<Access> =>
  fc
    .record({ seg: fc.integer({ min: 0, max: SEGMENTS.length - 1 }), w: fc.constantFrom<W>(1, 2, 4), write: fc.boolean(), pos: fc.nat(), value: fc.nat({ max: 0xffffffff }) })
    .map(({ seg, w, write, pos, value }) => {
      const s = SEGMENTS[seg]!;
      return { seg, w, write, at: s.from + (pos % (s.to - s.from - w + 1)), value: (value & ones(w)) >>> 0 };
    });

/** Dword writes that give every byte of MAR0-7, TSAD0-3 and RBSTART a known value first, so every later read is checked. */
const PRIMED = [0x08, 0x0c, 0x20, 0x24, 0x28, 0x2c, 0x30] as const;

interface RegInput {
  prime: number[];
  xs: Access[];
}

const asAccesses = (x: RegInput): Access[] => [...PRIMED.map((at, k): Access => ({ seg: at < 0x10 ? 1 : 2, at, w: 4, write: true, value: x.prime[k] ?? 0 })), ...x.xs];

const regOps = memoOps((x: RegInput, ctx): Op[] => {
  const base = ctx.defaults.nicIoFallback;
  return [{ op: 'setup', pci: null }, ...asAccesses(x).map((a): Op => (a.write ? { op: 'out', port: base + a.at, width: a.w, value: a.value } : { op: 'in', port: base + a.at, width: a.w }))];
});

export const nicPortProperties = [
  defineProperty({
    id: 'nic.pci.config-mechanism',
    title: 'CONFIG_ADDRESS is reached only by a dword access at 0xCF8; CONFIG_DATA reads of width 1/2/4 at 0xCFC+k see bytes k.. of the selected dword; with the enable bit clear every width reads all ones',
    layer: 'nic',
    clauses: ['nic.pci.config-mechanism', 'nic.pci.absent-reads-ones'],
    arbitrary: () =>
      fc.record({
        reg: fc.constantFrom(...CFG_DWORDS),
        reads: fc.array(lane(), { minLength: 1, maxLength: 4 }),
        pokes: fc.array(poke(), { minLength: 1, maxLength: 3 }),
        disabled: fc.array(lane(), { minLength: 1, maxLength: 3 }),
      }),
    scenario: (x, ctx) => pciOps(x, ctx),
    check: (x, trace, _ctx, t) => {
      const addr = pciAddress(LOC.bus, LOC.dev, LOC.fn, x.reg);
      // Indexes of the ops' answers, as pciOps lays them out.
      const readsAt = 4;
      const cf8At = readsAt + x.reads.length;
      const narrow = x.reads.filter((q) => q.w < 4);
      const pokesAt = cf8At + narrow.length;
      const disabledAt = pokesAt + 2 * x.pokes.length + 1;
      t.check('nic.pci.config-mechanism', () => {
        expectSame(hex(inValue(trace, 2, 'in 0xCF8 (dword)')), hex(addr), 'CONFIG_ADDRESS read back as a dword after a dword write');
        const dword = inValue(trace, 3, 'in 0xCFC (dword)');
        for (const [n, r] of x.reads.entries()) {
          const want = Number((BigInt(dword) >> BigInt(8 * r.k)) & BigInt(ones(r.w)));
          expectSame(hex(inValue(trace, readsAt + n, `in 0xCFC+${r.k} width ${r.w}`)), hex(want), `CONFIG_DATA+${r.k} width ${r.w}: bytes ${r.k}..${r.k + r.w - 1} of config dword ${hex(x.reg)} (${hex(dword)})`);
        }
        for (const [n, r] of narrow.entries()) {
          expectSame(hex(inValue(trace, cf8At + n, `in 0xCF8+${r.k} width ${r.w}`)), hex(ones(r.w)), `a width-${r.w} read at 0xCF8+${r.k} is not CONFIG_ADDRESS (only dword accesses are): an unclaimed port reads all ones`);
        }
        for (const [n, p] of x.pokes.entries()) {
          okValue(trace, pokesAt + 2 * n, `out 0xCF8+${p.k}`);
          expectSame(hex(inValue(trace, pokesAt + 2 * n + 1, 'in 0xCF8 (dword)')), hex(addr), `CONFIG_ADDRESS after a width-${p.w} write of ${hex(p.value)} at 0xCF8+${p.k} (only a dword write at 0xCF8 loads it)`);
        }
      });
      t.check('nic.pci.absent-reads-ones', () => {
        okValue(trace, disabledAt - 1, 'out 0xCF8 (enable bit clear)');
        for (const [n, r] of x.disabled.entries()) {
          expectSame(hex(inValue(trace, disabledAt + n, `in 0xCFC+${r.k} width ${r.w} (enable clear)`)), hex(ones(r.w)), `CONFIG_DATA+${r.k} width ${r.w} with CONFIG_ADDRESS bit 31 clear`);
        }
      });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.regs.byte-lanes',
    title: 'IDR0-5, MAR0-7, TSAD0-3 and RBSTART behave as bytes: an in/out of width 1, 2 or 4 at any offset inside them reads and writes exactly the bytes it covers, across register boundaries',
    layer: 'nic',
    clauses: ['nic.regs.byte-lanes', 'nic.decision.partial-register-access'],
    arbitrary: () => fc.record({ prime: fc.array(fc.nat({ max: 0xffffffff }), { minLength: PRIMED.length, maxLength: PRIMED.length }), xs: fc.array(access(), { minLength: 2, maxLength: 16 }) }),
    scenario: (x, ctx) => regOps(x, ctx),
    check: (x, trace, _ctx, t) => {
      const xs = asAccesses(x);
      // Known bytes: the MAC loaded at reset (nic.mac.read), then whatever was written.
      const known = new Map<number, number>();
      Buffer.from(NIC.DEFAULT_MAC, 'hex').forEach((b, k) => known.set(NIC.IDR0 + k, b));
      for (const [n, a] of xs.entries()) {
        const i = n + 1;
        const clause = SEGMENTS[a.seg]!.clause;
        if (a.write) {
          t.check(clause, () => void okValue(trace, i, `out +${hex(a.at)}`));
          for (let k = 0; k < a.w; k++) known.set(a.at + k, Number((BigInt(a.value) >> BigInt(8 * k)) & 0xffn));
          continue;
        }
        let want = 0n;
        let care = 0n;
        for (let k = 0; k < a.w; k++) {
          const b = known.get(a.at + k);
          if (b === undefined) continue;
          want |= BigInt(b) << BigInt(8 * k);
          care |= 0xffn << BigInt(8 * k);
        }
        if (care === 0n) continue;
        t.check(clause, () => {
          const got = inValue(trace, i, `in +${hex(a.at)} width ${a.w}`);
          expectSame(hex(Number(BigInt(got) & care)) + (got > ones(a.w) ? ' (wider than the access)' : ''), hex(Number(want)), `in +${hex(a.at)} width ${a.w}: the bytes last written there (known byte mask ${hex(Number(care))})`);
        });
      }
    },
    runsFactor: 0.3,
  }),
];
