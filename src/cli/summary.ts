// What r2net prints to stdout at the end of a run: failures first (each with its replay
// command), the hazards, then a count of clause verdicts per layer (as test runners end
// with their totals), and where the reports are.
import { join } from 'node:path';
import type { ClauseVerdict } from '../runner/run.ts';
import { clauseReplayCommand, summaryLine, type ConformanceReport } from '../report/model.ts';
import { out } from './args.ts';

const VERDICTS: readonly ClauseVerdict[] = ['pass', 'fail', 'error', 'hazard', 'skip', 'untested'];

/** Edit distance (Levenshtein) from `a` to `b`, or with `within`, to the closest part of `b`. */
function distance(a: string, b: string, within = false): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => (within ? 0 : j));
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return within ? Math.min(...prev) : prev[b.length]!;
}

const head = (id: string): string => id.slice(0, Math.max(0, id.lastIndexOf('.')));
const last = (id: string): string => id.slice(id.lastIndexOf('.') + 1);

/** How far `word` is from `id`: as a whole, or as the same prefix plus a last segment found inside id's (defalts ~ create-defaults). */
const score = (word: string, id: string): number => Math.min(distance(word, id), distance(head(word), head(id)) + distance(last(word), last(id), true));

/** "; closest: a, b, c" — the ids (or id prefixes) nearest to `word`. */
export function closestIds(word: string, ids: string[], n = 3): string {
  const candidates = new Set<string>();
  for (const id of ids) {
    const parts = id.split('.');
    for (let k = 1; k <= parts.length; k++) candidates.add(parts.slice(0, k).join('.'));
  }
  const ranked = [...candidates].map((c) => ({ c, d: score(word, c) })).sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return ranked.length ? `; closest: ${ranked.slice(0, n).map((r) => r.c).join(', ')}` : '';
}

/** The per-layer table of clause verdicts, with a total row. */
export function layerTable(r: ConformanceReport): string[] {
  const layers = [...new Set(r.clauses.map((c) => c.layer))];
  const rows = layers.map((l) => {
    const cs = r.clauses.filter((c) => c.layer === l);
    return [l, ...VERDICTS.map((v) => String(cs.filter((c) => c.verdict === v).length))];
  });
  rows.push(['total', ...VERDICTS.map((v) => String(r.clauses.filter((c) => c.verdict === v).length))]);
  const head = ['layer', ...VERDICTS];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  return [line(head), ...rows.map((row, i) => (i === rows.length - 1 ? '  ' + '-'.repeat(line(head).length - 2) + '\n' : '') + line(row))];
}

export function printRunSummary(report: ConformanceReport, dir: string, files: string[]): void {
  for (const c of report.clauses.filter((x) => x.verdict === 'fail' || x.verdict === 'error' || x.verdict === 'untested')) {
    const label = c.kind === 'decision' && c.verdict === 'fail' ? 'DIFFERS' : c.verdict.toUpperCase();
    out(`\n${label} ${c.id} (${c.kind}): ${c.statement}`);
    const cx = c.counterexample;
    if (cx) {
      out(`  ${cx.message}`);
      out(`  counterexample: ${JSON.stringify(cx.scenario).slice(0, 600)}`);
      out(`  replay: ${clauseReplayCommand(report, c)}`);
    } else if (c.note) out(`  ${c.note}`);
  }
  const hz = report.clauses.filter((c) => c.verdict === 'hazard');
  if (hz.length) out(`\n${hz.length} hazard(s) of the documented design (see ${join(dir, 'conformance.md')}): ${hz.map((c) => c.id).join(', ')}`);
  const d = report.differential;
  if (d) {
    const n = (s: string) => d.filter((r) => r.status === s).length;
    out(`differential (never changes verdicts): ${n('agree')} same as the reference, ${n('diverge')} diverge, ${n('error')} error, ${n('skip')} skip`);
  }
  if (report.incomplete) out(`\nINCOMPLETE: ${report.incomplete.note}; ${report.incomplete.notRun} properties not run`);
  const sm = report.summary;
  out(`\n${summaryLine(report)}`);
  out(`clauses: ${sm.pass} pass, ${sm.fail} fail, ${sm.error} error, ${sm.hazard} hazard, ${sm.skip} skip, ${sm.untested} untested  (${(report.durationMs / 1000).toFixed(1)} s)`);
  for (const l of layerTable(report)) out(l);
  if (files.length) out(`reports: ${files.join(', ')}`);
}
