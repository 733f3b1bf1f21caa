// A property is a definition, not a test file: the runners (vitest, `r2net run`) consume the
// same objects. It states a rule from spec/ over (input, trace), never "same as the reference".
//
// Each check names the clause it checks (`t.check(clause, fn)`), so a broken rule fails that
// clause alone, and a clause whose checks never ran in a whole run has not passed.
import type fc from 'fast-check';
import type { Layer, Op, Statement, Trace } from '../iut/contract.ts';
import type { Defaults, Limits, Profile } from '../spec/profile.ts';

export interface PropertyContext {
  profile: Profile;
  limits: Limits;
  defaults: Defaults;
  statement: Statement;
}

/** What a property's check uses to say which clause each of its assertions checks. */
export interface Checks {
  /**
   * Runs one check of `clause`. A Violation inside fails that clause (the rest of the case goes
   * on: use it for checks that do not depend on each other). A check of a clause the run does
   * not enforce (skipped feature, already failed) is not run.
   */
  check(clause: string, fn: () => void): void;
  /**
   * Like check, but a failure ends the case: what is checked later depends on what this check
   * verified (stateful runs, where one wrong step makes every later one differ).
   */
  step(clause: string, fn: () => void): void;
  /** Whether checks of `clause` run in this case. */
  wants(clause: string): boolean;
}

export interface PropertyDef<I = unknown> {
  /** Stable id, `<layer>.<topic>.<rule>`; used in reports and replay commands. */
  id: string;
  title: string;
  layer: Layer;
  /** Clause ids (spec/clauses) this property checks; every check names one of them. */
  clauses: string[];
  arbitrary(ctx: PropertyContext): fc.Arbitrary<I>;
  /** The operations sent to the implementation for one generated input. */
  scenario(input: I, ctx: PropertyContext): Op[];
  /**
   * Checks the trace through `t`. A property with one clause may also throw a Violation
   * directly: it is that clause's. With several clauses every check must go through `t`.
   */
  check(input: I, trace: Trace, ctx: PropertyContext, t: Checks): void;
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

/**
 * The trace breaks the contract itself (wrong result count, wrong types, a missing required
 * field): the verdict is `error`, never `fail` or `hazard` — nothing can be said of the rules.
 */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/**
 * A check needed an op the implementation answered `unsupported-op`. For a clause of a declared
 * feature that is a failure ("declared but unsupported"); it never counts as the clause observed.
 */
export class Unsupported extends Violation {
  override name = 'Unsupported';
}
