// One property against one implementation, with a verdict per clause.
//
// Every check names its clause (property.ts, `Checks`). A run is one or more fast-check passes
// over the same seeded cases:
//   - a pass fails on the first case in which a clause not yet decided fails; that clause is the
//     pass's target, and shrinking keeps THAT clause failing, so its counterexample shows its rule
//     alone (another clause failing in a smaller case does not hijack the shrink);
//   - the target is then decided `fail` and the next pass ignores its failures (a failing `step`
//     still ends the case: what follows it depended on it);
//   - a pass that ends without a new failure decides the rest: `pass` for a clause whose checks
//     ran in at least one case, `untested` for one that was never reached.
// On a conforming implementation that is one pass, as before. Faults of the implementation
// (crash, hang, garbage) and traces that break the contract make the property `error`.
import fc from 'fast-check';
import { ImplementationError, type Implementation, type Scenario, type Trace } from '../iut/contract.ts';
import { ContractViolation, Unsupported, Violation, type PropertyContext, type PropertyDef } from './property.ts';
import { CaseAborted, CaseChecks } from './checks.ts';
import { validateTrace } from './trace-check.ts';
import { loadClauses } from '../spec/clauses.ts';
import { missingFeature } from '../spec/features.ts';
import { recordedDifference, unobservable } from '../spec/hardware.ts';
import { canonical } from '../util/json.ts';
import type { ClauseOutcome, Counterexample, PropertyResult, PropertyStatus, RunOptions } from './run.ts';

/** The message of a property the whole-run time limit left unrun. */
export const NOT_RUN_TIME_LIMIT = 'not run: time limit';

export class TimeLimitReached extends Error {}

