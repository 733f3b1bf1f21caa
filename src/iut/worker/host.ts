// Inside the worker thread: imports the implementation module, answers the main thread's
// execute requests one at a time. What crosses back is a JSON string checked first
// (src/util/json-bounds.ts): a trace with a cycle, a BigInt or 100k levels of nesting is a
// 'protocol' fault of that request, never a value that breaks the report writer later.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { isImplementation, type Implementation, type Scenario } from '../contract.ts';
import { jsonProblem, TRACE_BOUNDS } from '../../util/json-bounds.ts';
import { boundsProblem } from '../process/wire-bounds.ts';

export type ToWorker = { type: 'execute'; id: number; scenario: Scenario } | { type: 'close' };
export type FromWorker =
  | { type: 'ready'; statement: unknown }
  | { type: 'load-error'; message: string }
  | { type: 'trace'; id: number; json: string }
  | { type: 'fault'; id: number; fault: 'crash' | 'protocol'; message: string }
  | { type: 'closed' };

export interface HostData {
  /** The --impl value as the user wrote it (for messages). */
  spec: string;
  /** Absolute path of the module file. */
  path: string;
}

/** Finds the implementation a module exports: default, `implementation`, or a createImplementation() factory. */
export async function implementationOf(mod: Record<string, unknown>): Promise<Implementation | undefined> {
  for (const candidate of [mod.default, mod.implementation]) if (isImplementation(candidate)) return candidate;
  for (const f of [mod.createImplementation, mod.default]) {
    if (typeof f === 'function') {
      const made = await (f as () => unknown)();
      if (isImplementation(made)) return made;
    }
  }
  return undefined;
}

const thrown = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export async function runHost(): Promise<void> {
  const port = parentPort!;
  const { spec, path } = workerData as HostData;
  const post = (m: FromWorker): void => port.postMessage(m);
  let impl: Implementation | undefined;
  try {
    impl = await implementationOf((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (e) {
    post({ type: 'load-error', message: `--impl ${spec}: the module failed to load: ${(e as Error)?.message ?? String(e)}` });
    return;
  }
  if (!impl) {
    post({
      type: 'load-error',
      message: `--impl ${spec}: the module exports no implementation. Export { statement, execute } as default or 'implementation', or a createImplementation() factory (see README "Plug in an implementation").`,
    });
    return;
  }
  const problem = jsonProblem(impl.statement, TRACE_BOUNDS, 'statement');
  post(problem ? { type: 'load-error', message: `--impl ${spec}: the statement is not JSON data: ${problem}` } : { type: 'ready', statement: impl.statement });
  const it = impl;
  port.on('message', async (m: ToWorker) => {
    if (m.type === 'close') {
      try {
        await it.close?.();
      } finally {
        post({ type: 'closed' });
      }
      return;
    }
    try {
      const trace: unknown = await it.execute(m.scenario);
      // boundsProblem: jsonProblem's verdict and message, without its cost for a plain trace.
      const bad = boundsProblem(trace, 'trace');
      if (bad) post({ type: 'fault', id: m.id, fault: 'protocol', message: `the trace execute() returned is not JSON data: ${bad}` });
      else post({ type: 'trace', id: m.id, json: JSON.stringify(trace) });
    } catch (e) {
      post({ type: 'fault', id: m.id, fault: 'crash', message: `execute() threw ${thrown(e)}` });
    }
  });
}
