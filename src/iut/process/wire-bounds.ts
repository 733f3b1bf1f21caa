// The bounds a trace read from an implementation must keep (TRACE_BOUNDS: nesting, size), checked
// fast. jsonProblem (src/util/json-bounds.ts) is the definition and writes the message, but it
// is a general checker (cycles, class instances, any depth without recursion) and costs about
// twice the codec work itself on a batch of codec traces (26 ms for 633 traces, against 1.4 ms
// for the walk below). A decoded reply is a tree of plain values, so a bounded recursive walk
// that computes jsonProblem's own size estimate and depth can say "within bounds" for it; only
// when it cannot (too deep, too large, a value JSON does not have) does jsonProblem run, so the
// verdict and the message are always jsonProblem's.
import { jsonProblem, TRACE_BOUNDS, type JsonBounds } from '../../util/json-bounds.ts';

const NOT_PLAIN = -1;

/**
 * jsonProblem's size estimate of `v` (depth `depth`, the top value 1), or NOT_PLAIN when `v`
 * is anything jsonProblem might refuse: deeper than `maxDepth`, not plain JSON data, a hole.
 * The recursion stops at maxDepth + 1 levels, so a hostile value cannot overflow the stack.
 */
function estimate(v: unknown, depth: number, maxDepth: number): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'number':
      return Number.isFinite(v) ? 8 : NOT_PLAIN;
    case 'boolean':
      return 5;
    case 'object': {
      if (v === null) return 5;
      if (depth > maxDepth) return NOT_PLAIN;
      if (Array.isArray(v)) {
        let n = 2 + v.length;
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) return NOT_PLAIN;
          const e = estimate(v[i], depth + 1, maxDepth);
          if (e === NOT_PLAIN) return NOT_PLAIN;
          n += e;
        }
        return n;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
      let n = 2;
      for (const k of Object.keys(v)) {
        const e = estimate((v as Record<string, unknown>)[k], depth + 1, maxDepth);
        if (e === NOT_PLAIN) return NOT_PLAIN;
        n += k.length + 4 + e;
      }
      return n;
    }
    default:
      return NOT_PLAIN; // undefined, bigint, function, symbol
  }
}

/** jsonProblem(v, bounds, root), without its cost when `v` is plainly within bounds. */
export function boundsProblem(v: unknown, root: string, bounds: JsonBounds = TRACE_BOUNDS): string | undefined {
  if (!bounds.dropUndefined) {
    const n = estimate(v, 1, bounds.maxDepth);
    if (n !== NOT_PLAIN && n <= bounds.maxBytes) return undefined;
  }
  return jsonProblem(v, bounds, root);
}
