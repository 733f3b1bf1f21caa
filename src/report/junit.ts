// JUnit XML for CI dashboards: one testsuite per layer, one testcase per clause, each with the
// time its properties took. Hazards are passing testcases carrying their counterexample in
// system-out (they never fail a build). `type` says what kind of failure or error it is.
import type { ConformanceReport } from './model.ts';
import { clauseReplayCommand } from './model.ts';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** The kind of an error row, from its message: the fault (crash, timeout, protocol, load), a time limit, a suite error. */
function errorType(message: string | undefined): string {
  const m = /^(crash|timeout|protocol|load|suite):/.exec(message ?? '');
  if (m) return m[1]!;
  if (message?.startsWith('not run')) return 'not-run';
  if (message?.startsWith('time limit')) return 'time-limit';
  return 'error';
}

export function renderJunit(r: ConformanceReport): string {
  const layers = [...new Set(r.clauses.map((c) => c.layer))];
  const props = new Map(r.properties.map((p) => [p.id, p]));
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // Counted as JUnit failures: what fails the run (a decision the statement does not follow only differs).
  const failing = (c: (typeof r.clauses)[number]): boolean => (c.verdict === 'fail' || c.verdict === 'untested') && (c.kind === 'requirement' || (c.kind === 'decision' && r.implementation.followsDecisions === true));
  const failures = r.clauses.filter(failing).length;
  const errors = r.clauses.filter((c) => c.verdict === 'error').length;
  const skipped = r.clauses.filter((c) => c.verdict === 'skip').length;
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const timeOf = (ids: string[]): number => ids.reduce((t, id) => t + (props.get(id)?.durationMs ?? 0), 0);
  out.push(`<testsuites name="r2net conformance: ${esc(r.implementation.name)}" tests="${r.clauses.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(r.durationMs)}">`);
  for (const layer of layers) {
    const cs = r.clauses.filter((c) => c.layer === layer);
    const time = timeOf([...new Set(cs.flatMap((c) => c.properties))]);
    out.push(
      `  <testsuite name="${layer}" tests="${cs.length}" failures="${cs.filter(failing).length}" errors="${cs.filter((c) => c.verdict === 'error').length}" skipped="${cs.filter((c) => c.verdict === 'skip').length}" time="${seconds(time)}">`,
    );
    for (const c of cs) {
      out.push(`    <testcase classname="${layer}.${c.kind}" name="${esc(c.id)}" time="${seconds(timeOf(c.properties))}">`);
      out.push(`      <properties><property name="verdict" value="${c.verdict}"/><property name="kind" value="${c.kind}"/><property name="checked-by" value="${esc(c.properties.join(' '))}"/></properties>`);
      const cx = c.counterexample;
      const detail = cx ? `${cx.message}\nproperty: ${cx.property}\nscenario: ${JSON.stringify(cx.scenario)}\nreplay: ${clauseReplayCommand(r, c)}` : '';
      // A decision the statement does not follow differs without failing the run: said, not failed.
      const differs = c.verdict === 'fail' && c.kind === 'decision' && !r.implementation.followsDecisions;
      if (differs) out.push(`      <system-out>${esc(`differs from the suite's decision (not followed by this statement, so it does not fail the run): ${detail}`)}</system-out>`);
      else if (c.verdict === 'fail') out.push(`      <failure type="${c.kind === 'decision' ? 'decision-differs' : 'counterexample'}" message="${esc(cx?.message ?? 'failed')}">${esc(detail)}</failure>`);
      else if (c.verdict === 'error') out.push(`      <error type="${errorType(cx?.message ?? c.note)}" message="${esc(cx?.message ?? c.note ?? 'implementation error')}">${esc(detail)}</error>`);
      else if (c.verdict === 'untested' && failing(c)) out.push(`      <failure type="untested" message="${esc(c.note ?? 'no property checks this clause')}"/>`);
      else if (c.verdict === 'skip') out.push(`      <skipped message="layer ${layer} not declared by the implementation"/>`);
      else if (c.verdict === 'hazard') out.push(`      <system-out>${esc(`HAZARD of profile ${r.profile}: ${c.statement}\n${detail}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
