// Benchmark harness: repeat a batch until enough time has passed, keep the median of several
// samples. Wall-clock timing belongs here only — never in tests or in the model.

export interface BenchRow {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** Relative spread of the samples ((max - min) / median), to judge noise. */
  spread: number;
  note?: string;
}

export interface Measure {
  /** Operations per second (median of samples). */
  opsPerSec: number;
  spread: number;
}

export function measure(fn: () => void, opts: { samples?: number; minMs?: number } = {}): Measure {
  const samples = opts.samples ?? 5;
  const minMs = opts.minMs ?? 200;
  for (let i = 0; i < 200; i++) fn(); // warm up the JIT
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
      elapsed = performance.now() - start;
    }
    rates.push((n * 1000) / elapsed);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  return { opsPerSec: median, spread: (rates[rates.length - 1]! - rates[0]!) / median };
}

export async function measureAsync(fn: () => Promise<void>, opts: { samples?: number; minMs?: number } = {}): Promise<Measure> {
  const samples = opts.samples ?? 5;
  const minMs = opts.minMs ?? 300;
  for (let i = 0; i < 20; i++) await fn();
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < minMs) {
      await fn();
      n++;
    }
    rates.push((n * 1000) / (performance.now() - start));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  return { opsPerSec: median, spread: (rates[rates.length - 1]! - rates[0]!) / median };
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
