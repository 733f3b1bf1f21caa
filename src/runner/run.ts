// Runs property definitions against one implementation and turns fast-check's outcome into
// per-property results and per-clause verdicts. Knows nothing about individual properties.
import fc from 'fast-check';
import { ImplementationError, type Implementation, type Layer, type Scenario, type Trace } from '../iut/contract.ts';
import type { PropertyContext, PropertyDef } from './property.ts';
import { loadClauses, type Clause } from '../spec/clauses.ts';
import { loadProfile } from '../spec/profile.ts';
import { validateTrace } from './trace-check.ts';
import { canonical } from '../util/json.ts';

export type PropertyStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface Counterexample {
  /** The shrunk generated input, JSON-safe (bytes as hex, keys sorted). */
  input: unknown;
  /** The scenario sent to the implementation for that input. */
  scenario: Scenario;
  /** What the implementation answered (absent when it crashed or timed out). */
  trace?: Trace;
  message: string;
}

export interface PropertyResult {
  id: string;
  title: string;
  layer: Layer;
  clauses: string[];
  status: PropertyStatus;
  numRuns: number;
  seed: number;
  /** fast-check replay path of the counterexample. */
  path?: string;
  counterexample?: Counterexample;
  skipReason?: string;
  durationMs: number;
}

export interface RunOptions {
  /** Base seed; each property gets its own seed derived from this and its id. */
  seed: number;
  /** Runs per property (scaled by the property's runsFactor). */
  runs: number;
  /** Only these layers (default: all the implementation declares). */
  layers?: Layer[];
  /** Only properties whose id starts with one of these. */
  only?: string[];
  /** Replay: exact fast-check seed/path for a single property. */
  replay?: { seed: number; path: string };
  /** Shard i of n (1-based): properties are dealt round-robin in id order. */
  shard?: { index: number; count: number };
  /** Whole-run time limit in ms (runSuite): properties not started by then are 'error' rows "not run: time limit". */
  timeLimitMs?: number;
  /** Absolute deadline on the performance.now() clock; runSuite derives it from timeLimitMs. */
  deadline?: number;
  onProgress?(event: ProgressEvent): void;
}

/** The message of a property the whole-run time limit left unrun. */
export const NOT_RUN_TIME_LIMIT = 'not run: time limit';

class TimeLimitReached extends Error {}

/** Races an execute against the run's deadline; a late settlement of `p` is absorbed, never unhandled. */
function beforeDeadline<T>(p: T | Promise<T>, deadline: number | undefined): T | Promise<T> {
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

export type ProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'property'; index: number; total: number; result: PropertyResult };

