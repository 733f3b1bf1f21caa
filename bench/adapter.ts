// Scenarios per second in process versus out of process, per layer the reference implements:
// the price of the process boundary (one JSON round trip per scenario). The scenarios are
// those the property definitions generate, each property weighted by its runsFactor, so the
// mix is the one a real run sends; whatever layers src/iut/layers declares are measured.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { allProperties } from '../properties/index.ts';
import type { Implementation, Layer, Scenario } from '../src/iut/contract.ts';
import { createReference } from '../src/iut/reference.ts';
import { startProcessImplementation } from '../src/iut/process/adapter.ts';
import { startWorkerImplementation } from '../src/iut/worker/adapter.ts';
import { contextFor } from '../src/runner/run.ts';
import { rootDir } from '../src/spec/paths.ts';
import { measureAsync, type BenchRow } from './harness.ts';

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

/** One measured unit is a whole pass over the scenarios (their costs differ a lot: 4 KiB SLIP
 * frames, 64 KiB transport messages), so every sample sees the same mix. */
async function rate(impl: Implementation, scenarios: Scenario[]): Promise<{ value: number; spread: number }> {
  const m = await measureAsync(async () => {
    for (const s of scenarios) await impl.execute(s);
  }, { minMs: 500, samples: 5 });
  return { value: m.opsPerSec * scenarios.length, spread: m.spread };
}

export async function adapterBench(): Promise<BenchRow[]> {
  const reference = createReference();
  const served = await startProcessImplementation([process.execPath, join(rootDir, 'bin/r2net.js'), 'serve', '--quiet']);
  const module = join(rootDir, 'bench/reference-module.ts');
  const worker = await startWorkerImplementation({ spec: module, path: module }, { timeoutMs: 60_000 });
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  const python = hasPython ? await startProcessImplementation(['python3', join(rootDir, 'examples/python/r2net_impl.py')]) : undefined;
  const rows: BenchRow[] = [];
  try {
    for (const layer of reference.statement.layers) {
      const scenarios = layerScenarios(layer);
      if (scenarios.length === 0) continue; // a layer the reference runs but no property checks yet
      const ops = scenarios.reduce((n, s) => n + s.ops.length, 0) / scenarios.length;
      const inProc = await rate(reference, scenarios);
      const outProc = await rate(served, scenarios);
      const what = `${layer} scenarios (${scenarios.length} from its properties, ${ops.toFixed(1)} ops avg)`;
      rows.push({ group: 'adapter', name: `${what}, in process`, unit: 'scenarios/s', ...inProc });
      rows.push({ group: 'adapter', name: `${layer}: reference out of process (r2net serve)`, unit: 'scenarios/s', ...outProc, note: `${(inProc.value / outProc.value).toFixed(1)}x slower than in process` });
      const inWorker = await rate(worker, scenarios);
      rows.push({ group: 'adapter', name: `${layer}: reference as a module (--impl FILE: worker thread)`, unit: 'scenarios/s', ...inWorker, note: `${(inProc.value / inWorker.value).toFixed(1)}x slower than in process` });
      if (python?.statement.layers.includes(layer)) {
        const py = await rate(python, scenarios);
        rows.push({ group: 'adapter', name: `${layer}: Python example out of process`, unit: 'scenarios/s', ...py });
      }
    }
  } finally {
    await served.close();
    await worker.close();
    await python?.close();
  }
  return rows;
}
