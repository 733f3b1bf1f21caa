// Benchmark harness. Wall-clock and CPU timing belong here only — never in tests or the model.
//
// How a figure is measured (the machines are shared, so one number from one window means little):
//   - warm-up: at least `warmupMinMs`, then until two consecutive 50 ms windows agree within 5%
//     (the JIT has settled), bounded by `warmupMaxMs`;
//   - samples: at least `samples` (default 5) of at least `sampleMs` (default 1 s) each, timed both
//     by the wall clock and by this process's CPU time (process.cpuUsage, user + system);
//   - a subject and its anchor are sampled in turn (subject, anchor, subject, …), so both see the
//     same load; their ratio is taken on the medians;
//   - every result goes into a sink the JIT cannot prove dead.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type Basis = 'cpu' | 'wall';

export interface Stats {
  /** Operations per second: median and best of the samples. */
  median: number;
  best: number;
  /** (best − worst) / median of the samples. */
  spread: number;
}

export interface Rate {
  cpu: Stats;
  wall: Stats;
  samples: number;
}

export interface BenchRow {
  group: string;
  name: string;
  /** The figure itself: the median rate on its basis, scaled to `unit`. */
  value: number;
  unit: string;
  /** What `value` is a rate per: a second of this process's CPU time, or of the wall clock. */
  basis: Basis;
  cpu?: Stats;
  wall?: Stats;
  anchor?: { name: string; value: number; unit: string; basis: Basis } | { name: string; skipped: string };
  /** value / anchor.value (same unit), absent when the anchor was skipped. */
  ratio?: number;
  /** The ratio the issue asks for; `met` says whether this run reached it. */
  goal?: number;
  met?: boolean;
  note?: string;
}

export interface MeasureOptions {
  samples: number;
  sampleMs: number;
  warmupMinMs: number;
  warmupMaxMs: number;
}

export const defaultOptions: MeasureOptions = { samples: 5, sampleMs: 1000, warmupMinMs: 300, warmupMaxMs: 3000 };

/** Results land here; reading it at the end keeps every measured call observable. */
let sinkValue: unknown;
let sinkCount = 0;
export function sink(v: unknown): void {
  sinkValue = v;
  sinkCount++;
}
export const sinkState = (): { count: number; last: string } => ({ count: sinkCount, last: typeof sinkValue });

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function stats(rates: number[]): Stats {
  const s = [...rates].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, best: s[s.length - 1]!, spread: median > 0 ? (s[s.length - 1]! - s[0]!) / median : 0 };
}

/**
 * CPU time (ms) a child process has used so far, from /proc (Linux; clock ticks of 10 ms, so
 * only samples of a second or more are meaningful). Undefined where /proc is not there.
 */
export function childCpuMs(pid: number | undefined): (() => number) | undefined {
  if (pid === undefined) return undefined;
  const read = (): number => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 100 Hz ticks
  };
  try {
    read();
    return read;
  } catch {
    return undefined;
  }
}

/** A synchronous unit of work: one call is one operation. */
export type Op = () => unknown;
/** An asynchronous unit (a whole pass over scenarios, say): one call is one operation. */
export type AsyncOp = () => Promise<unknown>;

/** Warm-up is measured in windows of this length; it ends when two in a row agree within 5%. */
const WARMUP_WINDOW_MS = 50;

/**
 * Runs `window` (one warm-up window, returning its rate) for at least `warmupMinMs`, so the JIT
 * has optimised the code (an interpreter's rate is steady too), then until two consecutive
 * windows agree within 5%, or `warmupMaxMs` has passed.
 */
async function warmUp(o: MeasureOptions, window: () => Promise<number>): Promise<void> {
  const start = performance.now();
  let last = Infinity;
  for (;;) {
    const rate = await window();
    const elapsed = performance.now() - start;
    if (elapsed >= o.warmupMaxMs || (elapsed >= o.warmupMinMs && Math.abs(rate - last) / rate < 0.05)) return;
    last = rate;
  }
}

interface Sampler {
  warm(): Promise<void>;
  sample(): Promise<{ n: number; wallMs: number; cpuMs: number }>;
}

