// An in-process implementation module, isolated in a worker thread: the same fault policy as
// an out-of-process program (src/iut/process/adapter.ts), without leaving Node.
//   - no trace within the request timeout (a synchronous endless loop, a promise that never
//     settles) -> 'timeout': the worker is terminated (which interrupts even a busy loop)
//   - the worker's heap passes the memory bound (resourceLimits)           -> 'crash'
//   - execute() throws, the worker exits, an uncaught error in the module  -> 'crash'
//   - a trace that is not JSON data (cycle, BigInt, too deep or too large) -> 'protocol'
// After a timeout or crash the module is loaded again in a new worker for the next request
// (given up after `maxFailedStarts` failed starts in a row), so one runaway costs one property.
// The worker's stdout and stderr go to r2net's stderr: stdout carries r2net's own summary.
import { Worker } from 'node:worker_threads';
import { ImplementationError, type Implementation, type Scenario, type Statement, type Trace } from '../contract.ts';
import { checkStatement, checkTraceEnvelope } from '../process/protocol.ts';
import type { FromWorker, HostData, ToWorker } from './host.ts';

export interface WorkerOptions {
  /** Per-request timeout in ms. */
  timeoutMs: number;
  /**
   * How long loading the module may take, in ms (default: the request timeout, at least 30 s):
   * loading compiles TypeScript through tsx, which on a loaded machine can take longer than a
   * short --timeout without the module doing anything wrong.
   */
  loadTimeoutMs?: number;
  /** Heap bound of the worker in MiB (V8 old generation); a module past it is stopped. */
  maxMemoryMb?: number;
  /** Consecutive failed starts after which the adapter gives up (default 3). */
  maxFailedStarts?: number;
}

/** Default heap bound of an in-process module's worker, MiB (`r2net run --max-memory`). */
export const DEFAULT_MAX_MEMORY_MB = 1024;

