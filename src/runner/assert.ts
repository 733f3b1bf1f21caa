// Small assertions for property checks. They throw Violation with a message that names what
// was expected, so a failing report reads as a sentence, not a stack trace. What breaks the
// contract's shape (a missing result or field) is a ContractViolation, and an op answered
// `unsupported-op` where the check needs it is Unsupported: neither is a broken rule.
import { ContractViolation, Unsupported, Violation } from './property.ts';
import { canonicalJson } from '../util/json.ts';
import type { Json, OpResult, Trace } from '../iut/contract.ts';

const UNSUPPORTED = 'unsupported-op';

/** The error kind of a failed result, with unsupported-op raised as Unsupported (the op was needed). */
export function errorKind(r: OpResult, what: string): string | null {
  if (r.ok) return null;
  if (r.error.kind === UNSUPPORTED) throw new Unsupported(`${what}: the implementation answered unsupported-op (${r.error.message})`);
  return r.error.kind;
}

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
  if (!r) throw new ContractViolation(`contract: trace has no result for op #${i} (got ${trace.results.length} results)`);
  return r;
}

/** The value of the i-th op, which must have succeeded. */
export function okValue<T = Json>(trace: Trace, i: number, what = `op #${i}`): T {
  const r = resultAt(trace, i);
  if (!r.ok) throw new Violation(`${what} failed: ${errorKind(r, what)}: ${r.error.message}`);
  return r.value as T;
}

/** The i-th op must have failed (with one of `kinds` when given). Returns the error kind. */
export function mustFail(trace: Trace, i: number, what: string, kinds?: string[]): string {
  const r = resultAt(trace, i);
  if (r.ok) throw new Violation(`${what}: expected an error, got ${show(r.value)}`);
  if (!kinds?.includes(UNSUPPORTED)) errorKind(r, what);
  if (kinds && !kinds.includes(r.error.kind)) throw new Violation(`${what}: expected error kind ${kinds.join('|')}, got ${r.error.kind}: ${r.error.message}`);
  return r.error.kind;
}

export function field<T = Json>(v: Json, name: string): T {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !(name in v)) throw new ContractViolation(`contract: result has no field '${name}': ${show(v)}`);
  return (v as Record<string, Json>)[name] as T;
}
