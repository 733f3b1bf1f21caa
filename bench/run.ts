// npm run bench [-- group... --samples=N --sample-ms=MS]: prints a table and writes
// reports/bench.json. Not a test: the figures depend on the machine and its load. Every
// anchored figure is a ratio against an anchor measured in the same run, per CPU second
// unless the row says wall (see bench/harness.ts for how samples are taken).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { reportsDir } from '../src/spec/paths.ts';
import { defaultOptions, sinkState, type BenchRow, type MeasureOptions } from './harness.ts';
import { codecBench } from './codec.ts';
import { adapterBench } from './adapter.ts';
import { nicBench } from './nic.ts';
import { servedBench } from './served.ts';
import { qemuBench } from './qemu.ts';
import { catchBench } from './time-to-catch.ts';

const groups: Record<string, (o: MeasureOptions) => Promise<BenchRow[]>> = {
  codec: codecBench,
  nic: nicBench,
  adapter: adapterBench,
  served: servedBench,
  qemu: qemuBench,
  catch: catchBench,
};

const OPT_IN = ['served', 'qemu', 'catch'];

function options(argv: string[]): { wanted: string[]; o: MeasureOptions } {
  const o = { ...defaultOptions };
  const wanted: string[] = [];
  for (const a of argv) {
    const m = /^--(samples|sample-ms)=(\d+)$/.exec(a);
    if (m) {
      const n = Number(m[2]);
      if (m[1] === 'samples') o.samples = Math.max(1, n);
      else o.sampleMs = Math.max(10, n);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a} (options: --samples=N, --sample-ms=MS)`);
    else if (!groups[a]) throw new Error(`unknown bench group '${a}' (groups: ${Object.keys(groups).join(', ')})`);
    else wanted.push(a);
  }
  return { wanted, o };
}

const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 1 ? v.toFixed(2) : v.toFixed(4));

function line(r: BenchRow): string {
  const spread = r[r.basis]?.spread;
  const value = `${fmt(r.value)} ${r.unit}${r.basis === 'wall' ? ' (wall)' : ''}`;
  let vs = '';
  if (r.anchor && 'skipped' in r.anchor) vs = `anchor ${r.anchor.name}: ${r.anchor.skipped}`;
  else if (r.ratio !== undefined) vs = `${fmt(r.ratio)}x ${r.anchor!.name}${r.goal === undefined ? '' : `, goal ${r.goal}x: ${r.met ? 'met' : 'NOT met'}`}`;
  return `${r.group.padEnd(8)} ${r.name.padEnd(84)} ${value.padStart(26)} ${spread === undefined ? '' : `±${(spread * 50).toFixed(0)}%`.padStart(5)}  ${vs}${r.note ? `  (${r.note})` : ''}`;
}

const { wanted, o } = options(process.argv.slice(2));
process.stderr.write(`bench: ${o.samples} samples of ≥ ${o.sampleMs} ms per figure, anchors sampled in turn with their subjects; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
const rows: BenchRow[] = [];
const started = performance.now();
for (const [name, run] of Object.entries(groups)) {
  // Opt-in groups: served (protocol 2, one round trip per port access) takes 10-15 minutes, qemu
  // needs QEMU and a few minutes, catch (every mutant's layer run) several.
  if (wanted.length ? !wanted.includes(name) : OPT_IN.includes(name)) continue;
  process.stderr.write(`bench ${name}...\n`);
  for (const r of await run(o)) {
    rows.push(r);
    process.stdout.write(line(r) + '\n');
  }
}
const anchoredRows = rows.filter((r) => r.goal !== undefined);
const missed = anchoredRows.filter((r) => r.met === false).map((r) => r.name);
const skipped = anchoredRows.filter((r) => r.met === undefined).map((r) => r.name);
process.stdout.write(`\n${anchoredRows.length - missed.length - skipped.length}/${anchoredRows.length} anchored figures meet their goal${missed.length ? `; not met: ${missed.join('; ')}` : ''}${skipped.length ? `; anchor skipped: ${skipped.join('; ')}` : ''}\n`);
mkdirSync(reportsDir, { recursive: true });
const out = join(reportsDir, 'bench.json');
const meta = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg(), options: o, seconds: Math.round((performance.now() - started) / 1000), sink: sinkState() };
writeFileSync(out, JSON.stringify({ ...meta, rows }, null, 2) + '\n');
process.stderr.write(`wrote ${out}\n`);
