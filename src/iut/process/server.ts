// The server side of the out-of-process protocol: any Implementation served as JSON lines on
// a pair of streams (stdin/stdout for `r2net serve`). Requests are handled one at a time, in
// order; a request that cannot be understood gets an error reply and serving goes on.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Implementation, Json, Op, Scenario } from '../contract.ts';
import { excerpt, type ErrorReply, type ExecuteReply, type HelloReply, type ShutdownReply } from './protocol.ts';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An Implementation served here brings its own hardware (protocol 1). */
const SERVER_PROTOCOL = 1;

type Outcome = { reply: HelloReply | ExecuteReply | ShutdownReply | ErrorReply; stop?: boolean };

function errorReply(id: number | null, kind: string, message: string): Outcome {
  return { reply: { id, error: { kind, message } } };
}

function checkScenario(x: unknown): Scenario | string {
  if (!isObject(x)) return 'scenario must be an object {layer, ops}';
  if (typeof x.layer !== 'string') return 'scenario.layer must be a string';
  if (!Array.isArray(x.ops)) return 'scenario.ops must be an array';
  for (const [i, op] of x.ops.entries()) {
    if (!isObject(op) || typeof op.op !== 'string') return `scenario.ops[${i}] must be an object with a string 'op'`;
  }
  return { layer: x.layer as Scenario['layer'], ops: x.ops as Op[] };
}

/** Handles one request line; never throws. */
export async function handleRequestLine(impl: Implementation, line: string): Promise<Outcome> {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return errorReply(null, 'bad-request', `not JSON: ${excerpt(line)}`);
  }
  if (!isObject(req)) return errorReply(null, 'bad-request', 'a request must be a JSON object');
  const id = req.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return errorReply(null, 'bad-request', `id must be a non-negative integer, got ${excerpt(JSON.stringify(id) ?? 'nothing')}`);
  switch (req.method) {
    case 'hello':
      // This server brings its own hardware: protocol 1, which every newer offer includes.
      if (typeof req.protocol !== 'number' || !Number.isInteger(req.protocol) || req.protocol < SERVER_PROTOCOL) return errorReply(id, 'unsupported-version', `this server speaks protocol ${SERVER_PROTOCOL}, not ${JSON.stringify(req.protocol)}`);
      return { reply: { id, protocol: SERVER_PROTOCOL, statement: impl.statement } };
    case 'execute': {
      const scenario = checkScenario(req.scenario);
      if (typeof scenario === 'string') return errorReply(id, 'bad-request', scenario);
      try {
        const trace = await impl.execute(scenario);
        return { reply: { id, trace } };
      } catch (e) {
        return errorReply(id, 'internal', (e as Error)?.message ?? String(e));
      }
    }
    case 'shutdown':
      return { reply: { id, ok: true }, stop: true };
    default:
      return errorReply(id, 'unsupported-method', `unknown method ${excerpt(JSON.stringify(req.method as Json) ?? 'nothing')} (methods: hello, execute, shutdown)`);
  }
}

/**
 * Serves `impl` until the input ends or a shutdown request arrives. Nothing but replies is
 * ever written to `output`. Resolves once the last reply has been flushed.
 */
export async function serveImplementation(impl: Implementation, input: Readable, output: Writable): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  const write = (s: string): Promise<void> => new Promise((resolve, reject) => output.write(s, (e) => (e ? reject(e) : resolve())));
  try {
    for await (const line of rl) {
      if (line.trim() === '') continue;
      const { reply, stop } = await handleRequestLine(impl, line);
      await write(JSON.stringify(reply) + '\n');
      if (stop) break;
    }
  } finally {
    rl.close();
  }
}
