// The server side of the out-of-process protocol: any Implementation served as JSON lines on
// a pair of streams (stdin/stdout for `r2net serve`), or as CBOR frames (framing.ts) after a
// hello that offered them, unless the server was told to keep to JSON lines. Requests are handled one at a time, in
// order; a request that cannot be understood gets an error reply and serving goes on.
// Lines end at '\n' only (a CRLF's '\r' is dropped; a lone '\r' is part of the line, where
// JSON takes it as white space). Request and reply lines are bounded (ServeBounds): a longer
// request is skipped without being held in memory, a larger reply becomes an error reply; the
// same bounds hold for frames, and a frame that is not one CBOR item gets a bad-request reply.
import type { Readable, Writable } from 'node:stream';
import type { Implementation, Json, Op, Scenario } from '../contract.ts';
import { excerpt, type ErrorReply, type ExecuteReply, type HelloReply, type ShutdownReply } from './protocol.ts';
import { BATCH_METHOD, SERVE_BATCH_LIMIT, serveBatch, type ExecuteBatchReply } from './batch.ts';
import { CBOR_FRAMING, FRAME_HEADER_BYTES, FrameReader, decodeFrame, encodeFrame } from './framing.ts';
import { TRACE_BOUNDS } from '../../util/json-bounds.ts';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An Implementation served here brings its own hardware (protocol 1). */
const SERVER_PROTOCOL = 1;

/** `frames`: the reply is the hello that switched to CBOR frames (every later message is one). */
type Outcome = { reply: HelloReply | ExecuteReply | ExecuteBatchReply | ShutdownReply | ErrorReply; stop?: boolean; frames?: true };

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

/** Handles one request line; never throws. `frames`: CBOR frames may be chosen in hello. */
export async function handleRequestLine(impl: Implementation, line: string, frames = false): Promise<Outcome> {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return errorReply(null, 'bad-request', `not JSON: ${excerpt(line)}`);
  }
  return handleRequest(impl, req, frames);
}

/** Handles one decoded request (a line's JSON or a frame's CBOR); never throws. */
export async function handleRequest(impl: Implementation, req: unknown, frames = false): Promise<Outcome> {
  if (!isObject(req)) return errorReply(null, 'bad-request', 'a request must be a JSON object');
  const id = req.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return errorReply(null, 'bad-request', `id must be a non-negative integer, got ${excerpt(JSON.stringify(id) ?? 'nothing')}`);
  switch (req.method) {
    case 'hello':
      // This server brings its own hardware: protocol 1, which every newer offer includes.
      if (typeof req.protocol !== 'number' || !Number.isInteger(req.protocol) || req.protocol < SERVER_PROTOCOL) return errorReply(id, 'unsupported-version', `this server speaks protocol ${SERVER_PROTOCOL}, not ${JSON.stringify(req.protocol)}`);
      {
        const cbor = frames && Array.isArray(req.framing) && req.framing.includes(CBOR_FRAMING);
        const reply = { id, protocol: SERVER_PROTOCOL, statement: impl.statement, batch: SERVE_BATCH_LIMIT, ...(cbor ? { framing: CBOR_FRAMING } : {}) };
        return cbor ? { reply, frames: true } : { reply };
      }
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
    case BATCH_METHOD:
      return { reply: await serveBatch(impl, id, req.scenarios, checkScenario) };
    case 'shutdown':
      return { reply: { id, ok: true }, stop: true };
    default:
      return errorReply(id, 'unsupported-method', `unknown method ${excerpt(JSON.stringify(req.method as Json) ?? 'nothing')} (methods: hello, execute, executeBatch, shutdown)`);
  }
}

export interface ServeBounds {
  /** Longest request line read, in bytes; longer ones get a bad-request error reply. */
  maxRequestBytes: number;
  /** Longest reply line written, in bytes; a larger one is replaced by an 'internal' error reply. */
  maxReplyBytes: number;
  /** Accept CBOR frames when hello offers them (default true); false keeps to JSON lines. */
  frames?: boolean;
}

/** Defaults (spec/contract/protocol.md, "Sizes"): the largest scenario of the suites is far below 16 MiB; 64 MiB is the adapter's reply bound. */
export const DEFAULT_SERVE_BOUNDS: ServeBounds = { maxRequestBytes: 16 * 1024 * 1024, maxReplyBytes: 64 * 1024 * 1024 };

/** Where requests come from: a stream, or any source of its chunks (blocking-input.ts). */
export type Input = Readable | AsyncIterable<Buffer | string>;

type InputMessage = { line: string } | { tooLong: number } | { frame: Buffer } | { truncated: string };

