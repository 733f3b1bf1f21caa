// Edges of 0x34 the model-based transmit run draws too rarely: the shortest raw frame (14 bytes),
// the shortest IPv4 frame that can loop back (34), an ARP frame whose bytes 26..34 would pass
// the loopback test, an unknown send type and a pointer just past the window over a valid
// datagram, and the two sends that return Okay yet send nothing (the NIC not initialised, a
// SLIP encoding over its buffer), each counted as a silent-loss event (kernel.decision.tx-loss-events).
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import type { Checks, PropertyContext, PropertyDef } from '../../src/runner/property.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { must, mustEqual, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { C } from './commands/index.ts';
import { ARP_BYTES, ETHERTYPE_ARP, ETHERTYPE_IPV4, IPV4_HEADER, ethernet, ipv4Header, PROTO_UDP } from './frames.ts';
import { RC, SYS } from './model.ts';
import { TX_LOSS_EVENTS } from './model-hazards.ts';
import { Plan, serialAt } from './portio.ts';

/** 0x34 arg1: what the buffer holds (spec-notes §10). */
const SEND = { Ipv4: 0x01, Raw: 0x04 } as const;
/** SLIP's END byte, which the encoding doubles (RFC 1055). */
const SLIP_END = 0xc0;

const MAC = [0x02, 0, 0, 0, 0, 1];
const PEER = [0x02, 0, 0, 0, 0, 2];

/** The frames the wire observation lists for op `at`, as hex. */
function wireAt(trace: Trace, at: number): string[] {
  const w = trace.observations?.wire;
  return (Array.isArray(w) ? w : []).flatMap((x) => (x && typeof x === 'object' && !Array.isArray(x) && x.op === at && typeof x.frame === 'string' ? [x.frame] : []));
}

const silentLoss = (trace: Trace, at: number): unknown => okValue<{ hazards: Record<string, unknown> | null }>(trace, at, 'snapshot').hazards?.['silent-loss'] ?? 0;

interface TxCase {
  fill: number;
  src: number[];
  type: number;
}

