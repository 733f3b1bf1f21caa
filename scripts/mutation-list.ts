// node --import tsx scripts/mutation-list.ts REPORT.json --file F --lines A[-B] [--mutator M,...]
//   [--column C] [--replacement TEXT] [--reason WHY --write]
// Lists the surviving (or uncovered) mutants of a Stryker report that are not yet in
// spec/mutation-equivalents.json, on lines A..B of file F (optionally only some mutators, one
// column or one replacement); with --reason and --write it adds them, each with that one-line reason. Read the
// listed mutants first: an entry counts as killed in the scores, so its reason must hold for each.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EQUIVALENTS_FILE, equivalentKey, loadEquivalents, mutantKey, originalText, type Equivalent, type ReportMutant } from './mutation-scores.ts';


const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { file: { type: 'string' }, lines: { type: 'string' }, mutator: { type: 'string' }, column: { type: 'string' }, replacement: { type: 'string' }, reason: { type: 'string' }, write: { type: 'boolean' } },
});
const [reportPath] = positionals;
const range = /^(\d+)(?:-(\d+))?$/.exec(values.lines ?? '');
if (!reportPath || !values.file || !range) {
  console.error('usage: mutation-list.ts REPORT.json --file src/x/y.ts --lines A[-B] [--mutator M,...] [--replacement TEXT] [--reason WHY --write]');
  process.exit(2);
}
if (values.write && !values.reason?.trim()) {
  console.error('mutation-list: --write needs --reason (one line: why each listed mutant is equivalent or unobservable)');
  process.exit(2);
}
const from = Number(range[1]);
const to = Number(range[2] ?? range[1]);
const mutators = values.mutator?.split(',');
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { files: Record<string, { source: string; mutants: ReportMutant[] }> };
const f = report.files[values.file];
if (!f) {
  console.error(`mutation-list: ${values.file} is not in ${reportPath}`);
  process.exit(2);
}
const listed = new Set(loadEquivalents().map(equivalentKey));
const picked = f.mutants.filter(
  (m) =>
    (m.status === 'Survived' || m.status === 'NoCoverage') &&
    m.location.start.line >= from &&
    m.location.start.line <= to &&
    (!mutators || mutators.includes(m.mutatorName)) &&
    (values.column === undefined || m.location.start.column === Number(values.column)) &&
    (values.replacement === undefined || m.replacement === values.replacement) &&
    !listed.has(mutantKey(values.file!, f.source, m)),
);
const entries: Equivalent[] = picked.map((m) => ({
  file: values.file!,
  line: m.location.start.line,
  column: m.location.start.column,
  mutator: m.mutatorName,
  original: originalText(f.source, m.location),
  replacement: m.replacement ?? '',
  reason: values.reason ?? '',
}));
for (const e of entries) console.log(`${e.file}:${e.line}:${e.column} ${e.mutator}: ${JSON.stringify(e.original.length > 80 ? `${e.original.slice(0, 77)}...` : e.original)} -> ${JSON.stringify(e.replacement)}`);
console.log(`${entries.length} unlisted survivor(s) on ${values.file}:${from}-${to}${values.write ? ', added' : ''}`);
if (values.write && entries.length) {
  const doc = JSON.parse(readFileSync(EQUIVALENTS_FILE, 'utf8')) as { equivalents: Equivalent[] };
  doc.equivalents.push(...entries);
  doc.equivalents.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.mutator.localeCompare(b.mutator));
  writeFileSync(EQUIVALENTS_FILE, `${JSON.stringify(doc, null, 2)}\n`);
}
