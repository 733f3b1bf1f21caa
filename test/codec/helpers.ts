// Small test helpers for the codec suites.
import { expect } from 'vitest';
import { toHex } from '../../src/util/bytes.ts';
import type { ErrorKind, Result } from '../../src/util/result.ts';

import { hx } from '../../properties/oracles.ts';

export { hx, toHex };

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind} at ${r.error.where}: ${r.error.message}`);
  return r.value;
}

export function expectErr(r: Result<unknown>, kind: ErrorKind, where?: string): void {
  expect(r.ok, r.ok ? 'expected an error, got ok' : '').toBe(false);
  if (!r.ok) {
    expect(r.error.kind, r.error.message).toBe(kind);
    if (where) expect(r.error.where).toBe(where);
  }
}

/** Dotted quad -> 4 bytes. */
export const ip = (s: string): Uint8Array => Uint8Array.from(s.split('.').map(Number));
/** 'aa:bb:..' -> 6 bytes. */
export const mac = (s: string): Uint8Array => hx(s.replace(/:/g, ''));

/** fast-check settings: fixed seed so runs are reproducible. */
export const FC = { numRuns: 300, seed: 0x2e2e } as const;
