// The clause × implementation matrix behind the HTML report and the merge: one column per
// report, one row per clause any of them reports, and for each row whether the verdicts differ
// between implementations (with a sentence saying how: "fail only in my-stack 0.3").
import { LAYERS } from '../iut/contract.ts';
import type { ClauseResult, ClauseVerdict } from '../runner/run.ts';
import type { ConformanceReport } from './model.ts';

export interface Column {
  /** Unique, human-readable: `name version`, plus seed/runs or a number when that is ambiguous. */
  label: string;
  report: ConformanceReport;
}

export interface MatrixRow {
  id: string;
  layer: string;
  kind: ClauseResult['kind'];
  source: ClauseResult['source'];
  statement: string;
  reason?: string;
  /** One cell per column; undefined when that report does not contain the clause. */
  cells: Array<ClauseResult | undefined>;
  differs: boolean;
  /** How the verdicts differ, e.g. "fail only in mutant:x 0.1.0 (pass in r2net-reference 0.1.0)". */
  note?: string;
  /** The same, short: "fail only in mutant:x 0.1.0", or "differs". */
  short?: string;
}

export interface Matrix {
  columns: Column[];
  layers: string[];
  rows: MatrixRow[];
}

export interface ClauseDifference {
  clause: string;
  layer: string;
  kind: ClauseResult['kind'];
  /** Verdict per column label; columns whose report lacks the clause are left out. */
  verdicts: Record<string, ClauseVerdict>;
  note: string;
}

export function columnsFor(reports: ConformanceReport[]): Column[] {
  const base = reports.map((r) => `${r.implementation.name} ${r.implementation.version}`);
  const labels = base.map((b, i) => {
    if (base.filter((x) => x === b).length === 1) return b;
    const r = reports[i]!;
    return `${b} (seed ${r.seed}, ${r.runs} runs${r.shard ? `, shard ${r.shard.index}/${r.shard.count}` : ''})`;
  });
  return reports.map((report, i) => {
    const l = labels[i]!;
    return { label: labels.filter((x) => x === l).length === 1 ? l : `${l} #${i + 1}`, report };
  });
}

const layerRank = (l: string): number => {
  const i = (LAYERS as readonly string[]).indexOf(l);
  return i < 0 ? LAYERS.length : i;
};

const VERB: Record<ClauseVerdict, string> = { pass: 'pass', fail: 'fail', error: 'error', hazard: 'hazard', skip: 'skip', untested: 'untested' };

/** How the verdicts of one row differ, or undefined when every report that has the clause agrees. */
export function differenceNote(labels: string[], cells: Array<ClauseResult | undefined>): { note: string; short: string } | undefined {
  const byVerdict = new Map<ClauseVerdict, string[]>();
  cells.forEach((c, i) => {
    if (c) byVerdict.set(c.verdict, [...(byVerdict.get(c.verdict) ?? []), labels[i]!]);
  });
  if (byVerdict.size < 2) return undefined;
  const groups = [...byVerdict.entries()];
  const lone = groups.filter(([, ls]) => ls.length === 1);
  if (groups.length === 2 && lone.length >= 1) {
    // One implementation against the rest (with two columns, name the bad one).
    const [v, [who]] = lone.length === 2 ? (groups.find(([v]) => v !== 'pass') ?? lone[0]!) : lone[0]!;
    const others = groups.find(([x]) => x !== v)!;
    const short = `${VERB[v]} only in ${who}`;
    return { short, note: `${short} (${VERB[others[0]]} in ${others[1].join(', ')})` };
  }
  return { short: `differs: ${groups.map(([v]) => VERB[v]).join(' / ')}`, note: groups.map(([v, ls]) => `${VERB[v]} in ${ls.join(', ')}`).join('; ') };
}

export function buildMatrix(reports: ConformanceReport[]): Matrix {
  const columns = columnsFor(reports);
  const labels = columns.map((c) => c.label);
  const meta = new Map<string, ClauseResult>();
  for (const r of reports) for (const c of r.clauses) if (!meta.has(c.id)) meta.set(c.id, c);
  const lookups = reports.map((r) => new Map(r.clauses.map((c) => [c.id, c])));
  const rows: MatrixRow[] = [...meta.values()]
    .sort((a, b) => layerRank(a.layer) - layerRank(b.layer) || a.layer.localeCompare(b.layer) || a.id.localeCompare(b.id))
    .map((m) => {
      const cells = lookups.map((l) => l.get(m.id));
      const diff = differenceNote(labels, cells);
      return {
        id: m.id,
        layer: m.layer,
        kind: m.kind,
        source: m.source,
        statement: m.statement,
        ...(m.reason ? { reason: m.reason } : {}),
        cells,
        differs: diff !== undefined,
        ...(diff ? diff : {}),
      };
    });
  return { columns, layers: [...new Set(rows.map((r) => r.layer))], rows };
}

export function differences(m: Matrix): ClauseDifference[] {
  return m.rows
    .filter((r) => r.differs)
    .map((r) => {
      const verdicts: Record<string, ClauseVerdict> = {};
      r.cells.forEach((c, i) => {
        if (c) verdicts[m.columns[i]!.label] = c.verdict;
      });
      return { clause: r.id, layer: r.layer, kind: r.kind, verdicts, note: r.note! };
    });
}
