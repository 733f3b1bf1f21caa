// JSON helpers for values that cross the contract or land in reports.

/**
 * A JSON-safe copy: Uint8Array becomes its hex string, bigint its decimal string, and object
 * keys are sorted so equal values always serialise the same way, whatever order an
 * implementation (in any language) emitted them in.
 */
export function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export const canonicalJson = (v: unknown): string | undefined => JSON.stringify(canonical(v));
