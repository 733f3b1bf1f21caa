// Discovery and initialisation: the PCI scan and its fallback, bus mastering, the documented
// register sequence with its reset poll, re-init, and the MAC read.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { sendLength } from './arbitraries.ts';
import { NIC, expectSame, dmaOf, footprint, initValue, injectValue, ioOfOp, patterned, peekBytes, peekValue, pciAddress, pollValue, registerValue, wireOf, type IoObs } from './support.ts';

interface Loc {
  bus: number;
  dev: number;
  fn: number;
}

const location = (): fc.Arbitrary<Loc> =>
  fc
    // Mostly low buses (each bus before the card costs the driver 256 configuration reads), some anywhere.
    .record({
      bus: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
      dev: fc.integer({ min: 0, max: 31 }),
      fn: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 7 })),
    })
    .filter((l) => l.bus + l.dev + l.fn > 0); // 00:00.0 is the host bridge

const ioBaseArb = (): fc.Arbitrary<number> => fc.integer({ min: 0x10, max: 0xff }).map((x) => x << 8);

const sameLoc = (a: Loc, b: Loc): boolean => a.bus === b.bus && a.dev === b.dev && a.fn === b.fn;

/** The documented init writes, as [register offset, width, value] (nic.init.order). */
const documentedInit = (rxBuffer: number): [number, number, number][] => [
  [NIC.CONFIG1, 1, 0x00],
  [NIC.CR, 1, NIC.CR_RST],
  [NIC.RBSTART, 4, rxBuffer],
  [NIC.CR, 1, NIC.INIT_CR],
  [NIC.RCR, 4, NIC.INIT_RCR],
  [NIC.IMR, 2, NIC.INIT_IMR],
];

const inWindow = (a: IoObs, base: number): boolean => a.port !== undefined && a.port >= base && a.port < base + 0x100;

interface SeqInput {
  pci: Loc | undefined;
  ioBase: number | undefined;
  busy: number;
}

const seqOps = (x: SeqInput): Op[] => [
  { op: 'setup', resetBusyReads: x.busy, ...(x.pci ? { pci: { ...x.pci } } : {}), ...(x.ioBase !== undefined ? { ioBase: x.ioBase } : {}) },
  { op: 'init' },
  { op: 'read-register', name: 'RCR' },
  { op: 'read-register', name: 'IMR' },
  { op: 'read-register', name: 'RBSTART' },
  { op: 'read-register', name: 'CONFIG1' },
  { op: 'read-register', name: 'CR' },
];

interface DiscoveryInput {
  pci: Loc | null;
  ioBase: number;
  absent: Loc;
  unmapped: number;
  width: 1 | 2 | 4;
}

const discoveryOps = (x: DiscoveryInput, ctx: PropertyContext): Op[] => {
  const nicLoc = x.pci ?? { bus: 0, dev: 1, fn: 0 };
  return [
    { op: 'setup', pci: x.pci ? { ...x.pci } : null, ioBase: x.ioBase },
    { op: 'init' },
    { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: pciAddress(x.absent.bus, x.absent.dev, x.absent.fn, 0) },
    { op: 'in', port: NIC.CONFIG_DATA, width: 4 },
    { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: pciAddress(nicLoc.bus, nicLoc.dev, nicLoc.fn, 0, false) },
    { op: 'in', port: NIC.CONFIG_DATA, width: 4 },
    { op: 'in', port: x.unmapped, width: x.width },
    { op: 'inject', frame: toHex(patterned(ctx.limits.minEthernetFrame, 3)) },
    { op: 'poll' },
    ...(x.pci
      ? [
          { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: pciAddress(x.pci.bus, x.pci.dev, x.pci.fn, 0) } as Op,
          { op: 'in', port: NIC.CONFIG_DATA, width: 4 } as Op,
        ]
      : []),
  ];
};

interface GateInput {
  pci: Loc;
  a: number;
  b: number;
  seed: number;
}

