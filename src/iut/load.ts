// Resolves `--impl` to an Implementation:
//   - 'reference' (or nothing): the built-in reference;
//   - an existing .ts/.mts/.js/.mjs/.cjs file: a module exporting one (default export,
//     `implementation`, or a `createImplementation()` factory), run in this process;
//   - anything else, or any value starting with 'cmd:': a command line, started as a child
//     process speaking the JSON-lines protocol (spec/contract/protocol.md). It is split into
//     words without a shell (src/iut/process/argv.ts): "python3 impl.py --fast".
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImplementationError, isImplementation, type Implementation, type Scenario, type Trace } from './contract.ts';
import { createReference } from './reference.ts';
import { CommandLineError, splitCommandLine } from './process/argv.ts';
import { DEFAULT_TIMEOUT_MS, startProcessImplementation, type ProcessOptions } from './process/adapter.ts';

export interface LoadOptions {
  /** Per-request timeout in ms (default 10 s): out-of-process requests, and async in-process executes. */
  timeoutMs?: number;
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
  return withTimeout(await loadModule(spec!, what.path), timeoutMs);
}

async function loadModule(spec: string, path: string): Promise<Implementation> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ImplementationError(`--impl ${spec}: the module failed to load: ${(e as Error).message}`, 'load');
  }
  for (const candidate of [mod.default, mod.implementation]) if (isImplementation(candidate)) return candidate;
  for (const f of [mod.createImplementation, mod.default]) {
    if (typeof f === 'function') {
      const made = await (f as () => unknown)();
      if (isImplementation(made)) return made;
    }
  }
  throw new ImplementationError(
    `--impl ${spec}: the module exports no implementation. Export { statement, execute } as default or 'implementation', or a createImplementation() factory (see README "Plug in an implementation").`,
    'load',
  );
}

/**
 * Puts an in-process module under the same rules as a process: execute() returning a promise
 * gets the per-request timeout (a synchronous loop cannot be interrupted in-process: run such
 * code out of process), and an exception is a crash (errors must come back as data, so a throw
 * is an 'error' row with its scenario, exactly as a child process exiting would be).
 */
export function withTimeout(impl: Implementation, timeoutMs: number): Implementation {
  return {
    get statement() {
      return impl.statement;
    },
    execute(scenario: Scenario): Trace | Promise<Trace> {
      let r: Trace | Promise<Trace>;
      try {
        r = impl.execute(scenario);
      } catch (e) {
        throw asCrash(e);
      }
      if (typeof (r as { then?: unknown }).then !== 'function') return r as Trace;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ImplementationError(`no trace within ${timeoutMs / 1000} s (in-process execute did not settle)`, 'timeout')), timeoutMs);
      });
      return Promise.race([Promise.resolve(r).catch((e: unknown) => Promise.reject(asCrash(e))), expired]).finally(() => clearTimeout(timer));
    },
    ...(impl.close ? { close: () => impl.close!() } : {}),
  };
}

const asCrash = (e: unknown): ImplementationError =>
  e instanceof ImplementationError ? e : new ImplementationError(`execute() threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, 'crash');
