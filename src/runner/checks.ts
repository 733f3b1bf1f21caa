// The per-case record behind `Checks`: which clauses a case observed and which of their checks
// failed. The runner folds these into one outcome per clause (run.ts).
import { ContractViolation, Unsupported, Violation, type Checks } from './property.ts';

/** Thrown by `step` after a failure: the rest of the case is not checked. */
export class CaseAborted extends Error {}

export interface CaseFailure {
  clause: string;
  message: string;
}

export class CaseChecks implements Checks {
  readonly observed = new Set<string>();
  /** Failures in the order they happened (several per case when checks are independent). */
  readonly failures: CaseFailure[] = [];
  /** Hazard clauses whose check needed an unsupported op: not observed, and why. */
  readonly unsupported = new Map<string, string>();

  /**
   * @param enforced clauses whose checks run (the property's, less those needing undeclared features)
   * @param hazards  hazard clauses: a check that needs an unsupported op leaves them unobserved
   */
  constructor(
    private readonly enforced: ReadonlySet<string>,
    private readonly hazards: ReadonlySet<string>,
  ) {}

  wants(clause: string): boolean {
    return this.enforced.has(clause);
  }

  check(clause: string, fn: () => void): void {
    this.run(clause, fn, false);
  }

  step(clause: string, fn: () => void): void {
    this.run(clause, fn, true);
  }

  /** A failure found outside `check` (a one-clause property's direct Violation). */
  record(clause: string, e: unknown, fatal: boolean): void {
    if (e instanceof Unsupported && this.hazards.has(clause)) {
      this.unsupported.set(clause, e.message);
      if (fatal) throw new CaseAborted();
      return;
    }
    if (!(e instanceof Violation)) throw e;
    this.observed.add(clause);
    const message = e instanceof Unsupported ? `declared but unsupported: ${e.message}` : e.message;
    this.failures.push({ clause, message });
    if (fatal) throw new CaseAborted();
  }

  private run(clause: string, fn: () => void, fatal: boolean): void {
    if (!this.enforced.has(clause)) return;
    try {
      fn();
    } catch (e) {
      if (e instanceof CaseAborted || e instanceof ContractViolation) throw e;
      this.record(clause, e, fatal);
      return;
    }
    this.observed.add(clause);
  }
}