const gateOps = (g: GateInput, ctx: PropertyContext): Op[] => {
  const cmd = pciAddress(g.pci.bus, g.pci.dev, g.pci.fn, NIC.PCI_COMMAND);
  return [
    { op: 'setup', pci: { ...g.pci } },
    { op: 'init' },
    { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: cmd },
    { op: 'out', port: NIC.CONFIG_DATA, width: 2, value: NIC.PCI_IO },
    { op: 'inject', frame: toHex(patterned(g.a, g.seed)) },
    { op: 'send', frame: toHex(patterned(g.a, g.seed)) },
    { op: 'out', port: NIC.CONFIG_ADDRESS, width: 4, value: cmd },
    { op: 'out', port: NIC.CONFIG_DATA, width: 2, value: NIC.PCI_IO | NIC.PCI_BUS_MASTER },
    { op: 'inject', frame: toHex(patterned(g.b, g.seed + 1)) },
    { op: 'send', frame: toHex(patterned(g.b, g.seed + 1)) },
    { op: 'peek-ring', offset: 0, length: footprint(g.a) + footprint(g.b) },
  ];
};

interface ReinitInput {
  sends: number[];
  frames: number[];
  seed: number;
}

const reinitOps = (r: ReinitInput): Op[] => [
  { op: 'init' },
  ...r.sends.map((n, k): Op => ({ op: 'send', frame: toHex(patterned(n, r.seed + k)) })),
  ...r.frames.flatMap((n, k): Op[] => [
    { op: 'inject', frame: toHex(patterned(n, r.seed + 100 + k)) },
    { op: 'poll' },
  ]),
  { op: 'init' },
  { op: 'driver-state' },
  { op: 'send', frame: toHex(patterned(80, r.seed + 200)) },
  { op: 'inject', frame: toHex(patterned(90, r.seed + 300)) },
  { op: 'poll' },
];

