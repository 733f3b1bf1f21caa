// The conformance report: reports/conformance.json is this object; every other format is
// rendered from it (so a merged or sharded run renders the same way as a single one).
import type { Statement } from '../iut/contract.ts';
import type { ClauseResult, ClauseVerdict, PropertyResult, RunOutcome } from '../runner/run.ts';
import type { DifferentialResult } from '../runner/differential.ts';

export const REPORT_FORMAT = 'r2net-conformance-report/1';

export interface ConformanceReport {
  format: typeof REPORT_FORMAT;
  tool: { name: string; version: string };
  implementation: Statement;
  profile: string;
  seed: number;
  runs: number;
  /** How to run this again: the command line that produced the report. */
  command: string;
  shard?: { index: number; count: number };
  durationMs: number;
  clauses: ClauseResult[];
  properties: PropertyResult[];
  summary: Record<ClauseVerdict, number>;
  /**
   * The same verdicts per clause kind: requirements (defects against the seed, the docs, an RFC
   * or the hardware) first, then decisions (our choices: a failure there is a difference), then
   * hazards. Absent in reports written before it existed (recomputed when read).
   */
  byKind?: Record<'requirement' | 'decision' | 'hazard', Record<ClauseVerdict, number>>;
  /** Differential mode (`r2net run --diff`): per property, whether the traces equal the reference's; never affects verdicts. */
  differential?: DifferentialResult[];
  /** Set on a report rebuilt from a run log that stops early (src/report/run-log.ts): how many selected properties never ran. */
  incomplete?: { notRun: number; note: string };
  /** Set by `r2net report --merge` on a report folded from shards: the shard reports it came from. */
  mergedFrom?: Array<{ shard?: { index: number; count: number }; command: string; durationMs: number; tool: { name: string; version: string } }>;
}

const noVerdicts = (): Record<ClauseVerdict, number> => ({ pass: 0, fail: 0, skip: 0, hazard: 0, error: 0, untested: 0 });

export function summarize(clauses: ClauseResult[]): Record<ClauseVerdict, number> {
  const s = noVerdicts();
  for (const c of clauses) s[c.verdict]++;
  return s;
}

export function summarizeByKind(clauses: ClauseResult[]): NonNullable<ConformanceReport['byKind']> {
  const out = { requirement: noVerdicts(), decision: noVerdicts(), hazard: noVerdicts() };
  for (const c of clauses) out[c.kind][c.verdict]++;
  return out;
}

/** One line a person reads first: defects, then differences from our decisions, then the rest. */
export function summaryLine(report: Pick<ConformanceReport, 'clauses' | 'implementation'>): string {
  const k = summarizeByKind(report.clauses);
  const r = k.requirement;
  const d = k.decision;
  const follows = report.implementation.followsDecisions ? ' (followed: they count)' : ' (not followed: they never fail the run)';
  return (
    `requirements: ${r.fail} fail, ${r.error} error, ${r.untested} untested, ${r.pass} pass, ${r.skip} skip; ` +
    `decisions: ${d.fail} differ, ${d.error} error, ${d.untested} untested, ${d.pass} agree, ${d.skip} skip${follows}; ` +
    `hazards: ${k.hazard.hazard} found, ${k.hazard.pass} avoided, ${k.hazard.untested + k.hazard.error} not shown, ${k.hazard.skip} skip`
  );
}

export function buildReport(args: {
  outcome: RunOutcome;
  implementation: Statement;
  seed: number;
  runs: number;
  command: string;
  toolVersion: string;
  durationMs: number;
  shard?: { index: number; count: number };
}): ConformanceReport {
  return {
    format: REPORT_FORMAT,
    tool: { name: 'r2net-conformance', version: args.toolVersion },
    implementation: args.implementation,
    profile: args.implementation.profile,
    seed: args.seed,
    runs: args.runs,
    command: args.command,
    ...(args.shard ? { shard: args.shard } : {}),
    durationMs: args.durationMs,
    clauses: args.outcome.clauses,
    properties: args.outcome.properties,
    summary: summarize(args.outcome.clauses),
    byKind: summarizeByKind(args.outcome.clauses),
  };
}

/**
 * Exit status rule (spec/README.md): the run fails when a requirement fails, errors or is
 * untested, when any clause errors (the implementation broke the contract), and when a decision
 * fails or is untested while the statement says it follows the suite's decisions. Hazards, and
 * decision differences of a statement that does not follow them, never fail it.
 */
export function runFailed(report: Pick<ConformanceReport, 'clauses' | 'implementation'>): boolean {
  const follows = report.implementation.followsDecisions === true;
  return report.clauses.some(
    (c) =>
      c.verdict === 'error' ||
      (c.kind === 'requirement' && (c.verdict === 'fail' || c.verdict === 'untested')) ||
      (c.kind === 'decision' && follows && (c.verdict === 'fail' || c.verdict === 'untested')),
  );
}

/** The command that replays one property's counterexample exactly. */
export function replayCommand(report: Pick<ConformanceReport, 'command'>, p: { id: string; seed: number; path?: string; clause?: string }): string {
  const impl = /--impl(?:=|\s+)("[^"]*"|'[^']*'|\S+)/.exec(report.command)?.[1];
  // `--seed=N` form: seeds are often negative, and `--seed -5` would read as an option.
  const parts = ['npx r2net replay', `--property ${p.id}`, `--seed=${p.seed}`];
  if (p.path) parts.push(`--path=${p.path}`);
  if (p.clause) parts.push(`--clause ${p.clause}`);
  if (impl) parts.push(`--impl ${impl}`);
  return parts.join(' ');
}

/** The replay command of a clause's own counterexample (a clause-targeted replay when it failed). */
export function clauseReplayCommand(report: Pick<ConformanceReport, 'command'>, c: Pick<ClauseResult, 'id' | 'verdict' | 'counterexample'>): string | undefined {
  const cx = c.counterexample;
  if (!cx) return undefined;
  const targeted = (c.verdict === 'fail' || c.verdict === 'hazard') && cx.path !== undefined;
  return replayCommand(report, { id: cx.property, seed: cx.seed, ...(cx.path ? { path: cx.path } : {}), ...(targeted ? { clause: c.id } : {}) });
}
