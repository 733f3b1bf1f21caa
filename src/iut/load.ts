// Resolves `--impl` to an Implementation:
//   - 'reference' (or nothing): the built-in reference;
//   - an existing .ts/.mts/.js/.mjs/.cjs file: a module exporting one (default export,
//     `implementation`, or a `createImplementation()` factory), run in a worker thread
//     (src/iut/worker/) so a timeout or a memory bound can stop it;
//   - anything else, or any value starting with 'cmd:': a command line, started as a child
//     process speaking the JSON-lines protocol (spec/contract/protocol.md). It is split into
//     words without a shell (src/iut/process/argv.ts): "python3 impl.py --fast".
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImplementationError, type Implementation } from './contract.ts';
import { startWorkerImplementation } from './worker/adapter.ts';
import { createReference } from './reference.ts';
import { CommandLineError, splitCommandLine } from './process/argv.ts';
import { DEFAULT_TIMEOUT_MS, startProcessImplementation, type ProcessOptions } from './process/adapter.ts';

export interface LoadOptions {
  /** Per-request timeout in ms (default 10 s), for programs and for modules alike. */
  timeoutMs?: number;
  /** Heap bound in MiB of a module's worker thread (default DEFAULT_MAX_MEMORY_MB). */
  maxMemoryMb?: number;
  /** Passed to the process adapter (stderr tail, grace period, environment...). */
  process?: Omit<ProcessOptions, 'timeoutMs'>;
}

const MODULE_EXT = /\.(?:[mc]?js|[mc]?ts)$/;

export type ImplSpec = { kind: 'reference' } | { kind: 'module'; path: string } | { kind: 'command'; argv: string[] };

/** Decides what an `--impl` value names, without starting or importing anything. */
export function classifyImpl(spec: string | undefined): ImplSpec {
  if (!spec || spec === 'reference') return { kind: 'reference' };
  if (spec.startsWith('cmd:')) return { kind: 'command', argv: splitWords(spec.slice(4)) };
  const path = resolve(spec);
  if (MODULE_EXT.test(spec) && existsSync(path) && statSync(path).isFile()) return { kind: 'module', path };
  // One word that looks like a module path but is not there: say so rather than try to run it.
  if (MODULE_EXT.test(spec) && !/\s/.test(spec.trim())) {
    throw new ImplementationError(`--impl ${spec}: no such module file (${path}); to run a command, write --impl "cmd:${spec}"`, 'load');
  }
  return { kind: 'command', argv: splitWords(spec) };
}

function splitWords(line: string): string[] {
  try {
    return splitCommandLine(line);
  } catch (e) {
    if (e instanceof CommandLineError) throw new ImplementationError(`--impl: ${e.message}`, 'load');
    throw e;
  }
}

export async function loadImplementation(spec: string | undefined, opts: LoadOptions = {}): Promise<Implementation> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const what = classifyImpl(spec);
  if (what.kind === 'reference') return createReference();
  if (what.kind === 'command') return startProcessImplementation(what.argv, { ...opts.process, timeoutMs });
  return startWorkerImplementation({ spec: spec!, path: what.path }, { timeoutMs, ...(opts.maxMemoryMb !== undefined ? { maxMemoryMb: opts.maxMemoryMb } : {}) });
}
