// Runs property definitions against one implementation and folds the per-clause outcomes of
// each property (run-property.ts) into clause verdicts. Knows nothing about individual properties.
import type { Implementation, Layer, Scenario, Trace } from '../iut/contract.ts';
import type { PropertyContext, PropertyDef } from './property.ts';
import { loadClauses, type Clause } from '../spec/clauses.ts';
import { loadProfile } from '../spec/profile.ts';
import { runProperty } from './run-property.ts';
import { prefetchFor } from './prefetch.ts';

export { runProperty, propertySeed, NOT_RUN_TIME_LIMIT } from './run-property.ts';

/** A property's overall status: `fail` if any of its clauses failed, `untested` if none was observed. */
export type PropertyStatus = 'pass' | 'fail' | 'error' | 'skip' | 'untested';

/** What one property found for one of its clauses. */
export interface ClauseOutcome {
  verdict: 'pass' | 'fail' | 'error' | 'skip' | 'untested';
  /** Generated cases in which a check of the clause ran. */
  observed: number;
  /** Why it was skipped, untested or errored. */
  note?: string;
  /** The shrunk failure of this clause's own check (verdict fail). */
  counterexample?: Counterexample;
  /** fast-check replay path of that counterexample. */
  path?: string;
}

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
  /** Per clause: the verdict of its own checks, with its own counterexample. */
  clauseResults?: Record<string, ClauseOutcome>;
  numRuns: number;
  seed: number;
  /** fast-check replay path of the (first) counterexample. */
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
  /** Replay: exact fast-check seed/path for a single property; `clause` is the failure's target clause. */
  replay?: { seed: number; path: string; clause?: string };
  /** Shard i of n (1-based): properties are dealt round-robin in id order. */
  shard?: { index: number; count: number };
  /**
   * false: a failing clause keeps the first case that failed it instead of shrinking it. The
   * verdicts are the same; for runs that only need them (mutation testing), not the smallest
   * counterexample. Default true.
   */
  shrink?: boolean;
  /** Whole-run time limit in ms (runSuite): properties not started by then are 'error' rows "not run: time limit". */
  timeLimitMs?: number;
  /** Absolute deadline on the performance.now() clock; runSuite derives it from timeLimitMs. */
  deadline?: number;
  onProgress?(event: ProgressEvent): void;
}

export type ProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'property'; index: number; total: number; result: PropertyResult };

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
  /** Generated cases, over all its properties, in which a check of this clause ran. */
  observed?: number;
  /** Why it is skip, untested or error; for a pass, the recorded hardware difference it passed against. */
  note?: string;
  counterexample?: Counterexample & { property: string; seed: number; path?: string };
}

/** The clause's outcome in one property result (old reports without clauseResults: the property's status). */
function outcomeIn(r: PropertyResult, id: string): ClauseOutcome {
  const o = r.clauseResults?.[id];
  if (o) return o;
  const verdict = r.status === 'fail' || r.status === 'error' || r.status === 'skip' || r.status === 'untested' ? r.status : 'pass';
  return { verdict, observed: 0, ...(r.counterexample ? { counterexample: r.counterexample } : {}), ...(r.path ? { path: r.path } : {}), ...(r.skipReason ? { note: r.skipReason } : {}) };
}

/**
 * Folds property results into clause verdicts, each from the clause's own checks: error if a
 * property errored before deciding it, fail (hazard, for a hazard clause) if one of its checks
 * failed, pass if its checks ran and held, skip if every property skipped it, else untested.
 */
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
    const outcomes = mine.map((r) => ({ r, o: outcomeIn(r, clause.id) }));
    const pick = (v: ClauseOutcome['verdict']) => outcomes.find((x) => x.o.verdict === v);
    const bad = pick('error') ?? pick('fail');
    if (declared && !declared.includes(clause.layer)) {
      row.verdict = 'skip';
      row.note = `implementation does not declare layer '${clause.layer}'`;
    } else if (mine.length === 0) {
      row.verdict = 'untested';
      row.note = 'no property checks this clause';
    } else if (bad) {
      row.verdict = bad.o.verdict === 'error' ? 'error' : clause.kind === 'hazard' ? 'hazard' : 'fail';
      if (bad.o.note) row.note = bad.o.note;
      const cx = bad.o.counterexample ?? bad.r.counterexample;
      const path = bad.o.counterexample ? bad.o.path : bad.r.path;
      if (cx) row.counterexample = { ...cx, property: bad.r.id, seed: bad.r.seed, ...(path ? { path } : {}) };
    } else if (pick('pass')) {
      row.verdict = 'pass';
      // A pass against a recorded hardware difference says so (spec/hardware/*.json).
      const against = [...new Set(outcomes.map((x) => (x.o.verdict === 'pass' ? x.o.note : undefined)).filter((n): n is string => Boolean(n)))];
      if (against.length) row.note = against.join('; ');
    } else if (outcomes.every((x) => x.o.verdict === 'skip')) {
      row.verdict = 'skip';
      row.note = [...new Set(outcomes.map((x) => x.o.note).filter(Boolean))].join('; ');
    } else {
      row.verdict = 'untested';
      row.note = [...new Set(outcomes.map((x) => x.o.note).filter(Boolean))].join('; ') || 'never observed';
    }
    const observed = outcomes.reduce((n, x) => n + x.o.observed, 0);
    if (mine.length) row.observed = observed;
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
    // Batched prefetch (prefetch.ts) only for implementations that take executeBatch; verdicts are the same.
    const r = await runProperty(def, prefetchFor(impl, def, ctx, opts), ctx, opts);
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
