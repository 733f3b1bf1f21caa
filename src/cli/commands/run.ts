// r2net run: every selected property against one implementation. Progress goes to stderr, the
// summary to stdout; every result goes to <out>/run.jsonl as it comes (src/report/run-log.ts)
// and the reports are assembled from that log, so nothing a run found is lost.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classifyImpl, loadImplementation } from '../../iut/load.ts';
import { comparable, createQemuReference, overQemu, qemuServedDevices, QEMU_LAYERS } from '../../iut/qemu.ts';
import { createReference } from '../../iut/reference.ts';
import { packageVersion } from '../../iut/reference.ts';
import type { Implementation, Layer } from '../../iut/contract.ts';
import { allProperties } from '../../../properties/index.ts';
import { runSuite, selectProperties, type PropertyResult } from '../../runner/run.ts';
import { runDifferential, type DifferentialResult } from '../../runner/differential.ts';
import { runFailed } from '../../report/model.ts';
import { describeDivergence } from '../../report/divergence.ts';
import { writeReports } from '../../report/write.ts';
import { readRunLog, reportFromLog, RUN_LOG_NAME, RunLogWriter } from '../../report/run-log.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { reportsDir } from '../../spec/paths.ts';
import { DEFAULT_MAX_MEMORY_MB } from '../../iut/worker/adapter.ts';
import { log, parseCommand, parseLayers, parsePositive, parseSeconds, parseSeed, parseShard, UsageError } from '../args.ts';
import { closestIds, printRunSummary } from '../summary.ts';

export const RUN = {
  name: 'run',
  usage: `Usage: r2net run [OPTIONS]

Checks an implementation against the conformance suites and writes reports to --out:
conformance.json, junit.xml, conformance.md, conformance.html, pcap/, and run.jsonl (every
result as it came; 'r2net report DIR/run.jsonl' renders a run that was cut short).

  --impl MODULE|COMMAND  'reference' (default), a .ts/.js module exporting an implementation
                         (run in a worker thread), or a command line speaking
                         spec/contract/protocol.md (no shell; 'cmd:' forces a command)
  --layers L,L...        only these layers (codec, slip, nic, serial, kernel)
  --property ID          only properties with this id or id prefix (repeatable)
  --runs N               generated cases per property (default 100; heavy properties scale it)
  --seed N|random        base seed, a 32-bit integer (default 1); 'random' picks and prints one
  --shard I/N            the I-th of N shares of the properties (merge with r2net report --merge)
  --out DIR              report directory (default reports/); checked before the run starts
  --timeout S            seconds the implementation may take per request (default 10)
  --time-limit S         seconds for the whole run; what was not run by then is an error row
  --max-memory MB        heap bound of an in-process module's worker (default ${DEFAULT_MAX_MEMORY_MB})
  --hardware H           the devices the reference's drivers run on: 'reference' (our models,
                         default) or 'qemu' (QEMU's RTL8139 and 16550; layers nic, serial);
                         'reference,qemu' adds the chip-level differential (same scenarios on
                         both, first divergence shrunk); --hardware qemu --diff does the same
  --diff                 also compare every trace with the reference's (never changes a verdict)
  --quiet                progress only for failures and errors
  -h, --help             this text

Exit status: 0 when every requirement and decision clause passes (hazards never fail a run),
1 when one fails or errors, 2 on a usage or setup error.`,
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
    'max-memory': { type: 'string' },
    diff: { type: 'boolean', default: false },
    hardware: { type: 'string' },
  },
} as const;

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