function syncSampler(fn: Op, o: MeasureOptions): Sampler {
  // Batch size: grown until one batch takes ~5 ms, so timer calls do not dominate small ops.
  let batch = 1;
  const runBatch = (): number => {
    const t = performance.now();
    for (let i = 0; i < batch; i++) sink(fn());
    return performance.now() - t;
  };
  return {
    async warm() {
      while (runBatch() < 5 && batch < 1 << 24) batch *= 2;
      await warmUp(o, async () => {
        const t = performance.now();
        let n = 0;
        while (performance.now() - t < WARMUP_WINDOW_MS) {
          runBatch();
          n += batch;
        }
        return n / (performance.now() - t);
      });
    },
    async sample() {
      let n = 0;
      const w0 = performance.now();
      const c0 = cpuMs();
      let wall = 0;
      while (wall < o.sampleMs) {
        for (let i = 0; i < batch; i++) sink(fn());
        n += batch;
        wall = performance.now() - w0;
      }
      return { n, wallMs: wall, cpuMs: cpuMs() - c0 };
    },
  };
}

function asyncSampler(fn: AsyncOp, o: MeasureOptions, extraCpuMs?: () => number): Sampler {
  const cpuNow = extraCpuMs ? () => cpuMs() + extraCpuMs() : cpuMs;
  return {
    async warm() {
      await warmUp(o, async () => {
        const t = performance.now();
        let n = 0;
        while (performance.now() - t < WARMUP_WINDOW_MS) {
          sink(await fn());
          n++;
        }
        return n / (performance.now() - t);
      });
    },
    async sample() {
      let n = 0;
      const w0 = performance.now();
      const c0 = cpuNow();
      let wall = 0;
      while (wall < o.sampleMs) {
        sink(await fn());
        n++;
        wall = performance.now() - w0;
      }
      return { n, wallMs: wall, cpuMs: cpuNow() - c0 };
    },
  };
}

/**
 * Measures every function given, sampling them in turn, `o.samples` samples each. CPU time
 * is this process's, plus `extraCpuMs` when given.
 */
export async function measureTogether(
  fns: Array<{ fn: Op; async?: false } | { fn: AsyncOp; async: true; /** CPU of other processes doing the work (a served child) */ extraCpuMs?: () => number }>,
  o: MeasureOptions,
): Promise<Rate[]> {
  const samplers = fns.map((f) => (f.async ? asyncSampler(f.fn, o, f.extraCpuMs) : syncSampler(f.fn, o)));
  for (const s of samplers) await s.warm();
  const wall: number[][] = samplers.map(() => []);
  const cpu: number[][] = samplers.map(() => []);
  for (let k = 0; k < o.samples; k++) {
    for (const [i, s] of samplers.entries()) {
      const r = await s.sample();
      wall[i]!.push((r.n * 1000) / r.wallMs);
      // A sample shorter than the CPU clock's resolution cannot happen at ≥ 1 s; guard anyway.
      cpu[i]!.push((r.n * 1000) / Math.max(r.cpuMs, 0.001));
    }
  }
  return samplers.map((_, i) => ({ cpu: stats(cpu[i]!), wall: stats(wall[i]!), samples: o.samples }));
}

export const measureOne = async (fn: Op, o: MeasureOptions): Promise<Rate> => (await measureTogether([{ fn }], o))[0]!;

const scaleStats = (s: Stats, k: number): Stats => ({ median: s.median * k, best: s.best * k, spread: s.spread });

/** A row for a measured rate, `scale` units per operation. */
export function rateRow(group: string, name: string, unit: string, rate: Rate, scale = 1, basis: Basis = 'cpu', note?: string): BenchRow {
  const cpu = scaleStats(rate.cpu, scale);
  const wall = scaleStats(rate.wall, scale);
  return { group, name, value: (basis === 'cpu' ? cpu : wall).median, unit, basis, cpu, wall, ...(note ? { note } : {}) };
}

/** Adds the anchor, the ratio and whether the goal was met. The anchor must be in the row's unit. */
export function anchored(row: BenchRow, anchor: { name: string; value: number; basis: Basis }, goal: number): BenchRow {
  const ratio = row.value / anchor.value;
  return { ...row, anchor: { ...anchor, unit: row.unit }, ratio, goal, met: ratio >= goal };
}

/** A ratio against an anchor, shown without a goal. */
export function informative(row: BenchRow, anchor: { name: string; value: number; basis: Basis }): BenchRow {
  return { ...row, anchor: { ...anchor, unit: row.unit }, ratio: row.value / anchor.value };
}

export function skippedAnchor(row: BenchRow, name: string, why: string, goal: number): BenchRow {
  return { ...row, anchor: { name, skipped: why }, goal };
}

/** Deterministic filler bytes (no Math.random even here: runs are comparable). */
export function filler(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** The first of `candidates` whose Python can `import module`, or undefined. */
export function pythonWith(module: string, candidates = ['python3', '/usr/bin/python3']): string | undefined {
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', `import ${module}`], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}
