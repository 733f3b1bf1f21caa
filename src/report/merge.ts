// Merging JSON reports. Two cases, told apart by what the reports say about themselves:
//
// - Shards of ONE run (`r2net run --shard i/n` on several machines: same implementation
//   statement, seed and runs, same command apart from --shard, same tool version) fold into the
//   report one machine would have written: the property results are pooled in the order an
//   unsharded run produces them (sorted by id), and clause verdicts are folded again from them
//   with the runner's own clauseVerdicts over the full clause catalogue, because a clause checked
//   by properties in different shards has a verdict no single shard knows.
// - Runs of DIFFERENT implementations (or seeds) stay separate columns of one matrix, with the
//   clauses whose verdict differs between them (merge.json lists them; the HTML shows them).
import { readFileSync } from 'node:fs';
import type { Layer } from '../iut/contract.ts';
import { LAYERS } from '../iut/contract.ts';
import { clauseVerdicts, type PropertyResult } from '../runner/run.ts';
import { loadClauses, type Clause } from '../spec/clauses.ts';
import { buildReport, REPORT_FORMAT, summarize, type ConformanceReport } from './model.ts';
import { buildMatrix, differences, type ClauseDifference } from './matrix.ts';

export const MERGE_FORMAT = 'r2net-conformance-merge/1';

export interface MergedReport {
  format: typeof MERGE_FORMAT;
  tool: { name: string; version: string };
  /** Column labels, in the order of `reports`. */
  implementations: string[];
  /** One report per column (shards already folded). */
  reports: ConformanceReport[];
  /** Clauses whose verdict differs between the reports. */
  differences: ClauseDifference[];
}

/** A problem with the reports given to merge: the message says which file and what to do. */
export class MergeError extends Error {
  override name = 'MergeError';
}

function checkReport(x: unknown, where: string): ConformanceReport {
  const r = x as Partial<ConformanceReport> | null;
  if (typeof r !== 'object' || r === null) throw new MergeError(`${where}: not a JSON object`);
  if (r.format !== REPORT_FORMAT) throw new MergeError(`${where}: format is ${JSON.stringify(r.format)}, expected "${REPORT_FORMAT}" (a conformance.json written by r2net run)`);
  if (typeof r.implementation?.name !== 'string' || !Array.isArray(r.implementation.layers)) throw new MergeError(`${where}: no implementation statement`);
  if (!Array.isArray(r.clauses) || !Array.isArray(r.properties) || typeof r.seed !== 'number' || typeof r.runs !== 'number' || typeof r.command !== 'string')
    throw new MergeError(`${where}: missing clauses, properties, seed, runs or command`);
  return (r.summary ? r : { ...r, summary: summarize(r.clauses) }) as ConformanceReport;
}

/** The reports in a JSON value: a conformance report, or a merge (its reports). */
export function reportsIn(x: unknown, where: string): ConformanceReport[] {
  const m = x as Partial<MergedReport> | null;
  if (m && typeof m === 'object' && m.format === MERGE_FORMAT) {
    if (!Array.isArray(m.reports)) throw new MergeError(`${where}: merge without reports`);
    return m.reports.map((r, i) => checkReport(r, `${where} (report #${i + 1})`));
  }
  return [checkReport(x, where)];
}

