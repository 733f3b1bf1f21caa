// Small assertions for property checks. They throw Violation with a message that names what
// was expected, so a failing report reads as a sentence, not a stack trace.
import { Violation } from './property.ts';
import { canonicalJson } from '../util/json.ts';
import type { Json, OpResult, Trace } from '../iut/contract.ts';

export function must(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Violation(message);
}

const show = (v: unknown): string => {
  const s = canonicalJson(v);
  return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

/** Deep equality on JSON values; object key order does not matter (implementations may emit any order). */
export function mustEqual<T>(actual: T, expected: T, what: string): void {
  if (canonicalJson(actual) !== canonicalJson(expected)) throw new Violation(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** The i-th op result; a missing one is itself a violation of the contract. */
export function resultAt(trace: Trace, i: number): OpResult {
  const r = trace.results[i];
  if (!r) throw new Violation(`trace has no result for op #${i} (got ${trace.results.length} results)`);
  return r;
}

/** The value of the i-th op, which must have succeeded. */
export function okValue<T = Json>(trace: Trace, i: number, what = `op #${i}`): T {
  const r = resultAt(trace, i);
  if (!r.ok) throw new Violation(`${what} failed: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

/** The i-th op must have failed (with one of `kinds` when given). Returns the error kind. */
export function mustFail(trace: Trace, i: number, what: string, kinds?: string[]): string {
  const r = resultAt(trace, i);
  if (r.ok) throw new Violation(`${what}: expected an error, got ${show(r.value)}`);
  if (kinds && !kinds.includes(r.error.kind)) throw new Violation(`${what}: expected error kind ${kinds.join('|')}, got ${r.error.kind}: ${r.error.message}`);
  return r.error.kind;
}

export function field<T = Json>(v: Json, name: string): T {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !(name in v)) throw new Violation(`result has no field '${name}': ${show(v)}`);
  return (v as Record<string, Json>)[name] as T;
}
