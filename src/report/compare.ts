// "expected X, got Y" in a failure message, as a field-by-field table in which the fields that
// differ are highlighted (and, in a hex string, the bytes that differ). Messages come from
// src/runner/assert.ts (mustEqual: `WHAT: expected JSON, got JSON`); other messages get none.

export interface FieldRow {
  path: string;
  expected: string | undefined;
  got: string | undefined;
  differs: boolean;
}

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null;

function flatten(v: unknown, path: string, out: Map<string, string>, depth = 0): void {
  if (isContainer(v) && depth < 8) {
    const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v).map(([k, x]) => [path ? `.${k}` : k, x] as const);
    if (!entries.length) out.set(path || '(value)', Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) flatten(x, path + k, out, depth + 1);
  } else out.set(path || '(value)', typeof v === 'string' ? v : JSON.stringify(v));
}

function parseJson(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/** The compared values of a message `...: expected JSON, got JSON` when at least one side is an object or array. */
export function expectedGot(message: string): { expected: unknown; got: unknown } | undefined {
  const line = message.split('\n')[0]!;
  const at = line.indexOf(': expected ');
  if (at < 0) return undefined;
  const rest = line.slice(at + ': expected '.length);
  // The separator may also occur inside a JSON string: take the split at which both sides parse.
  for (let i = rest.indexOf(', got '); i >= 0; i = rest.indexOf(', got ', i + 1)) {
    const e = parseJson(rest.slice(0, i));
    const g = parseJson(rest.slice(i + ', got '.length));
    if (e.ok && g.ok && (isContainer(e.value) || isContainer(g.value))) return { expected: e.value, got: g.value };
  }
  return undefined;
}

/** One row per leaf field of either value, in the expected value's order, then the got-only ones. */
export function fieldRows(expected: unknown, got: unknown): FieldRow[] {
  const e = new Map<string, string>();
  const g = new Map<string, string>();
  flatten(expected, '', e);
  flatten(got, '', g);
  const paths = [...e.keys(), ...[...g.keys()].filter((k) => !e.has(k))];
  return paths.map((path) => ({ path, expected: e.get(path), got: g.get(path), differs: e.get(path) !== g.get(path) }));
}

/** Byte offsets at which two hex strings differ (undefined when either is not hex). */
export function hexDiff(a: string, b: string): Set<number> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(a) || !/^(?:[0-9a-f]{2})+$/i.test(b)) return undefined;
  const out = new Set<number>();
  for (let i = 0; i < Math.max(a.length, b.length) / 2; i++) if (a.slice(2 * i, 2 * i + 2).toLowerCase() !== b.slice(2 * i, 2 * i + 2).toLowerCase()) out.add(i);
  return out;
}
