// The contract's own rules on a trace: one result per op, each result well formed, every value
// JSON. A trace that breaks them says nothing about the clauses: the runner reports an `error`
// row (ContractViolation), never a `fail` or a `hazard`.
import { ContractViolation } from './property.ts';
import type { Scenario, Trace } from '../iut/contract.ts';

/** Nesting deeper than this is not a trace any layer produces (and would overflow a recursive reader). */
const MAX_DEPTH = 64;

/** Where `v` stops being JSON (undefined, a function, NaN, a bigint, a cycle, a class instance), or null. */
export function notJson(v: unknown, path: string, depth = 0, seen = new Set<object>()): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} is ${v} (not a JSON number)`;
  if (typeof v !== 'object') return `${path} is ${typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`} (not JSON)`;
  if (depth >= MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} levels deep`;
  if (seen.has(v)) return `${path} refers back to itself (a cycle)`;
  const proto = Object.getPrototypeOf(v) as object | null;
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return `${path} is a ${v.constructor?.name ?? 'non-plain'} object (not JSON)`;
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const bad = notJson(v[i], `${path}[${i}]`, depth + 1, seen);
        if (bad) return bad;
      }
      return null;
    }
    for (const [k, x] of Object.entries(v)) {
      const bad = notJson(x, `${path}.${k}`, depth + 1, seen);
      if (bad) return bad;
    }
    return null;
  } finally {
    seen.delete(v);
  }
}

export function validateTrace(trace: unknown, scenario: Scenario): asserts trace is Trace {
  const fail = (m: string): never => {
    throw new ContractViolation(`contract: ${m}`);
  };
  if (typeof trace !== 'object' || trace === null || Array.isArray(trace)) fail(`trace must be an object, got ${trace === null ? 'null' : Array.isArray(trace) ? 'an array' : typeof trace}`);
  const t = trace as Partial<Trace>;
  if (!Array.isArray(t.results)) fail('trace.results must be an array');
  const results = t.results as unknown[];
  if (results.length !== scenario.ops.length) fail(`trace has ${results.length} results for ${scenario.ops.length} ops`);
  for (const [i, r] of results.entries()) {
    if (typeof r !== 'object' || r === null || typeof (r as { ok?: unknown }).ok !== 'boolean') fail(`result #${i} must be {ok: boolean, ...}`);
    const res = r as { ok: boolean; value?: unknown; error?: { kind?: unknown; message?: unknown } };
    if (res.ok) {
      if (!('value' in res)) fail(`result #${i} is ok but has no value`);
      const bad = notJson(res.value, `results[${i}].value`);
      if (bad) fail(bad);
    } else if (typeof res.error !== 'object' || res.error === null || typeof res.error.kind !== 'string' || typeof res.error.message !== 'string') {
      fail(`failed result #${i} must carry error {kind: string, message: string}`);
    }
  }
  if (t.observations !== undefined) {
    if (typeof t.observations !== 'object' || t.observations === null || Array.isArray(t.observations)) fail('trace.observations must be an object when present');
    const bad = notJson(t.observations, 'observations');
    if (bad) fail(bad);
  }
}
