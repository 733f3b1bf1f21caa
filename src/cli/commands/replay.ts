// r2net replay: one property's counterexample, exactly, from its seed and path — given on the
// command line, or taken from a JSON report (--from) with the implementation that report ran.
import { isDeepStrictEqual } from 'node:util';
import { loadImplementation } from '../../iut/load.ts';
import type { Implementation } from '../../iut/contract.ts';
import { allProperties } from '../../../properties/index.ts';
import { runProperty, contextFor, type PropertyResult } from '../../runner/run.ts';
import { MergeError, optionValues, readReports } from '../../report/merge.ts';
import type { ConformanceReport } from '../../report/model.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { log, out, parseCommand, parseSeed, UsageError } from '../args.ts';

const REPLAY = {
  name: 'replay',
  usage: `Usage: r2net replay --property ID --seed N [--path P] [--clause ID] [--impl MODULE|COMMAND] [--json]
       r2net replay --from REPORT.json [--clause ID | --property ID] [--impl MODULE|COMMAND] [--json]

Re-runs a counterexample exactly: one, from the seed and path a report printed, or every
failure of a JSON report (--from), on the implementation that report ran (unless --impl).
Prints one line per replayed property; --json prints the replayed traces as JSON on stdout.

  --property ID   the property to replay (with --from: one of the report's failures)
  --seed N        its seed, as the report printed it (--seed=N)
  --path P        its fast-check path (default 0)
  --from FILE     replay the failures of this JSON report
  --clause ID     the clause whose failure to replay (as the reports print it; with --from:
                  the failure of this clause)
  --impl SPEC     the implementation (default: the reference, or the report's --impl)
  --json          the replayed results with their counterexamples, as JSON on stdout
  -h, --help      this text

Exit status: 0 when nothing but hazards (which never fail a run) reproduces, 1 when a failure
or error does, 2 on a usage or setup error.`,
  options: {
    property: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
    impl: { type: 'string' },
    from: { type: 'string' },
    clause: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
} as const;

/** A replay fails when it errors or a clause other than a hazard fails (a hazard is found on purpose). */
function failsRun(r: PropertyResult): boolean {
  if (r.status === 'error') return true;
  const catalogue = loadClauses();
  const failed = Object.entries(r.clauseResults ?? {}).filter(([, o]) => o.verdict === 'fail').map(([id]) => id);
  return failed.some((id) => catalogue.get(id)?.kind !== 'hazard');
}

export async function cmdReplay(argv: string[]): Promise<number> {
  const parsed = parseCommand(REPLAY, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.from !== undefined) return replayFromReport(values.from, values);
  if (!values.property || values.seed === undefined) throw new UsageError('replay needs --property ID and --seed N (copy the command a report printed), or --from REPORT.json');
  const def = allProperties.find((d) => d.id === values.property);
  if (!def) throw new UsageError(`no property '${values.property}' (see r2net list)`);
  const seed = parseSeed(values.seed); // a bad seed is a usage error before anything starts
  const impl: Implementation = await loadImplementation(values.impl);
  try {
    const r = await runProperty(def, impl, contextFor(impl), {
      seed,
      runs: 1,
      replay: { seed, path: values.path ?? '0', ...(values.clause !== undefined ? { clause: values.clause } : {}) },
    });
    const label = values.clause !== undefined ? ` (clause ${values.clause})` : '';
    out(`${def.id}${label}: ${r.status === 'fail' && !failsRun(r) ? 'hazard (reproduced; hazards never fail a run)' : r.status}`);
    if (r.counterexample) out(`  ${r.counterexample.message}`);
    if (values.json) process.stdout.write(JSON.stringify({ property: def.id, status: r.status, ...(r.counterexample ? { counterexample: r.counterexample } : {}) }, null, 2) + '\n');
    return failsRun(r) ? 1 : 0;
  } finally {
    await impl.close?.();
  }
}

/** The reported failures to replay: one property, the one behind a clause, or all of them (maybe none). */
function targetsOf(report: ConformanceReport, sel: { property?: string | undefined; clause?: string | undefined }): PropertyResult[] {
  const failing = (p: PropertyResult): boolean => p.status === 'fail' || p.status === 'error';
  if (sel.property !== undefined && sel.clause !== undefined) throw new UsageError('give --clause ID or --property ID, not both');
  if (sel.property !== undefined) {
    const p = report.properties.find((x) => x.id === sel.property);
    if (!p) throw new UsageError(`property '${sel.property}' is not in this report (it has ${report.properties.length} properties)`);
    if (!failing(p)) throw new UsageError(`property '${p.id}' is '${p.status}' in this report: there is no failure to replay`);
    return [p];
  }
  if (sel.clause !== undefined) {
    const c = report.clauses.find((x) => x.id === sel.clause);
    if (!c) throw new UsageError(`clause '${sel.clause}' is not in this report`);
    const p = c.counterexample && report.properties.find((x) => x.id === c.counterexample!.property);
    if (!p || !failing(p)) throw new UsageError(`clause '${c.id}' is '${c.verdict}' in this report: there is no counterexample to replay`);
    return [p];
  }
  return report.properties.filter(failing);
}

async function replayFromReport(file: string, values: { property?: string | undefined; clause?: string | undefined; impl?: string | undefined; seed?: string | undefined; path?: string | undefined; json: boolean }): Promise<number> {
  if (values.seed !== undefined || values.path !== undefined) throw new UsageError('--from takes the seed and path from the report: drop --seed and --path');
  let reports: ConformanceReport[];
  try {
    reports = readReports(file);
  } catch (e) {
    if (e instanceof MergeError) {
      log(`r2net replay: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (reports.length !== 1) throw new UsageError(`${file} merges ${reports.length} runs: replay from one run's conformance.json`);
  const report = reports[0]!;
  const targets = targetsOf(report, values);
  if (!targets.length) {
    log(`${file}: no failing property in this report, nothing to replay`);
    return 0;
  }
  // The implementation the report ran (its command's --impl), unless --impl overrides it.
  const spec = values.impl ?? optionValues(report.command, '--impl').at(-1);
  const impl: Implementation = await loadImplementation(spec);
  try {
    const s = impl.statement;
    const want = report.implementation;
    if (s.name !== want.name || s.version !== want.version)
      log(`note: the report is of ${want.name} ${want.version}; replaying on ${s.name} ${s.version}`);
    log(`replaying ${targets.length} failure(s) of ${file} on ${s.name} ${s.version}${spec ? ` (--impl ${spec})` : ''}`);
    const ctx = contextFor(impl);
    const json: unknown[] = [];
    let still = 0;
    let hazards = 0;
    for (const p of targets) {
      const def = allProperties.find((d) => d.id === p.id);
      if (!def) {
        out(`${p.id}: this r2net has no such property (the report was written by ${report.tool.name} ${report.tool.version})`);
        still++;
        continue;
      }
      // A shrunk failure replays from its path; an error row (no path) re-runs the property as
      // the report's run did: same base seed and runs give the same cases up to the fault.
      // The failure of the selected clause, or the property's first one: its own shrunk case.
      const target = values.clause ?? Object.entries(p.clauseResults ?? {}).find(([, o]) => o.verdict === 'fail' && o.path === p.path)?.[0];
      const r = p.path
        ? await runProperty(def, impl, ctx, { seed: report.seed, runs: 1, replay: { seed: p.seed, path: values.clause ? (p.clauseResults?.[values.clause]?.path ?? p.path) : p.path, ...(target ? { clause: target } : {}) } })
        : await runProperty(def, impl, ctx, { seed: report.seed, runs: report.runs });
      const cx = target ? r.clauseResults?.[target]?.counterexample ?? r.counterexample : r.counterexample;
      const reportedCx = target ? p.clauseResults?.[target]?.counterexample ?? p.counterexample : p.counterexample;
      const reproduced = r.status === p.status;
      const exact =
        reproduced &&
        isDeepStrictEqual(cx?.scenario, reportedCx?.scenario) &&
        cx?.message === reportedCx?.message;
      if (failsRun(r)) still++;
      else if (r.status === 'fail') hazards++;
      out(
        `${p.id}: ${r.status === 'fail' && !failsRun(r) ? 'hazard' : r.status}${
          exact ? ' — reproduced exactly (same scenario, same message)' : reproduced ? ' — reproduced, but the scenario or message differs from the report' : ` — did not reproduce (the report says ${p.status})`
        }`,
      );
      if (r.counterexample) out(`  ${r.counterexample.message.split('\n')[0]}`);
      json.push({ property: p.id, status: r.status, reported: p.status, reproduced, exact, ...(r.counterexample ? { counterexample: r.counterexample } : {}) });
    }
    if (values.json) process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    out(`\n${targets.length} replayed: ${still} still fail or error, ${hazards} hazard(s) (never fail a run), ${targets.length - still - hazards} pass now${values.json ? '' : ' (--json prints the traces)'}`);
    return still ? 1 : 0;
  } finally {
    await impl.close?.();
  }
}
