// Byte arrays for the hot paths. A typed array above V8's on-heap limit (64 bytes) gets its
// own ArrayBuffer backing store, which costs about a microsecond to allocate — far more than
// filling it. Medium arrays are therefore cut from 64 KiB slabs instead, as Node does for
// Buffer.allocUnsafe: each is a plain Uint8Array view of its own, never-reused region of a
// slab. Callers must not assume `.buffer` holds only their bytes (use byteOffset and length,
// as every user here does); a slab is freed once all of its arrays are.
//
// Two pools: zero-filled slabs (allocBytes), and slabs left as malloc returned them
// (allocBytesToOverwrite), for callers that write every byte before the array leaves them —
// zeroing a slab costs as much as copying into it, about half the price of a 1.5 KB array.

const ON_HEAP_MAX = 64;
const POOLED_MAX = 4096;
const SLAB_BYTES = 64 * 1024;

interface Pool {
  slab: ArrayBuffer;
  used: number;
  readonly make: () => ArrayBuffer;
}

const zeroed: Pool = { slab: new ArrayBuffer(SLAB_BYTES), used: 0, make: () => new ArrayBuffer(SLAB_BYTES) };
const unfilled: Pool = { slab: new ArrayBuffer(0), used: SLAB_BYTES, make: () => Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer };

/** Poison byte for allocBytesToOverwrite (tests: a byte a caller forgot to write shows up). */
let poison: number | undefined;

function cut(pool: Pool, n: number): Uint8Array {
  if (pool.used + n > SLAB_BYTES) {
    pool.slab = pool.make();
    pool.used = 0;
  }
  const out = new Uint8Array(pool.slab, pool.used, n);
  pool.used = (pool.used + n + 7) & ~7; // keep every array 8-aligned: the word-wise loops read aligned
  return out;
}

/** A zero-filled Uint8Array of `n` bytes that aliases nothing else handed out. */
export function allocBytes(n: number): Uint8Array {
  if (n <= ON_HEAP_MAX || n > POOLED_MAX) return new Uint8Array(n);
  return cut(zeroed, n);
}

/**
 * A Uint8Array of `n` bytes that aliases nothing else handed out, with unspecified contents:
 * only for a caller that writes every one of its bytes before handing it out.
 */
export function allocBytesToOverwrite(n: number): Uint8Array {
  if (n <= ON_HEAP_MAX || n > POOLED_MAX) return poison === undefined ? new Uint8Array(n) : new Uint8Array(n).fill(poison);
  const out = cut(unfilled, n);
  if (poison !== undefined) out.fill(poison);
  return out;
}

/** Tests only: fill every allocBytesToOverwrite array with `byte` first (undefined: stop). */
export function poisonOverwriteAllocations(byte: number | undefined): void {
  poison = byte;
}

/**
 * allocBytesToOverwrite, but cut from a slab at every size up to the pooled limit (never on
 * V8's heap): for an array whose views are handed out, since the first view of an on-heap
 * array moves its bytes off the heap.
 */
export function allocSlabBytesToOverwrite(n: number): Uint8Array {
  if (n > POOLED_MAX) return allocBytesToOverwrite(n);
  const out = cut(unfilled, n);
  if (poison !== undefined) out.fill(poison);
  return out;
}
