// Differential mode (`r2net run --diff`): the same generated scenarios go to the implementation
// and to the reference, and a fast-check property per property definition says "the traces are
// equal". A divergence is shrunk like any counterexample and reported as the first place the
// traces differ: the op index, the path inside the trace and both values.
//
// This is a second, separate check beside the conformance verdicts: a divergence is not by
// itself a failure (the reference may be the one that is wrong, and free text may differ), so
// it never changes a clause verdict or the exit status. Compared: every result's `ok`, the
// value of a successful result, the `kind` of a failed one (not its `message` or `where`,
// which are free text), the number of results, and the observations.
import fc from 'fast-check';
import { ImplementationError, type Implementation, type Json, type Layer, type Scenario, type Trace } from '../iut/contract.ts';
import { createReference } from '../iut/reference.ts';
import type { PropertyDef } from './property.ts';
import { canonical } from '../util/json.ts';
import { contextFor, propertySeed, selectProperties, NOT_RUN_TIME_LIMIT, type RunOptions } from './run.ts';

export type DifferentialStatus = 'agree' | 'diverge' | 'skip' | 'error';

export interface Divergence {
  /** Index of the op whose result differs; null when the difference is in the observations. */
  opIndex: number | null;
  /** Where in the trace, e.g. `results[2].value.bytes`, `results[0].error.kind`, `observations.frames[1]`. */
  path: string;
  /** The implementation's value at `path` (absent: the implementation has nothing there). */
  implementation?: Json;
  /** The reference's value at `path` (absent: the reference has nothing there). */
  reference?: Json;
  /** For two hex strings: the first byte offset at which they differ. */
  byteOffset?: number;
  /** The shrunk generated input and the scenario both were given. */
  input: unknown;
  scenario: Scenario;
}

export interface DifferentialResult {
  property: string;
  layer: Layer;
  status: DifferentialStatus;
  numRuns: number;
  seed: number;
  /** fast-check path of the shrunk divergence (replays it with the same seed). */
  path?: string;
  divergence?: Divergence;
  /** Why it was skipped, or what went wrong ('error'). */
  message?: string;
  durationMs: number;
}

export interface DifferentialOptions extends RunOptions {
  /** The implementation to compare with (default: the reference with the implementation's profile and options). */
  reference?: Implementation;
  onResult?(r: DifferentialResult, index: number, total: number): void;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isHex = (x: unknown): x is string => typeof x === 'string' && x.length % 2 === 0 && /^[0-9a-f]*$/i.test(x);

type Diff = { path: string; a?: Json; b?: Json };

/** The first place two JSON values differ (depth first, keys in sorted order), or undefined. */
export function firstDifference(a: unknown, b: unknown, path: string): Diff | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length !== b.length) {
      const i = Math.min(a.length, b.length);
      return { path: `${path}[${i}]`, ...(i < a.length ? { a: a[i] as Json } : {}), ...(i < b.length ? { b: b[i] as Json } : {}) };
    }
    return undefined;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const p = /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      if (!(k in a) || !(k in b)) return { path: p, ...(k in a ? { a: a[k] as Json } : {}), ...(k in b ? { b: b[k] as Json } : {}) };
      const d = firstDifference(a[k], b[k], p);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(a, b) || (a === 0 && b === 0) ? undefined : { path, a: a as Json, b: b as Json };
}

/** The first divergence between two traces of the same scenario (see the header for what is compared). */
export function traceDivergence(impl: Trace, ref: Trace): Omit<Divergence, 'input' | 'scenario'> | undefined {
  const ra = Array.isArray(impl?.results) ? impl.results : [];
  const rb = Array.isArray(ref?.results) ? ref.results : [];
  const n = Math.max(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    const a = ra[i];
    const b = rb[i];
    const at = `results[${i}]`;
    if (a === undefined || b === undefined) return { opIndex: i, path: at, ...(a !== undefined ? { implementation: a as unknown as Json } : {}), ...(b !== undefined ? { reference: b as unknown as Json } : {}) };
    let d: Diff | undefined;
    if (a.ok !== b.ok) d = { path: at, a: a as unknown as Json, b: b as unknown as Json };
    else if (a.ok && b.ok) d = firstDifference(a.value, b.value, `${at}.value`);
    else if (!a.ok && !b.ok && a.error?.kind !== b.error?.kind) d = { path: `${at}.error.kind`, a: a.error?.kind ?? null, b: b.error?.kind ?? null };
    if (d) return withBytes({ opIndex: i, path: d.path, ...('a' in d ? { implementation: d.a! } : {}), ...('b' in d ? { reference: d.b! } : {}) });
  }
  const d = firstDifference(impl?.observations ?? {}, ref?.observations ?? {}, 'observations');
  return d ? withBytes({ opIndex: null, path: d.path, ...('a' in d ? { implementation: d.a! } : {}), ...('b' in d ? { reference: d.b! } : {}) }) : undefined;
}