/** Creates --out and checks it can be written, so a bad directory fails now, not after the run. */
function checkOut(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`--out ${dir}: cannot write reports there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export async function cmdRun(argv: string[]): Promise<number> {
  const parsed = parseCommand(RUN, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const seed = parseSeed(values.seed);
  const runs = parsePositive(values.runs, '--runs', 100);
  const layers = parseLayers(values.layers);
  const shard = parseShard(values.shard);
  const timeoutMs = parseSeconds(values.timeout, '--timeout');
  const timeLimitMs = parseSeconds(values['time-limit'], '--time-limit');
  const maxMemoryMb = values['max-memory'] !== undefined ? parsePositive(values['max-memory'], '--max-memory', DEFAULT_MAX_MEMORY_MB) : undefined;
  const out = resolve(values.out ?? reportsDir);
  // An empty selection is a mistake (a typo in --property): say so, and leave reports alone.
  const ids = allProperties.map((d) => d.id);
  for (const p of values.property ?? []) {
    if (!ids.some((id) => id === p || id.startsWith(p))) throw new UsageError(`no property id is or starts with '${p}'${closestIds(p, ids)}; r2net list shows them all`);
  }
  const selection = { ...(layers ? { layers } : {}), ...(values.property ? { only: values.property } : {}), ...(shard ? { shard } : {}) };
  const selected = selectProperties(allProperties, selection);
  if (!selected.length) throw new UsageError(`the selection (${[values.layers && `--layers ${values.layers}`, values.property && `--property ${values.property.join(' ')}`, values.shard && `--shard ${values.shard}`].filter(Boolean).join(', ')}) holds no property`);
  checkOut(out);
  const clauses = loadClauses(); // fail fast on a broken catalogue
  const isHazard = (r: PropertyResult): boolean => r.clauses.every((id) => clauses.get(id)?.kind === 'hazard');
  const hardwareList = (values.hardware ?? 'reference').split(',').map((h) => h.trim());
  const chipDiff = hardwareList.length === 2 && hardwareList.includes('reference') && hardwareList.includes('qemu');
  if (!chipDiff && (hardwareList.length !== 1 || !['reference', 'qemu'].includes(hardwareList[0]!))) throw new UsageError(`--hardware must be 'reference', 'qemu' or 'reference,qemu' (the chip-level differential), got '${values.hardware}'`);
  const hardware = chipDiff ? 'qemu' : hardwareList[0]!;
  const t = timeoutMs !== undefined ? { timeoutMs } : {};
  const reference = values.impl === undefined || values.impl === 'reference';
  let impl: Implementation;
  if (hardware === 'qemu' && reference) impl = createQemuReference(t);
  else if (hardware === 'qemu') {
    // A served implementation (protocol 2) over QEMU: its drivers' port I/O and DMA reach QEMU.
    if (classifyImpl(values.impl).kind !== 'command') throw new UsageError(`--hardware qemu with --impl ${values.impl}: only the reference or a served program (statement.hardware "served", protocol 2) can run over QEMU`);
    const q = qemuServedDevices(t);
    const loaded = await loadImplementation(values.impl, { ...t, process: { servedDevices: q.devices } });
    if (loaded.statement.hardware !== 'served') {
      await loaded.close?.();
      q.backend.close();
      throw new UsageError(`--hardware qemu with --impl ${values.impl}: the implementation brings its own hardware (its statement has no hardware "served"), so there are no drivers to run over QEMU`);
    }
    impl = overQemu(loaded, q);
  } else impl = await loadImplementation(values.impl, { ...t, ...(maxMemoryMb !== undefined ? { maxMemoryMb } : {}) });
  try {
    return await runAndReport(impl, { argv, values: { ...values, diff: values.diff || chipDiff }, chipDiff: hardware === 'qemu' && reference, seed, runs, selection, selected: selected.map((d) => d.id), out, timeLimitMs, isHazard });
  } finally {
    await impl.close?.();
  }
}

async function runAndReport(
  impl: Implementation,
  a: {
    argv: string[];
    values: { quiet: boolean; diff: boolean };
    /** The differential compares QEMU with the models (chip level), not an implementation with the reference. */
    chipDiff: boolean;
    seed: number;
    runs: number;
    selection: { layers?: Layer[]; only?: string[]; shard?: { index: number; count: number } };
    selected: string[];
    out: string;
    timeLimitMs: number | undefined;
    isHazard(r: PropertyResult): boolean;
  },
): Promise<number> {
  const s = impl.statement;
  const { seed, runs, selection, out } = a;
  const shown = selection.layers ?? s.layers;
  const undeclared = shown.filter((l) => !s.layers.includes(l));
  log(
    `r2net run: ${s.name} ${s.version} (profile ${s.profile}; declares ${s.layers.join(', ')}) · layers ${shown.join(', ')}${undeclared.length ? ` (not declared, skipped: ${undeclared.join(', ')})` : ''}${selection.only ? ` · --property ${selection.only.join(' ')}` : ''}${selection.shard ? ` · shard ${selection.shard.index}/${selection.shard.count}` : ''} · seed ${seed}, ${runs} runs per property`,
  );
  const command = ['r2net run', ...withoutOption(a.argv, '--seed').map(shellQuote), `--seed=${seed}`].join(' ');
  const logFile = join(out, RUN_LOG_NAME);
  const runLog = new RunLogWriter(logFile);
  runLog.start({ toolVersion: packageVersion(), implementation: s, seed, runs, command, ...selection, selected: a.selected });
  const started = performance.now();
  const deadline = a.timeLimitMs !== undefined ? started + a.timeLimitMs : undefined;
  await runSuite(allProperties, impl, {
    ...(deadline !== undefined ? { deadline } : {}),
    seed,
    runs,
    ...selection,
    onProgress: (e) => {
      if (e.type === 'start') return log(`${e.total} properties`);
      const r = runLog.property(e.result);
      if (!a.values.quiet || r.status === 'fail' || r.status === 'error') {
        log(progressLine(r, e.index, e.total, a.isHazard(r)));
        if (r.status === 'error' && r.counterexample) log(`         ${r.counterexample.message.split('\n')[0]}`);
      }
    },
  });
  if (a.values.diff) {
    log(a.chipDiff ? 'chip-level differential: the same scenarios on the reference models and on QEMU (virtual time and TX_CURRENT left out)' : 'differential: the same scenarios against the reference');
    await runDifferential(allProperties, a.chipDiff ? comparable(impl) : impl, {
      ...(a.chipDiff ? { reference: comparable(createReference({ layers: [...QEMU_LAYERS] })) } : {}),
      seed,
      runs,
      ...(deadline !== undefined ? { deadline } : {}),
      ...selection,
      onResult: (r: DifferentialResult, i, total) => {
        runLog.differential(r);
        if (a.values.quiet && r.status !== 'diverge' && r.status !== 'error') return;
        const mark = { agree: 'same', diverge: 'DIFF', skip: 'skip', error: 'ERR ' }[r.status];
        log(`  ${mark} [${i}/${total}] ${r.property}${r.message ? ` (${r.message.split('\n')[0]})` : ''}`);
        const d = r.divergence;
        if (d) log(`         first divergence: ${describeDivergence(d)}`);
      },
    });
  }
  runLog.end();
  const report = reportFromLog(readRunLog(logFile), allProperties);
  let files: string[];
  try {
    files = writeReports(report, out);
  } catch (e) {
    log(`r2net run: writing the reports failed: ${(e as Error).message}; every result is in ${logFile} ('r2net report ${logFile}' renders them)`);
    printRunSummary(report, out, []);
    return 2;
  }
  printRunSummary(report, out, files);
  return runFailed(report) ? 1 : 0;
}
