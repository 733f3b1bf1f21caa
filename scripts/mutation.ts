// npm run mutation [-- FOLDER ...] [--runs N] [--concurrency N]: Stryker over src/{codec,hw,
// drivers,kernel} (stryker.config.mjs), each mutant judged by the properties that reach it
// (test/mutation/), then the per-folder scores with the reviewed equivalents of
// spec/mutation-equivalents.json. Not a test: a full run takes tens of minutes on 2 cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { log, parseCommand, parsePositive, UsageError } from '../src/cli/args.ts';
import { loadEquivalents, scores, scoreTable } from './mutation-scores.ts';

import { FILE, FOLDERS, NOT_BEHIND_CONTRACT, reportFolder } from './mutation-selection.mjs';
const MUTATION = {
  name: 'mutation',
  usage: `Usage: npm run mutation [-- FOLDER|FILE ... --runs N --concurrency N --static]

Mutation testing of the reference with Stryker: every mutant of src/codec, src/hw, src/drivers
and src/kernel is run against the properties that reach it (in process, one vitest test per
property); it is killed when a requirement or decision clause is not pass. Incremental: a re-run
tests only mutants whose code or tests changed. Writes reports/mutation/ (index.html,
mutation.json; a subset of folders: reports/mutation/<folders>/) and prints scores per folder.
Exit status: 0 after a completed run, 1 when Stryker failed, 2 on a usage error.

  FOLDER            only these of ${FOLDERS.join(', ')} (default all), or single files
                    under them (src/hw/rtl8139.ts)
  --runs N          runs per property before its runsFactor (default 100)
  --concurrency N   Stryker workers (default 2)
  --static          also test static mutants (module-level code, which every property reaches:
                    each runs the whole suite; without it they are reported as ignored)
  -h, --help        this text`,
  options: { runs: { type: 'string' }, concurrency: { type: 'string' }, static: { type: 'boolean' } },
  positionals: true,
} as const;

function parse(): { folders: string[]; runs: number; concurrency: number; static: boolean } | undefined {
  try {
    const p = parseCommand(MUTATION, process.argv.slice(2));
    if (!p) return undefined;
    const picked = p.positionals.length ? [...new Set(p.positionals)] : FOLDERS;
    for (const f of picked) if (!FOLDERS.includes(f) && !FILE.test(f)) throw new UsageError(`'${f}' is neither a folder (${FOLDERS.join(', ')}) nor a .ts file under src/<folder>/`);
    for (const f of picked) if (FILE.test(f) && !existsSync(f)) throw new UsageError(`no such file: ${f}`);
    for (const f of picked) if (NOT_BEHIND_CONTRACT.includes(f)) throw new UsageError(`${f} is behind no op of the contract, so no property reaches it: npx stryker run stryker.tcp-frame.config.mjs runs its mutants against its own test`);
    return { folders: [...FOLDERS.filter((f) => picked.includes(f)), ...picked.filter((f) => FILE.test(f))], runs: parsePositive(p.values.runs, '--runs', 100), concurrency: parsePositive(p.values.concurrency, '--concurrency', 2), static: p.values.static === true };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    log(`mutation: ${e.message} (see npm run mutation -- --help)`);
    process.exit(2);
  }
}

const args = parse();
if (!args) process.exit(0);
// The same report folder stryker.config.mjs derives from R2NET_MUTATE.
const out = reportFolder(args.folders);
const started = Date.now();
const run = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run'], {
  stdio: 'inherit',
  env: { ...process.env, R2NET_MUTATE: args.folders.join(','), R2NET_MUTATION_RUNS: String(args.runs), R2NET_MUTATION_CONCURRENCY: String(args.concurrency), R2NET_MUTATION_STATIC: args.static ? '1' : '0' },
});
const wall = (Date.now() - started) / 1000;
if (run.status !== 0 || !existsSync(`${out}/mutation.json`)) {
  log(`mutation: Stryker exited ${run.status ?? run.signal}; no scores (${wall.toFixed(0)} s)`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(`${out}/mutation.json`, 'utf8'));
const { folders, ignored } = scores(report, loadEquivalents());
console.log(`\n${scoreTable(folders)}`);
console.log(`  wall time ${Math.floor(wall / 60)} min ${Math.round(wall % 60)} s, ${args.runs} runs per property${args.static ? ', static mutants included' : `; ${ignored} static mutant(s) ignored (--static to test them)`}; report ${out}/index.html`);
