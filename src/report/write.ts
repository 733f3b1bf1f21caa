// Writes every report format for one run into a directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from './model.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderHtml } from './html.ts';
import { pcapFileName, writePcaps } from './pcap.ts';
import type { MergedReport } from './merge.ts';

export function writeReports(report: ConformanceReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const pcaps = writePcaps(report, join(dir, 'pcap'));
  const withPcap = new Set(pcaps.map((p) => p.slice(join(dir, 'pcap').length + 1)));
  const files: [string, string][] = [
    ['conformance.json', JSON.stringify(report, null, 2) + '\n'],
    ['junit.xml', renderJunit(report)],
    ['conformance.md', renderMarkdown(report)],
    ['conformance.html', renderHtml([report], { pcapHref: (_c, id) => (withPcap.has(pcapFileName(id)) ? `pcap/${pcapFileName(id)}` : undefined) })],
  ];
  for (const [name, body] of files) writeFileSync(join(dir, name), body);
  return [...files.map(([n]) => join(dir, n)), ...pcaps];
}

/** A directory name for matrix column `i` (numbered, so two labels never share one). */
export const columnDirName = (i: number, label: string): string => `${i + 1}-${label.replace(/[^A-Za-z0-9._-]+/g, '_')}`;

/** Writes a merge of several runs: merged.json, the matrix as conformance.html, pcap/<n>-<implementation>/<property>.pcap. */
export function writeMergedReports(merged: MergedReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const pcaps: string[] = [];
  const hrefs = merged.reports.map((r, i) => {
    const sub = columnDirName(i, merged.implementations[i] ?? '');
    const written = writePcaps(r, join(dir, 'pcap', sub));
    pcaps.push(...written);
    const names = new Set(written.map((p) => p.slice(join(dir, 'pcap', sub).length + 1)));
    return (id: string) => (names.has(pcapFileName(id)) ? `pcap/${sub}/${pcapFileName(id)}` : undefined);
  });
  const files: [string, string][] = [
    ['merged.json', JSON.stringify(merged, null, 2) + '\n'],
    ['conformance.html', renderHtml(merged.reports, { pcapHref: (c, id) => hrefs[c]?.(id) })],
  ];
  for (const [name, body] of files) writeFileSync(join(dir, name), body);
  return [...files.map(([n]) => join(dir, n)), ...pcaps];
}
