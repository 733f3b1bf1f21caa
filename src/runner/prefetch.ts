// Batched prefetch of a property's runs, for implementations that take executeBatch requests
// (out of process: src/iut/process/batch.ts). fast-check draws a property's inputs from its
// seed alone, so fc.sample with the run's seed and count yields the very scenarios
// runProperty is about to send. They are executed ahead, a batch at a time, and runProperty's
// execute() calls are answered from those traces while they keep matching, in order.
// Everything else goes to the implementation exactly as before: the first scenario that
// differs (shrinking, a replay path) ends the prefetch, and a batch that fails in any way is
// dropped, so its scenarios are sent again one by one and a fault is reported with the
// scenario that caused it. Verdicts, counterexamples and fault reports are therefore the same
// with and without it; only the number of round trips changes.
//
// Hook: runSuite (src/runner/run.ts) calls `runProperty(def, prefetchFor(impl, def, ctx, opts),
// ctx, opts)` instead of `runProperty(def, impl, ctx, opts)`.
import fc from 'fast-check';
import type { Implementation, Scenario, Trace } from '../iut/contract.ts';
import type { BatchExecutor } from '../iut/process/batch.ts';
import type { PropertyContext, PropertyDef } from './property.ts';
import { propertySeed, type RunOptions } from './run.ts';

/** Scenarios fetched per batch: large enough to amortise the round trip, small enough that a
 * failing property (which stops using them) or a time limit wastes little. */
export const PREFETCH_CHUNK = 128;

export const canBatch = (impl: Implementation): impl is Implementation & BatchExecutor =>
  typeof (impl as Partial<BatchExecutor>).executeBatch === 'function' && (impl as Partial<BatchExecutor>).batchLimit !== undefined;

class Prefetching implements Implementation {
  readonly statement: Implementation['statement'];
  readonly #inner: Implementation & BatchExecutor;
  readonly #scenarios: Scenario[];
  readonly #keys: string[];
  readonly #traces = new Map<number, Trace>();
  #next = 0;
  #fetchedTo = 0;
  #off = false;
  /** How many execute() calls were answered from a batch (for benchmarks and tests). */
  answered = 0;

  constructor(inner: Implementation & BatchExecutor, scenarios: Scenario[]) {
    this.#inner = inner;
    this.statement = inner.statement;
    this.#scenarios = scenarios;
    this.#keys = scenarios.map((s) => JSON.stringify(s));
  }

  async execute(scenario: Scenario): Promise<Trace> {
    const i = this.#next;
    if (this.#off || i >= this.#keys.length || JSON.stringify(scenario) !== this.#keys[i]) {
      this.#off = true; // diverged (shrinking): from here on, one request per scenario
      return this.#inner.execute(scenario);
    }
    this.#next++;
    if (i >= this.#fetchedTo) await this.#fetch(i);
    const t = this.#traces.get(i);
    if (!t) return this.#inner.execute(scenario);
    this.#traces.delete(i);
    this.answered++;
    return t;
  }

  async #fetch(from: number): Promise<void> {
    const to = Math.min(this.#scenarios.length, from + Math.min(PREFETCH_CHUNK, this.#inner.batchLimit ?? 1));
    this.#fetchedTo = to;
    try {
      const traces = await this.#inner.executeBatch(this.#scenarios.slice(from, to));
      traces.forEach((t, k) => this.#traces.set(from + k, t));
    } catch {
      // Dropped: these scenarios go one by one, and the fault (if it recurs) is reported there.
    }
  }
}

/**
 * `impl` itself when it cannot batch; otherwise an Implementation that answers the first
 * `numRuns` runs of `def` (seed `seed`) from executeBatch requests. Building the scenarios
 * can throw only where runProperty's own generation would; then `impl` is returned.
 */
export function withPrefetch(impl: Implementation, def: PropertyDef, ctx: PropertyContext, seed: number, numRuns: number): Implementation {
  if (!canBatch(impl) || !impl.statement.layers.includes(def.layer)) return impl;
  let scenarios: Scenario[];
  try {
    scenarios = fc.sample(def.arbitrary(ctx), { seed, numRuns }).map((input) => ({ layer: def.layer, ops: def.scenario(input, ctx) }));
  } catch {
    return impl;
  }
  return new Prefetching(impl, scenarios);
}

/** withPrefetch with the seed and run count runProperty derives from `opts`; `impl` for a replay. */
export function prefetchFor(impl: Implementation, def: PropertyDef, ctx: PropertyContext, opts: RunOptions): Implementation {
  if (opts.replay) return impl; // a replay path selects other inputs than the first runs
  return withPrefetch(impl, def, ctx, propertySeed(opts.seed, def.id), Math.max(1, Math.round(opts.runs * (def.runsFactor ?? 1))));
}
