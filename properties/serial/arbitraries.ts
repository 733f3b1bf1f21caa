// Boundary-first generators of the serial layer, built on the shared library (../arbitraries.ts):
// datagrams through the receive loop from a few bytes up to the 4 KiB SLIP buffer (between the
// Ethernet MTU and 4 KiB too, END/ESC-dense), encodings at, under, over and far over that
// buffer, and frames over it by one byte or by thousands. Limits come from ctx.limits.
import fc from 'fast-check';
import type { PropertyContext } from '../../src/runner/property.ts';
import { aroundLimit, boundaryInt, denseBytes, specialBiasedBytes, type LimitSize } from '../arbitraries.ts';
import { datagramEncodingTo, SPECIALS } from './support.ts';

/**
 * Datagrams for the receive loop: one to five short ones (1..120 bytes, END/ESC-biased) and, in
 * a quarter of the cases, one more between the Ethernet MTU and the SLIP buffer at a drawn
 * place, boundary-first (1514, 1515, 2048, 4095, 4096 decoded bytes), END/ESC-dense or plain.
 * One at most: each costs thousands of UART reads.
 */
export function rxDatagrams(ctx: PropertyContext): fc.Arbitrary<Uint8Array[]> {
  const { maxEthernetFrame: mtu, slipBufferBytes: limit } = ctx.limits;
  const large = boundaryInt({ min: mtu - 1, max: limit }, [mtu, limit]).chain((n) => denseBytes(n, SPECIALS));
  return fc
    .record({
      short: fc.array(specialBiasedBytes(1, 120, SPECIALS), { minLength: 1, maxLength: 5 }),
      large: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: large }),
      at: fc.nat(),
    })
    .map(({ short, large, at }) => (large ? [...short.slice(0, at % (short.length + 1)), large, ...short.slice(at % (short.length + 1))] : short));
}

/** A datagram whose SLIP encoding is at, one under, one over or far over the SLIP buffer, with its relation. */
export const encodingAroundLimit = (ctx: PropertyContext): fc.Arbitrary<{ size: LimitSize; datagram: Uint8Array }> =>
  aroundLimit(ctx.limits.slipBufferBytes, { under: 4, farOver: ctx.limits.slipBufferBytes }).chain((size) => datagramEncodingTo(size.n).map((datagram) => ({ size, datagram })));

/** How many bytes an oversize frame's decoded content passes the SLIP buffer by: 1, 2, a few, thousands. */
export const overBy = (ctx: PropertyContext): fc.Arbitrary<number> => aroundLimit(ctx.limits.slipBufferBytes, { farOver: ctx.limits.slipBufferBytes }).filter((s) => !s.fits).map((s) => s.n - ctx.limits.slipBufferBytes);
