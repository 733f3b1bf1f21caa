// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF): the
// frame check sequence the RTL8139 appends after each received frame in its RX ring.

import { crc32 as zlibCrc32 } from 'node:zlib';

const POLY_REFLECTED = 0xedb88320;

// Slicing by 4: TABLES[k][b] is the CRC of byte b followed by k zero bytes, so one step
// consumes a 32-bit word with four independent lookups instead of four dependent ones.
const TABLES: Uint32Array[] = (() => {
  const t = Array.from({ length: 4 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[k]![n] = (t[0]![t[k - 1]![n]! & 0xff]! ^ (t[k - 1]![n]! >>> 8)) >>> 0;
  }
  return t;
})();
const [T0, T1, T2, T3] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/** From here on zlib's native CRC-32 (the same polynomial) beats the table walk; below, the call costs more. */
const NATIVE_MIN_BYTES = 256;

export function crc32(bytes: Uint8Array): number {
  if (bytes.length >= NATIVE_MIN_BYTES) return zlibCrc32(bytes) >>> 0;
  let c = 0xffffffff;
  const n = bytes.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = T3[c & 0xff]! ^ T2[(c >>> 8) & 0xff]! ^ T1[(c >>> 16) & 0xff]! ^ T0[c >>> 24]!;
  }
  for (; i < n; i++) c = T0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