export const nicInitProperties = [
  defineProperty({
    id: 'nic.init.sequence',
    title: 'init enables bus mastering (keeping I/O decoding), then writes CONFIG1, CR <- RST, polls CR until RST clears, RBSTART, CR <- 0x0C, RCR <- 0x8F, IMR <- 0x0005, in that order',
    layer: 'nic',
    clauses: ['nic.init.order', 'nic.init.reset-poll', 'nic.pci.bus-mastering'],
    arbitrary: () => fc.record({ pci: fc.option(location(), { nil: undefined }), ioBase: fc.option(ioBaseArb(), { nil: undefined }), busy: fc.integer({ min: 0, max: 30 }) }),
    scenario: (x) => seqOps(x),
    check: (x, trace, ctx, t) => {
      // Where the chip sits is nic.pci.*'s rule (nic.pci.discovery): here the window is the chip at the documented base.
      const base = x.ioBase ?? ctx.defaults.nicIoFallback;
      const found = peekValue<{ ioBase: number }>(trace, 1)?.ioBase;
      const io = ioOfOp(trace, 1);
      // A driver that programs another window did not find the card: nic.pci.*'s rule.
      const reset = io.find((a) => a.dir === 'out' && a.port !== undefined && (a.port & 0xff) === NIC.CR && a.value === NIC.CR_RST);
      if ((found !== undefined && found !== base) || (reset && reset.port !== base + NIC.CR)) return;
      t.check('nic.pci.bus-mastering', () => {
        initValue(trace, 1);
        // A command-register write with bit 2 (and I/O decoding, bit 0) before any chip access.
        const firstChip = io.findIndex((a) => inWindow(a, base));
        const bm = io.findIndex((a) => a.dir === 'cfg-write' && a.offset === NIC.PCI_COMMAND && (a.value & (NIC.PCI_BUS_MASTER | NIC.PCI_IO)) === (NIC.PCI_BUS_MASTER | NIC.PCI_IO));
        must(bm >= 0, 'init never set bus mastering (PCI command bit 2, keeping bit 0) in the card’s configuration space');
        if (x.pci) expectSame({ bus: io[bm]!.bus, dev: io[bm]!.dev, fn: io[bm]!.fn }, x.pci, 'the function whose command register init wrote');
        must(firstChip < 0 || bm < firstChip, 'bus mastering must be enabled before the first chip register access');
      });
      t.check('nic.init.order', () => {
        const init = initValue(trace, 1);
        const writes = io.filter((a) => a.dir === 'out' && inWindow(a, base)).map((a) => [a.port! - base, a.width, a.value]);
        expectSame(writes, documentedInit(init.rxBuffer), 'chip register writes of init, as [offset, width, value]');
        expectSame(
          [registerValue(trace, 2), registerValue(trace, 3), registerValue(trace, 4), registerValue(trace, 5), registerValue(trace, 6) & (NIC.CR_RE | NIC.CR_TE)],
          [NIC.INIT_RCR, NIC.INIT_IMR, init.rxBuffer, NIC.CONFIG1_MAPPED, NIC.CR_RE | NIC.CR_TE],
          'RCR, IMR, RBSTART, CONFIG1, CR.RE|TE after init',
        );
      });
      t.check('nic.init.reset-poll', () => {
        initValue(trace, 1);
        // CR reads after CR <- RST until one shows bit 4 clear, then RBSTART.
        const rst = io.findIndex((a) => a.dir === 'out' && a.port === base + NIC.CR && a.value === NIC.CR_RST);
        const rb = io.findIndex((a) => a.dir === 'out' && a.port === base + NIC.RBSTART);
        must(rst >= 0 && rb > rst, 'init must write CR <- RST, then RBSTART');
        const polls = io.slice(rst + 1, rb).filter((a) => a.dir === 'in' && a.port === base + NIC.CR);
        expectSame(polls.length, x.busy + 1, `CR reads between CR <- RST and RBSTART with the chip busy for ${x.busy} reads`);
        must(polls.slice(0, -1).every((a) => (a.value & NIC.CR_RST) !== 0) && (polls[polls.length - 1]!.value & NIC.CR_RST) === 0, 'the poll must stop at the first CR read with bit 4 clear');
      });
    },
    runsFactor: 0.5,
  }),
  defineProperty({
    id: 'nic.init.reset-poll-bounded',
    title: 'with no chip at the I/O base, or a chip whose reset never completes, init gives up and returns a device error',
    layer: 'nic',
    clauses: ['nic.init.reset-poll-bounded'],
    arbitrary: () => fc.constantFrom('absent' as const, 'stuck' as const),
    scenario: (k): Op[] => [{ op: 'setup', ...(k === 'absent' ? { present: false } : { resetBusyReads: 10_000_000 }) }, { op: 'init' }],
    check: (k, trace) => {
      mustFail(trace, 1, `init with the chip ${k === 'absent' ? 'absent' : 'stuck in reset'}`, ['device']);
    },
    runsFactor: 0.02,
  }),
  defineProperty({
    id: 'nic.init.reinit',
    title: 'a second init restarts TX_INDEX and RX_OFFSET at 0 with the chip: the next frame uses descriptor 0, the next received frame is read from ring offset 0',
    layer: 'nic',
    clauses: ['nic.init.resets-indices', 'nic.init.resets-tx-index'],
    arbitrary: () => fc.record({ sends: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }), frames: fc.array(fc.integer({ min: 14, max: 600 }), { maxLength: 5 }), seed: fc.nat({ max: 999 }) }),
    scenario: (r) => reinitOps(r),
    check: (r, trace, _ctx, t) => {
      const i = 1 + r.sends.length + 2 * r.frames.length;
      const state = (): { txIndex: number; rxOffset: number } => {
        okValue(trace, i, 'the second init');
        return okValue(trace, i + 1, 'driver-state');
      };
      t.check('nic.init.resets-indices', () => {
        expectSame(state().rxOffset, 0, 'RX_OFFSET after the second init');
        expectSame(injectValue(trace, i + 3), { accepted: true, offset: 0 }, 'first frame after re-init');
        // Read from offset 0: its bytes come back (the CRC after them is nic.rx.deliver-includes-crc's rule).
        must(pollValue(trace, i + 4).frame.startsWith(toHex(patterned(90, r.seed + 300))), 'the driver does not read the first frame after re-init from ring offset 0');
      });
      t.check('nic.init.resets-tx-index', () => {
        expectSame(state().txIndex, 0, 'TX_INDEX after the second init');
        expectSame(okValue<{ descriptor: number }>(trace, i + 2, 'send after re-init').descriptor, 0, 'descriptor of the first frame after re-init');
        expectSame(wireOf(trace).filter((w) => w.op === i + 2).map((w) => w.descriptor), [0], 'the chip sends it from descriptor 0');
      });
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.mac.read',
    title: 'read_mac_addr returns IDR0-5 in order, which hold the station address the chip was built with (52:54:00:12:34:56 by default): bytes written to IDR0-5 before init are replaced by it at the chip reset',
    layer: 'nic',
    clauses: ['nic.mac.read'],
    arbitrary: () =>
      fc.record({
        mac: fc.option(fc.uint8Array({ minLength: 6, maxLength: 6 }).map(toHex), { nil: undefined }),
        // Written into IDR0-5 before init: the reset init does must reload the EEPROM's address.
        scribble: fc.option(fc.uint8Array({ minLength: 6, maxLength: 6 }), { nil: undefined }),
      }),
    scenario: (x): Op[] => [
      ...(x.mac !== undefined ? [{ op: 'setup', mac: x.mac } as Op] : []),
      ...(x.scribble ? [...x.scribble].map((value, k): Op => ({ op: 'write-register', name: `IDR${k}`, value })) : []),
      { op: 'init' },
      { op: 'read-mac' },
      ...Array.from({ length: 6 }, (_, k): Op => ({ op: 'read-register', name: `IDR${k}` })),
    ],
    check: (x, trace) => {
      const first = (x.mac !== undefined ? 1 : 0) + (x.scribble ? 6 : 0);
      const want = x.mac ?? NIC.DEFAULT_MAC;
      const after = x.scribble ? ` (IDR0-5 were written ${toHex(x.scribble)} before init's reset)` : '';
      expectSame(okValue<{ mac: string }>(trace, first + 1, 'read-mac').mac, want, `read_mac_addr${after}`);
      const idr = Array.from({ length: 6 }, (_, k) => registerValue(trace, first + 2 + k));
      expectSame(toHex(Uint8Array.from(idr)), want, `IDR0-5${after}`);
    },
    runsFactor: 0.3,
  }),
  defineProperty({
    id: 'nic.driver.before-init',
    title: 'before init the driver touches no port: poll returns 0, read_mac_addr six zero bytes, send a device error with nothing on the wire',
    layer: 'nic',
    clauses: ['nic.driver.before-init'],
    arbitrary: (ctx) =>
      fc.record({
        order: fc.constantFrom(...(['send', 'poll', 'read-mac'] as const).flatMap((a, _i, all) => all.filter((b) => b !== a).map((b) => [a, b, all.find((c) => c !== a && c !== b)!] as const))),
        len: sendLength(ctx),
        seed: fc.nat({ max: 999 }),
        mac: fc.option(fc.uint8Array({ minLength: 6, maxLength: 6 }).map(toHex), { nil: undefined }),
      }),
    scenario: (r): Op[] => [
      ...(r.mac !== undefined ? [{ op: 'setup', mac: r.mac } as Op] : []),
      ...r.order.map((k): Op => (k === 'send' ? { op: 'send', frame: toHex(patterned(r.len, r.seed)) } : { op: k })),
      { op: 'init' },
      { op: 'read-mac' },
    ],
    check: (r, trace) => {
      const first = r.mac !== undefined ? 1 : 0;
      r.order.forEach((k, j) => {
        const i = first + j;
        expectSame(ioOfOp(trace, i).length, 0, `port accesses during ${k} before init`);
        if (k === 'send') {
          mustFail(trace, i, `send of ${r.len} bytes before init`, ['device']);
          expectSame(wireOf(trace).filter((w) => w.op === i).length, 0, 'frames on the wire from a send before init');
        } else if (k === 'poll') expectSame(pollValue(trace, i).length, 0, 'poll before init');
        else expectSame(okValue<{ mac: string }>(trace, i, 'read-mac before init').mac, '000000000000', 'read_mac_addr before init');
      });
      // The zeros are "no I/O base yet", not a chip without an address: after init it reads back.
      expectSame(okValue<{ mac: string }>(trace, first + 4, 'read-mac after init').mac, r.mac ?? NIC.DEFAULT_MAC, 'read_mac_addr after init');
    },
    runsFactor: 0.2,
  }),
  defineProperty({
    id: 'nic.pci.discovery',
    title: 'init finds the card wherever it sits on buses 0-255 and uses its BAR0, falls back to 0xC000 without one; absent functions, disabled config cycles and unmapped ports read all ones',
    layer: 'nic',
    clauses: ['nic.pci.find-io-base', 'nic.pci.fallback', 'nic.pci.absent-reads-ones'],
    arbitrary: (ctx) =>
      fc
        .record({
          pci: fc.oneof({ weight: 3, arbitrary: location() }, { weight: 1, arbitrary: fc.constant(null) }),
          ioBase: ioBaseArb(),
          absent: location(),
          unmapped: fc.integer({ min: 0x100, max: 0x2f0 }),
          width: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
        })
        .map((x): DiscoveryInput => ({ ...x, ioBase: x.pci ? x.ioBase : ctx.defaults.nicIoFallback }))
        .filter((x) => !x.pci || !sameLoc(x.pci, x.absent)),
    scenario: (x, ctx) => discoveryOps(x, ctx),
    check: (x, trace, ctx, t) => {
      const found = x.pci ? 'nic.pci.find-io-base' : 'nic.pci.fallback';
      t.check(found, () => {
        const init = initValue(trace, 1);
        const want = x.pci ? x.ioBase : ctx.defaults.nicIoFallback;
        expectSame(`0x${init.ioBase.toString(16)}`, `0x${want.toString(16)}`, x.pci ? `I/O base of the card at ${x.pci.bus}:${x.pci.dev}.${x.pci.fn}` : 'I/O base without a PCI function (fallback)');
        // The driver talks to the chip there: a frame comes back (what it holds is nic.rx.*'s rule).
        must(pollValue(trace, 8).length > 0, 'no frame received through the driver at the found base');
        if (x.pci) expectSame(`0x${registerValue(trace, 10).toString(16)}`, `0x${(((ctx.defaults.pciDevice << 16) | ctx.defaults.pciVendor) >>> 0).toString(16)}`, 'the card’s vendor/device dword');
      });
      t.check('nic.pci.absent-reads-ones', () => {
        expectSame(`0x${registerValue(trace, 3).toString(16)}`, '0xffffffff', `configuration read of the absent function ${x.absent.bus}:${x.absent.dev}.${x.absent.fn}`);
        expectSame(`0x${registerValue(trace, 5).toString(16)}`, '0xffffffff', 'configuration read with CONFIG_ADDRESS bit 31 clear');
        expectSame(`0x${registerValue(trace, 6).toString(16)}`, `0x${(x.width === 4 ? 0xffffffff : (1 << (8 * x.width)) - 1).toString(16)}`, `read of unmapped port 0x${x.unmapped.toString(16)} (width ${x.width})`);
      });
    },
    runsFactor: 0.15,
  }),
  defineProperty({
    id: 'nic.pci.bus-master-gates-dma',
    title: 'with bus mastering off the chip’s DMA reaches no memory (nothing written to the ring, zeros sent); switched back on, both work',
    layer: 'nic',
    clauses: ['nic.pci.bus-master-gates-dma'],
    arbitrary: (ctx) => fc.record({ pci: location(), a: fc.integer({ min: ctx.limits.minRxFrame, max: ctx.limits.maxEthernetFrame }), b: fc.integer({ min: ctx.limits.minRxFrame, max: ctx.limits.maxEthernetFrame }), seed: fc.nat({ max: 999 }) }),
    scenario: (g, ctx) => gateOps(g, ctx),
    check: (g, trace, ctx) => {
      expectSame(dmaOf(trace).filter((d) => d.op === 4).length, 0, 'DMA writes while bus mastering is off');
      const mem = peekBytes(trace, 10);
      must(mem.subarray(0, footprint(g.a)).every((b) => b === 0), 'ring memory written while bus mastering was off');
      // What is sent (its length, padding) and which descriptor is nic.tx.*'s: here only whether DMA reached memory.
      const off = wireOf(trace).filter((w) => w.op === 5);
      expectSame(off.length, 1, 'frames sent while bus mastering is off');
      must(/^(00)+$/.test(off[0]!.bytes), 'bytes sent while bus mastering is off must be zeros (DMA reads nothing)');
      const at = okValue<{ accepted: boolean; offset: number }>(trace, 8, 'inject after bus mastering is back').offset;
      must(toHex(mem.subarray(at + NIC.HEADER, at + NIC.HEADER + g.b)) === toHex(patterned(g.b, g.seed + 1)), 'frame bytes written with bus mastering on');
      const on = wireOf(trace).filter((w) => w.op === 9);
      if (peekValue<{ descriptor: number }>(trace, 9)?.descriptor !== 1) return;
      must(on.length === 1 && on[0]!.bytes.startsWith(toHex(patterned(g.b, g.seed + 1))), 'the frame sent with bus mastering on must carry its bytes');
    },
    runsFactor: 0.3,
  }),
];

