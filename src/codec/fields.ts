// Small argument checks shared by the codec modules. Emitters validate their inputs up front
// and return an 'invalid-argument' error instead of writing a truncated or wrapped field.
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
 * Returns the first failed check as an error, or undefined when every check passes.
 * Each check is [ok, message].
 */
export function firstFailure(where: string, checks: ReadonlyArray<readonly [boolean, string]>): Result<never> | undefined {
  for (const [good, message] of checks) if (!good) return err('invalid-argument', where, message);
  return undefined;
}

export const macCheck = (v: unknown, name: string): readonly [boolean, string] => [
  isBytes(v, MAC_LEN),
  `${name} must be a ${MAC_LEN}-byte MAC address`,
];
export const ipCheck = (v: unknown, name: string): readonly [boolean, string] => [
  isBytes(v, IPV4_ADDR_LEN),
  `${name} must be a ${IPV4_ADDR_LEN}-byte IPv4 address`,
];
export const bytesCheck = (v: unknown, name: string): readonly [boolean, string] => [
  v instanceof Uint8Array,
  `${name} must be a Uint8Array`,
];
export const u8Check = (v: unknown, name: string): readonly [boolean, string] => [isU8(v), `${name} must be an integer in 0..0xff`];
export const u16Check = (v: unknown, name: string): readonly [boolean, string] => [isU16(v), `${name} must be an integer in 0..0xffff`];
export const u32Check = (v: unknown, name: string): readonly [boolean, string] => [
  isU32(v),
  `${name} must be an integer in 0..0xffffffff`,
];

/** Up to this many bytes a copy loop beats setting from a view (no view object to allocate). */
const COPY_LOOP_MAX = 16;

/**
 * A fresh Uint8Array holding bytes[start, end), so values handed out never alias the caller's
 * buffer. Not `b.slice()`: on a Node Buffer that is a view of the same memory. Out-of-range
 * bounds are clamped as slice would.
 */
export function copyOf(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  const from = Math.max(0, Math.min(start, b.length));
  const n = Math.max(0, Math.min(end, b.length) - from);
  const out = new Uint8Array(n);
  if (n <= COPY_LOOP_MAX) for (let i = 0; i < n; i++) out[i] = b[from + i]!;
  else out.set(new Uint8Array(b.buffer, b.byteOffset + from, n));
  return out;
}
