// Writes every report format for one run into a directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from './model.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export function writeReports(report: ConformanceReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['conformance.json', JSON.stringify(report, null, 2) + '\n'],
    ['junit.xml', renderJunit(report)],
    ['conformance.md', renderMarkdown(report)],
  ];
  for (const [name, body] of files) writeFileSync(join(dir, name), body);
  return files.map(([n]) => join(dir, n));
}
