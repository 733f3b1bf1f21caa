// The report a person reads: verdict counts, failures with replay commands, hazards with their
// minimal counterexample, then every clause by layer.
import type { ConformanceReport } from './model.ts';
import { clauseReplayCommand, summarizeByKind, summaryLine } from './model.ts';
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
  lines.push('', `Replay: \`${clauseReplayCommand(r, c)}\``, '');
  return lines;
}

export function renderMarkdown(r: ConformanceReport): string {
  const s = r.summary;
  const byKind = summarizeByKind(r.clauses);
  const out: string[] = [
    `# Conformance report: ${r.implementation.name} ${r.implementation.version}`,
    '',
    `Profile \`${r.profile}\` · layers ${r.implementation.layers.join(', ')} · seed ${r.seed} · ${r.runs} runs per property · ${(r.durationMs / 1000).toFixed(1)} s${r.shard ? ` · shard ${r.shard.index}/${r.shard.count}` : ''}`,
    '',
    `| clauses | pass | fail | error | hazard | skip | untested |`,
    `|---|---|---|---|---|---|---|`,
    ...(['requirement', 'decision', 'hazard'] as const).map((k) => {
      const v = byKind[k];
      return `| ${k === 'decision' ? 'decisions (fail = differs)' : `${k}s`} | ${v.pass} | ${v.fail} | ${v.error} | ${v.hazard} | ${v.skip} | ${v.untested} |`;
    }),
    `| **all** | ${s.pass} | ${s.fail} | ${s.error} | ${s.hazard} | ${s.skip} | ${s.untested} |`,
    '',
    summaryLine(r),
    '',
    `Command: \`${r.command}\``,
    '',
  ];
  const bad = r.clauses.filter((c) => (c.verdict === 'fail' || c.verdict === 'error' || c.verdict === 'untested') && c.kind !== 'decision');
  if (bad.length) {
    out.push('## Requirement failures', '');
    for (const c of bad) out.push(`### ${c.id} (${c.kind}) — ${ICON[c.verdict]}`, '', c.statement, '', ...(c.note ? [c.note, ''] : []), ...counterexampleBlock(r, c));
  }
  const differ = r.clauses.filter((c) => (c.verdict === 'fail' || c.verdict === 'error' || c.verdict === 'untested') && c.kind === 'decision');
  if (differ.length) {
    out.push('## Differences from the suite\'s decisions', '', r.implementation.followsDecisions ? 'The statement follows the suite\'s decisions: these fail the run.' : 'Points no source settles, where this implementation chose otherwise. They fail the run only for a statement that follows the suite\'s decisions.', '');
    for (const c of differ) out.push(`### ${c.id} — ${c.verdict === 'fail' ? '**DIFFERS**' : ICON[c.verdict]}`, '', c.statement, '', `Why we decided so: ${c.reason ?? ''}`, '', ...(c.note ? [c.note, ''] : []), ...counterexampleBlock(r, c));
  }
  const against = r.clauses.filter((c) => c.verdict === 'pass' && c.note);
  if (against.length) {
    const hw = r.implementation.backend;
    out.push(`## Passes against a recorded difference of ${hw ? `the ${hw.name} hardware (${hw.version})` : 'the hardware'}`, '', 'Clauses whose failure here is exactly a difference recorded in spec/hardware/, with its evidence.', '');
    for (const c of against) out.push(`- \`${c.id}\`: ${c.note}`);
    out.push('');
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
