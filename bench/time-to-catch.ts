// Time to catch (npm run bench -- catch): over every deliberately wrong implementation
// (properties/mutants/*), how long a default run of its layer takes to meet the first case that
// fails a requirement or decision clause, and how small the shrunk counterexample is.
//
// A mutant's run is replayed as r2net run does it: the layer's properties in run order (by id),
// each at the default runs times its runsFactor, from the same seeds, so the cases are the
// runner's own. Time runs from the start of the layer's run to that first failing case (no
// shrinking: that is the report's cost, not the catch's); hazard clauses, which fail on the
// reference too, do not count. Times are this process's CPU time (user + system), and each
// layer's figure is also given against an anchor measured in the same run: the reference's own
// full pass over the same properties (so 0.1 means caught a tenth of the way through a default
// run, on any machine). The counterexample is the runner's own, shrunk for the clause that caught it.
import fc from 'fast-check';
import type { Implementation, Layer, Scenario, Trace } from '../src/iut/contract.ts';
import type { PropertyContext, PropertyDef } from '../src/runner/property.ts';
import { Violation } from '../src/runner/property.ts';
import { CaseAborted, CaseChecks } from '../src/runner/checks.ts';
import { contextFor, propertySeed, runProperty, selectProperties } from '../src/runner/run.ts';
import { loadClauses } from '../src/spec/clauses.ts';
import { missingFeature } from '../src/spec/features.ts';
import { createReference } from '../src/iut/reference.ts';
import { canonicalJson } from '../src/util/json.ts';
import { allProperties } from '../properties/index.ts';
import { allMutants } from '../properties/mutants/index.ts';
import { mutantImplementation, type Mutant } from '../properties/mutants/mutant.ts';
import type { BenchRow, MeasureOptions } from './harness.ts';

/** r2net run's default --runs (the mutant tests' too). */
const DEFAULT_RUNS = 100;
const SEED = 1;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Catch {
  mutant: Mutant;
  /** CPU ms from the layer run's start to the first failing case; undefined when never caught. */
  ms?: number;
  property?: string;
  clause?: string;
  /** 1-based index of the failing case within its property. */
  caseNo?: number;
  /** The shrunk counterexample: its scenario's ops, and its scenario's size as canonical JSON. */
  ops?: number;
  bytes?: number;
}

/**
 * One property's first pass (the runner's cases, in order, without shrinking): the index of the
 * first case failing a non-hazard clause and that clause, or undefined after all runs passed.
 */
async function firstFailure(def: PropertyDef, impl: Implementation, ctx: PropertyContext): Promise<{ caseNo: number; clause: string } | undefined> {
  const catalogue = loadClauses();
  const enforced = new Set(def.clauses.filter((c) => !missingFeature(impl.statement, c)));
  if (!impl.statement.layers.includes(def.layer) || enforced.size === 0) return undefined;
  const hazards = new Set([...enforced].filter((c) => catalogue.get(c)?.kind === 'hazard'));
  const only = def.clauses.length === 1 ? def.clauses[0] : undefined;
  let n = 0;
  let found: { caseNo: number; clause: string } | undefined;
  const property = fc.asyncProperty(def.arbitrary(ctx), async (input) => {
    n++;
    const scenario: Scenario = { layer: def.layer, ops: def.scenario(input, ctx) };
    let trace: Trace;
    try {
      trace = await impl.execute(scenario);
    } catch {
      return true; // an implementation fault is an error row, not a catch
    }
    const t = new CaseChecks(enforced, hazards);
    try {
      def.check(input, trace, ctx, t);
    } catch (e) {
      if (only && e instanceof Violation) t.record(only, e, false);
      else if (!(e instanceof CaseAborted)) return true; // contract breaks and crashes are errors, not catches
    }
    const f = t.failures.find((x) => !hazards.has(x.clause));
    if (!f) return true;
    found = { caseNo: n, clause: f.clause };
    return false;
  });
  const numRuns = Math.max(1, Math.round(DEFAULT_RUNS * (def.runsFactor ?? 1)));
  await fc.check(property, { seed: propertySeed(SEED, def.id), numRuns, endOnFailure: true });
  return found;
}

/** The layer's properties in run order. */
const layerProperties = (layer: Layer): PropertyDef[] => selectProperties(allProperties, { layers: [layer] });

async function timeToCatch(m: Mutant): Promise<Catch> {
  const impl = mutantImplementation(m);
  const ctx = contextFor(impl);
  const start = cpuMs();
  for (const def of layerProperties(m.layer)) {
    const hit = await firstFailure(def, impl, ctx);
    if (!hit) continue;
    const ms = cpuMs() - start;
    // The counterexample a report would show: the runner's own, shrunk for that clause.
    const r = await runProperty(def, impl, ctx, { seed: SEED, runs: DEFAULT_RUNS });
    const cx = r.clauseResults?.[hit.clause]?.counterexample ?? r.counterexample;
    return { mutant: m, ms, property: def.id, clause: hit.clause, caseNo: hit.caseNo, ...(cx ? { ops: cx.scenario.ops.length, bytes: (canonicalJson(cx.scenario) ?? '').length } : {}) };
  }
  return { mutant: m };
}

