// Internet checksum (RFC 1071) and the IPv4 pseudo-header sum (RFC 793 §3.1, RFC 768).
//
// The sum is the one's-complement sum of the buffer read as big-endian 16-bit words; an odd
// trailing byte is the HIGH byte of a final word (as if padded with a zero byte on the right).
// Carries out of bit 15 are folded back in. The checksum is the complement of that sum. A
// buffer that already holds its correct checksum therefore sums to 0xFFFF.
//
// Speed (RFC 1071 §2): from WASM_MIN_BYTES on, the sum runs in WebAssembly (wasm/codec.wat:
// 16 bytes a step with SIMD) on a copy of the bytes in the module's memory; shorter ranges (the
// headers) are summed by the JS loop below, where crossing into wasm would cost more. The
// checksum field of a header is skipped by summing around it, never by zeroing the caller's copy.
import { MEMORY, wasmKernels } from './wasm/kernels.ts';

/** End-around-carry fold to 16 bits; 0 stays 0, any other total lands in 1..0xffff. */
const fold = (sum: number): number => {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
};

/** From this many bytes on, copying into wasm memory and summing there beats the JS loop. */
const WASM_MIN_BYTES = 64;

/**
 * Sum of bytes[start, end) as big-endian words paired from `start` (an odd trailing byte is a
 * high byte), folded or not: 0 only when every byte is 0, else ≡ the sum mod 0xffff.
 */
function sumRange(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  // (Offsets that are not small non-negative integers never come from the exported functions'
  // callers here; the loop gives them the meaning they always had.)
  if (n < WASM_MIN_BYTES || start < 0 || (start | 0) !== start || (end | 0) !== end) {
    let s = 0;
    let i = start;
    for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!; // < 2^37 words of ≤ 0xffff: exact in a double
    if (i < end) s += b[i]! << 8;
    return s;
  }
  const k = wasmKernels();
  // The whole array when it fits (no view to create); else the range, in memory-sized pieces
  // (an even length each, so the words keep their pairing).
  if (b.length <= MEMORY.sumMax) {
    k.mem.set(b, MEMORY.sumIn);
    return k.sum(MEMORY.sumIn + start, n);
  }
  let s = 0;
  for (let p = start; p < end; p += MEMORY.sumMax) {
    const q = Math.min(end, p + MEMORY.sumMax);
    k.mem.set(b.subarray(p, q), MEMORY.sumIn);
    s += k.sum(MEMORY.sumIn, q - p);
  }
  return s;
}

const validInitial = (initial: number): number => (Number.isSafeInteger(initial) && initial > 0 ? fold(initial) : 0);

/**
 * Folded 16-bit one's-complement sum of `bytes`, started from `initial` (a previous folded
 * sum, e.g. the pseudo-header's). Not complemented. A non-integer or negative `initial` is
 * treated as 0; a larger one is folded first.
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  return fold(validInitial(initial) + sumRange(bytes, 0, bytes.length));
}

/** onesComplementSum of the first `length` bytes of `bytes` (a header inside a packet), without a view. */
export function onesComplementSumOf(bytes: Uint8Array, length: number, initial = 0): number {
  return fold(validInitial(initial) + sumRange(bytes, 0, Math.max(0, Math.min(length, bytes.length))));
}

/**
 * onesComplementSum of `bytes` with the 16-bit field at the even offset `at` taken as zero
 * (bytes past the end are not there to skip): what a header's checksum is computed over.
 */
export function onesComplementSumSkipping(bytes: Uint8Array, at: number, initial = 0): number {
  const n = bytes.length;
  if (at >= n) return onesComplementSum(bytes, initial);
  const cut = Math.min(n, at + 2);
  if (at >= 0 && (at | 0) === at && n >= WASM_MIN_BYTES && n <= MEMORY.sumMax) {
    // One copy, two sums around the field (each pairs its words from its own start, as below).
    const k = wasmKernels();
    k.mem.set(bytes, MEMORY.sumIn);
    return fold(validInitial(initial) + k.sum(MEMORY.sumIn, at) + k.sum(MEMORY.sumIn + cut, n - cut));
  }
  return fold(validInitial(initial) + sumRange(bytes, 0, at) + sumRange(bytes, cut, n));
}

/** The Internet checksum: the complement of the folded sum, as a 16-bit value. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/**
 * Folded sum of the 12-byte IPv4 pseudo-header: src (4), dst (4), zero, protocol, length.
 * `protocol` is taken modulo 256 and `length` modulo 65536, as the header fields hold them.
 * Addresses of another length are summed as byte strings, as the header would carry them.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  const addresses =
    src.length === 4 && dst.length === 4
      ? ((src[0]! << 8) | src[1]!) + ((src[2]! << 8) | src[3]!) + ((dst[0]! << 8) | dst[1]!) + ((dst[2]! << 8) | dst[3]!)
      : fold(sumRange(src, 0, src.length)) + sumRange(dst, 0, dst.length);
  return fold(fold(addresses) + (protocol & 0xff) + (length & 0xffff));
}