const ENTRY = new URL('./entry.mjs', import.meta.url);
const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)} s`;

interface Pending {
  id: number;
  resolve(t: Trace): void;
  reject(e: ImplementationError): void;
  timer: NodeJS.Timeout;
}

/** One worker thread with the module loaded. */
class ModuleWorker {
  readonly worker: Worker;
  #pending: Pending | undefined;
  #dead: ImplementationError | undefined;
  #nextId = 0;
  readonly ready: Promise<unknown>;

  constructor(
    readonly data: HostData,
    readonly opts: Required<WorkerOptions>,
  ) {
    this.worker = new Worker(ENTRY, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxMemoryMb },
      stdout: true,
      stderr: true,
    });
    this.worker.stdout.pipe(process.stderr, { end: false });
    this.worker.stderr.pipe(process.stderr, { end: false });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.worker.terminate();
        reject(new ImplementationError(`--impl ${data.spec}: the module did not load within ${seconds(opts.loadTimeoutMs)}`, 'load'));
      }, opts.loadTimeoutMs);
      const onMessage = (m: FromWorker): void => {
        if (m.type !== 'ready' && m.type !== 'load-error') return;
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.on('message', (x: FromWorker) => this.#onMessage(x));
        if (m.type === 'load-error') {
          void this.worker.terminate();
          reject(new ImplementationError(m.message, 'load'));
        } else resolve(m.statement);
      };
      this.worker.on('message', onMessage);
      // A module that calls process.exit() while loading ends its thread: say so now, not at the timeout.
      this.worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new ImplementationError(`--impl ${data.spec}: the module's worker thread exited with code ${code} while the module was loading`, 'load'));
      });
      this.worker.once('error', (e) => {
        clearTimeout(timer);
        reject(new ImplementationError(`--impl ${data.spec}: the module failed to load: ${this.#describe(e)}`, 'load'));
      });
    });
    this.ready.catch(() => undefined);
    this.worker.on('error', (e) => this.#die(new ImplementationError(`${this.#describe(e)}`, 'crash')));
    this.worker.on('exit', (code) => this.#die(new ImplementationError(`the module's worker thread exited with code ${code}`, 'crash')));
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  #describe(e: Error & { code?: string }): string {
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') return `the module passed the memory bound of ${this.opts.maxMemoryMb} MiB (--max-memory) and was stopped`;
    return `uncaught ${e.name}: ${e.message} in the module`;
  }

  #die(e: ImplementationError): void {
    this.#dead ??= e;
    this.#settle(this.#dead);
  }

  #onMessage(m: FromWorker): void {
    const p = this.#pending;
    if (!p || !('id' in m) || m.id !== p.id) return;
    if (m.type === 'fault') return this.#settle(new ImplementationError(m.message, m.fault));
    let parsed: unknown;
    try {
      parsed = JSON.parse(m.json);
    } catch {
      return this.#settle(new ImplementationError('the trace did not survive JSON', 'protocol'));
    }
    const t = checkTraceEnvelope(parsed);
    this.#settle(t.ok ? t.trace : new ImplementationError(`bad trace from execute(): ${t.problem}`, 'protocol'));
  }

  #settle(outcome: Trace | ImplementationError): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    clearTimeout(p.timer);
    this.worker.unref(); // idle: a caller that forgets close() is not kept waiting by the worker
    if (outcome instanceof ImplementationError) p.reject(outcome);
    else p.resolve(outcome);
  }

  execute(scenario: Scenario): Promise<Trace> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<Trace>((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#settle(new ImplementationError(`no trace within ${seconds(this.opts.timeoutMs)}: execute() did not return (a synchronous loop) or its promise never settled; the module was stopped`, 'timeout'));
        void this.stop();
      }, this.opts.timeoutMs);
      this.#pending = { id, resolve, reject, timer };
      this.worker.ref();
      this.worker.postMessage({ type: 'execute', id, scenario } satisfies ToWorker);
    });
  }

  /** Lets the module's close() run (briefly), then terminates the thread. */
  async stop(graceMs = 0): Promise<void> {
    if (this.alive && graceMs > 0 && !this.#pending) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          this.worker.on('message', (m: FromWorker) => m.type === 'closed' && resolve());
          this.worker.postMessage({ type: 'close' } satisfies ToWorker);
        }),
        new Promise<void>((r) => (timer = setTimeout(r, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.#die(new ImplementationError('the module was stopped', 'crash'));
    await this.worker.terminate();
  }
}

/** An implementation module running in a worker thread. Start one with startWorkerImplementation(). */
export class WorkerImplementation implements Implementation {
  #statement!: Statement;
  #worker: ModuleWorker | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #failedStarts = 0;
  #closed = false;
  readonly #opts: Required<WorkerOptions>;

  constructor(
    readonly data: HostData,
    opts: WorkerOptions,
  ) {
    this.#opts = { maxMemoryMb: DEFAULT_MAX_MEMORY_MB, maxFailedStarts: 3, loadTimeoutMs: Math.max(opts.timeoutMs, 30_000), ...opts };
  }

  get statement(): Statement {
    return this.#statement;
  }

  async start(): Promise<this> {
    const { worker, statement } = await this.#spawn();
    this.#worker = worker;
    this.#statement = statement;
    return this;
  }

  execute(scenario: Scenario): Promise<Trace> {
    const run = this.#queue.then(() => this.#execute(scenario));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const w = this.#worker;
    this.#worker = undefined;
    await w?.stop(1000);
  }

  async #execute(scenario: Scenario): Promise<Trace> {
    if (this.#closed) throw new ImplementationError('the module adapter is closed', 'crash');
    let w = this.#worker;
    if (!w?.alive) {
      if (this.#failedStarts >= this.#opts.maxFailedStarts) throw new ImplementationError(`gave up loading the module again after ${this.#failedStarts} failed starts in a row`, 'crash');
      try {
        const started = await this.#spawn();
        if (JSON.stringify(started.statement) !== JSON.stringify(this.#statement)) {
          this.#failedStarts++;
          await started.worker.stop();
          throw new ImplementationError('the module, loaded again, declared a different statement', 'protocol');
        }
        w = this.#worker = started.worker;
      } catch (e) {
        const err = e as ImplementationError;
        throw new ImplementationError(`loading the module again after a fault failed: ${err.message}`, err.fault === 'load' ? 'crash' : err.fault);
      }
    }
    try {
      return await w.execute(scenario);
    } catch (e) {
      // A timeout or crash leaves the worker unusable; a bad trace does not (the module is in sync).
      if (!w.alive || (e as ImplementationError).fault === 'timeout') {
        this.#worker = undefined;
        await w.stop();
      }
      throw e;
    }
  }

  async #spawn(): Promise<{ worker: ModuleWorker; statement: Statement }> {
    const worker = new ModuleWorker(this.data, this.#opts);
    try {
      const s = checkStatement(await worker.ready);
      if (!s.ok) throw new ImplementationError(`--impl ${this.data.spec}: bad statement: ${s.problem}`, 'load');
      this.#failedStarts = 0;
      worker.worker.unref();
      return { worker, statement: s.statement };
    } catch (e) {
      this.#failedStarts++;
      await worker.stop();
      throw e;
    }
  }
}

/** Loads the module in a worker and reads its statement; the caller must close() it. */
export function startWorkerImplementation(data: HostData, opts: WorkerOptions): Promise<WorkerImplementation> {
  return new WorkerImplementation(data, opts).start();
}
