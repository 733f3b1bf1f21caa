// Boundary-first generators of the nic layer, built on the shared library (../arbitraries.ts):
// lengths at every limit the chip and the driver have (the 60-byte minimum, the 2 KiB TX
// buffer, the 13-bit TSD size field, the ring end and its last dword). Every edge comes from
// the profile (ctx.limits) or from a field width the clauses name (spec/clauses/nic.json).
import fc from 'fast-check';
import type { PropertyContext } from '../../src/runner/property.ts';
import { aroundLimit, boundaryInt } from '../arbitraries.ts';
import { NIC } from './support.ts';

/** Width of the TSD size field, from its mask (nic.tx.device-send: TSD & 0x1FFF). */
export const TSD_SIZE_BITS = Math.log2(NIC.TSD_SIZE + 1);

/**
 * Lengths a send may have: boundary-first up to the 2 KiB buffer (0, 59, 60, 61, 1514, 2047,
 * 2048, powers of two), and now and then at, one over or far over it.
 */
export function sendLength(ctx: PropertyContext, overWeight = 1): fc.Arbitrary<number> {
  const { minEthernetFrame: min, txBufferBytes: B, maxEthernetFrame: mtu } = ctx.limits;
  return fc.oneof(
    { weight: 3, arbitrary: boundaryInt({ min: 0, max: min + 10 }, [min]) },
    { weight: 4, arbitrary: boundaryInt({ min: 0, max: B }, [min, mtu]) },
    { weight: overWeight, arbitrary: aroundLimit(B, { farOver: 3 * B }).map((s) => s.n) },
  );
}

/** A TSD size: every bit of the 13-bit field (powers of two, 2^k - 1, all ones), the 2 KiB buffer's edges, uniform. */
export const tsdSize = (ctx: PropertyContext): fc.Arbitrary<number> => boundaryInt({ min: 1, max: NIC.TSD_SIZE }, [ctx.limits.txBufferBytes, ctx.limits.maxEthernetFrame]);

/** A length in [min, max] of a received frame, boundary-first at the receive limits (14, 1514, 2044, 2048, 4092). */
export const rxLength = (ctx: PropertyContext, min: number, max: number): fc.Arbitrary<number> =>
  boundaryInt({ min, max }, [ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame, ctx.limits.rxCallerBufferBytes - NIC.CRC, ctx.limits.rxCallerBufferBytes, NIC.MAX_WRITTEN]);

/**
 * Where a frame crosses the ring end: its header `4 × back` bytes before the end (back 1: the
 * ring's last dword) and how far its slot reaches past the end (a few bytes put the next write
 * offset at 0, 4, 8 or 12, where CAPR = offset - 16 wraps in 16 bits). Lengths stay within
 * what the driver delivers (its buffer, CRC included).
 */
export function ringCrossing(ctx: PropertyContext): fc.Arbitrary<{ back: number; length: number }> {
  const L = ctx.limits;
  const maxLen = L.rxCallerBufferBytes - NIC.CRC;
  const slot = NIC.HEADER + NIC.CRC;
  const maxBack = Math.floor((maxLen + slot - 1) / 4);
  // The last dword (back 1) a quarter of the time: its own edge, where the body starts at the ring end.
  return fc.oneof({ weight: 1, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: boundaryInt({ min: 1, max: maxBack }, [4]) }).chain((b) => {
    // The slot (header + frame + CRC) reaches past the ring end when frame > 4b - 8.
    const least = Math.max(L.minRxFrame, 4 * b - slot + 1);
    const over = boundaryInt({ min: 1, max: Math.max(1, maxLen - (4 * b - slot)) }, [4, 8, 12, 16]).map((o) => 4 * b - slot + o);
    return fc.oneof(over, rxLength(ctx, least, maxLen)).map((len) => ({ back: b, length: Math.min(maxLen, Math.max(least, len)) }));
  });
}
