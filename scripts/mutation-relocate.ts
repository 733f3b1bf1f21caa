// node --import tsx scripts/mutation-relocate.ts [--write]: after src/ moves, finds each
// spec/mutation-equivalents.json entry whose original text is no longer at its line:column and
// moves it to the nearest place in the same file where that text starts (within 80 lines, and only
// when one place is nearest). Entries it cannot place are listed and left for review: a moved
// mutant's reason must still hold, so read the diff before committing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { EQUIVALENTS_FILE as PATH, type Equivalent } from './mutation-scores.ts';

const MAX_DISTANCE = 80;
const doc = JSON.parse(readFileSync(PATH, 'utf8')) as { equivalents: Equivalent[] };
const sources = new Map<string, string>();
const textOf = (f: string) => sources.get(f) ?? (sources.set(f, readFileSync(f, 'utf8')), sources.get(f)!);

/** 1-based line and column of every place `needle` starts in `text`. */
function places(text: string, needle: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    out.push({ line, column: i - before.lastIndexOf('\n') });
  }
  return out;
}

let moved = 0;
const unplaced: string[] = [];
for (const e of doc.equivalents) {
  const lines = textOf(e.file).split('\n');
  const from = [lines[e.line - 1]?.slice(e.column - 1) ?? '', ...lines.slice(e.line)].join('\n');
  if (from.startsWith(e.original)) continue;
  const near = places(textOf(e.file), e.original)
    .map((p) => ({ ...p, d: Math.abs(p.line - e.line) }))
    .filter((p) => p.d <= MAX_DISTANCE)
    .sort((a, b) => a.d - b.d);
  if (near.length === 0 || (near.length > 1 && near[1]!.d === near[0]!.d)) {
    unplaced.push(`${e.file}:${e.line}:${e.column} ${JSON.stringify(e.original)}`);
    continue;
  }
  e.line = near[0]!.line;
  e.column = near[0]!.column;
  moved++;
}
process.stdout.write(`${moved} moved, ${unplaced.length} not placed${unplaced.length ? ':\n  ' + unplaced.join('\n  ') : ''}\n`);
if (process.argv.includes('--write')) writeFileSync(PATH, JSON.stringify(doc, null, 2) + '\n');
