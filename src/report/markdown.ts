// The report a person reads: verdict counts, failures with replay commands, hazards with their
// minimal counterexample, then every clause by layer.
import type { ConformanceReport } from './model.ts';
import { replayCommand } from './model.ts';
import { describeDivergence } from './divergence.ts';
import type { ClauseResult } from '../runner/run.ts';

const ICON: Record<string, string> = { pass: 'pass', fail: '**FAIL**', skip: 'skip', hazard: '**HAZARD**', error: '**ERROR**', untested: '**UNTESTED**' };
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function counterexampleBlock(r: ConformanceReport, c: ClauseResult): string[] {
  const cx = c.counterexample;
  if (!cx) return [];
  // One op per line: a shrunk scenario is a handful of ops, and reads best as a list.
  const ops = cx.scenario.ops.map((op) => `  ${JSON.stringify(op)}`);
  const shown = ops.length > 60 ? [...ops.slice(0, 60), `  … ${ops.length - 60} more ops (see conformance.json)`] : ops;
  const lines = [`- checked by \`${cx.property}\`: ${cx.message}`, '', '```json', `{ "layer": "${cx.scenario.layer}", "ops": [`, ...shown.map((l, i) => (i < shown.length - 1 ? `${l},` : l)), '] }', '```'];
  lines.push('', `Replay: \`${replayCommand(r, { id: cx.property, seed: cx.seed, ...(cx.path ? { path: cx.path } : {}) })}\``, '');
  return lines;
}

export function renderMarkdown(r: ConformanceReport): string {
  const s = r.summary;
  const out: string[] = [
    `# Conformance report: ${r.implementation.name} ${r.implementation.version}`,
    '',
    `Profile \`${r.profile}\` · layers ${r.implementation.layers.join(', ')} · seed ${r.seed} · ${r.runs} runs per property · ${(r.durationMs / 1000).toFixed(1)} s${r.shard ? ` · shard ${r.shard.index}/${r.shard.count}` : ''}`,
    '',
    `| pass | fail | error | hazard | skip | untested |`,
    `|---|---|---|---|---|---|`,
    `| ${s.pass} | ${s.fail} | ${s.error} | ${s.hazard} | ${s.skip} | ${s.untested} |`,
    '',
    `Command: \`${r.command}\``,
    '',
  ];
  const bad = r.clauses.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  if (bad.length) {
    out.push('## Failures', '');
    for (const c of bad) out.push(`### ${c.id} (${c.kind}) — ${ICON[c.verdict]}`, '', c.statement, '', ...counterexampleBlock(r, c));
  }
  const hazards = r.clauses.filter((c) => c.verdict === 'hazard');
  if (hazards.length) {
    out.push('## Hazards of the documented design', '', 'Properties a user would want that this profile breaks. They do not fail the run.', '');
    for (const c of hazards) out.push(`### ${c.id}`, '', `Wanted: ${c.statement}`, '', `Why the design breaks it: ${c.reason ?? ''}`, '', ...counterexampleBlock(r, c));
  }
  const diverged = (r.differential ?? []).filter((d) => d.divergence);
  if (r.differential) {
    out.push('## Differential comparison with the reference', '', `A second opinion, never a verdict: the same generated scenarios sent to the reference. ${r.differential.length - diverged.length} of ${r.differential.length} properties saw identical traces.`, '');
    for (const d of diverged) {
      out.push(`- \`${d.property}\`: ${describeDivergence(d.divergence!)}`, '', '  ```json', `  ${JSON.stringify(d.divergence!.scenario).slice(0, 2000)}`, '  ```', '');
    }
  }
  for (const layer of [...new Set(r.clauses.map((c) => c.layer))]) {
    out.push(`## Layer \`${layer}\``, '', '| clause | kind | source | verdict | statement | properties |', '|---|---|---|---|---|---|');
    for (const c of r.clauses.filter((x) => x.layer === layer)) {
      out.push(`| ${c.id} | ${c.kind} | ${c.source} | ${ICON[c.verdict]} | ${cell(c.statement)}${c.reason ? ` _Reason: ${cell(c.reason)}_` : ''} | ${c.properties.join(', ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
