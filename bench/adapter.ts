// Scenarios per second in process versus out of process, per layer the reference implements:
// the price of the process boundary. The scenarios are those the property definitions
// generate, each property weighted by its runsFactor, so the mix is the one a real run sends.
// Out of process is measured one request per scenario (protocol v1) and, when the served
// implementation advertises it, with executeBatch requests, in CBOR frames (what r2net serve
// chooses) and in JSON lines (r2net serve --json-lines). Rates are per CPU second of both
// processes (this one's plus the served child's, read from /proc), so the ratio is the cost
// of the boundary whatever else the machine runs; per wall second where /proc is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { allProperties } from '../properties/index.ts';
import type { Implementation, Layer, Scenario } from '../src/iut/contract.ts';
import { createReference } from '../src/iut/reference.ts';
import { startProcessImplementation } from '../src/iut/process/adapter.ts';
import { contextFor, runProperty } from '../src/runner/run.ts';
import { prefetchFor } from '../src/runner/prefetch.ts';
import { startWorkerImplementation } from '../src/iut/worker/adapter.ts';
import { BATCH_METHOD, SERVE_BATCH_LIMIT, checkBatchTraces } from '../src/iut/process/batch.ts';
import { FRAME_HEADER_BYTES, decodeFrame, encodeFrame } from '../src/iut/process/framing.ts';
import { handleRequest } from '../src/iut/process/server.ts';
import { boundsProblem } from '../src/iut/process/wire-bounds.ts';
import { TRACE_BOUNDS } from '../src/util/json-bounds.ts';
import { rootDir } from '../src/spec/paths.ts';
import { anchored, childCpuMs, informative, measureTogether, rateRow, type AsyncOp, type Basis, type BenchRow, type MeasureOptions, type Rate } from './harness.ts';

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

/**
 * A child that replays the reference's traces of `scenarios` (bench/replay-child.ts): measured
 * on this process's CPU alone, it is r2net's side of the boundary, what an implementation that
 * cost nothing would get. The caller closes it and removes `dir`.
 */
async function replayChild(reference: Implementation, scenarios: Scenario[]): Promise<{ impl: Batcher & { close(): Promise<void> }; dir: string }> {
  const traces = [];
  for (const s of scenarios) traces.push(await reference.execute(s));
  const dir = mkdtempSync(join(tmpdir(), 'r2net-replay-'));
  const file = join(dir, 'traces.json');
  writeFileSync(file, JSON.stringify(traces));
  const impl = await startProcessImplementation([process.execPath, '--import', 'tsx', join(rootDir, 'bench/replay-child.ts'), file]);
  return { impl, dir };
}

/**
 * The process boundary without the processes: every executeBatch request written and read as
 * a CBOR frame, handled by r2net serve's own request handler on the reference, its reply
 * written, read and checked as the adapter checks it — all in this process, with no pipe and
 * no switch between processes. What it adds to the in-process work is what the wire alone
 * costs a JavaScript implementation as fast as the reference that reads and writes CBOR as
 * r2net does (cbor-x, cbor-writer.ts), so its ratio to in process is the most such an
 * implementation can reach over this protocol, before any pipe.
 */
const wireOnlyPass = (reference: Implementation, scenarios: Scenario[]): AsyncOp => async () => {
  const frameValue = (frame: Buffer): unknown => {
    const d = decodeFrame(frame.subarray(FRAME_HEADER_BYTES), TRACE_BOUNDS.maxDepth);
    if (!d.ok) throw new Error(d.problem);
    return d.value;
  };
  for (let i = 0; i < scenarios.length; i += SERVE_BATCH_LIMIT) {
    const chunk = scenarios.slice(i, i + SERVE_BATCH_LIMIT);
    const request = frameValue(encodeFrame({ id: 1, method: BATCH_METHOD, scenarios: chunk }));
    const reply = frameValue(encodeFrame((await handleRequest(reference, request)).reply)) as { traces?: unknown };
    const t = checkBatchTraces(reply.traces, chunk.length);
    if (!t.ok) throw new Error(t.problem);
    for (const [k, trace] of t.traces.entries()) if (boundsProblem(trace, `traces[${k}]`)) throw new Error(`traces[${k}] out of bounds`);
  }
};

/** Runs per property in the suite rows: the same for every implementation, so ratios compare like with like. */
const SUITE_RUNS = 20;
/** One operation: every property of `layer` run as `r2net run` runs it (fast-check, checks, shrinking). */
const suitePass = (impl: Implementation, layer: Layer, prefetch: boolean): AsyncOp => {
  const ctx = contextFor(impl);
  const defs = allProperties.filter((d) => d.layer === layer);
  const opts = { seed: 42, runs: SUITE_RUNS };
  return async () => {
    for (const def of defs) await runProperty(def, prefetch ? prefetchFor(impl, def, ctx, opts) : impl, ctx, opts);
  };
};
const suiteRuns = (layer: Layer): number => allProperties.filter((d) => d.layer === layer).reduce((n, d) => n + Math.max(1, Math.round(SUITE_RUNS * (d.runsFactor ?? 1))), 0);

