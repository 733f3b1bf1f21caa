// r2net report: renders the report formats (HTML, Markdown, JUnit, pcaps) from JSON reports,
// and merges several runs: shards of one run fold into the report one machine would write;
// different implementations become columns of one matrix that shows where they differ.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runFailed, type ConformanceReport } from '../../report/model.ts';
import { MergeError, mergeReports, readReports } from '../../report/merge.ts';
import { writeMergedReports, writeReports } from '../../report/write.ts';
import { reportsDir } from '../../spec/paths.ts';
import { allProperties } from '../../../properties/index.ts';
import { readRunLog, reportFromLog, RUN_LOG_NAME, RunLogError } from '../../report/run-log.ts';
import { log, out, parseCommand, UsageError } from '../args.ts';
import { layerTable } from '../summary.ts';

const REPORT = {
  name: 'report',
  usage: `Usage: r2net report [REPORT.json | RUN.jsonl] [--out DIR]
       r2net report --merge A.json B.json ... [--out DIR] [--partial]

Renders every report format (HTML, Markdown, JUnit, pcaps) again from a JSON report, or from a
run log (run.jsonl) — also of a run that was cut short: the properties it never reached are
error rows. Without a file: reports/conformance.json, or reports/run.jsonl when the run did not
finish writing its report.

  --merge     shards of one run fold into the report one machine would write; runs of
              different implementations become one matrix that shows where they differ
  --partial   with --merge: accept a set of shards with some missing
  --out DIR   where to write (default: beside the input; for --merge, reports/merged/)
  -h, --help  this text`,
  options: { merge: { type: 'boolean', default: false }, out: { type: 'string' }, partial: { type: 'boolean', default: false } },
  positionals: true,
} as const;

/** The default input: the JSON report, or the run log of a run that did not get to write one. */
function defaultInput(): string {
  const json = join(reportsDir, 'conformance.json');
  const runLog = join(reportsDir, RUN_LOG_NAME);
  return !existsSync(json) && existsSync(runLog) ? runLog : json;
}

const summaryLine = (r: ConformanceReport): string => {
  const s = r.summary;
  return `${r.implementation.name} ${r.implementation.version}: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.hazard} hazard, ${s.skip} skip, ${s.untested} untested`;
};

export function cmdReport(argv: string[]): number {
  const parsed = parseCommand(REPORT, argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (!values.merge && positionals.length > 1) throw new UsageError('report takes one JSON report; to combine several use report --merge A.json B.json ...');
  if (values.merge && positionals.length === 0) throw new UsageError('report --merge needs the JSON reports to merge (conformance.json of each run or shard)');
  const inputs = positionals.length ? positionals.map((p) => resolve(p)) : [defaultInput()];
  try {
    const reports = inputs.flatMap((p) => (p.endsWith('.jsonl') ? [reportFromLog(readRunLog(p), allProperties)] : readReports(p)));
    const result = mergeReports(reports, { allowPartial: values.partial });
    for (const n of result.notes) log(n);
    // Default output: beside a single input (re-render in place); reports/merged for a merge.
    const dir = resolve(values.out ?? (values.merge ? join(reportsDir, 'merged') : dirname(inputs[0]!)));
    const files = result.merged ? writeMergedReports(result.merged, dir) : writeReports(result.reports[0]!, dir);
    for (const r of result.reports) {
      out(summaryLine(r));
      if (r.incomplete) out(`  INCOMPLETE: ${r.incomplete.note}; ${r.incomplete.notRun} properties not run`);
    }
    if (result.merged) {
      for (const d of result.merged.differences) out(`  differs: ${d.clause}: ${d.note}`);
    } else for (const l of layerTable(result.reports[0]!)) out(l);
    out(`reports: ${files.join(', ')}`);
    return result.reports.some(runFailed) ? 1 : 0;
  } catch (e) {
    if (e instanceof MergeError || e instanceof RunLogError) {
      log(`r2net report: ${e.message}`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      log(`r2net report: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
