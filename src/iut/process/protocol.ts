// The out-of-process protocol, version 1: JSON lines over the implementation's stdin/stdout.
// spec/contract/protocol.md is the normative description and protocol.schema.json the schema
// of every message; this file is the same thing as TypeScript types plus the checks the
// adapter applies to what an implementation sends back.
import { loadFeatures } from '../../spec/features.ts';
import { LAYERS, type Json, type Layer, type Scenario, type Statement, type Trace } from '../contract.ts';
import type { ExecuteBatchRequest } from './batch.ts';

/** The highest version r2net speaks; version 1 (no served hardware) keeps working. */
export const PROTOCOL_VERSION = 2;
export const MIN_PROTOCOL_VERSION = 1;

/** Error kinds an implementation may put in an error reply (others are allowed, these are named). */
export const PROTOCOL_ERROR_KINDS = ['bad-request', 'unsupported-version', 'unsupported-method', 'internal'] as const;

/** `framing`: the binary framings r2net can switch to after hello (framing.ts); absent: JSON lines only. */
export type HelloRequest = { id: number; method: 'hello'; protocol: number; contract: number; framing?: string[] };
export type ExecuteRequest = { id: number; method: 'execute'; scenario: Scenario };
export type ShutdownRequest = { id: number; method: 'shutdown' };
/** Protocol 2: one driver op of a served-hardware scenario (spec/contract/protocol.md). */
export type OpRequestMessage = { id: number; method: 'op'; layer: Layer; index: number; op: Json; reset?: true; dma?: Json[] };
export type Request = HelloRequest | ExecuteRequest | ExecuteBatchRequest | ShutdownRequest | OpRequestMessage;

export interface ProtocolError {
  kind: string;
  message: string;
}

/** `batch`: the implementation takes executeBatch requests of up to that many scenarios (batch.ts). */
/** `framing`: the one of the offered framings every later message uses; absent: JSON lines. */
export type HelloReply = { id: number; protocol: number; statement: Statement; batch?: number; framing?: string };
export type ExecuteReply = { id: number; trace: Trace };
export type ShutdownReply = { id: number; ok: true };
/** `id` is null only when the request could not be read far enough to know its id. */
export type ErrorReply = { id: number | null; error: ProtocolError };
export type Reply = HelloReply | ExecuteReply | ShutdownReply | ErrorReply;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Shortens a value for an error message (a line of garbage can be megabytes). */
export function excerpt(s: string, max = 200): string {
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return flat.length > max ? `${flat.slice(0, max)}… (${s.length} chars)` : flat;
}

/**
 * Checks a statement received over the wire. Returns the statement (options copied only when
 * present) or a sentence saying what is wrong.
 */
export function checkStatement(x: unknown): { ok: true; statement: Statement } | { ok: false; problem: string } {
  if (!isObject(x)) return { ok: false, problem: 'statement must be an object' };
  for (const k of ['name', 'version', 'profile'] as const) {
    if (typeof x[k] !== 'string' || x[k] === '') return { ok: false, problem: `statement.${k} must be a non-empty string` };
  }
  if (!Array.isArray(x.layers)) return { ok: false, problem: 'statement.layers must be an array of layer names' };
  for (const l of x.layers) {
    if (typeof l !== 'string' || !(LAYERS as readonly string[]).includes(l)) {
      return { ok: false, problem: `statement.layers: unknown layer ${JSON.stringify(l)} (layers: ${LAYERS.join(', ')})` };
    }
  }
  if (new Set(x.layers).size !== x.layers.length) return { ok: false, problem: 'statement.layers lists a layer twice' };
  if (x.options !== undefined && !isObject(x.options)) return { ok: false, problem: 'statement.options must be an object when present' };
  if (x.features !== undefined && (!Array.isArray(x.features) || !x.features.every((f) => typeof f === 'string'))) {
    return { ok: false, problem: 'statement.features must be an array of feature ids (spec/features.json) when present' };
  }
  const known = new Set(loadFeatures().map((f) => f.id));
  const unknown = ((x.features as string[] | undefined) ?? []).filter((f) => !known.has(f));
  if (unknown.length) return { ok: false, problem: `statement.features: unknown feature ${JSON.stringify(unknown[0])} (features: ${[...known].join(', ')})` };
  if (x.followsDecisions !== undefined && typeof x.followsDecisions !== 'boolean') return { ok: false, problem: 'statement.followsDecisions must be a boolean when present' };
  if (x.hardware !== undefined && x.hardware !== 'served') return { ok: false, problem: `statement.hardware must be "served" when present, got ${excerpt(JSON.stringify(x.hardware) ?? '')}` };
  const statement: Statement = {
    name: x.name as string,
    version: x.version as string,
    profile: x.profile as string,
    layers: [...(x.layers as Layer[])],
    ...(x.features !== undefined ? { features: [...(x.features as string[])] } : {}),
    ...(x.followsDecisions !== undefined ? { followsDecisions: x.followsDecisions as boolean } : {}),
    ...(x.options !== undefined ? { options: x.options as Record<string, Json> } : {}),
    ...(x.hardware === 'served' ? { hardware: 'served' as const } : {}),
  };
  return { ok: true, statement };
}

