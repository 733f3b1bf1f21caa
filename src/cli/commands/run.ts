// r2net run: every selected property against one implementation; reports to --out.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { loadImplementation } from '../../iut/load.ts';
import { packageVersion } from '../../iut/reference.ts';
import { allProperties } from '../../../properties/index.ts';
import { runSuite, type PropertyResult } from '../../runner/run.ts';
import { runDifferential, type DifferentialResult } from '../../runner/differential.ts';
import { buildReport, clauseReplayCommand, runFailed, summaryLine } from '../../report/model.ts';
import { describeDivergence } from '../../report/divergence.ts';
import { writeReports } from '../../report/write.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { reportsDir } from '../../spec/paths.ts';
import { log, parseLayers, parsePositive, parseSeed, parseShard, UsageError } from '../args.ts';

/** A positive number of seconds (decimals allowed), returned in ms. */
function parseSeconds(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} takes a positive number of seconds, got '${v}'`);
  return Math.round(n * 1000);
}


/** argv minus one option and its value, so a report's command can pin the seed. */
function withoutOption(argv: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === name) i++;
    else if (!a.startsWith(`${name}=`)) out.push(a);
  }
  return out;
}

const shellQuote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** A property whose clauses are all hazards finds its counterexample on purpose: say HAZ, not FAIL. */
function progressLine(r: PropertyResult, index: number, total: number, hazard: boolean): string {
  const mark = r.status === 'fail' && hazard ? 'HAZ ' : { pass: 'ok  ', fail: 'FAIL', error: 'ERR ', skip: 'skip', untested: 'UNT ' }[r.status];
  const w = String(total).length;
  return `  ${mark} [${String(index).padStart(w)}/${total}] ${r.id} (${r.status === 'skip' ? r.skipReason : `${r.numRuns} runs, ${r.durationMs} ms`})`;
}

export async function cmdRun(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      impl: { type: 'string' },
      layers: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      property: { type: 'string', multiple: true },
      shard: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'time-limit': { type: 'string' },
      diff: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const seed = parseSeed(values.seed);
  const runs = parsePositive(values.runs, '--runs', 100);
  const layers = parseLayers(values.layers);
  const shard = parseShard(values.shard);
  const out = resolve(values.out ?? reportsDir);
  const clauses = loadClauses(); // fail fast on a broken catalogue
  const isHazard = (r: PropertyResult): boolean => r.clauses.every((id) => clauses.get(id)?.kind === 'hazard');
  const timeoutMs = parseSeconds(values.timeout, '--timeout');
  const timeLimitMs = parseSeconds(values['time-limit'], '--time-limit');
  const impl = await loadImplementation(values.impl, timeoutMs !== undefined ? { timeoutMs } : {});
  try {
    const s = impl.statement;
    log(`r2net run: ${s.name} ${s.version} (profile ${s.profile}; layers ${s.layers.join(', ')}) seed ${seed}, ${runs} runs per property`);
    const started = performance.now();
    const deadline = timeLimitMs !== undefined ? started + timeLimitMs : undefined;
    const outcome = await runSuite(allProperties, impl, {
      ...(deadline !== undefined ? { deadline } : {}),
      seed,
      runs,
      ...(layers ? { layers } : {}),
      ...(values.property ? { only: values.property } : {}),
      ...(shard ? { shard } : {}),
      onProgress: (e) => {
        if (e.type === 'start') log(`${e.total} properties`);
        else if (!values.quiet || e.result.status === 'fail' || e.result.status === 'error') {
          log(progressLine(e.result, e.index, e.total, isHazard(e.result)));
          if (e.result.status === 'error' && e.result.counterexample) log(`         ${e.result.counterexample.message.split('\n')[0]}`);
        }
      },
    });
    let differential: DifferentialResult[] | undefined;
    if (values.diff) {
      log('differential: the same scenarios against the reference');
      differential = await runDifferential(allProperties, impl, {
        seed,
        runs,
        ...(deadline !== undefined ? { deadline } : {}),
        ...(layers ? { layers } : {}),
        ...(values.property ? { only: values.property } : {}),
        ...(shard ? { shard } : {}),
        onResult: (r, i, total) => {
          if (values.quiet && r.status !== 'diverge' && r.status !== 'error') return;
          const mark = { agree: 'same', diverge: 'DIFF', skip: 'skip', error: 'ERR ' }[r.status];
          log(`  ${mark} [${i}/${total}] ${r.property}${r.message ? ` (${r.message.split('\n')[0]})` : ''}`);
          const d = r.divergence;
          if (d) log(`         first divergence: ${describeDivergence(d)}`);
        },
      });
    }
    const command = ['r2net run', ...withoutOption(argv, '--seed').map(shellQuote), `--seed=${seed}`].join(' ');
    const built = buildReport({ outcome, implementation: s, seed, runs, command, toolVersion: packageVersion(), durationMs: Math.round(performance.now() - started), ...(shard ? { shard } : {}) });
    const report = differential ? { ...built, differential } : built;
    const files = writeReports(report, out);
    const sm = report.summary;
    log(`\n${summaryLine(report)}`);
    log(`clauses: ${sm.pass} pass, ${sm.fail} fail, ${sm.error} error, ${sm.hazard} hazard, ${sm.skip} skip, ${sm.untested} untested  (${(report.durationMs / 1000).toFixed(1)} s)`);
    for (const c of report.clauses.filter((x) => x.verdict === 'fail' || x.verdict === 'error' || x.verdict === 'untested')) {
      const label = c.kind === 'decision' && c.verdict === 'fail' ? 'DIFFERS' : c.verdict.toUpperCase();
      log(`\n${label} ${c.id} (${c.kind}): ${c.statement}`);
      const cx = c.counterexample;
      if (cx) {
        log(`  ${cx.message}`);
        log(`  counterexample: ${JSON.stringify(cx.scenario).slice(0, 600)}`);
        log(`  replay: ${clauseReplayCommand(report, c)}`);
      } else if (c.note) log(`  ${c.note}`);
    }
    const hz = report.clauses.filter((c) => c.verdict === 'hazard');
    if (hz.length) log(`\n${hz.length} hazard(s) of the documented design (see ${join(out, 'conformance.md')}): ${hz.map((c) => c.id).join(', ')}`);
    if (differential) {
      const n = (s: DifferentialResult['status']) => differential!.filter((r) => r.status === s).length;
      log(`differential (never changes verdicts): ${n('agree')} same as the reference, ${n('diverge')} diverge, ${n('error')} error, ${n('skip')} skip`);
    }
    log(`reports: ${files.join(', ')}`);
    return runFailed(report) ? 1 : 0;
  } finally {
    await impl.close?.();
  }
}

