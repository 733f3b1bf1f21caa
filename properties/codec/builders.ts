// Every builder refuses what its header cannot hold: an address of the wrong length, a number
// outside its field's range (negative, fractional, past the field's width). The other direction
// (edge values that fit — port 0 and 65535, seq 2^31, every flag bit — are built) is the layout
// properties', whose arbitraries draw those edges first.
import fc from 'fast-check';
import type { Json, Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { resultAt } from '../../src/runner/assert.ts';
import { missingFeature } from '../../src/spec/features.ts';
import { ADDRESS_BYTES, fieldRange, hexBytes, ipv4Addr, mac, outOfRange, port, u16, u32, u8, wrongLengthAddress, type FieldName } from '../arbitraries.ts';
import { arpHex } from './link.ts';
import { checkRefused, checkTypedErrors } from './parse-checks.ts';

const ARGUMENTS = 'codec.builders.arguments';

/** What an argument holds: an address (its length) or a header field (its range). */
type ArgKind = { address: 'mac' | 'ipv4' } | { field: FieldName };

interface Builder {
  op: string;
  /** The arguments a bad value can replace, and what each holds. */
  args: Record<string, ArgKind>;
  /** Good values for every argument (`hexBytes` payloads and the like included). */
  valid: () => fc.Arbitrary<Record<string, Json>>;
  /** A clause of the optional feature the op belongs to (spec/features.json), if any. */
  feature?: string;
}

const BUILDERS: Builder[] = [
  {
    op: 'ethernet.emit',
    args: { dst: { address: 'mac' }, src: { address: 'mac' }, etherType: { field: 'etherType' } },
    valid: () => fc.record({ dst: mac(), src: mac(), etherType: fc.constantFrom(0x0800, 0x0806), payload: hexBytes(0, 20) }),
  },
  {
    op: 'arp.emit',
    args: { operation: { field: 'arpOperation' }, senderMac: { address: 'mac' }, senderIp: { address: 'ipv4' }, targetMac: { address: 'mac' }, targetIp: { address: 'ipv4' } },
    valid: () => fc.record({ operation: fc.constantFrom(1, 2), senderMac: mac(), senderIp: ipv4Addr(), targetMac: mac(), targetIp: ipv4Addr() }),
  },
  {
    op: 'arp.request',
    args: { senderMac: { address: 'mac' }, senderIp: { address: 'ipv4' }, targetIp: { address: 'ipv4' } },
    valid: () => fc.record({ senderMac: mac(), senderIp: ipv4Addr(), targetIp: ipv4Addr() }),
  },
  {
    op: 'arp.reply',
    feature: 'codec.arp.reply',
    args: { mac: { address: 'mac' } },
    valid: () => fc.record({ request: fc.tuple(mac(), ipv4Addr(), ipv4Addr()).map(([m, s, t]) => arpHex({ operation: 1, senderMac: m, senderIp: s, targetMac: '000000000000', targetIp: t })), mac: mac() }),
  },
  {
    op: 'ipv4.create',
    args: { src: { address: 'ipv4' }, dst: { address: 'ipv4' }, protocol: { field: 'protocol' } },
    valid: () => fc.record({ src: ipv4Addr(), dst: ipv4Addr(), protocol: fc.constantFrom(1, 6, 17), payload: hexBytes(0, 20) }),
  },
  {
    op: 'icmp.create',
    args: { type: { field: 'icmpType' }, identifier: { field: 'identifier' }, sequence: { field: 'identifier' } },
    valid: () => fc.record({ type: fc.constantFrom(0, 8), identifier: u16(), sequence: u16(), payload: hexBytes(0, 20) }),
  },
  {
    op: 'tcp.create',
    args: {
      srcIp: { address: 'ipv4' },
      dstIp: { address: 'ipv4' },
      srcPort: { field: 'port' },
      dstPort: { field: 'port' },
      seq: { field: 'seq' },
      ack: { field: 'seq' },
      flags: { field: 'tcpFlags' },
      window: { field: 'window' },
    },
    valid: () => fc.record({ srcIp: ipv4Addr(), dstIp: ipv4Addr(), srcPort: port(), dstPort: port(), seq: u32(), ack: u32(), flags: u8(), payload: hexBytes(0, 20) }),
  },
  {
    op: 'udp.create',
    args: { srcPort: { field: 'port' }, dstPort: { field: 'port' } },
    valid: () => fc.record({ srcPort: port(), dstPort: port(), payload: hexBytes(0, 20) }),
  },
];

const badValue = (k: ArgKind): fc.Arbitrary<Json> => ('address' in k ? wrongLengthAddress(ADDRESS_BYTES[k.address]) : outOfRange(fieldRange(k.field)));

/** One builder call with one argument replaced by a value it must refuse. */
interface BadCall {
  op: string;
  feature?: string;
  arg: string;
  bad: Json;
  args: Record<string, Json>;
}

const badCall = (b: Builder): fc.Arbitrary<BadCall> =>
  fc.constantFrom(...Object.keys(b.args)).chain((arg) => fc.record({ args: b.valid(), bad: badValue(b.args[arg]!) }).map(({ args, bad }) => ({ op: b.op, feature: b.feature, arg, bad, args: { ...args, [arg]: bad } })));

const describe = (c: BadCall): string => `${c.op} with ${c.arg} = ${typeof c.bad === 'string' ? `'${c.bad}' (${c.bad.length / 2} bytes)` : String(c.bad)}`;

export const builderProperties = [
  defineProperty({
    id: 'codec.builders.invalid-arguments',
    title: 'every builder refuses a wrong-length address and an out-of-range number as an invalid argument, never padding, cutting or wrapping it',
    layer: 'codec',
    clauses: [ARGUMENTS, 'codec.errors.typed'],
    // Each case calls every builder once, each with one of its arguments bad.
    arbitrary: () => fc.tuple(...BUILDERS.map(badCall)),
    scenario: (calls): Op[] => calls.map((c) => ({ op: c.op, ...c.args })),
    // An op of an optional feature is judged only when the feature is declared and answered:
    // its absence or an unsupported-op is that feature's clauses' to report, not this rule's.
    check: (calls, trace, ctx, t) =>
      calls.forEach((c, i) => {
        const r = resultAt(trace, i);
        if (c.feature && (missingFeature(ctx.statement, c.feature) !== null || (!r.ok && r.error.kind === 'unsupported-op'))) return;
        checkTypedErrors(t, trace, i, 1, 'builder with a bad argument');
        checkRefused(t, ARGUMENTS, trace, i, describe(c), ['invalid-argument']);
      }),
    // Every case exercises all eight builders: half the runs still try each argument many times.
    runsFactor: 0.5,
  }),
];
