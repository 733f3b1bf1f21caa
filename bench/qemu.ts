// The QEMU hardware backend (npm run bench -- qemu; opt-in: it needs qemu-system-x86_64 and takes
// a few minutes): scenarios per wall second of the reference's drivers over QEMU's devices against
// the same scenarios in process over the models (the anchor, measured in the same run), what a
// fresh QEMU costs against a system reset, and the wall time of the full nic + serial run.
import type { Layer, Scenario } from '../src/iut/contract.ts';
import { ImplementationError } from '../src/iut/contract.ts';
import { createReference } from '../src/iut/reference.ts';
import { createQemuReference } from '../src/iut/qemu.ts';
import { qemuVersion } from '../src/hw/qemu/process.ts';
import { allProperties } from '../properties/index.ts';
import { runSuite } from '../src/runner/run.ts';
import { informative, measureTogether, rateRow, type BenchRow, type MeasureOptions } from './harness.ts';
import { layerScenarios } from './adapter.ts';

const PER_PROPERTY = 3;
const FULL_RUN_RUNS = 100;

const row = (name: string, unit: string, value: number, note?: string): BenchRow => ({ group: 'qemu', name, value, unit, basis: 'wall', ...(note ? { note } : {}) });

export async function qemuBench(o: MeasureOptions): Promise<BenchRow[]> {
  const version = qemuVersion();
  if (!version) {
    process.stderr.write('bench qemu: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86): group skipped\n');
    return [];
  }
  const rows: BenchRow[] = [];
  const qemu = createQemuReference();
  const ref = createReference();
  try {
    for (const layer of ['nic', 'serial'] as Layer[]) {
      // The scenarios QEMU can be the machine of (setups it cannot build are left out of both columns).
      const scenarios: Scenario[] = layerScenarios(layer, PER_PROPERTY).filter((s) => {
        try {
          qemu.execute(s);
          return true;
        } catch (e) {
          if (e instanceof ImplementationError && e.fault === 'not-applicable') return false;
          throw e;
        }
      });
      const pass = (run: (s: Scenario) => unknown) => (): unknown => {
        let last: unknown;
        for (const s of scenarios) last = run(s);
        return last;
      };
      const rates = await measureTogether([{ fn: pass((s) => ref.execute(s)) }, { fn: pass((s) => qemu.execute(s)) }], { ...o, samples: Math.min(o.samples, 2) });
      const inProcess = rateRow('qemu', `${layer} (${scenarios.length} scenarios), models in process`, 'scenarios/s', rates[0]!, scenarios.length, 'wall');
      const over = rateRow('qemu', `${layer}: reference drivers over QEMU`, 'scenarios/s', rates[1]!, scenarios.length, 'wall');
      rows.push(inProcess, informative(over, { name: 'models in process', value: inProcess.value, basis: 'wall' }));
    }
    const s = qemu.backend.stats;
    rows.push(row('a fresh QEMU (start to first qtest answer)', 'ms', s.startMs / Math.max(1, s.starts), `${s.starts} starts`));
    rows.push(row('a system reset between scenarios (0xCF9, RAM cleared, firmware setup)', 'ms', s.resetMs / Math.max(1, s.resets), `${s.resets} resets`));
    const t0 = performance.now();
    await runSuite(allProperties, qemu, { seed: 1, runs: FULL_RUN_RUNS, layers: ['nic', 'serial'] });
    rows.push(row(`full nic + serial run over QEMU (${FULL_RUN_RUNS} runs, seed 1)`, 's', (performance.now() - t0) / 1000, version));
  } finally {
    qemu.close();
  }
  return rows;
}