function withBytes<D extends { implementation?: Json; reference?: Json }>(d: D): D & { byteOffset?: number } {
  const { implementation: a, reference: b } = d;
  if (!isHex(a) || !isHex(b)) return d;
  let i = 0;
  while (i < Math.min(a.length, b.length) / 2 && a.slice(2 * i, 2 * i + 2).toLowerCase() === b.slice(2 * i, 2 * i + 2).toLowerCase()) i++;
  return { ...d, byteOffset: i };
}

class DivergenceFound extends Error {
  constructor(readonly divergence: Divergence) {
    super(`traces differ at ${divergence.path}`);
  }
}

export async function runDifferentialProperty(def: PropertyDef, impl: Implementation, reference: Implementation, opts: RunOptions): Promise<DifferentialResult> {
  const started = performance.now();
  const seed = opts.replay?.seed ?? propertySeed(opts.seed, def.id);
  const numRuns = Math.max(1, Math.round(opts.runs * (def.runsFactor ?? 1)));
  const base = { property: def.id, layer: def.layer, seed, numRuns };
  const done = (r: Omit<DifferentialResult, keyof typeof base | 'durationMs'>): DifferentialResult => ({ ...base, ...r, durationMs: Math.round(performance.now() - started) });
  if (!impl.statement.layers.includes(def.layer)) return done({ status: 'skip', message: `implementation does not declare layer '${def.layer}'` });
  if (!reference.statement.layers.includes(def.layer)) return done({ status: 'skip', message: `the reference does not implement layer '${def.layer}'` });
  if (opts.deadline !== undefined && performance.now() >= opts.deadline) return done({ status: 'error', message: NOT_RUN_TIME_LIMIT });
  const ctx = contextFor(impl);
  let fault: string | undefined;
  let arbitrary: fc.Arbitrary<unknown>;
  try {
    arbitrary = def.arbitrary(ctx);
  } catch (e) {
    return done({ status: 'error', message: `suite: property definition failed to build its generator: ${(e as Error).message}` });
  }
  const property = fc.asyncProperty(arbitrary, async (input) => {
    if (fault) return true;
    const scenario: Scenario = { layer: def.layer, ops: def.scenario(input, ctx) };
    let a: Trace;
    let b: Trace;
    try {
      a = await impl.execute(scenario);
    } catch (e) {
      if (e instanceof ImplementationError && e.fault === 'not-applicable') return true; // hardware that cannot be this case's machine
      fault = `implementation: ${e instanceof ImplementationError ? `${e.fault}: ` : ''}${(e as Error)?.message ?? String(e)}`;
      return true;
    }
    try {
      b = await reference.execute(scenario);
    } catch (e) {
      fault = `reference: ${(e as Error)?.message ?? String(e)}`;
      return true;
    }
    const d = traceDivergence(a, b);
    if (d) throw new DivergenceFound({ ...d, input: canonical(input), scenario });
    return true;
  });
  const params: fc.Parameters<[unknown]> = opts.replay ? { seed, path: opts.replay.path, numRuns: 1, endOnFailure: true } : { seed, numRuns };
  if (opts.deadline !== undefined) params.interruptAfterTimeLimit = Math.max(1, Math.ceil(opts.deadline - performance.now()));
  const details = await fc.check(property, params);
  if (fault) return done({ status: 'error', message: fault });
  if (details.failed) {
    const e = details.errorInstance;
    if (e instanceof DivergenceFound) return done({ status: 'diverge', divergence: e.divergence, ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}) });
    return done({ status: 'error', message: `suite: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (details.interrupted) return done({ status: 'error', message: `time limit: the run's time limit expired during this property after ${details.numRuns} of ${numRuns} runs without a divergence` });
  return done({ status: 'agree' });
}

/** Every selected property in differential mode, in id order. */
export async function runDifferential(defs: PropertyDef[], impl: Implementation, opts: DifferentialOptions): Promise<DifferentialResult[]> {
  const reference = opts.reference ?? createReference({ profile: impl.statement.profile, ...(impl.statement.options ? { options: impl.statement.options } : {}) });
  const o: RunOptions = opts.timeLimitMs !== undefined && opts.deadline === undefined ? { ...opts, deadline: performance.now() + opts.timeLimitMs } : opts;
  const selected = selectProperties(defs, o);
  const out: DifferentialResult[] = [];
  for (const [i, def] of selected.entries()) {
    const r = await runDifferentialProperty(def, impl, reference, o);
    out.push(r);
    opts.onResult?.(r, i + 1, selected.length);
  }
  return out;
}
