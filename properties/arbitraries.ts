// The boundary-first arbitraries library every property draws from (the parts are in
// properties/arbitraries/). Bugs live at edges that uniform draws rarely reach, so:
//
// - numbers (numbers.ts): `boundaryInt(range, limits)` draws min, min+1, max-1, max, each
//   limit's L-1/L/L+1/L+2, powers of two and 2^k-1, the sign-bit edges of 8/16/32-bit fields
//   (0x7F/0x80, 0x7FFF/0x8000, 2^31-1/2^31) with high probability (EDGE_WEIGHT : UNIFORM_WEIGHT),
//   uniform values otherwise. `uintBits(n)`, `u8/u16/u32/port` are that for a field's width;
//   `singleBits(n)` and `everyValue(n)` list a field's single bits and every value (check all
//   256 flag bytes in one case, not a few per run); `outOfRange(range)` the values a builder
//   must refuse (min-1, max+1, far over, fractions).
// - sizes (sizes.ts): `aroundLimit(limit)` draws a size at, one under, one over or far over a
//   limit, tagged `{ n, rel, fits }`; `limitSizes(limit)` lists all four for one case;
//   `lengthUpTo(min, max, limits)` boundary-first lengths.
// - checksums (checksum.ts): `sumEdgeData()` draws data whose sum is 0xFFFF (checksum 0),
//   all-zero data (checksum 0xFFFF), all-0xFF data, totals needing a second end-around carry,
//   long buffers; `setWordForSum` / `setWordForSecondFold` make given data such (a pseudo-header
//   sum as `initial`).
// - bytes (bytes.ts): `bytes`/`hexBytes` (end lengths often), `denseBytes` (END/ESC-dense),
//   `specialBiasedBytes`, `mac`/`ipv4Addr` (all-zero and all-ones often) and
//   `wrongLengthAddress` (3- or 5-byte IPv4, 5- or 7-byte MAC, empty, double).
// - fields (fields.ts): header field widths and lengths from the RFC layouts (FIELD_BITS,
//   HEADER_BYTES, IPV4_MAX_DATAGRAM, MAX_TRANSPORT). Profile limits (ctx.limits, from
//   spec/profiles/*.json) are passed in by the property; nothing here is a literal limit.
//
// How to write a property with them: properties/README.md.
export * from './arbitraries/numbers.ts';
export * from './arbitraries/sizes.ts';
export * from './arbitraries/bytes.ts';
export * from './arbitraries/fields.ts';
export * from './arbitraries/checksum.ts';
import { fieldRange } from './arbitraries/fields.ts';
import { boundaryInt, uintBits } from './arbitraries/numbers.ts';

export const u8 = () => uintBits(8);
export const u16 = () => uintBits(16);
export const u32 = () => uintBits(32);
/** A TCP/UDP port: 0, 1, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, powers of two, or uniform. */
export const port = () => boundaryInt(fieldRange('port'));
