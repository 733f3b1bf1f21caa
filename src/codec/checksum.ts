// Internet checksum (RFC 1071) and the IPv4 pseudo-header sum (RFC 793 §3.1, RFC 768).
//
// The sum is the one's-complement sum of the buffer read as big-endian 16-bit words; an odd
// trailing byte is the HIGH byte of a final word (as if padded with a zero byte on the right).
// Carries out of bit 15 are folded back in. The checksum is the complement of that sum. A
// buffer that already holds its correct checksum therefore sums to 0xFFFF.
//
// Speed (RFC 1071 §2): long buffers are summed 32 bits at a time through a Uint32Array view.
// Its little-endian words hold the 16-bit words byte-swapped, and the one's-complement sum
// commutes with swapping bytes, so the folded sum of those words is swapped back once at the
// end. The checksum field of a header is skipped by summing around it, never by copying.
// From WASM_MIN_BYTES on, the sum runs in WebAssembly (wasm/codec.wat: 16 bytes a step with
// SIMD) on a copy of the bytes in the module's memory; the JS loops below stay for short
// ranges, for inputs past that memory, and for hosts without WebAssembly SIMD.
import { MEMORY, wasm } from './wasm/kernels.ts';

/** End-around-carry fold to 16 bits; 0 stays 0, any other total lands in 1..0xffff. */
const fold = (sum: number): number => {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
};

const swap16 = (v: number): number => ((v & 0xff) << 8) | (v >>> 8);

/** Word sums are read little-endian through Uint32Array; on a big-endian host use bytes only. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Below this many bytes a Uint32Array view costs more than it saves. */
const WIDE_MIN_BYTES = 128;
/** From this many bytes on, copying into wasm memory and summing there beats the JS loops. */
const WASM_MIN_BYTES = 64;
/** 32-bit words summed between folds: 2^20 words of < 2^32 stay below 2^53, exact in a double. */
const WIDE_CHUNK_WORDS = 1 << 20;

/**
 * Unfolded sum of bytes[start, end) as big-endian words paired from `start` (an odd trailing
 * byte is a high byte). Total of non-negative terms: 0 only when every byte is 0.
 */
function sumRange(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  const k = wasm;
  if (k !== undefined && n >= WASM_MIN_BYTES) {
    // The whole array when it fits (no view to create); else just the range.
    if (b.length <= MEMORY.sumMax) {
      k.mem.set(b, MEMORY.sumIn);
      return k.sum(MEMORY.sumIn + start, n);
    }
    if (n <= MEMORY.sumMax) {
      k.mem.set(b.subarray(start, end), MEMORY.sumIn);
      return k.sum(MEMORY.sumIn, n);
    }
  }
  if (n < WIDE_MIN_BYTES || !LITTLE_ENDIAN) {
    let s = 0;
    let i = start;
    // At most 0xffff per word: 2^37 words before a double loses exactness; fold every 2^20 anyway.
    for (let k = 0; i + 1 < end; i += 2) {
      s += (b[i]! << 8) | b[i + 1]!;
      if (++k === WIDE_CHUNK_WORDS) {
        s = fold(s);
        k = 0;
      }
    }
    if (i < end) s += b[i]! << 8;
    return s;
  }
  // Bytes before the first 4-aligned address, and after the last whole word: one at a time,
  // each at its place in its word (even offset from `start`: high byte).
  const abs = b.byteOffset + start;
  const head = (4 - (abs & 3)) & 3;
  const words = (n - head) >>> 2;
  let s = 0;
  for (let j = 0; j < head; j++) s += j & 1 ? b[start + j]! : b[start + j]! << 8;
  const w = new Uint32Array(b.buffer, abs + head, words);
  let wide = 0;
  for (let base = 0; base < words; base += WIDE_CHUNK_WORDS) {
    const stop = Math.min(words, base + WIDE_CHUNK_WORDS);
    let a = 0;
    let c = 0;
    let i = base;
    for (; i + 3 < stop; i += 4) {
      a += w[i]! + w[i + 1]!;
      c += w[i + 2]! + w[i + 3]!;
    }
    for (; i < stop; i++) a += w[i]!;
    wide = fold(wide + fold(a) + fold(c));
  }
  // After an even head the word halves are byte-swapped words; after an odd one each byte
  // already sits at its own place (a low byte of one word, then the high byte of the next).
  s += head & 1 ? wide : swap16(wide);
  for (let j = head + words * 4; j < n; j++) s += j & 1 ? b[start + j]! : b[start + j]! << 8;
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
  const k = wasm;
  if (k !== undefined && at >= 0 && n >= WASM_MIN_BYTES && n <= MEMORY.sumMax) {
    // One copy, two sums around the field (each pairs its words from its own start, as below).
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