export function readReports(path: string): ConformanceReport[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MergeError(`${path}: cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MergeError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  return reportsIn(json, path);
}

/** The command's words, undoing the shell quoting r2net run applies (single and double quotes). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)|(\s+)|([^\s'"\\]+)/gy;
  let cur: string | undefined;
  for (let m = re.exec(command); m; m = re.exec(command)) {
    if (m[4] !== undefined) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + (m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3] ?? m[5] ?? '');
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** Every value of `--name V` / `--name=V` in a command. */
export function optionValues(command: string, name: string): string[] {
  const words = splitCommand(command);
  const out: string[] = [];
  words.forEach((w, i) => {
    if (w === name && i + 1 < words.length) out.push(words[i + 1]!);
    else if (w.startsWith(`${name}=`)) out.push(w.slice(name.length + 1));
  });
  return out;
}

/** One shell word as r2net run writes it: bare, 'single-quoted' (with '\\'' for a quote) or "double-quoted". */
const WORD = `(?:'[^']*'(?:\\\\''[^']*')*|"(?:[^"\\\\]|\\\\.)*"|[^\\s'"]+)`;

/** The command without option `name` (and its value, when it takes one). */
export function withoutOption(command: string, name: string, takesValue = true): string {
  const re = takesValue ? new RegExp(`\\s+${name}(?:=|\\s+)${WORD}`, 'g') : new RegExp(`\\s+${name}(?=\\s|$)`, 'g');
  return command.replace(re, '');
}

/** The command one machine runs for a set of shards: no --shard, and no --out (each shard wrote its own). */
export const withoutShard = (command: string): string => withoutOption(withoutOption(command, '--shard'), '--out');

/** What must be equal in the commands of shards of one run: all but --shard, --out and --quiet. */
const selectionOf = (command: string): string => withoutOption(withoutShard(command), '--quiet', false);

/** Shards of one run share all of this. */
const runIdentity = (r: ConformanceReport): string =>
  JSON.stringify([r.implementation.name, r.implementation.version, r.implementation.profile, [...r.implementation.layers].sort(), r.implementation.options ?? null, r.seed, r.runs]);

export interface FoldOptions {
  /** Fold even when shards are missing: the result then reports only the clauses its shards checked. */
  allowPartial?: boolean;
  /** Clause catalogue (default: spec/clauses). */
  clauses?: Map<string, Clause>;
}

/** Folds the shard reports of one run into the report one machine would have written. */
export function foldShards(shards: ConformanceReport[], opts: FoldOptions = {}): ConformanceReport {
  const first = shards[0];
  if (!first) throw new MergeError('no shard to fold');
  const name = `${first.implementation.name} ${first.implementation.version} (seed ${first.seed}, ${first.runs} runs)`;
  const count = first.shard?.count;
  if (count === undefined || shards.some((s) => !s.shard)) throw new MergeError(`${name}: only reports written with --shard I/N can be folded`);
  if (shards.some((s) => s.shard!.count !== count)) throw new MergeError(`${name}: shards of different splits (${[...new Set(shards.map((s) => `/${s.shard!.count}`))].join(', ')}): run every shard with the same N`);
  const id = runIdentity(first);
  if (shards.some((s) => runIdentity(s) !== id)) throw new MergeError(`${name}: the shards are of different runs (implementation, seed or runs differ)`);
  const command = withoutShard(first.command);
  const other = shards.find((s) => selectionOf(s.command) !== selectionOf(first.command));
  if (other) throw new MergeError(`${name}: shards were run with different options:\n  ${first.command}\n  ${other.command}`);
  const toolVersion = first.tool.version;
  if (shards.some((s) => s.tool.version !== toolVersion)) throw new MergeError(`${name}: shards were written by different r2net versions (${[...new Set(shards.map((s) => s.tool.version))].join(', ')})`);
  const seen = new Map<number, ConformanceReport>();
  for (const s of shards) {
    if (seen.has(s.shard!.index)) throw new MergeError(`${name}: shard ${s.shard!.index}/${count} given twice`);
    seen.set(s.shard!.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length && !opts.allowPartial)
    throw new MergeError(`${name}: shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing; merge all ${count} shards (or pass --partial to fold the ones you have)`);
  const properties: PropertyResult[] = [];
  const owner = new Map<string, number>();
  for (const s of [...seen.values()]) {
    for (const p of s.properties) {
      if (owner.has(p.id)) throw new MergeError(`${name}: property ${p.id} is in shard ${owner.get(p.id)} and shard ${s.shard!.index}: the shards overlap`);
      owner.set(p.id, s.shard!.index);
      properties.push(p);
    }
  }
  // An unsharded run reports its properties in selection order: sorted by id.
  properties.sort((a, b) => a.id.localeCompare(b.id));
  const catalogue = opts.clauses ?? loadClauses();
  for (const s of shards)
    for (const c of s.clauses)
      if (catalogue.get(c.id)?.layer !== c.layer) throw new MergeError(`${name}: clause ${c.id} of shard ${s.shard!.index} is not in this r2net's clause catalogue; merge with the r2net version that ran the shards (${toolVersion})`);
  // The selection the shards were made with: --layers narrows the clauses; --property (or a
  // partial fold) reports only the clauses some property checked, as runSuite does.
  const layers = optionValues(command, '--layers').flatMap((v) => v.split(',')).map((l) => l.trim()).filter((l): l is Layer => (LAYERS as readonly string[]).includes(l));
  const partial = optionValues(command, '--property').length > 0 || missing.length > 0;
  const checked = new Set(properties.flatMap((p) => p.clauses));
  const clauses = clauseVerdicts(properties, catalogue, layers.length ? layers : undefined, first.implementation.layers).filter((c) => !partial || checked.has(c.id));
  const report = buildReport({
    outcome: { properties, clauses },
    implementation: first.implementation,
    seed: first.seed,
    runs: first.runs,
    command,
    toolVersion,
    durationMs: shards.reduce((t, s) => t + s.durationMs, 0),
  });
  report.tool = { ...first.tool };
  // Differential results (`r2net run --diff`) are per property in id order, like the properties.
  if (shards.some((s) => s.differential)) report.differential = shards.flatMap((s) => s.differential ?? []).sort((a, b) => a.property.localeCompare(b.property));
  report.mergedFrom = [...seen.values()]
    .sort((a, b) => a.shard!.index - b.shard!.index)
    .map((s) => ({ shard: s.shard!, command: s.command, durationMs: s.durationMs, tool: s.tool }));
  return report;
}

export interface MergeResult {
  /** One report per run: shards folded, other reports as they were. */
  reports: ConformanceReport[];
  /** Present when more than one run remains: the matrix document. */
  merged?: MergedReport;
  /** What was done, one line each (for the CLI to print). */
  notes: string[];
}

/**
 * Merges reports: shard reports of one run fold into one report; everything else stays a
 * column. Order of columns: first appearance in the input.
 */
export function mergeReports(input: ConformanceReport[], opts: FoldOptions = {}): MergeResult {
  if (!input.length) throw new MergeError('nothing to merge');
  const groups = new Map<string, ConformanceReport[]>();
  const order: Array<{ key: string } | { report: ConformanceReport }> = [];
  for (const r of input) {
    if (!r.shard) {
      order.push({ report: r });
      continue;
    }
    const key = runIdentity(r);
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push({ key });
    }
    groups.get(key)!.push(r);
  }
  const notes: string[] = [];
  const reports = order.map((o) => {
    if ('report' in o) return o.report;
    const shards = groups.get(o.key)!;
    const folded = foldShards(shards, opts);
    const n = shards[0]!.shard!.count;
    notes.push(`${folded.implementation.name} ${folded.implementation.version}: folded ${shards.length} of ${n} shards (seed ${folded.seed}, ${folded.runs} runs, ${folded.properties.length} properties)`);
    return folded;
  });
  if (reports.length === 1) return { reports, notes };
  const m = buildMatrix(reports);
  const diff = differences(m);
  notes.push(`${reports.length} runs in one matrix; ${diff.length} clause(s) differ between them`);
  const first = reports[0]!;
  return {
    reports,
    merged: { format: MERGE_FORMAT, tool: first.tool, implementations: m.columns.map((c) => c.label), reports, differences: diff },
    notes,
  };
}