function txPlan(a: TxCase, ctx: PropertyContext): Plan {
  const plan = new Plan();
  const { userWindowStart: w0, userWindowEnd: wend, minEthernetFrame, slipBufferBytes } = ctx.limits;
  const buf = w0 + 0x100;
  const send = (arg1: number, arg2: number, bytes: Uint8Array | null, note: string, check: (tr: Trace, at: number, t: Checks) => void): number => {
    if (bytes) plan.add({ op: 'poke', pid: 1, addr: arg2, bytes: toHex(bytes) });
    return plan.add({ op: 'syscall', pid: 1, no: SYS.Send, arg1, arg2, note }, check);
  };
  const okay = (tr: Trace, at: number, what: string) => mustEqual(okValue<{ result: unknown }>(tr, at, '0x34').result, RC.Okay, `op #${at}: ${what}`);
  const padded = (f: Uint8Array) => toHex(Uint8Array.from({ length: Math.max(minEthernetFrame, f.length) }, (_, i) => f[i] ?? 0));
  /** A send between two snapshots of the hazards: `lost` silent-loss events counted for it. */
  const counted = (lost: number, what: string, go: () => number): void => {
    const before = plan.add({ op: 'snapshot', fields: ['hazards'] });
    go();
    const after = plan.add({ op: 'snapshot', fields: ['hazards'] });
    plan.checks.push((tr, t) =>
      t.check(TX_LOSS_EVENTS, () => {
        const [b, n] = [silentLoss(tr, before), silentLoss(tr, after)];
        must(typeof b === 'number' && typeof n === 'number', `ops #${before}, #${after}: hazards['silent-loss'] must be a count`);
        mustEqual(n - b, lost, `ops #${before}..#${after}: silent-loss events counted for ${what}`);
      }),
    );
  };
  const datagram = (total: number, dst: number[], fill: number) => {
    const head = ipv4Header({ totalLength: total, protocol: PROTO_UDP, src: a.src, dst });
    return Uint8Array.from({ length: total }, (_, i) => (i < IPV4_HEADER ? head[i]! : fill));
  };
  const other = a.src.map((b, i) => (i === 3 ? b ^ 1 : b));

  plan.add({ op: 'boot', mac: toHex(Uint8Array.from(MAC)), ip: '0a000001' });
  plan.add({ op: 'spawn' });
  // No driver has initialised the NIC: send_frame refuses, the call still answers Okay.
  const early = ethernet(PEER, MAC, ETHERTYPE_ARP, Array.from({ length: ARP_BYTES }, () => a.fill));
  counted(1, 'a raw frame sent before any driver initialised the NIC (send_frame refuses it)', () =>
    send(SEND.Raw, buf, early, '0x34/0x04 before the NIC is initialised', (tr, at, t) =>
      t.check(C.okayDespiteLoss, () => {
        okay(tr, at, '0x34/0x04 returns Okay though send_frame refused the frame');
        mustEqual(wireAt(tr, at), [], `op #${at}: nothing reaches the wire before the NIC is initialised`);
      }),
    ),
  );
  plan.add({ op: 'syscall', pid: 1, no: SYS.Register, arg1: 0, arg2: 0, note: '0x37 pid 1 becomes the global driver (initialises the NIC)' });
  // The shortest raw frame: EtherType IPv4 with total_length 0 is 14 bytes, sent padded to 60.
  const f14 = ethernet(PEER, MAC, ETHERTYPE_IPV4, []);
  counted(0, 'a 14-byte raw frame that is sent', () =>
    send(SEND.Raw, buf, Uint8Array.from([...f14, 0, 0, 0, 0, a.fill, a.fill]), '0x34/0x04: IPv4 EtherType, total_length 0 → 14 bytes', (tr, at, t) =>
      t.check(C.rawBounds, () => {
        okay(tr, at, '0x34/0x04 of a 14-byte frame');
        mustEqual(wireAt(tr, at), [padded(f14)], `op #${at}: a 14-byte raw frame (total_length 0) is sent once, zero-padded to ${minEthernetFrame} bytes`);
      }),
    ),
  );
  // The same 14-byte frame ending 2 bytes before the window end: its total_length (frame bytes
  // 16..18) is read past the window, so the syscall is one unchecked-copy-length event though the
  // frame it sends lies inside.
  const near = wend - f14.length - 1;
  const copyBefore = plan.add({ op: 'snapshot', fields: ['hazards'] });
  send(SEND.Raw, near, Uint8Array.from([...f14, 0, 0, 0, 0]), '0x34/0x04 of a 14-byte frame ending at userWindowEnd - 2', (tr, at, t) =>
    t.check(C.rawBounds, () => {
      okay(tr, at, '0x34/0x04 of a 14-byte frame near the window end');
      mustEqual(wireAt(tr, at), [padded(f14)], `op #${at}: the 14-byte frame at ${near} is sent once, padded`);
    }),
  );
  const copyAfter = plan.add({ op: 'snapshot', fields: ['hazards'] });
  plan.checks.push((tr, t) =>
    t.check(C.pastWindow, () => {
      const count = (at: number) => okValue<{ hazards: Record<string, unknown> | null }>(tr, at, 'snapshot').hazards?.['unchecked-copy-length'] ?? 0;
      mustEqual(Number(count(copyAfter)) - Number(count(copyBefore)), 1, `ops #${copyBefore}..#${copyAfter}: a 0x34/0x04 at ${near} reads total_length at ${near + 16}..${near + 17}, past the window end ${wend}: one unchecked-copy-length event`);
    }),
  );
  // The shortest frame the loopback test applies to: 34 bytes, src == dst.
  const f34 = ethernet(PEER, MAC, ETHERTYPE_IPV4, [...datagram(IPV4_HEADER, a.src, 0)]);
  send(SEND.Raw, buf, f34, '0x34/0x04: a 34-byte IPv4 frame, src == dst', (tr, at, t) =>
    t.check(C.loopBothPaths, () => {
      okay(tr, at, '0x34/0x04 of a looped 34-byte frame');
      mustEqual(wireAt(tr, at), [], `op #${at}: a 34-byte IPv4 frame whose src_ip equals its dst_ip is looped back, never sent`);
    }),
  );
  // ARP, 42 bytes, whose frame bytes 26..30 equal 30..34: never looped (only EtherType 0x0800 is).
  const arp = [0, 1, 8, 0, 6, 4, 0, 1, ...MAC, ...a.src, 0, 0, 0, 0, 0, 0, ...a.src];
  const quad = [arp[12]!, arp[13]!, arp[14]!, arp[15]!]; // frame bytes 26..30
  arp.splice(16, 4, ...quad); // frame bytes 30..34 (the sender IP's last two bytes, the target MAC's first two)
  const fArp = ethernet(PEER, MAC, ETHERTYPE_ARP, arp);
  send(SEND.Raw, buf, fArp, '0x34/0x04: ARP whose bytes 26..30 equal 30..34', (tr, at, t) =>
    t.check(C.loopBothPaths, () => {
      okay(tr, at, '0x34/0x04 of an ARP frame');
      mustEqual(wireAt(tr, at), [padded(fArp)], `op #${at}: an ARP frame is never looped back, even when its bytes 26..30 equal bytes 30..34: sent once, padded`);
    }),
  );
  // A send type other than 0x01 / 0x04 over a valid datagram.
  const d = datagram(IPV4_HEADER + 8, other, a.fill);
  send(a.type, buf, d, `0x34 with arg1 = ${a.type} over a valid datagram`, (tr, at, t) =>
    t.check(C.unknown0x34, () => {
      mustEqual(okValue<{ result: unknown }>(tr, at, '0x34').result, RC.InvalidInput, `op #${at}: 0x34 with arg1 = ${a.type} (neither 0x01 nor 0x04)`);
      mustEqual([serialAt(tr, at), wireAt(tr, at)], ['', []], `op #${at}: a refused 0x34 sends nothing (serial, wire)`);
    }),
  );
  // A valid raw frame one byte past the window end (process memory, but not the caller's to pass).
  send(SEND.Raw, wend + 1, fArp, '0x34/0x04 with arg2 one past the window end', (tr, at, t) =>
    t.check(C.pointerCheck, () => {
      mustEqual(okValue<{ result: unknown }>(tr, at, '0x34').result, RC.InvalidInput, `op #${at}: 0x34/0x04 with arg2 = userWindowEnd + 1 (${wend + 1})`);
      mustEqual(wireAt(tr, at), [], `op #${at}: a 0x34 refused for its pointer sends nothing`);
    }),
  );
  // The serial path is an optional feature (serial.slip).
  if (ctx.statement.features && !ctx.statement.features.includes('serial.slip')) return plan;
  // A datagram of END bytes whose SLIP encoding (each byte doubled) overflows the SLIP buffer.
  const big = datagram(Math.ceil(slipBufferBytes / 2) + IPV4_HEADER, other, SLIP_END);
  counted(1, `a ${big.length}-byte datagram whose SLIP encoding exceeds ${slipBufferBytes} bytes`, () =>
    send(SEND.Ipv4, buf, big, `0x34/0x01 of ${big.length} bytes, mostly END (encoding over ${slipBufferBytes})`, (tr, at, t) =>
      t.check(C.okayDespiteLoss, () => {
        okay(tr, at, '0x34/0x01 returns Okay though the SLIP encoding is too large to send');
        mustEqual(serialAt(tr, at), '', `op #${at}: nothing is sent when the encoding exceeds the SLIP buffer`);
      }),
    ),
  );
  return plan;
}

export const kernelTransmitEdgeProperties: PropertyDef[] = [
  defineProperty<TxCase>({
    id: 'kernel.transmit.edges',
    title: '0x34 at its edges: 14- and 34-byte raw frames, ARP never looped, unknown types and a pointer past the window refused, and the sends that answer Okay but are lost counted as silent-loss',
    layer: 'kernel',
    clauses: [C.rawBounds, C.loopBothPaths, C.unknown0x34, C.pointerCheck, C.okayDespiteLoss, TX_LOSS_EVENTS, C.pastWindow],
    arbitrary: () =>
      fc.record({
        fill: fc.integer({ min: 1, max: 0xfe }),
        src: fc.tuple(fc.constant(10), fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 1, max: 0xfe })).map((t) => [...t]),
        type: fc.constantFrom(0, 2, 3, 5, 0xff),
      }),
    scenario: (a, ctx): Op[] => txPlan(a, ctx).ops,
    check: (a, trace, ctx, t) => txPlan(a, ctx).run(trace, t),
    runsFactor: 0.05,
  }),
];
