// Runs a scenario's ops through a table of handlers. Unknown ops, bad arguments and anything
// a handler throws become error results: a scenario never crashes the executor.
import { ImplementationError, type Json, type Op, type OpResult, type Trace } from '../contract.ts';
import type { Result } from '../../util/result.ts';
import { fromHex, toHex } from '../../util/bytes.ts';

export class ArgError extends Error {
  override name = 'ArgError';
}

export type Handler<S> = (op: Op, state: S) => Result<Json> | Json;

export function runOps<S>(ops: Op[], handlers: Record<string, Handler<S>>, state: S): OpResult[] {
  return ops.map((op) => runOne(op, handlers, state));
}

export function runOne<S>(op: Op, handlers: Record<string, Handler<S>>, state: S): OpResult {
  const h = Object.hasOwn(handlers, op.op) ? handlers[op.op] : undefined;
  if (!h) return { ok: false, error: { kind: 'unsupported-op', message: `unknown op '${op.op}'` } };
  try {
    const r = h(op, state);
    if (isResult(r)) return r.ok ? { ok: true, value: r.value } : { ok: false, error: { ...r.error } };
    return { ok: true, value: r };
  } catch (e) {
    if (e instanceof ImplementationError) throw e; // the hardware backend failed (QEMU): not an op result
    if (e instanceof ArgError) return { ok: false, error: { kind: 'invalid-argument', where: op.op, message: e.message } };
    // A bug in the reference: surface it as data so a property reports it, never swallow it.
    return { ok: false, error: { kind: 'internal', where: op.op, message: (e as Error)?.stack ?? String(e) } };
  }
}

export function traceOf(results: OpResult[], observations?: Record<string, Json>): Trace {
  return observations ? { results, observations } : { results };
}

function isResult(x: unknown): x is Result<Json> {
  return typeof x === 'object' && x !== null && 'ok' in x && typeof (x as { ok: unknown }).ok === 'boolean' && ('value' in x || 'error' in x);
}

// Argument readers: a wrong type is an ArgError (-> 'invalid-argument'), never a TypeError.
export function bytesArg(op: Op, name: string): Uint8Array {
  const v = op[name];
  if (typeof v !== 'string') throw new ArgError(`${op.op}: '${name}' must be a hex string`);
  const b = fromHex(v);
  if (!b) throw new ArgError(`${op.op}: '${name}' is not valid hex`);
  return b;
}

export function intArg(op: Op, name: string, min = 0, max = 0xffffffff, fallback?: number): number {
  const v = op[name];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ArgError(`${op.op}: '${name}' must be an integer in ${min}..${max}`);
  return v;
}

export function stringArg(op: Op, name: string): string {
  const v = op[name];
  if (typeof v !== 'string') throw new ArgError(`${op.op}: '${name}' must be a string`);
  return v;
}

export const hex = toHex;
