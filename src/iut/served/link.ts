// What a served layer executor needs from the transport: send one op to the implementation and
// answer its hardware requests against the seam until the op's result arrives. The process
// adapter implements it (src/iut/process/adapter.ts); tests may implement it in process.
import type { Json, Layer, Op, OpResult } from '../contract.ts';
import type { HardwareSeam } from './seam.ts';

export interface OpRequest {
  layer: Layer;
  /** Index of the op in the scenario (ops.length for the closing queries r2net adds). */
  index: number;
  op: Op;
  /** First op of a scenario: the implementation starts from reset state before it. */
  reset: boolean;
}

export interface ServedLink {
  /** Throws ImplementationError on a fault (bad or too many hardware requests, bad reply...). */
  op(req: OpRequest, seam: HardwareSeam): Promise<OpResult>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks an op result received over the wire; a sentence saying what is wrong otherwise. */
export function checkOpResult(x: unknown): { ok: true; result: OpResult } | { ok: false; problem: string } {
  if (!isObject(x) || typeof x.ok !== 'boolean') return { ok: false, problem: 'result must be {ok: true, value} or {ok: false, error: {kind, message}}' };
  if (x.ok) return { ok: true, result: { ok: true, value: (x.value ?? null) as Json } };
  const e = x.error;
  if (!isObject(e) || typeof e.kind !== 'string' || typeof e.message !== 'string') return { ok: false, problem: 'a failed result needs error: {kind: string, message: string}' };
  return { ok: true, result: { ok: false, error: { kind: e.kind, message: e.message, ...(typeof e.where === 'string' ? { where: e.where } : {}) } } };
}
