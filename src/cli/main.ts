// r2net: run the conformance suites against an implementation, replay a failure, list clauses.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { LAYERS, type Implementation, type Layer } from '../iut/contract.ts';
import { loadImplementation } from '../iut/load.ts';
import { packageVersion } from '../iut/reference.ts';
import { allProperties } from '../../properties/index.ts';
import { runSuite, runProperty, contextFor, type PropertyResult } from '../runner/run.ts';
import { buildReport, replayCommand, runFailed } from '../report/model.ts';
import { writeReports } from '../report/write.ts';
import { loadClauses } from '../spec/clauses.ts';
import { reportsDir } from '../spec/paths.ts';

const USAGE = `r2net — conformance suites for the rou2exOS network stack

Usage:
  r2net run     [--impl MODULE] [--layers codec,slip,...] [--runs N] [--seed N|random]
                [--property ID-OR-PREFIX]... [--shard I/N] [--out DIR] [--quiet]
  r2net replay  --property ID --seed N [--path P] [--impl MODULE]
  r2net list    [--layers ...]
  r2net help

  --impl     the implementation under test: 'reference' (default) or a JS/TS module exporting one
  --runs     generated cases per property (default 100; heavy properties scale it down)
  --seed     base seed (default 1); 'random' picks one and prints it
  --out      report directory (default reports/)

Exit status: 0 when every requirement and decision clause passes (hazards never fail a run),
1 when one fails or errors, 2 on a usage or setup error.`;

class UsageError extends Error {}

function parseLayers(v: string | undefined): Layer[] | undefined {
  if (!v) return undefined;
  const ls = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const l of ls) if (!LAYERS.includes(l as Layer)) throw new UsageError(`unknown layer '${l}' (layers: ${LAYERS.join(', ')})`);
  return ls as Layer[];
}

function parseSeed(v: string | undefined): number {
  if (v === undefined) return 1;
  if (v === 'random') return (Date.now() ^ (process.pid << 16)) | 0; // only the choice of seed uses the clock
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--seed must be an integer or 'random', got '${v}'`);
  return n | 0;
}

function parsePositive(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${v}'`);
  return n;
}

function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (!v) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes I/N with 1 <= I <= N, got '${v}'`);
  return { index, count };
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

const log = (s: string): void => void process.stderr.write(s + '\n');

function progressLine(r: PropertyResult, index: number, total: number): string {
  const mark = { pass: 'ok  ', fail: 'FAIL', error: 'ERR ', skip: 'skip' }[r.status];
  const w = String(total).length;
  return `  ${mark} [${String(index).padStart(w)}/${total}] ${r.id} (${r.status === 'skip' ? r.skipReason : `${r.numRuns} runs, ${r.durationMs} ms`})`;
}

async function cmdRun(argv: string[]): Promise<number> {
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
    },
    strict: true,
  });
  const seed = parseSeed(values.seed);
  const runs = parsePositive(values.runs, '--runs', 100);
  const layers = parseLayers(values.layers);
  const shard = parseShard(values.shard);
  const out = resolve(values.out ?? reportsDir);
  loadClauses(); // fail fast on a broken catalogue
  const impl = await loadImplementation(values.impl);
  try {
    const s = impl.statement;
    log(`r2net run: ${s.name} ${s.version} (profile ${s.profile}; layers ${s.layers.join(', ')}) seed ${seed}, ${runs} runs per property`);
    const started = performance.now();
    const outcome = await runSuite(allProperties, impl, {
      seed,
      runs,
      ...(layers ? { layers } : {}),
      ...(values.property ? { only: values.property } : {}),
      ...(shard ? { shard } : {}),
      onProgress: (e) => {
        if (e.type === 'start') log(`${e.total} properties`);
        else if (!values.quiet || e.result.status === 'fail' || e.result.status === 'error') log(progressLine(e.result, e.index, e.total));
      },
    });
    const command = ['r2net run', ...withoutOption(argv, '--seed').map(shellQuote), `--seed ${seed}`].join(' ');
    const report = buildReport({ outcome, implementation: s, seed, runs, command, toolVersion: packageVersion(), durationMs: Math.round(performance.now() - started), ...(shard ? { shard } : {}) });
    const files = writeReports(report, out);
    const sm = report.summary;
    log(`\nclauses: ${sm.pass} pass, ${sm.fail} fail, ${sm.error} error, ${sm.hazard} hazard, ${sm.skip} skip, ${sm.untested} untested  (${(report.durationMs / 1000).toFixed(1)} s)`);
    for (const c of report.clauses.filter((x) => x.verdict === 'fail' || x.verdict === 'error' || x.verdict === 'untested')) {
      log(`\n${c.verdict.toUpperCase()} ${c.id} (${c.kind}): ${c.statement}`);
      const cx = c.counterexample;
      if (cx) {
        log(`  ${cx.message}`);
        log(`  counterexample: ${JSON.stringify(cx.scenario).slice(0, 600)}`);
        log(`  replay: ${replayCommand(report, { id: cx.property, seed: cx.seed, ...(cx.path ? { path: cx.path } : {}) })}`);
      } else if (c.verdict === 'untested') log('  no property checks this clause');
    }
    const hz = report.clauses.filter((c) => c.verdict === 'hazard');
    if (hz.length) log(`\n${hz.length} hazard(s) of the documented design (see ${join(out, 'conformance.md')}): ${hz.map((c) => c.id).join(', ')}`);
    log(`reports: ${files.join(', ')}`);
    return runFailed(report) ? 1 : 0;
  } finally {
    await impl.close?.();
  }
}

async function cmdReplay(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { property: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' }, impl: { type: 'string' } },
    strict: true,
  });
  if (!values.property || values.seed === undefined) throw new UsageError('replay needs --property ID and --seed N (copy the command a report printed)');
  const def = allProperties.find((d) => d.id === values.property);
  if (!def) throw new UsageError(`no property '${values.property}' (see r2net list)`);
  const impl: Implementation = await loadImplementation(values.impl);
  try {
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
    const r = await runProperty(def, impl, contextFor(impl), {
      seed,
      runs: 1,
      replay: { seed, path: values.path ?? '0' },
    });
    log(`${def.id}: ${r.status}`);
    if (r.counterexample) {
      log(`  ${r.counterexample.message}`);
      process.stdout.write(JSON.stringify({ property: def.id, status: r.status, counterexample: r.counterexample }, null, 2) + '\n');
    }
    return r.status === 'pass' ? 0 : 1;
  } finally {
    await impl.close?.();
  }
}

function cmdList(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { layers: { type: 'string' } }, strict: true });
  const layers = parseLayers(values.layers);
  const clauses = [...loadClauses().values()].filter((c) => !layers || layers.includes(c.layer));
  for (const c of clauses) {
    const by = allProperties.filter((p) => p.clauses.includes(c.id)).map((p) => p.id);
    process.stdout.write(`${c.id}\t${c.kind}\t${c.source}\t${by.join(',') || '-'}\n\t${c.statement}\n`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return await cmdRun(rest);
      case 'replay':
        return await cmdReplay(rest);
      case 'list':
        return cmdList(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    const err = e as Error;
    const isUsage = e instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    log(`r2net: ${err.message}${isUsage ? '\n\n' + USAGE : ''}`);
    if (!isUsage && err.name !== 'ImplementationError' && err.name !== 'SpecError') log(err.stack ?? '');
    return 2;
  }
}