/** CPU ms of the reference's full first pass over a layer's properties: the anchor. */
async function layerPassMs(layer: Layer): Promise<number> {
  const impl = createReference();
  const ctx = contextFor(impl);
  const start = cpuMs();
  for (const def of layerProperties(layer)) await firstFailure(def, impl, ctx);
  return cpuMs() - start;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const fmt = (v: number | undefined, digits = 0): string => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));

function table(catches: Catch[]): string {
  const head = ['layer', 'mutant', 'caught by (property / clause)', 'case', 'CPU ms', 'cx ops', 'cx bytes'];
  const rows = catches.map((c) => [c.mutant.layer, c.mutant.name, c.property ? `${c.property} / ${c.clause}` : 'NOT CAUGHT', fmt(c.caseNo), fmt(c.ms), fmt(c.ops), fmt(c.bytes)]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]): string => r.map((x, k) => (k >= 3 ? x.padStart(widths[k]!) : x.padEnd(widths[k]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Summary rows of one group of catches (a layer, or all of them). */
function rows(scope: string, catches: Catch[], anchorMs: number | undefined): BenchRow[] {
  const caught = catches.filter((c) => c.ms !== undefined);
  const ms = caught.map((c) => c.ms!);
  const ops = caught.flatMap((c) => (c.ops === undefined ? [] : [c.ops]));
  const bytes = caught.flatMap((c) => (c.bytes === undefined ? [] : [c.bytes]));
  const row = (name: string, value: number, unit: string, note?: string): BenchRow => ({ group: 'catch', name: `${scope}: ${name}`, value, unit, basis: 'cpu', ...(note ? { note } : {}) });
  const out: BenchRow[] = [
    row('mutants caught at default runs', caught.length, `of ${catches.length}`, 'not a rate: a count'),
    row('time to first failure, median', median(ms), 'ms', 'CPU time from the layer run’s start'),
    row('time to first failure, max', Math.max(...ms), 'ms', 'CPU time from the layer run’s start'),
    row('counterexample ops, median', median(ops), 'ops', 'not a rate: the shrunk scenario’s op count'),
    row('counterexample ops, max', Math.max(...ops), 'ops', 'not a rate: the shrunk scenario’s op count'),
    row('counterexample size, median', median(bytes), 'bytes', 'not a rate: the shrunk scenario as canonical JSON'),
    row('counterexample size, max', Math.max(...bytes), 'bytes', 'not a rate: the shrunk scenario as canonical JSON'),
  ];
  if (anchorMs !== undefined) {
    const anchor = { name: `the reference's full default pass over the layer (${Math.round(anchorMs)} ms CPU)`, value: anchorMs, unit: 'ms', basis: 'cpu' as const };
    out[1] = { ...out[1]!, anchor, ratio: out[1]!.value / anchorMs };
    out[2] = { ...out[2]!, anchor, ratio: out[2]!.value / anchorMs };
  }
  return out;
}

/** Only mutants of these layers (R2NET_CATCH_LAYERS=nic,serial), for a quicker look; default all. */
const wantedLayers = (): Layer[] | undefined => process.env['R2NET_CATCH_LAYERS']?.split(',').filter(Boolean) as Layer[] | undefined;

export async function catchBench(_o: MeasureOptions): Promise<BenchRow[]> {
  const layers = wantedLayers();
  const mutants = allMutants.filter((m) => !layers || layers.includes(m.layer));
  const catches: Catch[] = [];
  const out: BenchRow[] = [];
  // Layer by layer: a warm-up pass of the reference, the anchor pass, then the layer's mutants,
  // so the JIT has settled for the anchor and the mutants alike.
  for (const layer of [...new Set(mutants.map((m) => m.layer))]) {
    process.stderr.write(`catch ${layer}: warming up, then the anchor (the reference's pass over the layer)\n`);
    await layerPassMs(layer);
    const anchorMs = await layerPassMs(layer);
    const mine = mutants.filter((m) => m.layer === layer);
    const got: Catch[] = [];
    for (const [k, m] of mine.entries()) {
      process.stderr.write(`catch ${layer} ${k + 1}/${mine.length} ${m.name}\n`);
      got.push(await timeToCatch(m));
    }
    catches.push(...got);
    out.push(...rows(layer, got, anchorMs));
  }
  process.stderr.write(`\n${table(catches)}\n\n`);
  out.push(...rows('all layers', catches, undefined));
  return out;
}
