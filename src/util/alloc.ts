// Byte arrays for the hot paths. A typed array above V8's on-heap limit (64 bytes) gets its
// own ArrayBuffer backing store, which costs about a microsecond to allocate — far more than
// filling it. Medium arrays are therefore cut from 64 KiB slabs instead, as Node does for
// Buffer.allocUnsafe: each is a plain Uint8Array view of its own, never-reused (so zeroed)
// region of a slab. Callers must not assume `.buffer` holds only their bytes (use byteOffset
// and length, as every user here does); a slab is freed once all of its arrays are.

const ON_HEAP_MAX = 64;
const POOLED_MAX = 4096;
const SLAB_BYTES = 64 * 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zero-filled Uint8Array of `n` bytes that aliases nothing else handed out. */
export function allocBytes(n: number): Uint8Array {
  if (n <= ON_HEAP_MAX || n > POOLED_MAX) return new Uint8Array(n);
  if (used + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, n);
  used = (used + n + 7) & ~7; // keep every array 8-aligned: the word-wise loops read aligned
  return out;
}
