import { afterEach, describe, expect, it } from 'vitest';
import { allocBytes, allocBytesToOverwrite, poisonOverwriteAllocations } from '../../src/util/alloc.ts';
import { copyOf } from '../../src/codec/fields.ts';
import { emitEthernet, ETHERTYPE_IPV4 } from '../../src/codec/ethernet.ts';
import { createIpv4Packet, emitIpv4, IPPROTO_TCP } from '../../src/codec/ipv4.ts';
import { createTcpSegment, emitTcp } from '../../src/codec/tcp.ts';
import { createUdpPacket } from '../../src/codec/udp.ts';
import { createEcho, emitIcmp } from '../../src/codec/icmp.ts';
import { slipEncode, slipDecodeAll } from '../../src/codec/slip.ts';
import { unwrap } from '../codec/helpers.ts';

const MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
const SRC = Uint8Array.of(10, 0, 2, 15);
const DST = Uint8Array.of(10, 0, 2, 2);
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** Every builder whose output comes from allocBytesToOverwrite, at sizes on V8's heap and from the slabs. */
function outputs(n: number): Uint8Array[] {
  const payload = bytes(n, n);
  const seg = unwrap(createTcpSegment({ srcIp: SRC, dstIp: DST, srcPort: 1234, dstPort: 80, seq: 7, ack: 9, flags: 0x18, payload }));
  const ip = unwrap(createIpv4Packet({ src: SRC, dst: DST, protocol: IPPROTO_TCP, payload: seg }));
  const header = { versionIhl: 0x46, dscpEcn: 1, totalLength: 24 + n, identification: 2, flagsFragment: 0x4000, ttl: 64, protocol: 17, checksum: 0, src: SRC, dst: DST };
  const tcpHeader = { srcPort: 1, dstPort: 2, seq: 3, ack: 4, dataOffset: 6, flags: 0x12, window: 5, checksum: 6, urgent: 7 };
  return [
    seg,
    ip,
    unwrap(emitEthernet({ dst: MAC, src: MAC, etherType: ETHERTYPE_IPV4, payload: ip })),
    unwrap(emitIpv4({ header, options: Uint8Array.of(1, 1, 1, 0), payload }, { fillChecksum: true })),
    unwrap(emitTcp({ header: tcpHeader, options: Uint8Array.of(1, 1, 1, 0), payload }, { srcIp: SRC, dstIp: DST })),
    unwrap(createUdpPacket({ srcPort: 53, dstPort: 53, payload })),
    unwrap(createEcho({ type: 8, identifier: 1, sequence: 2, payload })),
    unwrap(emitIcmp({ type: 0, code: 0, checksum: 0x1234, identifier: 3, sequence: 4, payload })),
    unwrap(slipEncode(Uint8Array.of(0xc0, ...payload, 0xdb), 1 << 16)),
    ...slipDecodeAll(unwrap(slipEncode(payload, 1 << 16)), 1 << 16).map((e) => ('frame' in e ? e.frame : new Uint8Array(0))),
    copyOf(Buffer.from(payload), 1),
    copyOf(payload, 3, n),
  ];
}

describe('allocBytesToOverwrite', () => {
  afterEach(() => poisonOverwriteAllocations(undefined));

  it('every builder that uses it writes every byte: outputs are the same over poisoned memory', () => {
    for (const n of [0, 5, 30, 60, 100, 1460, 3000, 5000]) {
      const clean = outputs(n);
      for (const p of [0x00, 0xa5, 0xff]) {
        poisonOverwriteAllocations(p);
        expect(outputs(n)).toEqual(clean);
        poisonOverwriteAllocations(undefined);
      }
    }
  });

  it('hands out disjoint, 8-aligned arrays of the asked length; allocBytes stays zero-filled', () => {
    const a = allocBytesToOverwrite(100);
    const b = allocBytesToOverwrite(100);
    expect([a.length, b.length]).toEqual([100, 100]);
    expect(a.byteOffset % 8).toBe(0);
    a.fill(1);
    b.fill(2);
    expect(a.every((x) => x === 1)).toBe(true);
    const z = allocBytes(1000);
    expect(z.every((x) => x === 0)).toBe(true);
    expect(Object.getPrototypeOf(a)).toBe(Uint8Array.prototype);
  });
});