/** Races an execute against the run's deadline; a late settlement of `p` is absorbed, never unhandled. */
export function beforeDeadline<T>(p: T | Promise<T>, deadline: number | undefined): T | Promise<T> {
  if (deadline === undefined || !(p instanceof Promise)) return p;
  p.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    // A timer set after synchronous work counts from the event loop's cached time and can fire
    // before performance.now() reaches the deadline; then the next property would start "in
    // time" and be cut at once. Re-arm until the deadline has really passed.
    const left = (): number => deadline - performance.now();
    const check = (): void => {
      if (left() <= 0) reject(new TimeLimitReached());
      else timer = setTimeout(check, Math.ceil(left()));
    };
    timer = setTimeout(check, Math.max(0, Math.ceil(left())));
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/** Stable 32-bit seed per property so adding a property never changes another's inputs. */
export function propertySeed(baseSeed: number, id: string): number {
  let h = (baseSeed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

/** Why a pass stopped without a verdict for the open clauses. */
type Stop =
  | { kind: 'fault'; message: string; scenario: Scenario; input: unknown; trace?: Trace }
  | { kind: 'time'; message: string; scenario: Scenario; input: unknown };

class TargetFailed extends Error {}

interface Pass {
  stop?: Stop;
  /** The clause whose shrunk failure ended the pass. */
  failed?: { clause: string; input: unknown; path?: string; message: string };
  /** Cases in which each clause was observed (complete only for a pass without a failure). */
  observed: Map<string, number>;
  /** Hazard clauses left unobserved because an op they need was unsupported. */
  unsupported: Map<string, string>;
  /** Cases the hardware backend could not build (fault 'not-applicable'), by reason. */
  notApplicable: Map<string, number>;
  runs: number;
}

/** A check's own error (a TypeError over an odd value, a definition bug): never a conformance failure. */
function checkCrash(def: PropertyDef, e: unknown): string {
  if (e instanceof ContractViolation) return e.message;
  return `check of ${def.id} crashed on this trace (the trace breaks the contract or the property has a bug): ${(e as Error)?.message ?? String(e)}`;
}

export async function runProperty(def: PropertyDef, impl: Implementation, ctx: PropertyContext, opts: RunOptions): Promise<PropertyResult> {
  const started = performance.now();
  const seed = opts.replay?.seed ?? propertySeed(opts.seed, def.id);
  const numRuns = Math.max(1, Math.round(opts.runs * (def.runsFactor ?? 1)));
  const base = { id: def.id, title: def.title, layer: def.layer, clauses: def.clauses, seed, numRuns };
  const emptyScenario: Scenario = { layer: def.layer, ops: [] };
  const finish = (status: PropertyStatus, clauseResults: Record<string, ClauseOutcome>, extra: Partial<PropertyResult> = {}): PropertyResult => ({
    ...base,
    status,
    clauseResults,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  const all = (o: ClauseOutcome): Record<string, ClauseOutcome> => Object.fromEntries(def.clauses.map((c) => [c, o]));

  if (!impl.statement.layers.includes(def.layer)) {
    const skipReason = `implementation does not declare layer '${def.layer}'`;
    return finish('skip', all({ verdict: 'skip', observed: 0, note: skipReason }), { skipReason, durationMs: 0 });
  }
  const catalogue = loadClauses();
  const outcomes: Record<string, ClauseOutcome> = {};
  for (const c of def.clauses) {
    const why = missingFeature(impl.statement, c) ?? unobservable(impl.statement, def.id, c);
    if (why) outcomes[c] = { verdict: 'skip', observed: 0, note: why };
  }
  const enforced = new Set(def.clauses.filter((c) => !outcomes[c]));
  if (enforced.size === 0) {
    const skipReason = [...new Set(Object.values(outcomes).map((o) => o.note))].join('; ');
    return finish('skip', outcomes, { skipReason, durationMs: 0 });
  }
  const errorRow = (counterexample: Counterexample): PropertyResult => {
    for (const c of enforced) if (!outcomes[c]) outcomes[c] = { verdict: 'error', observed: 0, note: counterexample.message };
    return finish('error', outcomes, { counterexample });
  };
  if (opts.deadline !== undefined && performance.now() >= opts.deadline) {
    return errorRow({ input: null, scenario: emptyScenario, message: NOT_RUN_TIME_LIMIT });
  }
  let arbitrary: fc.Arbitrary<unknown>;
  try {
    arbitrary = def.arbitrary(ctx);
  } catch (e) {
    // A broken definition is the suite's bug, not the implementation's: one error row, run goes on.
    return errorRow({ input: null, scenario: emptyScenario, message: `suite: property definition failed to build its generator: ${(e as Error).message}` });
  }
  const hazards = new Set([...enforced].filter((c) => catalogue.get(c)?.kind === 'hazard'));
  const only = def.clauses.length === 1 ? def.clauses[0]! : undefined;
  // A check that takes `t` says itself what it observed; one that does not is one check of its only clause.
  const checksItself = def.check.length >= 4;

  /** Runs one case's checks; rethrows what is not a clause failure (contract, crash). */
  const checkCase = (input: unknown, trace: Trace): CaseChecks => {
    const t = new CaseChecks(enforced, hazards);
    try {
      def.check(input, trace, ctx, t);
      // A one-clause property that checks without `t`: the whole check is that clause's.
      if (only && !checksItself && enforced.has(only)) t.observed.add(only);
    } catch (e) {
      if (e instanceof CaseAborted || e instanceof ContractViolation) {
        if (e instanceof ContractViolation) throw e;
      } else if (only && e instanceof Violation) {
        t.record(only, e, false);
      } else if (e instanceof Violation && !(e instanceof Unsupported)) {
        throw new ContractViolation(`suite: property ${def.id} has several clauses and a check failed without naming one: ${e.message}`);
      } else {
        throw new ContractViolation(checkCrash(def, e));
      }
    }
    return t;
  };

  const onePass = async (decided: ReadonlySet<string>, target0: string | undefined): Promise<Pass> => {
    const pass: Pass = { observed: new Map(), unsupported: new Map(), notApplicable: new Map(), runs: 0 };
    let target = target0;
    // Cases are counted until the first failure; after it fast-check only shrinks.
    let shrinking = false;
    let lastFailure: { clause: string; message: string } | undefined;
    let last: { scenario: Scenario; trace?: Trace; input: unknown } | undefined;
    const outOfTime = (): string => `time limit: the run's time limit expired during this property, after ${pass.runs} of ${numRuns} runs without a failure`;
    const property = fc.asyncProperty(arbitrary, async (input) => {
      if (pass.stop) return true;
      const scenario: Scenario = { layer: def.layer, ops: def.scenario(input, ctx) };
      last = { scenario, input };
      // Synchronous implementations never hit beforeDeadline's timer: check the clock per run too.
      if (opts.deadline !== undefined && performance.now() >= opts.deadline) {
        pass.stop = { kind: 'time', message: outOfTime(), scenario, input };
        return true;
      }
      let trace: Trace;
      try {
        trace = await beforeDeadline(impl.execute(scenario), opts.deadline);
      } catch (e) {
        if (e instanceof TimeLimitReached) {
          pass.stop = { kind: 'time', message: outOfTime(), scenario, input };
          return true;
        }
        if (e instanceof ImplementationError && e.fault === 'not-applicable') {
          // The hardware cannot be this case's machine (QEMU): the case says nothing either way.
          if (!shrinking) pass.notApplicable.set(e.message, (pass.notApplicable.get(e.message) ?? 0) + 1);
          return true;
        }
        if (e instanceof ImplementationError) {
          // An implementation fault is not a conformance failure: stop probing, so shrinking
          // does not hammer a broken adapter.
          pass.stop = { kind: 'fault', message: `${e.fault}: ${e.message}`, scenario, input };
          return true;
        }
        throw e;
      }
      last.trace = trace;
      let t: CaseChecks;
      try {
        validateTrace(trace, scenario);
        t = checkCase(input, trace);
      } catch (e) {
        pass.stop = { kind: 'fault', message: (e as Error).message, scenario, input, trace };
        return true;
      }
      if (!shrinking) {
        pass.runs++;
        for (const c of t.observed) pass.observed.set(c, (pass.observed.get(c) ?? 0) + 1);
        for (const [c, m] of t.unsupported) if (!pass.unsupported.has(c)) pass.unsupported.set(c, m);
      }
      const open = t.failures.filter((f) => !decided.has(f.clause));
      const hit = target === undefined ? open[0] : open.find((f) => f.clause === target);
      if (!hit) return true;
      target = hit.clause;
      shrinking = true;
      lastFailure = hit;
      throw new TargetFailed(`${hit.clause}: ${hit.message}`);
    });
    // shrink: false keeps each failure's first case (verdicts are the same, counterexamples larger).
    const params: fc.Parameters<[unknown]> = opts.replay ? { seed, path: opts.replay.path, numRuns: 1, endOnFailure: true } : { seed, numRuns, ...(opts.shrink === false ? { endOnFailure: true } : {}) };
    // No fast-check interruptAfterTimeLimit: its timer would race beforeDeadline's and, when it
    // won, turn a time-limit cut into a spurious failure. Once a pass stops, every later run
    // returns at once, so the property ends promptly anyway.
    const details = await fc.check(property, params);
    if (details.failed && !(details.errorInstance instanceof TargetFailed)) {
      const err = details.errorInstance;
      pass.stop = { kind: 'fault', message: `suite: ${err instanceof Error ? err.message : String(err)}`, scenario: last?.scenario ?? emptyScenario, input: last?.input ?? null };
    } else if (details.failed && target !== undefined && lastFailure) {
      pass.failed = { clause: target, input: details.counterexample?.[0], ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}), message: lastFailure.message };
    }
    return pass;
  };

  /** Re-runs a shrunk input once to record its scenario, trace and its target's message for the report. */
  const record = async (f: NonNullable<Pass['failed']>): Promise<Counterexample> => {
    const scenario: Scenario = { layer: def.layer, ops: def.scenario(f.input, ctx) };
    let trace: Trace | undefined;
    let message = f.message;
    try {
      trace = await beforeDeadline(impl.execute(scenario), opts.deadline);
      const again = checkCase(f.input, trace).failures.find((x) => x.clause === f.clause);
      if (again) message = again.message;
    } catch (e) {
      if (e instanceof ImplementationError) message += ` [re-running the shrunk input to record its trace failed: ${e.fault}: ${e.message}]`;
      else if (e instanceof TimeLimitReached) message += ' [re-running the shrunk input to record its trace was cut by the time limit]';
      else message += ` [re-running the shrunk input: ${(e as Error)?.message ?? String(e)}]`;
    }
    return { input: canonical(f.input), scenario, ...(trace ? { trace } : {}), message };
  };

  const decided = new Set<string>();
  let firstFail: { counterexample: Counterexample; path?: string } | undefined;
  const replayTarget = opts.replay?.clause;
  if (replayTarget !== undefined && !def.clauses.includes(replayTarget)) {
    return errorRow({ input: null, scenario: emptyScenario, message: `suite: property ${def.id} does not check clause ${replayTarget}` });
  }
  for (;;) {
    const pass = await onePass(decided, replayTarget);
    if (pass.stop) {
      const cx: Counterexample = { input: canonical(pass.stop.input), scenario: pass.stop.scenario, ...(pass.stop.kind === 'fault' && pass.stop.trace ? { trace: pass.stop.trace } : {}), message: pass.stop.message };
      if (firstFail) {
        // Failures already found stand; what is still open could not be decided.
        for (const c of enforced) if (!outcomes[c]) outcomes[c] = { verdict: 'error', observed: 0, note: cx.message };
        return finish('error', outcomes, { counterexample: cx });
      }
      return errorRow(cx);
    }
    if (pass.failed) {
      const counterexample = await record(pass.failed);
      const known = recordedDifference(impl.statement, pass.failed.clause, counterexample.message);
      if (known) {
        // The failure is exactly what spec/hardware records of this hardware: the clause passes against it.
        outcomes[pass.failed.clause] = { verdict: 'pass', observed: pass.observed.get(pass.failed.clause) ?? 1, note: `passes against its recorded ${impl.statement.backend?.name} difference '${known.id}' (spec/hardware/${impl.statement.backend?.name}.json): ${known.qemu} This run: ${counterexample.message.split('\n')[0]}` };
        decided.add(pass.failed.clause);
        if (opts.replay || decided.size === enforced.size) break;
        continue;
      }
      outcomes[pass.failed.clause] = { verdict: 'fail', observed: pass.observed.get(pass.failed.clause) ?? 1, counterexample, ...(pass.failed.path ? { path: pass.failed.path } : {}) };
      firstFail ??= { counterexample, ...(pass.failed.path ? { path: pass.failed.path } : {}) };
      decided.add(pass.failed.clause);
      if (opts.replay || decided.size === enforced.size) break;
      continue;
    }
    for (const c of enforced) {
      if (outcomes[c]) continue;
      const n = pass.observed.get(c) ?? 0;
      if (opts.replay && replayTarget !== undefined && c !== replayTarget) continue;
      const na = [...pass.notApplicable];
      const naNote = na.length ? `${na.reduce((k, [, v]) => k + v, 0)} cases not reproducible on this hardware (${na.map(([m]) => m).slice(0, 2).join('; ')})` : '';
      outcomes[c] = n > 0
        ? { verdict: 'pass', observed: n }
        : na.length
          ? { verdict: 'skip', observed: 0, note: `${naNote}; ${pass.runs} other cases never reached a check of this clause` }
          : { verdict: 'untested', observed: 0, note: pass.unsupported.get(c) ?? `no generated case reached a check of this clause (${pass.runs} cases)` };
    }
    break;
  }
  const verdicts = Object.values(outcomes).map((o) => o.verdict);
  const status: PropertyStatus = verdicts.includes('fail') ? 'fail' : verdicts.includes('pass') ? 'pass' : verdicts.every((v) => v === 'skip') ? 'skip' : 'untested';
  if (status === 'skip') return finish(status, outcomes, { skipReason: [...new Set(Object.values(outcomes).map((o) => o.note))].join('; ') });
  return finish(status, outcomes, firstFail ? { counterexample: firstFail.counterexample, ...(firstFail.path ? { path: firstFail.path } : {}) } : {});
}
