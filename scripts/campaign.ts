// npm run campaign [-- --runs=5000 --seeds=1-5 --layers=codec,slip --jobs=2]: every property on
// the built-in reference at many runs for several seeds — the proof that the suite raises no
// false alarm. Not a test (it takes minutes); CI runs a shorter one after npm test.
//
// Each seed is one `r2net run` (a child process, so seeds run side by side on --jobs cores) that
// writes reports/campaign/seed-N/. The campaign is green when, for every seed, every requirement
// and decision clause passes and every hazard clause is shown (verdict hazard): on the reference,
// anything else is a false alarm of the suite or a gap in its generators. Exits 1 otherwise,
// naming each clause with its replay command; 2 on a usage error.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reportsDir, rootDir } from '../src/spec/paths.ts';
import type { ConformanceReport } from '../src/report/model.ts';
import { clauseReplayCommand } from '../src/report/model.ts';

function usage(message: string): never {
  process.stderr.write(`npm run campaign: ${message}\nusage: npm run campaign -- [--runs=N] [--seeds=A-B|A,B,...] [--layers=L,...] [--jobs=N]\n`);
  process.exit(2);
}

function parseSeeds(s: string): number[] {
  const range = /^(-?\d+)-(-?\d+)$/.exec(s);
  const seeds = range ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i) : s.split(',').map(Number);
  if (!seeds.length || !seeds.every(Number.isSafeInteger)) usage(`--seeds must be a range A-B or a list of integers, got '${s}'`);
  return seeds;
}

let values: { runs?: string; seeds?: string; layers?: string; jobs?: string };
try {
  ({ values } = parseArgs({ options: { runs: { type: 'string' }, seeds: { type: 'string' }, layers: { type: 'string' }, jobs: { type: 'string' } }, strict: true }));
} catch (e) {
  usage((e as Error).message);
}
const runs = Number(values.runs ?? 5000);
if (!Number.isSafeInteger(runs) || runs <= 0) usage(`--runs must be a positive integer, got '${values.runs}'`);
const jobs = Number(values.jobs ?? Math.max(1, availableParallelism()));
if (!Number.isSafeInteger(jobs) || jobs <= 0) usage(`--jobs must be a positive integer, got '${values.jobs}'`);
const seeds = parseSeeds(values.seeds ?? '1-5');

interface SeedOutcome {
  seed: number;
  ms: number;
  report?: ConformanceReport;
  problem?: string;
}

function runSeed(seed: number): Promise<SeedOutcome> {
  const out = join(reportsDir, 'campaign', `seed-${seed}`);
  const args = [join(rootDir, 'bin', 'r2net.js'), 'run', '--runs', String(runs), `--seed=${seed}`, '--out', out, '--quiet', ...(values.layers ? ['--layers', values.layers] : [])];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const ms = Math.round(performance.now() - started);
      try {
        const report = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as ConformanceReport;
        resolve({ seed, ms, report });
      } catch {
        resolve({ seed, ms, problem: `r2net run exited ${code} without a report:\n${stderr}` });
      }
    });
  });
}

const started = performance.now();
process.stderr.write(`campaign: the reference, ${runs} runs per property, seeds ${seeds.join(', ')}, ${jobs} at a time\n`);
const queue = [...seeds];
const outcomes: SeedOutcome[] = [];
await Promise.all(
  Array.from({ length: Math.min(jobs, seeds.length) }, async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const o = await runSeed(s);
      outcomes.push(o);
      const bad = o.report ? o.report.clauses.filter((c) => c.verdict !== (c.kind === 'hazard' ? 'hazard' : 'pass')).length : -1;
      process.stderr.write(`  seed ${s}: ${o.report ? (bad ? `${bad} clause(s) not as expected` : `green (${o.report.clauses.length} clauses)`) : 'no report'} in ${(o.ms / 1000).toFixed(1)} s\n`);
    }
  }),
);
outcomes.sort((a, b) => a.seed - b.seed);
let alarms = 0;
for (const o of outcomes) {
  if (!o.report) {
    alarms++;
    process.stdout.write(`seed ${o.seed}: ${o.problem}\n`);
    continue;
  }
  for (const c of o.report.clauses) {
    const want = c.kind === 'hazard' ? 'hazard' : 'pass';
    if (c.verdict === want) continue;
    alarms++;
    process.stdout.write(`seed ${o.seed}: ${c.id} (${c.kind}) is ${c.verdict}, expected ${want}: ${c.counterexample?.message ?? c.note ?? ''}\n`);
    const replay = clauseReplayCommand(o.report, c);
    if (replay) process.stdout.write(`  replay: ${replay}\n`);
  }
}
const wall = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`campaign: ${alarms === 0 ? 'green' : `${alarms} false alarm(s) or gap(s)`} — ${seeds.length} seed(s) × ${runs} runs per property, ${wall} s wall; reports in ${join(reportsDir, 'campaign')}\n`);
process.exit(alarms === 0 ? 0 : 1);
