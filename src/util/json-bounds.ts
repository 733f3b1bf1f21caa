// Is a value plain JSON data within bounds? Checked where values enter r2net (an in-process
// module's trace at the worker boundary, a program's reply in the process adapter, a result
// before it goes into the run log), so a cycle, a 100k-deep nesting, a BigInt or a function
// becomes an 'error' row there instead of crashing the report writer after the whole run.
// Iterative: a deep value must not overflow the stack of the checker itself.

export interface JsonBounds {
  /** Deepest nesting of arrays/objects accepted (the top value is depth 1). */
  maxDepth: number;
  /** Largest serialised size accepted, in bytes (estimated from lengths, never under). */
  maxBytes: number;
  /** Accept object properties that are undefined (JSON.stringify leaves them out), as in our own results. */
  dropUndefined?: boolean;
}

/**
 * Bounds for a trace (and the results that carry one). The deepest trace of the reference is
 * 6 levels (a kernel snapshot); 64 leaves room for any reasonable structure. The size matches
 * the process adapter's largest reply line (spec/contract/protocol.md, Faults).
 */
export const TRACE_BOUNDS: JsonBounds = { maxDepth: 64, maxBytes: 64 * 1024 * 1024 };

interface Frame {
  v: unknown;
  key: string | number | undefined;
  parent: Frame | undefined;
  depth: number;
  /** Set once the frame's children were pushed: the frame is then on the stack only to leave the path. */
  exit?: boolean;
}

function pathOf(f: Frame, root: string): string {
  const keys: Array<string | number> = [];
  for (let x: Frame | undefined = f; x?.key !== undefined; x = x.parent) keys.push(x.key);
  const seg = (k: string | number): string => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k).slice(0, 40)}]`);
  const parts = keys.reverse().map(seg);
  // A path 100 000 levels deep is not a message: keep its ends.
  const shown = parts.length > 12 ? [...parts.slice(0, 6), `…(${parts.length - 9} more levels)…`, ...parts.slice(-3)] : parts;
  return root + shown.join('');
}

const describe = (v: unknown): string => {
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return `a BigInt (${v}n)`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'number') return String(v);
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  return `an instance of ${proto?.constructor?.name ?? 'a class'}`;
};

/** Why `v` is not plain JSON data within `bounds` (naming the first offending path from `root`), or undefined when it is. */
export function jsonProblem(v: unknown, bounds: JsonBounds, root = 'value'): string | undefined {
  const at = (f: Frame): string => pathOf(f, root);
  const stack: Frame[] = [{ v, key: undefined, parent: undefined, depth: 1 }];
  const onPath = new Set<object>();
  let bytes = 0;
  while (stack.length) {
    const f = stack.pop()!;
    const x = f.v;
    if (f.exit) {
      onPath.delete(x as object);
      continue;
    }
    if (x === null || typeof x === 'boolean') bytes += 5;
    else if (typeof x === 'string') bytes += x.length + 2;
    else if (typeof x === 'number') {
      if (!Number.isFinite(x)) return `${at(f)} is ${describe(x)}, which JSON cannot carry`;
      bytes += 8;
    } else if (typeof x !== 'object') return `${at(f)} is ${describe(x)}, which JSON cannot carry`;
    else {
      if (onPath.has(x)) return `${at(f)} refers back to an enclosing value (a cycle)`;
      if (f.depth > bounds.maxDepth) return `${at(f)} is nested deeper than ${bounds.maxDepth} levels`;
      const isArray = Array.isArray(x);
      const proto = Object.getPrototypeOf(x) as object | null;
      if (!isArray && proto !== Object.prototype && proto !== null) return `${at(f)} is ${describe(x)}, not plain JSON data`;
      onPath.add(x);
      stack.push({ ...f, exit: true });
      if (isArray) {
        bytes += 2 + x.length;
        for (let i = x.length - 1; i >= 0; i--) {
          if (!(i in x)) return `${at(f)}[${i}] is a hole (undefined), which JSON cannot carry`;
          stack.push({ v: x[i], key: i, parent: f, depth: f.depth + 1 });
        }
      } else {
        const keys = Object.keys(x);
        bytes += 2;
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i]!;
          if (bounds.dropUndefined && (x as Record<string, unknown>)[k] === undefined) continue;
          bytes += k.length + 4;
          stack.push({ v: (x as Record<string, unknown>)[k], key: k, parent: f, depth: f.depth + 1 });
        }
      }
    }
    if (bytes > bounds.maxBytes) return `${root} is larger than ${bounds.maxBytes} bytes as JSON (at ${at(f)})`;
  }
  return undefined;
}
