// node --import tsx scripts/mutation-relocate.ts [--since REV] [--write]: after src/ moves, finds
// each spec/mutation-equivalents.json entry whose original text is no longer at its line:column and
// moves it to the nearest place in the same file where that text starts (within 80 lines, and only
// when one place is nearest). With --since REV (the commit the entries were right for), an entry
// first follows `git diff REV`'s line mapping: its line moves with the lines around it, so a short
// text that also occurs nearby (`p`, `to - from`) is not taken for another occurrence; only an
// entry on a changed line falls back to the nearest text. Entries it cannot place are listed and
// left for review: a moved mutant's reason must still hold, so read the diff before committing it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { EQUIVALENTS_FILE as PATH, type Equivalent } from './mutation-scores.ts';
import { hunksOfDiff, mapLine, type Hunk } from './diff-lines.ts';

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

const hunksOf = new Map<string, Hunk[]>();
const hunks = (since: string, file: string): Hunk[] =>
  hunksOf.get(file) ?? (hunksOf.set(file, hunksOfDiff(execFileSync('git', ['diff', '-U0', since, '--', file], { encoding: 'utf8' }))), hunksOf.get(file)!);

const linesOf = new Map<string, string[]>();
const textAt = (file: string, line: number, column: number): string => {
  const lines = linesOf.get(file) ?? (linesOf.set(file, textOf(file).split('\n')), linesOf.get(file)!);
  return [lines[line - 1]?.slice(column - 1) ?? '', ...lines.slice(line)].join('\n');
};

const sinceAt = process.argv.indexOf('--since');
const since = sinceAt >= 0 ? process.argv[sinceAt + 1] : undefined;
if (sinceAt >= 0 && !since) throw new Error('--since needs a revision (the commit the entries were right for)');

let moved = 0;
const unplaced: string[] = [];
for (const e of doc.equivalents) {
  const was = `${e.line}:${e.column}`;
  const oldLine = e.line;
  const mapped = since ? mapLine(hunks(since, e.file), e.line) : e.line;
  // A changed line is looked for around where its hunk now starts, not at its old number.
  e.line = typeof mapped === 'number' ? mapped : mapped.changed;
  if (typeof mapped !== 'number' || !textAt(e.file, e.line, e.column).startsWith(e.original)) {
    const near = places(textOf(e.file), e.original)
      .map((p) => ({ ...p, d: Math.abs(p.line - e.line) }))
      .filter((p) => p.d <= MAX_DISTANCE)
      .sort((a, b) => a.d - b.d);
    if (near.length === 0 || (near.length > 1 && near[1]!.d === near[0]!.d)) {
      unplaced.push(`${e.file}:${was} ${JSON.stringify(e.original)}`);
      e.line = oldLine; // left as it was, for a hand to place
      continue;
    }
    e.line = near[0]!.line;
    e.column = near[0]!.column;
  }
  if (`${e.line}:${e.column}` !== was) moved++;
}
process.stdout.write(`${moved} moved, ${unplaced.length} not placed${unplaced.length ? ':\n  ' + unplaced.join('\n  ') : ''}\n`);
if (process.argv.includes('--write')) writeFileSync(PATH, JSON.stringify(doc, null, 2) + '\n');
