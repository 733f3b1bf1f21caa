// Small argument checks shared by the codec modules. Emitters validate their inputs up front
// and return an 'invalid-argument' error instead of writing a truncated or wrapped field.
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { err } from '../util/result.ts';
import type { Result } from '../util/result.ts';

export const MAC_LEN = 6;
export const IPV4_ADDR_LEN = 4;

export const isUint = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
export const isU8 = (v: unknown): v is number => isUint(v, 0xff);
export const isU16 = (v: unknown): v is number => isUint(v, 0xffff);
export const isU32 = (v: unknown): v is number => isUint(v, 0xffff_ffff);

const isBytes = (v: unknown, len: number): v is Uint8Array => v instanceof Uint8Array && v.length === len;

/**
 * A check is the message saying what is wrong, or undefined when the value is fine: messages
 * are only built for values that fail (emitters run these on every call).
 */
export type Check = string | undefined;

/** Returns the first failed check as an error, or undefined when every check passes. */
export function firstFailure(where: string, checks: ReadonlyArray<Check>): Result<never> | undefined {
  for (const message of checks) if (message !== undefined) return err('invalid-argument', where, message);
  return undefined;
}

/** `message` when `good` is false. */
export const need = (good: boolean, message: string): Check => (good ? undefined : message);

export const macCheck = (v: unknown, name: string): Check => (isBytes(v, MAC_LEN) ? undefined : `${name} must be a ${MAC_LEN}-byte MAC address`);
export const ipCheck = (v: unknown, name: string): Check => (isBytes(v, IPV4_ADDR_LEN) ? undefined : `${name} must be a ${IPV4_ADDR_LEN}-byte IPv4 address`);
export const bytesCheck = (v: unknown, name: string): Check => (v instanceof Uint8Array ? undefined : `${name} must be a Uint8Array`);
export const u8Check = (v: unknown, name: string): Check => (isU8(v) ? undefined : `${name} must be an integer in 0..0xff`);
export const u16Check = (v: unknown, name: string): Check => (isU16(v) ? undefined : `${name} must be an integer in 0..0xffff`);
export const u32Check = (v: unknown, name: string): Check => (isU32(v) ? undefined : `${name} must be an integer in 0..0xffffffff`);

/** Zero bytes: a view of nothing shows nothing, so empty fields (no options) share this one. */
const NO_BYTES = new Uint8Array(0);

/** bytes[start, end) as a plain Uint8Array view of the same memory (also for a Buffer). */
export const viewOf = (b: Uint8Array, start: number, end: number): Uint8Array =>
  end > start ? new Uint8Array(b.buffer, b.byteOffset + start, end - start) : NO_BYTES;

/**
 * Options of the parsers. `view: true` returns the byte fields (addresses, options, payload)
 * as views of the parsed bytes instead of copies: nothing is copied, and the results change
 * if those bytes do. For readers that are done with the result before the input changes.
 */
export interface ParseOptions {
  view?: boolean;
}

/** The byte-field extractor a parse call uses: copyOf, or viewOf with `view: true`. */
export const takerFor = (opts: ParseOptions | undefined): ((b: Uint8Array, start: number, end: number) => Uint8Array) =>
  opts?.view ? viewOf : copyOf;

/** Up to this many bytes a copy loop beats setting from a view (no view object to allocate). */
const COPY_LOOP_MAX = 16;
/** V8 keeps typed arrays up to this size on its heap (no backing store to allocate). */
const ON_HEAP_MAX = 64;

/** Writes `src` into `out` at `at`: a loop for short fields, TypedArray#set (memcpy) beyond. */
export function putBytes(out: Uint8Array, src: Uint8Array, at: number): void {
  const n = src.length;
  if (n <= COPY_LOOP_MAX) for (let i = 0; i < n; i++) out[at + i] = src[i]!;
  else out.set(src, at);
}

/**
 * A fresh Uint8Array holding bytes[start, end), so values handed out never alias the caller's
 * buffer. Not `b.slice()`: on a Node Buffer that is a view of the same memory. Out-of-range
 * bounds are clamped as slice would.
 */
export function copyOf(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  const from = Math.max(0, Math.min(start, b.length));
  const n = Math.max(0, Math.min(end, b.length) - from);
  // A plain Uint8Array's own slice is a true copy, and the fastest one for small arrays (no
  // view object); Buffers and other subclasses take the explicit path.
  if (n > COPY_LOOP_MAX && n <= ON_HEAP_MAX && Object.getPrototypeOf(b) === Uint8Array.prototype) return b.slice(from, from + n);
  const out = allocBytesToOverwrite(n);
  if (n <= COPY_LOOP_MAX) for (let i = 0; i < n; i++) out[i] = b[from + i]!;
  else out.set(new Uint8Array(b.buffer, b.byteOffset + from, n));
  return out;
}