/** What one stdout line turned out to be, as far as the envelope goes. */
export type ReplyCheck =
  | { ok: true; reply: Record<string, unknown> & { id: number | null } }
  | { ok: false; problem: string };

/** The payload field each method's reply carries. */
export type ReplyField = 'statement' | 'trace' | 'ok' | 'traces' | 'result';

/**
 * Reads one stdout line as a reply envelope: a JSON object with an integer (or, for an error
 * reply, null) id and exactly one of the payload fields the method calls for (or `error`).
 */
export function checkReplyLine(line: string, expect: { id: number; field: ReplyField }): ReplyCheck {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, problem: `not JSON: ${excerpt(line)}` };
  }
  return checkReply(v, expect, () => excerpt(line));
}

/** The envelope checks of checkReplyLine on a decoded message (a CBOR frame's); `shown` words it for a message. */
export function checkReply(v: unknown, expect: { id: number; field: ReplyField }, shown: () => string): ReplyCheck {
  if (!isObject(v)) return { ok: false, problem: `a reply must be a JSON object, got: ${shown()}` };
  const hasError = 'error' in v;
  if (hasError) {
    const e = v.error;
    if (!isObject(e) || typeof e.kind !== 'string' || typeof e.message !== 'string') {
      return { ok: false, problem: `an error reply needs error: {kind: string, message: string}, got: ${shown()}` };
    }
    if (v.id !== expect.id && v.id !== null) return { ok: false, problem: `error reply for id ${JSON.stringify(v.id)} while waiting for id ${expect.id}` };
    if (expect.field in v) return { ok: false, problem: `a reply carries both error and ${expect.field}: ${shown()}` };
    return { ok: true, reply: v as Record<string, unknown> & { id: number | null } };
  }
  if (v.id !== expect.id) return { ok: false, problem: `reply has id ${JSON.stringify(v.id)} while waiting for id ${expect.id}: ${shown()}` };
  if (!(expect.field in v)) return { ok: false, problem: `reply to request ${expect.id} has no '${expect.field}' (nor 'error'): ${shown()}` };
  return { ok: true, reply: v as Record<string, unknown> & { id: number } };
}

/** A decoded frame's message, shortened for an error message (it may hold values JSON has not). */
export function excerptValue(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  } catch {
    s = undefined;
  }
  return excerpt(s ?? String(v));
}

/** Checks the trace of an execute reply far enough to hand it to the suite (which checks the rest). */
export function checkTraceEnvelope(t: unknown): { ok: true; trace: Trace } | { ok: false; problem: string } {
  if (!isObject(t)) return { ok: false, problem: 'trace must be an object {results: [...]}' };
  if (!Array.isArray(t.results)) return { ok: false, problem: 'trace.results must be an array' };
  if (t.observations !== undefined && !isObject(t.observations)) return { ok: false, problem: 'trace.observations must be an object when present' };
  return { ok: true, trace: t as unknown as Trace };
}
