// Served hardware (protocol 2): scenarios per second per layer, in process, over protocol 1
// (r2net serve: the reference brings its own hardware), and with the hardware served — the
// reference's drivers in another process (r2net serve --hardware served) and our C example
// (examples/c) and Rust example (clients/rust, serial) when they are built. Every column runs
// the same scenarios (those the properties generate), so the ratios compare like with like.
// A served op costs one round trip per port access: an init that scans all 256 PCI buses is
// 131 072 of them, which is why the per-property sample is small here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Implementation, Layer } from '../src/iut/contract.ts';
import { createReference } from '../src/iut/reference.ts';
import { startProcessImplementation } from '../src/iut/process/adapter.ts';
import { rootDir } from '../src/spec/paths.ts';
import { anchored, measureTogether, rateRow, type BenchRow, type MeasureOptions } from './harness.ts';
import { layerScenarios } from './adapter.ts';

const PER_PROPERTY = 3;

export async function servedBench(o: MeasureOptions): Promise<BenchRow[]> {
  const node = [process.execPath, join(rootDir, 'bin/r2net.js'), 'serve', '--quiet'];
  const v1 = await startProcessImplementation(node);
  const servedRef = await startProcessImplementation([...node, '--hardware', 'served'], { timeoutMs: 120_000 });
  const cBin = join(rootDir, 'examples/c/r2net-c-driver');
  const rustBin = join(rootDir, 'clients/rust/target/release/examples/serial-slip');
  const c = existsSync(cBin) ? await startProcessImplementation([cBin], { timeoutMs: 120_000 }) : undefined;
  const rust = existsSync(rustBin) ? await startProcessImplementation([rustBin], { timeoutMs: 120_000 }) : undefined;
  if (!c) process.stderr.write(`bench served: ${cBin} not built (make -C examples/c): its rows are left out\n`);
  const rows: BenchRow[] = [];
  try {
    for (const layer of ['nic', 'serial', 'kernel'] as Layer[]) {
      const scenarios = layerScenarios(layer, PER_PROPERTY);
      // One pass over the scenarios is a sample's operation (a served pass takes seconds), per
      // wall second: the work is spread over this process and the served ones.
      const pass = (impl: Implementation) => async (): Promise<unknown> => {
        let last: unknown;
        for (const s of scenarios) last = await impl.execute(s);
        return last;
      };
      const extra = [['C example', c], ['Rust example', rust]] as const;
      const others = extra.filter(([, impl]) => impl?.statement.layers.includes(layer));
      const rates = await measureTogether(
        [createReference(), v1, servedRef, ...others.map(([, impl]) => impl!)].map((impl) => ({ fn: pass(impl), async: true as const })),
        { ...o, samples: Math.min(o.samples, 2) },
      );
      const row = (name: string, i: number): BenchRow => rateRow('served', name, 'scenarios/s', rates[i]!, scenarios.length, 'wall');
      const inRow = row(`${layer} (${scenarios.length} scenarios), in process`, 0);
      const v1Row = row(`${layer}: protocol 1 out of process (r2net serve)`, 1);
      const anchor = { name: 'protocol 1 out of process', value: v1Row.value, basis: 'wall' as const };
      // The aim: served hardware within 3x of protocol 1 (a ratio of at least 1/3).
      rows.push(inRow, v1Row, anchored(row(`${layer}: served reference (serve --hardware served)`, 2), anchor, 1 / 3));
      others.forEach(([name], k) => rows.push(anchored(row(`${layer}: served ${name}`, 3 + k), anchor, 1 / 3)));
    }
  } finally {
    await Promise.all([v1.close(), servedRef.close(), c?.close(), rust?.close()]);
  }
  return rows;
}
