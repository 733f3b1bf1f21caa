// Internet checksum (RFC 1071) and the IPv4 pseudo-header sum (RFC 793 §3.1, RFC 768).
//
// The sum is the one's-complement sum of the buffer read as big-endian 16-bit words; an odd
// trailing byte is the HIGH byte of a final word (as if padded with a zero byte on the right).
// Carries out of bit 15 are folded back in. The checksum is the complement of that sum. A
// buffer that already holds its correct checksum therefore sums to 0xFFFF.

const fold = (sum: number): number => {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
};

/**
 * Folded 16-bit one's-complement sum of `bytes`, started from `initial` (a previous folded
 * sum, e.g. the pseudo-header's). Not complemented. A non-integer or negative `initial` is
 * treated as 0; a larger one is folded first.
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = Number.isSafeInteger(initial) && initial > 0 ? fold(initial) : 0;
  const n = bytes.length;
  let i = 0;
  // At most 0x1ffff is added per step after a fold, so folding every 4096 words keeps the
  // running total far inside the exact-integer range of a double.
  let sinceFold = 0;
  for (; i + 1 < n; i += 2) {
    sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
    if (++sinceFold === 4096) {
      sum = fold(sum);
      sinceFold = 0;
    }
  }
  if (i < n) sum += (bytes[i] ?? 0) << 8;
  return fold(sum);
}

/** The Internet checksum: the complement of the folded sum, as a 16-bit value. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/**
 * Folded sum of the 12-byte IPv4 pseudo-header: src (4), dst (4), zero, protocol, length.
 * `protocol` is taken modulo 256 and `length` modulo 65536, as the header fields hold them.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  const tail = new Uint8Array(4);
  tail[0] = 0;
  tail[1] = protocol & 0xff;
  tail[2] = (length >>> 8) & 0xff;
  tail[3] = length & 0xff;
  return onesComplementSum(tail, onesComplementSum(dst, onesComplementSum(src)));
}