/** Stable 32-bit seed per property so adding a property never changes another's inputs. */
export function propertySeed(baseSeed: number, id: string): number {
  let h = (baseSeed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

export function contextFor(impl: Implementation): PropertyContext {
  const profile = loadProfile(impl.statement.profile || 'seed');
  return { profile, limits: profile.limits, defaults: profile.defaults, statement: impl.statement };
}

export function selectProperties(defs: PropertyDef[], opts: Pick<RunOptions, 'only' | 'shard' | 'layers'>): PropertyDef[] {
  let out = [...defs].sort((a, b) => a.id.localeCompare(b.id));
  if (opts.layers?.length) out = out.filter((d) => opts.layers!.includes(d.layer));
  if (opts.only?.length) out = out.filter((d) => opts.only!.some((p) => d.id === p || d.id.startsWith(p)));
  if (opts.shard) out = out.filter((_, i) => i % opts.shard!.count === opts.shard!.index - 1);
  return out;
}

export async function runProperty(def: PropertyDef, impl: Implementation, ctx: PropertyContext, opts: RunOptions): Promise<PropertyResult> {
  const started = performance.now();
  const seed = opts.replay?.seed ?? propertySeed(opts.seed, def.id);
  const numRuns = Math.max(1, Math.round(opts.runs * (def.runsFactor ?? 1)));
  const base = { id: def.id, title: def.title, layer: def.layer, clauses: def.clauses, seed, numRuns };
  if (!impl.statement.layers.includes(def.layer)) {
    return { ...base, status: 'skip', skipReason: `implementation does not declare layer '${def.layer}'`, durationMs: 0 };
  }
  if (opts.deadline !== undefined && performance.now() >= opts.deadline) {
    return { ...base, status: 'error', durationMs: 0, counterexample: { input: null, scenario: { layer: def.layer, ops: [] }, message: NOT_RUN_TIME_LIMIT } };
  }
  // An implementation fault (crash, hang, garbage) is not a conformance failure: remember the
  // first one and stop probing, so shrinking does not hammer a broken adapter.
  let fault: { error: ImplementationError; scenario: Scenario; input: unknown } | undefined;
  let last: { scenario: Scenario; trace?: Trace; input: unknown } | undefined;
  let outOfTime: { scenario: Scenario; input: unknown; runs: number } | undefined;
  let runsDone = 0;
  let arbitrary: fc.Arbitrary<unknown>;
  try {
    arbitrary = def.arbitrary(ctx);
  } catch (e) {
    // A broken definition is the suite's bug, not the implementation's: one error row, run goes on.
    return { ...base, status: 'error', durationMs: 0, counterexample: { input: null, scenario: { layer: def.layer, ops: [] }, message: `suite: property definition failed to build its generator: ${(e as Error).message}` } };
  }
  const property = fc.asyncProperty(arbitrary, async (input) => {
    if (fault || outOfTime) return true;
    const scenario: Scenario = { layer: def.layer, ops: def.scenario(input, ctx) };
    last = { scenario, input };
    // Synchronous implementations never hit beforeDeadline's timer: check the clock per run too.
    if (opts.deadline !== undefined && performance.now() >= opts.deadline) {
      outOfTime = { scenario, input, runs: runsDone };
      return true;
    }
    let trace: Trace;
    try {
      trace = await beforeDeadline(impl.execute(scenario), opts.deadline);
      runsDone++;
    } catch (e) {
      if (e instanceof TimeLimitReached) {
        outOfTime = { scenario, input, runs: runsDone };
        return true;
      }
      if (e instanceof ImplementationError) {
        fault = { error: e, scenario, input };
        return true;
      }
      throw e;
    }
    last.trace = trace;
    validateTrace(trace, scenario);
    def.check(input, trace, ctx);
    return true;
  });
  const params: fc.Parameters<[unknown]> = opts.replay
    ? { seed, path: opts.replay.path, numRuns: 1, endOnFailure: true }
    : { seed, numRuns };
  // No fast-check interruptAfterTimeLimit: its timer would race beforeDeadline's and, when it
  // won, turn a time-limit cut into a spurious failure. Once outOfTime is set, every later run
  // returns at once, so the property ends promptly anyway.
  const details = await fc.check(property, params);
  const durationMs = Math.round(performance.now() - started);
  if (fault) {
    return {
      ...base,
      status: 'error',
      durationMs,
      counterexample: { input: canonical(fault.input), scenario: fault.scenario, message: `${fault.error.fault}: ${fault.error.message}` },
    };
  }
  if (!details.failed && outOfTime) {
    const what = outOfTime ?? { scenario: last?.scenario ?? { layer: def.layer, ops: [] }, input: last?.input ?? null, runs: runsDone };
    return { ...base, status: 'error', durationMs, counterexample: { input: canonical(what.input), scenario: what.scenario, message: `time limit: the run's time limit expired during this property, after ${what.runs} of ${numRuns} runs without a failure` } };
  }
  if (!details.failed) return { ...base, status: 'pass', durationMs };
  // Re-run the shrunk input once to capture its scenario and trace for the report.
  const input = details.counterexample?.[0];
  const scenario: Scenario = { layer: def.layer, ops: def.scenario(input, ctx) };
  let trace: Trace | undefined;
  let rerun = '';
  try {
    trace = await beforeDeadline(impl.execute(scenario), opts.deadline);
  } catch (e) {
    // Keep the last trace only if it belongs to this very scenario; say why the re-run failed.
    trace = last && JSON.stringify(last.scenario) === JSON.stringify(scenario) ? last.trace : undefined;
    if (e instanceof ImplementationError) rerun = ` [re-running the shrunk input to record its trace failed: ${e.fault}: ${e.message}]`;
    else if (e instanceof TimeLimitReached) rerun = ' [re-running the shrunk input to record its trace was cut by the time limit]';
  }
  const err = details.errorInstance;
  const message = (err instanceof Error ? err.message : String(err ?? 'property returned false')) + rerun;
  return {
    ...base,
    status: 'fail',
    durationMs,
    path: details.counterexamplePath ?? undefined,
    counterexample: { input: canonical(input), scenario, trace, message },
  };
}

export type ClauseVerdict = 'pass' | 'fail' | 'skip' | 'hazard' | 'error' | 'untested';

export interface ClauseResult {
  id: string;
  layer: Layer;
  kind: Clause['kind'];
  source: Clause['source'];
  statement: string;
  reason?: string;
  verdict: ClauseVerdict;
  properties: string[];
  counterexample?: Counterexample & { property: string; seed: number; path?: string };
}

/** Folds property results into clause verdicts. A hazard clause whose property fails is 'hazard'. */
export function clauseVerdicts(results: PropertyResult[], clauses: Map<string, Clause>, layers?: Layer[], declared?: Layer[]): ClauseResult[] {
  const out: ClauseResult[] = [];
  for (const clause of clauses.values()) {
    if (layers?.length && !layers.includes(clause.layer)) continue;
    const mine = results.filter((r) => r.clauses.includes(clause.id));
    const row: ClauseResult = {
      id: clause.id,
      layer: clause.layer,
      kind: clause.kind,
      source: clause.source,
      statement: clause.statement,
      ...(clause.reason ? { reason: clause.reason } : {}),
      verdict: 'untested',
      properties: mine.map((r) => r.id),
    };
    const bad = mine.find((r) => r.status === 'error') ?? mine.find((r) => r.status === 'fail');
    if (declared && !declared.includes(clause.layer)) row.verdict = 'skip';
    else if (mine.length === 0) row.verdict = 'untested';
    else if (mine.every((r) => r.status === 'skip')) row.verdict = 'skip';
    else if (bad?.status === 'error') row.verdict = 'error';
    else if (bad) row.verdict = clause.kind === 'hazard' ? 'hazard' : 'fail';
    else row.verdict = 'pass';
    if (bad?.counterexample) row.counterexample = { ...bad.counterexample, property: bad.id, seed: bad.seed, ...(bad.path ? { path: bad.path } : {}) };
    out.push(row);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export interface RunOutcome {
  properties: PropertyResult[];
  clauses: ClauseResult[];
}

export async function runSuite(defs: PropertyDef[], impl: Implementation, opts: RunOptions): Promise<RunOutcome> {
  const ctx = contextFor(impl);
  if (opts.timeLimitMs !== undefined && opts.deadline === undefined) opts = { ...opts, deadline: performance.now() + opts.timeLimitMs };
  const selected = selectProperties(defs, opts);
  opts.onProgress?.({ type: 'start', total: selected.length });
  const results: PropertyResult[] = [];
  for (const [i, def] of selected.entries()) {
    const r = await runProperty(def, impl, ctx, opts);
    results.push(r);
    opts.onProgress?.({ type: 'property', index: i + 1, total: selected.length, result: r });
  }
  return outcomeOf(results, selected, opts, impl.statement.layers);
}

/** The outcome of a run from its property results (runSuite's, or those read back from a run log). */
export function outcomeOf(results: PropertyResult[], selected: Pick<PropertyDef, 'clauses'>[], opts: Pick<RunOptions, 'only' | 'shard' | 'layers'>, declared: Layer[]): RunOutcome {
  const clauses = loadClauses();
  // With a filter or a shard, only clauses some selected property checks are reported.
  const partial = Boolean(opts.only?.length || opts.shard);
  const checked = new Set(selected.flatMap((d) => d.clauses));
  const verdicts = clauseVerdicts(results, clauses, opts.layers, declared).filter((c) => !partial || checked.has(c.id));
  return { properties: results, clauses: verdicts };
}
