// Line mapping through a `git diff -U0`: where a line of the old file is in the new one. Used by
// mutation-relocate.ts so an equivalent moves with the lines around it instead of jumping to
// another occurrence of its text.

/** One hunk: old lines [from, from + count) became `newCount` lines at `to` (count 0: inserted after `from`). */
export type Hunk = { from: number; count: number; to: number; newCount: number };

/** The hunks of a unified diff of one file (context lines, if any, are inside the counts). */
export function hunksOfDiff(diff: string): Hunk[] {
  return [...diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)].map((m) => ({ from: Number(m[1]), count: Number(m[2] ?? 1), to: Number(m[3]), newCount: Number(m[4] ?? 1) }));
}

/**
 * Where old line `line` (1-based) is now; when a hunk rewrote or removed it, `changed` with
 * where that hunk's lines now start (the place to look for the line's text).
 */
export function mapLine(hunks: Hunk[], line: number): number | { changed: number } {
  let shift = 0;
  for (const h of hunks) {
    const end = h.count === 0 ? h.from + 1 : h.from + h.count;
    if (line >= end) shift += h.newCount - h.count;
    else if (h.count > 0 && line >= h.from) return { changed: h.to };
  }
  return line + shift;
}
