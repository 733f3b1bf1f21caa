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
  /** Differential mode (`r2net run --diff`): per property, whether the traces equal the reference's; never affects verdicts. */
  differential?: DifferentialResult[];
  /** Set on a report rebuilt from a run log that stops early (src/report/run-log.ts): how many selected properties never ran. */
  incomplete?: { notRun: number; note: string };
  /** Set by `r2net report --merge` on a report folded from shards: the shard reports it came from. */
  mergedFrom?: Array<{ shard?: { index: number; count: number }; command: string; durationMs: number; tool: { name: string; version: string } }>;
}

export function summarize(clauses: ClauseResult[]): Record<ClauseVerdict, number> {
  const s: Record<ClauseVerdict, number> = { pass: 0, fail: 0, skip: 0, hazard: 0, error: 0, untested: 0 };
  for (const c of clauses) s[c.verdict]++;
  return s;
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
  };
}

/** Exit status rule: a failing or erroring requirement/decision clause fails the run; hazards never do. */
export function runFailed(report: ConformanceReport): boolean {
  return report.clauses.some((c) => c.kind !== 'hazard' && (c.verdict === 'fail' || c.verdict === 'error' || c.verdict === 'untested'));
}

/** The command that replays one property's counterexample exactly. */
export function replayCommand(report: Pick<ConformanceReport, 'command'>, p: { id: string; seed: number; path?: string }): string {
  const impl = /--impl(?:=|\s+)("[^"]*"|'[^']*'|\S+)/.exec(report.command)?.[1];
  // `--seed=N` form: seeds are often negative, and `--seed -5` would read as an option.
  const parts = ['npx r2net replay', `--property ${p.id}`, `--seed=${p.seed}`];
  if (p.path) parts.push(`--path=${p.path}`);
  if (impl) parts.push(`--impl ${impl}`);
  return parts.join(' ');
}
