// The contract's own rules on a trace: one result per op, each result well formed. A trace
// that breaks them is a conformance failure of the implementation, reported like any other.
import { Violation } from './property.ts';
import type { Scenario, Trace } from '../iut/contract.ts';

export function validateTrace(trace: unknown, scenario: Scenario): asserts trace is Trace {
  if (typeof trace !== 'object' || trace === null) throw new Violation(`contract: trace must be an object, got ${typeof trace}`);
  const t = trace as Partial<Trace>;
  if (!Array.isArray(t.results)) throw new Violation('contract: trace.results must be an array');
  if (t.results.length !== scenario.ops.length) {
    throw new Violation(`contract: trace has ${t.results.length} results for ${scenario.ops.length} ops`);
  }
  for (const [i, r] of t.results.entries()) {
    if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') throw new Violation(`contract: result #${i} must be {ok: boolean, ...}`);
    if (!r.ok && (typeof r.error !== 'object' || r.error === null || typeof r.error.message !== 'string')) {
      throw new Violation(`contract: failed result #${i} must carry error {kind, message}`);
    }
  }
}
