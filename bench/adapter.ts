// Scenarios per second in process versus out of process, per layer the reference implements:
// the price of the process boundary. The scenarios are those the property definitions
// generate, each property weighted by its runsFactor, so the mix is the one a real run sends.
// Out of process is measured one request per scenario (protocol v1) and, when the served
// implementation advertises it, with executeBatch requests. The child's CPU time is not this
// process's, so these rows are rates per wall-clock second.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { allProperties } from '../properties/index.ts';
import type { Implementation, Layer, Scenario } from '../src/iut/contract.ts';
import { createReference } from '../src/iut/reference.ts';
import { startProcessImplementation } from '../src/iut/process/adapter.ts';
import { contextFor } from '../src/runner/run.ts';
import { rootDir } from '../src/spec/paths.ts';
import { anchored, measureTogether, rateRow, type AsyncOp, type BenchRow, type MeasureOptions } from './harness.ts';

/** Scenarios of one layer as a run generates them (deterministic seed). */
export function layerScenarios(layer: Layer, perProperty = 20): Scenario[] {
  const ctx = contextFor(createReference());
  const out: Scenario[] = [];
  for (const def of allProperties.filter((d) => d.layer === layer)) {
    const n = Math.max(1, Math.round(perProperty * (def.runsFactor ?? 1)));
    for (const input of fc.sample(def.arbitrary(ctx), { seed: 42, numRuns: n })) out.push({ layer, ops: def.scenario(input, ctx) });
  }
  return out;
}

/** The goal of the issue: small scenarios (codec, SLIP) batched out of process at ≥ 50% of in process. */
const BATCH_GOAL_LAYERS: Layer[] = ['codec', 'slip'];

type Batcher = Implementation & { executeBatch?(s: Scenario[]): Promise<unknown> };

/** One operation is a whole pass over the scenarios (their costs differ a lot), so every sample sees the same mix. */
const pass = (impl: Implementation, scenarios: Scenario[]): AsyncOp => async () => {
  for (const s of scenarios) await impl.execute(s);
};
const batchedPass = (impl: Batcher, scenarios: Scenario[]): AsyncOp => async () => impl.executeBatch!(scenarios);

export async function adapterBench(o: MeasureOptions): Promise<BenchRow[]> {
  const reference = createReference();
  const served = await startProcessImplementation([process.execPath, join(rootDir, 'bin/r2net.js'), 'serve', '--quiet']);
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  const python = hasPython ? await startProcessImplementation(['python3', join(rootDir, 'examples/python/r2net_impl.py')]) : undefined;
  const rows: BenchRow[] = [];
  try {
    for (const layer of reference.statement.layers) {
      const scenarios = layerScenarios(layer);
      if (scenarios.length === 0) continue; // a layer the reference runs but no property checks yet
      const n = scenarios.length;
      const ops = scenarios.reduce((k, s) => k + s.ops.length, 0) / n;
      const fns: Array<{ fn: AsyncOp; async: true }> = [{ fn: pass(reference, scenarios), async: true }, { fn: pass(served, scenarios), async: true }];
      const canBatch = typeof (served as Batcher).executeBatch === 'function';
      if (canBatch) fns.push({ fn: batchedPass(served, scenarios), async: true });
      const usePython = python?.statement.layers.includes(layer);
      if (usePython) fns.push({ fn: pass(python!, scenarios), async: true });
      const [inProc, single, ...rest] = await measureTogether(fns, o);
      const inRow = rateRow('adapter', `${layer}: in process (${n} scenarios from its properties, ${ops.toFixed(1)} ops avg)`, 'scenarios/s', inProc!, n, 'wall');
      const anchor = { name: 'the same scenarios in process', value: inRow.value, basis: 'wall' as const };
      const goal = BATCH_GOAL_LAYERS.includes(layer) ? 0.5 : 0; // other layers: informative ratio
      rows.push(inRow);
      const singleRow = rateRow('adapter', `${layer}: out of process (r2net serve), one request per scenario`, 'scenarios/s', single!, n, 'wall');
      rows.push({ ...anchored(singleRow, anchor, 0), goal: undefined, met: undefined });
      if (canBatch) {
        const row = rateRow('adapter', `${layer}: out of process (r2net serve), executeBatch`, 'scenarios/s', rest.shift()!, n, 'wall');
        const a = anchored(row, anchor, goal);
        rows.push(goal ? a : { ...a, goal: undefined, met: undefined });
      }
      if (usePython) rows.push(rateRow('adapter', `${layer}: Python example out of process`, 'scenarios/s', rest.shift()!, n, 'wall'));
    }
  } finally {
    await served.close();
    await python?.close();
  }
  return rows;
}
