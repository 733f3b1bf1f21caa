// Boundary-first generators of the nic layer: lengths at every limit the chip and the driver
// have (the 2 KiB TX buffer, the 60-byte minimum, the 13-bit TSD size field, the ring end and
// its last dword), drawn with high probability beside uniform values. Every edge is derived
// from the profile (ctx.limits) or from a field's width named in spec/clauses/nic.json.
import fc from 'fast-check';
import type { PropertyContext } from '../../src/runner/property.ts';
import { NIC } from './support.ts';

/**
 * An integer in [min, max]: one of `edges` (those inside the range) half the time, else
 * uniform. Edges are the values a wrong comparison (>= for >, a mask one bit short) turns.
 */
export function edgeInt(min: number, max: number, edges: number[], edgeWeight = 1, uniformWeight = 1): fc.Arbitrary<number> {
  const inside = [...new Set(edges.filter((e) => Number.isSafeInteger(e) && e >= min && e <= max))];
  const uniform = fc.integer({ min, max });
  return inside.length ? fc.oneof({ weight: edgeWeight, arbitrary: fc.constantFrom(...inside) }, { weight: uniformWeight, arbitrary: uniform }) : uniform;
}

/** limit − 1, limit, limit + 1 for each limit. */
export const around = (...limits: number[]): number[] => limits.flatMap((l) => [l - 1, l, l + 1]);

/** Every power of two in a `bits`-wide field, each one less, and the all-ones value. */
export const fieldEdges = (bits: number): number[] => {
  const out: number[] = [0, 2 ** bits - 1];
  for (let k = 0; k < bits; k++) out.push(2 ** k, 2 ** k - 1, 2 ** k + 1);
  return out;
};

/** Width of the TSD size field, from its mask (nic.tx.device-send: TSD & 0x1FFF). */
export const TSD_SIZE_BITS = Math.log2(NIC.TSD_SIZE + 1);

/**
 * Lengths a send may have: at and around the 60-byte minimum and the 2 KiB buffer (2047, 2048,
 * 2049), far over (twice the buffer and more), and uniform in between.
 */
export function sendLength(ctx: PropertyContext, overWeight = 1): fc.Arbitrary<number> {
  const { minEthernetFrame: min, txBufferBytes: B, maxEthernetFrame: mtu } = ctx.limits;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, 1, ...around(min, mtu), B - 1, B) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: min + 10 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: B }) },
    { weight: overWeight, arbitrary: fc.oneof(fc.constant(B + 1), fc.integer({ min: B + 1, max: B + 64 }), fc.integer({ min: 2 * B, max: 4 * B })) },
  );
}

/** A TSD size: every bit of the 13-bit field (powers of two and their neighbours), the 2 KiB buffer's edges, uniform. */
export const tsdSize = (ctx: PropertyContext): fc.Arbitrary<number> =>
  edgeInt(1, NIC.TSD_SIZE, [...fieldEdges(TSD_SIZE_BITS), ...around(ctx.limits.txBufferBytes, ctx.limits.maxEthernetFrame)], 2, 1);

/**
 * Where a frame crosses the ring end: its header `4 × back` bytes before the end (back 1 is
 * the ring's last dword) and by how many bytes its slot reaches past the end (1..16 put the
 * next write offset at 0, 4, 8, 12: CAPR's 16-bit wrap). Lengths stay within what the driver
 * delivers (its buffer, CRC included) and at least the minimum frame.
 */
export function ringCrossing(ctx: PropertyContext): fc.Arbitrary<{ back: number; length: number }> {
  const L = ctx.limits;
  const maxLen = L.rxCallerBufferBytes - NIC.CRC;
  const maxBack = Math.floor((maxLen + NIC.HEADER + NIC.CRC - 1) / 4);
  const back = edgeInt(1, maxBack, [1, 2, 3, 4, 5, maxBack - 1, maxBack], 3, 2);
  return back.chain((b) => {
    // Slot = header + frame + CRC; it must reach past the ring end: frame > 4b - 8.
    const minLen = Math.max(L.minRxFrame, 4 * b - NIC.HEADER - NIC.CRC + 1);
    const over = edgeInt(1, Math.max(1, maxLen - (4 * b - NIC.HEADER - NIC.CRC)), [1, 2, 3, 4, 5, 8, 9, 12, 13, 16, 17], 2, 1).map((o) => 4 * b - NIC.HEADER - NIC.CRC + o);
    const length = fc.oneof(over, edgeInt(minLen, maxLen, [minLen, L.maxEthernetFrame, maxLen]));
    return length.map((len) => ({ back: b, length: Math.min(maxLen, Math.max(minLen, len)) }));
  });
}
