// Argument parsing shared by the r2net commands: every bad value is a UsageError with a
// message that names the option and what it takes.
import { LAYERS, type Layer } from '../iut/contract.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const log = (s: string): void => void process.stderr.write(s + '\n');

export function parseLayers(v: string | undefined): Layer[] | undefined {
  if (!v) return undefined;
  const ls = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const l of ls) if (!LAYERS.includes(l as Layer)) throw new UsageError(`unknown layer '${l}' (layers: ${LAYERS.join(', ')})`);
  return ls as Layer[];
}

export function parseSeed(v: string | undefined): number {
  if (v === undefined) return 1;
  if (v === 'random') return (Date.now() ^ (process.pid << 16)) | 0; // only the choice of seed uses the clock
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--seed must be an integer or 'random', got '${v}'`);
  return n | 0;
}

export function parsePositive(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${v}'`);
  return n;
}

export function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (!v) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes I/N with 1 <= I <= N, got '${v}'`);
  return { index, count };
}

