// npm run bench [-- group...]: prints a table and writes reports/bench.json. Not a test: the
// numbers depend on the machine and its load; the spread column says how noisy a run was.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { reportsDir } from '../src/spec/paths.ts';
import type { BenchRow } from './harness.ts';
import { codecBench } from './codec.ts';
import { adapterBench } from './adapter.ts';
import { nicBench } from './nic.ts';
import { servedBench } from './served.ts';

const groups: Record<string, () => BenchRow[] | Promise<BenchRow[]>> = {
  codec: codecBench,
  adapter: adapterBench,
  nic: nicBench,
  served: servedBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) if (!groups[w]) throw new Error(`unknown bench group '${w}' (groups: ${Object.keys(groups).join(', ')})`);
const rows: BenchRow[] = [];
for (const [name, run] of Object.entries(groups)) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench ${name}...\n`);
  for (const r of await run()) {
    rows.push(r);
    const v = r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(2);
    process.stdout.write(`${r.group.padEnd(8)} ${r.name.padEnd(58)} ${v.padStart(14)} ${r.unit.padEnd(10)} ±${(r.spread * 100).toFixed(0)}%${r.note ? `  ${r.note}` : ''}\n`);
  }
}
mkdirSync(reportsDir, { recursive: true });
const out = join(reportsDir, 'bench.json');
writeFileSync(out, JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, rows }, null, 2) + '\n');
process.stderr.write(`wrote ${out}\n`);