/**
 * Splits a byte stream at '\n' (a line past `max` bytes is dropped as it streams in and
 * reported by its size) until `mode.frames` is set, then cuts it into frames. The consumer
 * handles each message before the next is read, so a hello that switches framing takes effect
 * at the very next byte.
 */
async function* readMessages(input: Input, max: number, mode: { frames?: FrameReader }): AsyncGenerator<InputMessage> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < buf.length) {
      if (mode.frames) {
        for (const e of mode.frames.push(buf.subarray(start))) yield 'frame' in e ? e : { tooLong: e.tooLong };
        start = buf.length;
        break;
      }
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      const piece = buf.subarray(start, nl);
      start = nl + 1;
      if (skipping || size + piece.length > max) {
        yield { tooLong: size + piece.length };
      } else {
        parts.push(piece);
        const line = Buffer.concat(parts).toString('utf8');
        yield { line: line.endsWith('\r') ? line.slice(0, -1) : line };
      }
      parts = [];
      size = 0;
      skipping = false;
    }
    if (start >= buf.length) continue;
    const rest = buf.subarray(start);
    size += rest.length;
    if (size > max) {
      skipping = true;
      parts = [];
    } else if (rest.length) parts.push(Buffer.from(rest));
  }
  if (mode.frames?.midFrame) yield { truncated: mode.frames.partialNote() };
  else if (skipping) yield { tooLong: size };
  else if (size) yield { line: Buffer.concat(parts).toString('utf8') };
}

/** The reply as a line within the bound, or an error reply saying why it is not. */
function replyLine(reply: Outcome['reply'], maxBytes: number): string {
  let line: string;
  try {
    line = JSON.stringify(reply);
  } catch (e) {
    return JSON.stringify({ id: reply.id, error: { kind: 'internal', message: `the reply cannot be written as JSON: ${(e as Error).message}` } });
  }
  const bytes = Buffer.byteLength(line);
  if (bytes <= maxBytes) return line;
  return JSON.stringify({ id: reply.id, error: { kind: 'internal', message: `the reply would be ${bytes} bytes, more than the server's bound of ${maxBytes} (r2net serve --max-reply-bytes)` } });
}

/** The reply as a frame within the bound, or an error reply's frame saying why it is not. */
function replyFrame(reply: Outcome['reply'], maxBytes: number): Buffer {
  let frame: Buffer;
  try {
    frame = encodeFrame(reply);
  } catch (e) {
    return encodeFrame({ id: reply.id, error: { kind: 'internal', message: `the reply cannot be written as CBOR: ${(e as Error).message}` } });
  }
  const bytes = frame.length - FRAME_HEADER_BYTES;
  if (bytes <= maxBytes) return frame;
  return encodeFrame({ id: reply.id, error: { kind: 'internal', message: `the reply would be a frame of ${bytes} bytes, more than the server's bound of ${maxBytes} (r2net serve --max-reply-bytes)` } });
}

/**
 * Serves `impl` until the input ends or a shutdown request arrives. Nothing but replies is
 * ever written to `output`. Resolves once the last reply has been flushed.
 */
export async function serveImplementation(impl: Implementation, input: Input, output: Writable, bounds: ServeBounds = DEFAULT_SERVE_BOUNDS): Promise<void> {
  const write = (s: string | Buffer): Promise<void> => new Promise((resolve, reject) => output.write(s, (e) => (e ? reject(e) : resolve())));
  const mode: { frames?: FrameReader } = {};
  const send = (o: Outcome): Promise<void> => write(mode.frames ? replyFrame(o.reply, bounds.maxReplyBytes) : replyLine(o.reply, bounds.maxReplyBytes) + '\n');
  for await (const m of readMessages(input, bounds.maxRequestBytes, mode)) {
    let outcome: Outcome;
    if ('tooLong' in m) {
      const what = mode.frames ? `request frame of ${m.tooLong} bytes` : `request line of ${m.tooLong} bytes`;
      outcome = errorReply(null, 'bad-request', `${what}, more than the server's bound of ${bounds.maxRequestBytes} (r2net serve --max-request-bytes); skipped`);
    } else if ('truncated' in m) {
      await send(errorReply(null, 'bad-request', `the input ended inside a frame (${m.truncated})`));
      break;
    } else if ('frame' in m) {
      const d = decodeFrame(m.frame, TRACE_BOUNDS.maxDepth);
      outcome = d.ok ? await handleRequest(impl, d.value) : errorReply(null, 'bad-request', d.problem);
    } else {
      if (m.line.trim() === '') continue;
      outcome = await handleRequestLine(impl, m.line, bounds.frames ?? true);
    }
    await send(outcome);
    if (outcome.frames) mode.frames = new FrameReader(bounds.maxRequestBytes);
    if (outcome.stop) break;
  }
}
