// r2net report: renders the report formats (HTML, Markdown, JUnit, pcaps) from JSON reports,
// and merges several runs: shards of one run fold into the report one machine would write;
// different implementations become columns of one matrix that shows where they differ.
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { runFailed, type ConformanceReport } from '../../report/model.ts';
import { MergeError, mergeReports, readReports } from '../../report/merge.ts';
import { writeMergedReports, writeReports } from '../../report/write.ts';
import { reportsDir } from '../../spec/paths.ts';
import { log, UsageError } from '../args.ts';

const summaryLine = (r: ConformanceReport): string => {
  const s = r.summary;
  return `${r.implementation.name} ${r.implementation.version}: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.hazard} hazard, ${s.skip} skip, ${s.untested} untested`;
};

export function cmdReport(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { merge: { type: 'boolean', default: false }, out: { type: 'string' }, partial: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (!values.merge && positionals.length > 1) throw new UsageError('report takes one JSON report; to combine several use report --merge A.json B.json ...');
  if (values.merge && positionals.length === 0) throw new UsageError('report --merge needs the JSON reports to merge (conformance.json of each run or shard)');
  const inputs = positionals.length ? positionals.map((p) => resolve(p)) : [join(reportsDir, 'conformance.json')];
  try {
    const reports = inputs.flatMap((p) => readReports(p));
    const result = mergeReports(reports, { allowPartial: values.partial });
    for (const n of result.notes) log(n);
    // Default output: beside a single input (re-render in place); reports/merged for a merge.
    const out = resolve(values.out ?? (values.merge ? join(reportsDir, 'merged') : dirname(inputs[0]!)));
    const files = result.merged ? writeMergedReports(result.merged, out) : writeReports(result.reports[0]!, out);
    for (const r of result.reports) log(summaryLine(r));
    if (result.merged) {
      for (const d of result.merged.differences) log(`  differs: ${d.clause}: ${d.note}`);
    }
    log(`reports: ${files.join(', ')}`);
    return result.reports.some(runFailed) ? 1 : 0;
  } catch (e) {
    if (e instanceof MergeError) {
      log(`r2net report: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
