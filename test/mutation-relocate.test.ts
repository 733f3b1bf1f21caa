// The line mapping mutation-relocate.ts --since follows (scripts/diff-lines.ts), on real
// `git diff -U0` output: lines before, between and after hunks move with them; a rewritten or
// removed line is changed, with where its hunk now starts; insertions (count 0) and deletions
// (new count 0) shift what follows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hunksOfDiff, mapLine } from '../scripts/diff-lines.ts';

function gitDiff(before: string[], after: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'r2net-difflines-'));
  try {
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(dir, 'f.ts'), before.join('\n') + '\n');
    git('add', 'f.ts');
    git('commit', '-q', '-m', 'before');
    writeFileSync(join(dir, 'f.ts'), after.join('\n') + '\n');
    return git('diff', '-U0', 'HEAD', '--', 'f.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('mapLine over git diff -U0', () => {
  const before = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
  // Insert two lines after 2, rewrite 5 into three lines, delete 8-9, append one at the end.
  const after = ['line 1', 'line 2', 'new a', 'new b', 'line 3', 'line 4', 'five x', 'five y', 'five z', 'line 6', 'line 7', 'line 10', 'line 11', 'line 12', 'tail'];
  const hunks = hunksOfDiff(gitDiff(before, after));

  it('follows every unchanged line to the same text and marks the rest changed', () => {
    for (let line = 1; line <= before.length; line++) {
      const to = mapLine(hunks, line);
      if (typeof to !== 'number') expect([5, 8, 9], `line ${line}`).toContain(line);
      else expect(after[to - 1], `line ${line} -> ${to}`).toBe(before[line - 1]);
    }
    // A changed line points at where its hunk's new lines start (line 5's rewrite is at 7; 8-9's deletion leaves 11).
    expect([5, 8, 9].map((l) => mapLine(hunks, l))).toEqual([{ changed: 7 }, { changed: 11 }, { changed: 11 }]);
  });

  it('maps every line to itself when nothing changed', () => {
    expect(hunksOfDiff(gitDiff(before, before))).toEqual([]);
    expect(mapLine([], 7)).toBe(7);
  });

  it('reads one-line hunks without a count', () => {
    const h = hunksOfDiff('@@ -3 +3 @@\n-a\n+b\n@@ -6,0 +7,2 @@\n+x\n+y\n');
    expect(h).toEqual([
      { from: 3, count: 1, to: 3, newCount: 1 },
      { from: 6, count: 0, to: 7, newCount: 2 },
    ]);
    expect([2, 3, 4, 6, 7].map((l) => mapLine(h, l))).toEqual([2, { changed: 3 }, 4, 6, 9]);
  });
});
