// A deliberately wrong implementation: the reference with one behaviour broken. The tests
// prove each one is caught by the property it names; `r2net serve --mutant NAME` serves them.
import type { Implementation, Json, Layer, Op, OpResult, Trace } from '../../src/iut/contract.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { createReference } from '../../src/iut/reference.ts';
import { referenceLayers, type LayerExecutor } from '../../src/iut/layers/index.ts';

export interface Mutant {
  name: string;
  layer: Layer;
  /** What is wrong, in the words of the rule it breaks. */
  description: string;
  /** Property ids of which at least one must fail on this mutant. */
  caughtBy: string[];
  /** Clauses that must each come out `fail` (the rule this mutant breaks, attributed to it). */
  breaks?: string[];
  /** Clauses that must NOT fail: the mutant leaves their rule intact (no collateral blame). */
  spares?: string[];
  executor: LayerExecutor;
}

export function mutantImplementation(m: Mutant): Implementation {
  return createReference({ name: `mutant:${m.name}`, overrides: { [m.layer]: m.executor } });
}

/**
 * Builds a mutant executor that runs the reference and rewrites the results of ops named
 * `opName` (the op and its reference result in, the wrong result out).
 */
export function patchResults(layer: Layer, opName: string | RegExp, patch: (op: Op, r: OpResult) => OpResult): LayerExecutor {
  return (ops, profile, statement) => {
    const base = referenceLayers[layer];
    if (!base) throw new Error(`reference has no layer ${layer}`);
    const trace: Trace = base(ops, profile, statement);
    return {
      ...trace,
      results: trace.results.map((r, i) => {
        const op = ops[i]!;
        const hit = typeof opName === 'string' ? op.op === opName : opName.test(op.op);
        return hit ? patch(op, r) : r;
      }),
    };
  };
}

/** Builds a mutant executor that rewrites the ops before the reference sees them. */
export function patchOps(layer: Layer, patch: (op: Op) => Op): LayerExecutor {
  return (ops, profile, statement) => {
    const base = referenceLayers[layer];
    if (!base) throw new Error(`reference has no layer ${layer}`);
    return base(ops.map(patch), profile, statement);
  };
}

export type Obj = { [k: string]: Json };

/** Rewrites the `bytes` of a successful result. */
export const onBytes = (f: (b: Uint8Array, op: Op) => Uint8Array) => (op: Op, r: OpResult): OpResult =>
  r.ok ? { ok: true, value: { ...(r.value as Obj), bytes: toHex(f(fromHex((r.value as Obj).bytes as string)!, op)) } } : r;

/** Rewrites the fields of a successful result. */
export const onValue = (f: (v: Obj, op: Op) => Obj) => (op: Op, r: OpResult): OpResult => (r.ok ? { ok: true, value: f(r.value as Obj, op) } : r);
