// The run log (<out>/run.jsonl): every property result goes to disk, one JSON line, the moment
// the property ends, and the final report is assembled from these lines. So a run that dies
// (out of memory, killed, a bug in a writer) still leaves its results, and `r2net report
// <out>/run.jsonl` renders what it holds as a partial report (the properties it never reached
// are 'error' rows "not run: ..."). Each result is checked before it is written: one that is
// not JSON data becomes an 'error' row here, instead of breaking the report writer at the end.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Layer, Statement } from '../iut/contract.ts';
import type { PropertyDef } from '../runner/property.ts';
import { outcomeOf, type PropertyResult } from '../runner/run.ts';
import type { DifferentialResult } from '../runner/differential.ts';
import { jsonProblem, TRACE_BOUNDS } from '../util/json-bounds.ts';
import { buildReport, type ConformanceReport } from './model.ts';

export const RUN_LOG_FORMAT = 'r2net-run-log/1';
export const RUN_LOG_NAME = 'run.jsonl';
export const NOT_RUN_INTERRUPTED = 'not run: the run ended before this property (its run log stops earlier)';

export interface RunLogStart {
  type: 'start';
  format: typeof RUN_LOG_FORMAT;
  toolVersion: string;
  implementation: Statement;
  seed: number;
  runs: number;
  command: string;
  layers?: Layer[];
  only?: string[];
  shard?: { index: number; count: number };
  /** Ids of the selected properties, in run order. */
  selected: string[];
}

export type RunLogLine =
  | RunLogStart
  | { type: 'property'; elapsedMs: number; result: PropertyResult }
  | { type: 'differential'; result: DifferentialResult }
  | { type: 'end'; elapsedMs: number };

const RESULT_BOUNDS = { ...TRACE_BOUNDS, dropUndefined: true };

/** The result as it can be recorded: itself, or an 'error' row saying why it could not be. */
export function recordable(r: PropertyResult): PropertyResult {
  const problem = jsonProblem(r, RESULT_BOUNDS, 'result');
  if (!problem) return r;
  const scenarioOk = r.counterexample && !jsonProblem(r.counterexample.scenario, RESULT_BOUNDS);
  return {
    id: r.id,
    title: r.title,
    layer: r.layer,
    clauses: r.clauses,
    seed: r.seed,
    numRuns: r.numRuns,
    durationMs: r.durationMs,
    status: 'error',
    counterexample: {
      input: null,
      scenario: scenarioOk ? r.counterexample!.scenario : { layer: r.layer, ops: [] },
      message: `suite: the result of this property (${r.status}) cannot be recorded: ${problem}${r.counterexample ? `; its message was: ${String(r.counterexample.message).slice(0, 500)}` : ''}`,
    },
  };
}

/** Appends lines to the log synchronously: what was written survives any later crash. */
export class RunLogWriter {
  readonly #fd: number;
  readonly #started = performance.now();

  /** Opens (truncates) the log; throws when the directory cannot be written, before any run. */
  constructor(readonly file: string) {
    this.#fd = openSync(file, 'w');
  }

  #write(line: RunLogLine): void {
    writeSync(this.#fd, JSON.stringify(line) + '\n');
  }

  start(s: Omit<RunLogStart, 'type' | 'format'>): void {
    this.#write({ type: 'start', format: RUN_LOG_FORMAT, ...s });
  }

  /** Records one result and returns it as recorded (possibly an error row, see recordable). */
  property(r: PropertyResult): PropertyResult {
    const result = recordable(r);
    this.#write({ type: 'property', elapsedMs: Math.round(performance.now() - this.#started), result });
    return result;
  }

  differential(r: DifferentialResult): void {
    const problem = jsonProblem(r, RESULT_BOUNDS, 'result');
    this.#write({ type: 'differential', result: problem ? { property: r.property, status: 'error', message: `suite: cannot be recorded: ${problem}` } as DifferentialResult : r });
  }

  end(): number {
    const elapsedMs = Math.round(performance.now() - this.#started);
    this.#write({ type: 'end', elapsedMs });
    closeSync(this.#fd);
    return elapsedMs;
  }
}

export class RunLogError extends Error {
  override name = 'RunLogError';
}

export interface RunLog {
  start: RunLogStart;
  results: PropertyResult[];
  differential: DifferentialResult[];
  elapsedMs: number;
  ended: boolean;
  /** Lines that did not parse (a last line cut short by a crash). */
  damaged: number;
}

export function readRunLog(file: string): RunLog {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const log: Partial<RunLog> & { results: PropertyResult[]; differential: DifferentialResult[] } = { results: [], differential: [], elapsedMs: 0, ended: false, damaged: 0 };
  for (const l of lines) {
    let v: RunLogLine;
    try {
      v = JSON.parse(l) as RunLogLine;
    } catch {
      log.damaged!++;
      continue;
    }
    if (v.type === 'start') {
      if (v.format !== RUN_LOG_FORMAT) throw new RunLogError(`${file}: not a run log of this format (${RUN_LOG_FORMAT}): ${JSON.stringify(v.format)}`);
      log.start = v;
    } else if (v.type === 'property') {
      log.results.push(v.result);
      log.elapsedMs = v.elapsedMs;
    } else if (v.type === 'differential') log.differential.push(v.result);
    else if (v.type === 'end') {
      log.ended = true;
      log.elapsedMs = v.elapsedMs;
    }
  }
  if (!log.start) throw new RunLogError(`${file}: no start line: the run stopped before its first property, or this is not a run log`);
  return log as RunLog;
}

/** The report a run log holds; properties it never reached are error rows, and `incomplete` says how many. */
export function reportFromLog(log: RunLog, defs: PropertyDef[]): ConformanceReport {
  const s = log.start;
  const byId = new Map(log.results.map((r) => [r.id, r]));
  const defOf = new Map(defs.map((d) => [d.id, d]));
  const selected = s.selected.map((id) => defOf.get(id)).filter((d) => d !== undefined);
  if (selected.length !== s.selected.length) throw new RunLogError(`the run log names properties this r2net does not have (written by r2net ${s.toolVersion})`);
  const results = selected.map(
    (d): PropertyResult =>
      byId.get(d.id) ?? {
        id: d.id,
        title: d.title,
        layer: d.layer,
        clauses: d.clauses,
        seed: 0,
        numRuns: 0,
        durationMs: 0,
        status: 'error',
        counterexample: { input: null, scenario: { layer: d.layer, ops: [] }, message: NOT_RUN_INTERRUPTED },
      },
  );
  const notRun = selected.length - selected.filter((d) => byId.has(d.id)).length;
  const opts = { ...(s.layers ? { layers: s.layers } : {}), ...(s.only ? { only: s.only } : {}), ...(s.shard ? { shard: s.shard } : {}) };
  const report = buildReport({
    outcome: outcomeOf(results, selected, opts, s.implementation.layers),
    implementation: s.implementation,
    seed: s.seed,
    runs: s.runs,
    command: s.command,
    toolVersion: s.toolVersion,
    durationMs: log.elapsedMs,
    ...(s.shard ? { shard: s.shard } : {}),
  });
  const withDiff = log.differential.length ? { ...report, differential: log.differential } : report;
  return notRun || !log.ended ? { ...withDiff, incomplete: { notRun, note: log.ended ? 'some properties are missing from the run log' : 'the run log ends before the run did (the run was interrupted or crashed)' } } : withDiff;
}
