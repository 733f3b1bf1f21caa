// A property is a definition, not a test file: the runners (vitest, `r2net run`) consume the
// same objects. It states a rule from spec/ over (input, trace), never "same as the reference".
import type fc from 'fast-check';
import type { Layer, Op, Statement, Trace } from '../iut/contract.ts';
import type { Defaults, Limits, Profile } from '../spec/profile.ts';

export interface PropertyContext {
  profile: Profile;
  limits: Limits;
  defaults: Defaults;
  statement: Statement;
}

export interface PropertyDef<I = unknown> {
  /** Stable id, `<layer>.<topic>.<rule>`; used in reports and replay commands. */
  id: string;
  title: string;
  layer: Layer;
  /** Clause ids (spec/clauses) this property checks. */
  clauses: string[];
  arbitrary(ctx: PropertyContext): fc.Arbitrary<I>;
  /** The operations sent to the implementation for one generated input. */
  scenario(input: I, ctx: PropertyContext): Op[];
  /** Throws a Violation (or any Error) when the trace breaks the rule. */
  check(input: I, trace: Trace, ctx: PropertyContext): void;
  /** Runs for this property relative to the run's --runs (e.g. 0.2 for heavy stateful runs). */
  runsFactor?: number;
}

/** Helper that keeps the input type checked inside the definition and erases it outside. */
export function defineProperty<I>(def: PropertyDef<I>): PropertyDef<unknown> {
  return def as unknown as PropertyDef<unknown>;
}

/** The error a check throws to say "the rule is broken", with a message a person reads. */
export class Violation extends Error {
  override name = 'Violation';
}
