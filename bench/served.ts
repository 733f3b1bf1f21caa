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
import { measureAsync, type BenchRow } from './harness.ts';
import { layerScenarios } from './adapter.ts';

const PER_PROPERTY = 3;

export async function servedBench(): Promise<BenchRow[]> {
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
      const rate = async (impl: Implementation) => {
        const m = await measureAsync(async () => {
          for (const s of scenarios) await impl.execute(s);
        }, { minMs: 0, samples: 2 });
        return { value: m.opsPerSec * scenarios.length, spread: m.spread };
      };
      const inProc = await rate(createReference());
      const outV1 = await rate(v1);
      const ref = await rate(servedRef);
      const what = `${layer} (${scenarios.length} scenarios)`;
      rows.push({ group: 'served', name: `${what}, in process`, unit: 'scenarios/s', ...inProc });
      rows.push({ group: 'served', name: `${layer}: protocol 1 out of process (r2net serve)`, unit: 'scenarios/s', ...outV1, note: `${(inProc.value / outV1.value).toFixed(1)}x slower than in process` });
      rows.push({ group: 'served', name: `${layer}: served reference (serve --hardware served)`, unit: 'scenarios/s', ...ref, note: `${(outV1.value / ref.value).toFixed(1)}x slower than protocol 1` });
      for (const [name, impl] of [['C example', c], ['Rust example', rust]] as const) {
        if (!impl?.statement.layers.includes(layer)) continue;
        const r = await rate(impl);
        rows.push({ group: 'served', name: `${layer}: served ${name}`, unit: 'scenarios/s', ...r, note: `${(outV1.value / r.value).toFixed(1)}x slower than protocol 1` });
      }
    }
  } finally {
    await Promise.all([v1.close(), servedRef.close(), c?.close(), rust?.close()]);
  }
  return rows;
}
