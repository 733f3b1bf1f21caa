// Per-folder mutation scores from Stryker's JSON report (mutation-testing-report-schema), with
// the reviewed equivalents of spec/mutation-equivalents.json counted as killed:
//   score = (killed + timeout + listed equivalents that survived) / (total − compile errors − ignored)
// (ignored: static mutants, unless `npm run mutation -- --static`)
// A listed equivalent that Stryker now kills is not counted twice; one whose mutant no longer
// exists is reported as stale (test/mutation-equivalents.test.ts keeps the list from rotting).
import { readFileSync } from 'node:fs';

export interface Equivalent {
  file: string;
  line: number;
  column: number;
  mutator: string;
  /** The source text the mutant replaces, as it stands at line:column. */
  original: string;
  replacement: string;
  reason: string;
}

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
}

export interface FolderScore {
  folder: string;
  total: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  equivalent: number;
  score: number;
}

export const EQUIVALENTS_FILE = 'spec/mutation-equivalents.json';

export function loadEquivalents(path = EQUIVALENTS_FILE): Equivalent[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { equivalents: Equivalent[] }).equivalents;
}

/** Two mutants can share start, mutator and replacement (`a && b` → true and `a` → true): the original text tells them apart. */
export function equivalentKey(e: Pick<Equivalent, 'file' | 'line' | 'column' | 'mutator' | 'original' | 'replacement'>): string {
  return `${e.file}:${e.line}:${e.column}:${e.mutator}:${JSON.stringify(e.original)}:${e.replacement}`;
}

export function mutantKey(file: string, source: string, m: ReportMutant): string {
  return equivalentKey({ file, line: m.location.start.line, column: m.location.start.column, mutator: m.mutatorName, original: originalText(source, m.location), replacement: m.replacement ?? '' });
}

/** The source text a mutant replaces (report locations: 1-based lines and columns). */
export function originalText(source: string, loc: ReportMutant['location']): string {
  const lines = source.split('\n');
  if (loc.start.line === loc.end.line) return lines[loc.start.line - 1]!.slice(loc.start.column - 1, loc.end.column - 1);
  return [lines[loc.start.line - 1]!.slice(loc.start.column - 1), ...lines.slice(loc.start.line, loc.end.line - 1), lines[loc.end.line - 1]!.slice(0, loc.end.column - 1)].join('\n');
}

/** `src/<folder>/...` → folder. */
function folderOf(file: string): string {
  const parts = file.replace(/\\/g, '/').split('/');
  const i = parts.indexOf('src');
  return i >= 0 && parts[i + 1] ? parts[i + 1]! : parts[0]!;
}

export function scores(report: Report, equivalents: Equivalent[]): { folders: FolderScore[]; survivors: { file: string; mutant: ReportMutant }[]; ignored: number } {
  const listed = new Set(equivalents.map(equivalentKey));
  const by = new Map<string, FolderScore>();
  const survivors: { file: string; mutant: ReportMutant }[] = [];
  let ignored = 0;
  for (const [file, f] of Object.entries(report.files)) {
    const folder = folderOf(file);
    const s = by.get(folder) ?? { folder, total: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, score: 0 };
    by.set(folder, s);
    for (const m of f.mutants) {
      if (m.status === 'Ignored') ignored++;
      if (m.status === 'CompileError' || m.status === 'Ignored') continue;
      s.total++;
      if (m.status === 'Killed') s.killed++;
      else if (m.status === 'Timeout') s.timeout++;
      else if (listed.has(mutantKey(file, f.source, m))) s.equivalent++;
      else {
        if (m.status === 'NoCoverage') s.noCoverage++;
        else s.survived++;
        survivors.push({ file, mutant: m });
      }
    }
  }
  const folders = [...by.values()].sort((a, b) => a.folder.localeCompare(b.folder));
  for (const s of folders) s.score = s.total ? (s.killed + s.timeout + s.equivalent) / s.total : 1;
  return { folders, survivors, ignored };
}

export function scoreTable(folders: FolderScore[]): string {
  const rows = folders.map((s) => `  ${s.folder.padEnd(8)} ${(100 * s.score).toFixed(1).padStart(5)}%  ${String(s.total).padStart(5)} mutants: ${s.killed} killed, ${s.timeout} timeout, ${s.equivalent} listed equivalent, ${s.survived} survived, ${s.noCoverage} no coverage`);
  return ['mutation score per folder (killed + timeout + listed equivalents) / total:', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? 'reports/mutation/mutation.json';
  const { folders, survivors, ignored } = scores(JSON.parse(readFileSync(path, 'utf8')) as Report, loadEquivalents());
  console.log(scoreTable(folders));
  if (ignored) console.log(`  ${ignored} ignored (static) mutant(s) not counted`);
  if (process.argv.includes('--survivors')) {
    const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
    for (const { file, mutant: m } of survivors) {
      const text = originalText(report.files[file]!.source, m.location);
      console.log(`${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)} -> ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
}
