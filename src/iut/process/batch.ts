// The optional `executeBatch` request of the out-of-process protocol (protocol.md, "Batches"):
// several scenarios in one request, one trace per scenario in the reply, in order. An
// implementation offers it by putting `"batch": N` (the most scenarios per request) in its
// hello reply; without it, only `execute` is used, so every version-1 implementation keeps
// working. Both sides live here; adapter.ts and server.ts only call in.
import type { Implementation, Scenario, Trace } from '../contract.ts';
import { checkTraceEnvelope, excerpt } from './protocol.ts';

export const BATCH_METHOD = 'executeBatch';
/** What `r2net serve` advertises: enough to amortise a round trip, small enough to stay responsive. */
export const SERVE_BATCH_LIMIT = 256;

export type ExecuteBatchRequest = { id: number; method: typeof BATCH_METHOD; scenarios: Scenario[] };
export type ExecuteBatchReply = { id: number; traces: Trace[] };


/**
 * The batch size a hello reply offers: undefined when it has no `batch` member (batching
 * unsupported), a sentence when the member is there but wrong.
 */
export function batchLimitOf(hello: Record<string, unknown>): number | undefined | { problem: string } {
  if (!('batch' in hello) || hello.batch === undefined) return undefined;
  const b = hello.batch;
  if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 1) return { problem: `hello reply: batch must be a positive integer (the most scenarios per executeBatch request), got ${excerpt(JSON.stringify(b) ?? 'nothing')}` };
  return b;
}

/** Checks an executeBatch reply's traces: one per scenario sent, each a trace envelope. */
export function checkBatchTraces(traces: unknown, count: number): { ok: true; traces: Trace[] } | { ok: false; problem: string } {
  if (!Array.isArray(traces)) return { ok: false, problem: 'traces must be an array' };
  if (traces.length !== count) return { ok: false, problem: `${traces.length} traces for ${count} scenarios` };
  for (const [i, t] of traces.entries()) {
    const c = checkTraceEnvelope(t);
    if (!c.ok) return { ok: false, problem: `traces[${i}]: ${c.problem}` };
  }
  return { ok: true, traces: traces as Trace[] };
}

/** Server side: runs the scenarios of one executeBatch request in order, each from reset state. */
export async function serveBatch(
  impl: Implementation,
  id: number,
  scenarios: unknown,
  checkScenario: (x: unknown) => Scenario | string,
): Promise<ExecuteBatchReply | { id: number; error: { kind: string; message: string } }> {
  const bad = (message: string) => ({ id, error: { kind: 'bad-request', message } });
  if (!Array.isArray(scenarios)) return bad('scenarios must be an array of scenarios');
  if (scenarios.length > SERVE_BATCH_LIMIT) return bad(`${scenarios.length} scenarios in one batch; this server takes at most ${SERVE_BATCH_LIMIT}`);
  const checked: Scenario[] = [];
  for (const [i, s] of scenarios.entries()) {
    const c = checkScenario(s);
    if (typeof c === 'string') return bad(`scenarios[${i}]: ${c}`);
    checked.push(c);
  }
  const traces: Trace[] = [];
  for (const [i, s] of checked.entries()) {
    try {
      traces.push(await impl.execute(s));
    } catch (e) {
      return { id, error: { kind: 'internal', message: `scenarios[${i}]: ${(e as Error)?.message ?? String(e)}` } };
    }
  }
  return { id, traces };
}

/** What a batch-capable implementation adds to Implementation. */
export interface BatchExecutor {
  /** The most scenarios one executeBatch request may carry; undefined when batching is not offered. */
  readonly batchLimit: number | undefined;
  /** Traces of `scenarios`, in order, in as few requests as the limit allows. */
  executeBatch(scenarios: Scenario[]): Promise<Trace[]>;
}

/** Splits `scenarios` into requests of at most `limit` and concatenates their traces. */
export async function inChunks(scenarios: Scenario[], limit: number, send: (chunk: Scenario[]) => Promise<Trace[]>): Promise<Trace[]> {
  const out: Trace[] = [];
  for (let i = 0; i < scenarios.length; i += limit) out.push(...(await send(scenarios.slice(i, i + limit))));
  return out;
}
