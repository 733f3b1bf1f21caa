// Argument parsing and terminal output shared by the r2net commands: every bad value is a
// UsageError with a one-line message that names the option and what it takes; `--help` prints
// the command's usage; text from implementations reaches the terminal with its control
// characters escaped.
import { parseArgs } from 'node:util';
import { LAYERS, type Layer } from '../iut/contract.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Escapes C0/C1 control characters (not newline or tab) so an implementation's BEL, NUL or ESC[31m cannot drive the terminal. */
export const termSafe = (s: string): string =>
  s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Progress and diagnostics: stderr. */
export const log = (s: string): void => void process.stderr.write(termSafe(s) + '\n');
/** Results (the summary, lists, replays): stdout. */
export const out = (s: string): void => void process.stdout.write(termSafe(s) + '\n');

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; default?: boolean };

export interface CommandDef<O extends Record<string, OptionSpec>> {
  name: string;
  /** The text `r2net NAME --help` prints. */
  usage: string;
  options: O;
  positionals?: boolean;
}

/**
 * Parses a command's arguments; undefined when `--help`/`-h` was asked for (the usage is then
 * printed to stdout). A negative number after an option that takes a value is that value
 * (`--seed -5`, `--runs -1`), not an unknown option.
 */
export function parseCommand<O extends Record<string, OptionSpec>>(def: CommandDef<O>, argv: string[]) {
  const end = argv.indexOf('--');
  const opts = end < 0 ? argv : argv.slice(0, end);
  if (opts.includes('--help') || opts.includes('-h')) {
    process.stdout.write(def.usage.trimEnd() + '\n');
    return undefined;
  }
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if ((end < 0 || i < end) && name && def.options[name]?.type === 'string' && next !== undefined && /^-(?:\d|\.\d)/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  try {
    return parseArgs({ args, options: def.options, allowPositionals: def.positionals ?? false, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!err.code?.startsWith('ERR_PARSE_ARGS')) throw e;
    // Node's messages go on with advice about '--'; the first sentence is the problem.
    throw new UsageError(err.message.split(/\.\s/)[0]!.replace(/\.$/, ''));
  }
}

export function parseLayers(v: string | undefined): Layer[] | undefined {
  if (v === undefined) return undefined;
  const ls = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!ls.length) throw new UsageError(`--layers takes a comma-separated list of layers (${LAYERS.join(', ')}), got '${v}'`);
  for (const l of ls) if (!LAYERS.includes(l as Layer)) throw new UsageError(`unknown layer '${l}' (layers: ${LAYERS.join(', ')})`);
  return ls as Layer[];
}

export function parseSeed(v: string | undefined): number {
  if (v === undefined) return 1;
  if (v === 'random') return (Date.now() ^ (process.pid << 16)) | 0; // only the choice of seed uses the clock
  const n = /^\s*$/.test(v) ? NaN : Number(v);
  // fast-check seeds are 32-bit: a larger value would silently wrap to another seed.
  if (!Number.isInteger(n) || n < -(2 ** 31) || n > 2 ** 31 - 1) throw new UsageError(`--seed must be an integer from -2147483648 to 2147483647 or 'random', got '${v}'`);
  return n;
}

export function parsePositive(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = /^\s*$/.test(v) ? NaN : Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${v}'`);
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


/** A positive number of seconds (decimals allowed), returned in ms. */
export function parseSeconds(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\s*$/.test(v) ? NaN : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} takes a positive number of seconds, got '${v}'`);
  return Math.round(n * 1000);
}