export async function adapterBench(o: MeasureOptions): Promise<BenchRow[]> {
  const reference = createReference();
  const served = await startProcessImplementation([process.execPath, join(rootDir, 'bin/r2net.js'), 'serve', '--quiet']);
  const servedJson = await startProcessImplementation([process.execPath, join(rootDir, 'bin/r2net.js'), 'serve', '--quiet', '--json-lines']);
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  const python = hasPython ? await startProcessImplementation(['python3', join(rootDir, 'examples/python/r2net_impl.py')]) : undefined;
  // The reference loaded as a module (--impl FILE): it runs in a worker thread (its CPU counts in this process's).
  const module = join(rootDir, 'bench/reference-module.ts');
  const worker = await startWorkerImplementation({ spec: module, path: module }, { timeoutMs: 60_000 });
  const rows: BenchRow[] = [];
  const servedCpu = childCpuMs(served.pid);
  const servedJsonCpu = childCpuMs(servedJson.pid);
  const pythonCpu = python ? childCpuMs(python.pid) : undefined;
  // Rates per CPU second where the children's CPU time can be read (Linux), else per wall second.
  const basis: Basis = servedCpu && (!python || pythonCpu) ? 'cpu' : 'wall';
  const out = (fn: AsyncOp, cpu = servedCpu) => ({ fn, async: true as const, ...(cpu ? { extraCpuMs: cpu } : {}) });
  try {
    for (const layer of reference.statement.layers) {
      const scenarios = layerScenarios(layer);
      if (scenarios.length === 0) continue; // a layer the reference runs but no property checks yet
      const n = scenarios.length;
      const ops = scenarios.reduce((k, s) => k + s.ops.length, 0) / n;
      const fns: Array<{ fn: AsyncOp; async: true; extraCpuMs?: () => number }> = [{ fn: pass(reference, scenarios), async: true }, out(pass(served, scenarios))];
      const canBatch = typeof (served as Batcher).executeBatch === 'function';
      if (canBatch) fns.push(out(batchedPass(served, scenarios)), out(batchedPass(servedJson, scenarios), servedJsonCpu));
      const usePython = python?.statement.layers.includes(layer);
      if (usePython) fns.push(out(pass(python!, scenarios), pythonCpu));
      fns.push({ fn: pass(worker, scenarios), async: true });
      const replay = canBatch && BATCH_GOAL_LAYERS.includes(layer) ? await replayChild(reference, scenarios) : undefined;
      if (replay) fns.push({ fn: batchedPass(replay.impl, scenarios), async: true }, { fn: wireOnlyPass(reference, scenarios), async: true }); // this process's CPU only
      let measured: Rate[];
      try {
        measured = await measureTogether(fns, o);
      } finally {
        await replay?.impl.close();
        if (replay) rmSync(replay.dir, { recursive: true, force: true });
      }
      const [inProc, single, ...rest] = measured;
      const inRow = rateRow('adapter', `${layer}: in process (${n} scenarios from its properties, ${ops.toFixed(1)} ops avg)`, 'scenarios/s', inProc!, n, basis);
      const anchor = { name: 'the same scenarios in process', value: inRow.value, basis };
      const goal = BATCH_GOAL_LAYERS.includes(layer) ? 0.5 : 0; // other layers: informative ratio
      rows.push(inRow);
      const singleRow = rateRow('adapter', `${layer}: out of process (r2net serve), one request per scenario`, 'scenarios/s', single!, n, basis);
      rows.push(informative(singleRow, anchor));
      if (canBatch) {
        const row = rateRow('adapter', `${layer}: out of process (r2net serve), executeBatch, ${served.framing === 'cbor' ? 'CBOR frames' : 'JSON lines'}`, 'scenarios/s', rest.shift()!, n, basis);
        rows.push(goal ? anchored(row, anchor, goal) : informative(row, anchor));
        rows.push(informative(rateRow('adapter', `${layer}: out of process (r2net serve --json-lines), executeBatch, JSON lines`, 'scenarios/s', rest.shift()!, n, basis), anchor));
      }
      if (usePython) rows.push(rateRow('adapter', `${layer}: Python example out of process`, 'scenarios/s', rest.shift()!, n, basis));
      rows.push(informative(rateRow('adapter', `${layer}: reference as a module (--impl FILE: worker thread)`, 'scenarios/s', rest.shift()!, n, basis), anchor));
      if (replay) {
        rows.push(informative(rateRow('adapter', `${layer}: r2net's side alone (executeBatch, CBOR, to a child replaying traces)`, 'scenarios/s', rest.shift()!, n, basis, "this process's CPU only: the most any implementation can reach"), anchor));
        rows.push(informative(rateRow('adapter', `${layer}: the reference's work plus the wire alone (both sides' CBOR, one process, no pipe)`, 'scenarios/s', rest.shift()!, n, basis, 'the most a JavaScript implementation as fast as the reference, with the same CBOR code, can reach'), anchor));
      }

      // The suite itself: the layer's properties run as r2net run runs them (runs per second,
      // shrinking of hazards included), in process, out of process, and out of process with
      // the runner's batched prefetch (src/runner/prefetch.ts).
      const runs = suiteRuns(layer);
      const suite = await measureTogether(
        [{ fn: suitePass(reference, layer, false), async: true }, out(suitePass(served, layer, false)), ...(canBatch ? [out(suitePass(served, layer, true))] : [])],
        o,
      );
      const sIn = rateRow('adapter', `${layer} suite: properties in process (${runs} runs per pass)`, 'runs/s', suite[0]!, runs, basis);
      const sAnchor = { name: 'the same properties in process', value: sIn.value, basis };
      rows.push(sIn);
      rows.push(informative(rateRow('adapter', `${layer} suite: out of process, one request per run`, 'runs/s', suite[1]!, runs, basis), sAnchor));
      if (canBatch) rows.push(informative(rateRow('adapter', `${layer} suite: out of process, prefetched in batches`, 'runs/s', suite[2]!, runs, basis), sAnchor));
    }
  } finally {
    await served.close();
    await servedJson.close();
    await python?.close();
    await worker.close();
  }
  return rows;
}
