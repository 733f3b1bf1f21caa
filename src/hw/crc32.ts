// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF): the
// frame check sequence the RTL8139 appends after each received frame in its RX ring.

import { crc32 as zlibCrc32 } from 'node:zlib';

const POLY_REFLECTED = 0xedb88320;

// Slicing by 8: TABLES[k][b] is the CRC of byte b followed by k zero bytes, so one step
// consumes 8 bytes with eight independent lookups instead of eight dependent ones.
const TABLES: Uint32Array[] = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k]![n] = (t[0]![t[k - 1]![n]! & 0xff]! ^ (t[k - 1]![n]! >>> 8)) >>> 0;
  }
  return t;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/** From here on zlib's native CRC-32 (the same polynomial) beats the table walk; below, the call costs more. */
const NATIVE_MIN_BYTES = 128;

export function crc32(bytes: Uint8Array): number {
  if (bytes.length >= NATIVE_MIN_BYTES) return zlibCrc32(bytes) >>> 0;
  let c = 0xffffffff;
  const n = bytes.length;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = T7[c & 0xff]! ^ T6[(c >>> 8) & 0xff]! ^ T5[(c >>> 16) & 0xff]! ^ T4[c >>> 24]! ^ T3[bytes[i + 4]!]! ^ T2[bytes[i + 5]!]! ^ T1[bytes[i + 6]!]! ^ T0[bytes[i + 7]!]!;
  }
  for (; i < n; i++) c = T0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
