// JSON helpers for values that cross the contract or land in reports.

/**
 * A JSON-safe copy: Uint8Array becomes its hex string, bigint its decimal string, object keys
 * are sorted (so equal values always serialise the same way, whatever order an
 * implementation in any language emitted them in), functions are dropped, other iterables
 * become arrays, and class instances that describe themselves (fast-check commands) become
 * their toString().
 */
export function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (Array.isArray(v)) return v.map((x) => canonical(x) ?? null);
  if (v && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      if (typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') return Array.from(v as Iterable<unknown>, (x) => canonical(x) ?? null);
      if (Object.hasOwn(proto, 'toString') && typeof (v as { toString: unknown }).toString === 'function') return String(v);
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return v;
}

export const canonicalJson = (v: unknown): string | undefined => JSON.stringify(canonical(v));
