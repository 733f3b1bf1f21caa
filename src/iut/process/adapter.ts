// The out-of-process adapter: an Implementation backed by a child process that speaks the
// JSON-lines protocol (spec/contract/protocol.md) on its stdin/stdout.
//
// Fault policy (every fault is an ImplementationError, which the runner turns into an 'error'
// row for the property at hand and then moves on):
//   - no reply within the request timeout          -> 'timeout', child killed
//   - the child exits or closes stdout mid-request -> 'crash', child reaped (an exit is seen at
//     once, even when a descendant keeps the pipes open)
//   - a line that is not the expected reply        -> 'protocol', child killed (the stream
//     can no longer be trusted: a late reply would be taken for the next one)
//   - output or an exit while no request is pending -> the NEXT request fails with that
//     fault without being sent, so nothing the child did goes unreported
//   - a well-formed error reply {id, error}, or a trace nested deeper than TRACE_BOUNDS
//                                                   -> 'protocol', child kept (it is in sync)
// A killed or exited child is started again (hello included) for the next request, so a
// crash costs one property, not the run. After `maxFailedStarts` starts in a row fail, the
// adapter stops trying and fails every request at once. stderr is drained continuously (a
// chatty child never blocks), kept as a tail of recent lines, and attached to every error.
// close() asks the child to shut down, then kills its process group, its process tree and
// every process that carries its token, even one that called setsid (reap.ts), and destroys
// the pipes: r2net never waits on a pipe a stranger holds.
// The parts: child.ts (one child process and its pipes), hello.ts (the handshake), sweep.ts
// (the exit sweep), options.ts (ProcessOptions); this file holds the Implementation itself.
import { boundsProblem } from './wire-bounds.ts';
import { ImplementationError, type Implementation, type Scenario, type Statement, type Trace } from '../contract.ts';
import { servedLink } from './served.ts';
import { SERVED_LAYERS, executeServed } from '../served/executors.ts';
import { loadProfile } from '../../spec/profile.ts';
import { checkTraceEnvelope, excerpt, type Request } from './protocol.ts';
import { BATCH_METHOD, checkBatchTraces, inChunks, type BatchExecutor } from './batch.ts';
import { DEFAULT_TIMEOUT_MS, type ProcessOptions } from './options.ts';
import { Child, fail, type Reply, type ReplyField } from './child.ts';
import { hello } from './hello.ts';

export { DEFAULT_TIMEOUT_MS, type ProcessOptions } from './options.ts';

/** An implementation in another process. Start one with startProcessImplementation(). */
export class ProcessImplementation implements Implementation, BatchExecutor {
  #statement!: Statement;
  /** From the first hello: how many scenarios one executeBatch request may carry (batch.ts). */
  #batchLimit: number | undefined;
  #child: Child | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #failedStarts = 0;
  #starts = 0;
  readonly timeoutMs: number;
  readonly #opts: Required<Pick<ProcessOptions, 'stderrLines' | 'maxLineBytes' | 'shutdownGraceMs' | 'maxFailedStarts'>> & ProcessOptions;

  constructor(
    readonly argv: string[],
    opts: ProcessOptions = {},
  ) {
    if (argv.length === 0 || !argv[0]) throw new TypeError('ProcessImplementation: empty command');
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new TypeError(`ProcessImplementation: timeoutMs must be positive, got ${this.timeoutMs}`);
    this.#opts = { stderrLines: 20, maxLineBytes: 64 * 1024 * 1024, shutdownGraceMs: 1000, maxFailedStarts: 3, ...opts };
  }

  get statement(): Statement {
    return this.#statement;
  }

  /** How many processes were started (1 + restarts). */
  get starts(): number {
    return this.#starts;
  }

  /** Process id of the running child, if any (for tests that check nothing is left behind). */
  get pid(): number | undefined {
    return this.#child?.alive ? this.#child.proc.pid : undefined;
  }

  /** How the running child's messages travel after hello: JSON lines, or CBOR frames (framing.ts). */
  get framing(): 'json' | 'cbor' | undefined {
    return this.#child?.framing;
  }

  /** The last stderr lines of the current child. */
  stderrTail(): string[] {
    return this.#child?.stderrLines() ?? [];
  }

  /** Starts the first child and reads its statement. Throws ImplementationError('load'). */
  async start(): Promise<this> {
    try {
      const { child, statement, batch } = await this.#spawn();
      this.#child = child;
      this.#statement = statement;
      this.#batchLimit = batch;
    } catch (e) {
      const err = e as ImplementationError;
      throw fail(`${this.#commandText()}: ${err.fault === 'load' ? '' : `${err.fault}: `}${err.message}`, 'load');
    }
    return this;
  }

  execute(scenario: Scenario): Promise<Trace> {
    const run = this.#queue.then(() => this.#execute(scenario));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  get batchLimit(): number | undefined {
    return this.#batchLimit;
  }

  /**
   * Traces of several scenarios: executeBatch requests when the implementation offers them
   * (its hello said `batch`), one execute each otherwise, or when no child is running (the
   * restart belongs to execute). A fault fails the whole call; the caller may retry one by one.
   */
  executeBatch(scenarios: Scenario[]): Promise<Trace[]> {
    const limit = this.#batchLimit;
    const run = this.#queue.then(() =>
      limit && this.#child ? inChunks(scenarios, limit, (chunk) => this.#executeBatch(chunk)) : this.#sequentially(scenarios),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sequentially(scenarios: Scenario[]): Promise<Trace[]> {
    const out: Trace[] = [];
    for (const s of scenarios) out.push(await this.#execute(s));
    return out;
  }

  async #executeBatch(chunk: Scenario[]): Promise<Trace[]> {
    const child = this.#child;
    if (this.#closed || !child) return this.#sequentially(chunk);
    const id = child.nextId++;
    const reply = await this.#call(child, { id, method: BATCH_METHOD, scenarios: chunk }, 'traces');
    if ('error' in reply) {
      const e = reply.error as { kind: string; message: string };
      throw fail(`the implementation answered request #${id} (${BATCH_METHOD} of ${chunk.length}) with an error reply: ${e.kind}: ${e.message}${child.stderrNote()}`, 'protocol');
    }
    const t = checkBatchTraces(reply.traces, chunk.length);
    if (!t.ok) {
      this.#child = undefined;
      await child.stop(0);
      throw fail(`bad reply to request #${id} (${BATCH_METHOD}): ${t.problem}${child.stderrNote()}`, 'protocol');
    }
    // The same bound as a single execute reply's trace: the report writer must be able to take it.
    for (const [i, trace] of t.traces.entries()) {
      const deep = boundsProblem(trace, `traces[${i}]`);
      if (deep) throw fail(`bad reply to request #${id} (${BATCH_METHOD}): ${deep}${child.stderrNote()}`, 'protocol');
    }
    return t.traces;
  }

  /** Sends one request; on a fault the child is not trusted again (the next request starts a new one). */
  async #call(child: Child, req: Request, field: ReplyField): Promise<Reply> {
    try {
      return await child.request(req, field, this.timeoutMs);
    } catch (e) {
      this.#child = undefined;
      await child.stop(0);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#child;
    this.#child = undefined;
    if (!c) return;
    await c.stop(c.busy ? 0 : this.#opts.shutdownGraceMs, { id: c.nextId++, method: 'shutdown' });
  }

  async #execute(scenario: Scenario): Promise<Trace> {
    const child = await this.#liveChild();
    if (this.#statement.hardware === 'served' && SERVED_LAYERS.has(scenario.layer)) {
      const profile = loadProfile(this.#statement.profile);
      try {
        return await executeServed(scenario, profile, this.#statement, servedLink(child, this.timeoutMs, this.#opts.servedRequestsPerOp ?? profile.limits.servedRequestsPerOp), this.#opts.servedDevices);
      } catch (e) {
        // Devices that cannot be this scenario's machine fail its setup, before any op was sent.
        if (e instanceof ImplementationError && e.fault === 'not-applicable') throw e;
        // A fault mid-scenario: the implementation's state is unknown; the next one starts anew.
        this.#child = undefined;
        await child.stop(0);
        throw e;
      }
    }
    return this.#executeV1(child, scenario);
  }

  /** The running child, (re)started when there is none. */
  async #liveChild(): Promise<Child> {
    if (this.#closed) throw fail('the process adapter is closed', 'crash');
    // A child that died or wrote garbage while idle is kept until this request has reported
    // that (request() rejects with it); only a missing child is (re)started here.
    let child = this.#child;
    if (!child) {
      if (this.#failedStarts >= this.#opts.maxFailedStarts) {
        throw fail(`gave up restarting the implementation after ${this.#failedStarts} failed starts in a row`, 'crash');
      }
      try {
        const started = await this.#spawn();
        if (JSON.stringify(started.statement) !== JSON.stringify(this.#statement)) {
          this.#failedStarts++;
          await started.child.stop(0);
          throw fail(`the restarted implementation declared a different statement: ${excerpt(JSON.stringify(started.statement))} (first: ${excerpt(JSON.stringify(this.#statement))})`, 'protocol');
        }
        child = started.child;
        this.#child = child;
      } catch (e) {
        const err = e as ImplementationError;
        throw fail(`restarting the implementation (start #${this.#starts}) failed: ${err.message}`, err.fault);
      }
    }
    return child;
  }

  async #executeV1(child: Child, scenario: Scenario): Promise<Trace> {
    const id = child.nextId++;
    // Crash, timeout, garbage: #call drops the child; the next request starts a new one.
    const reply = await this.#call(child, { id, method: 'execute', scenario }, 'trace');
    if ('error' in reply) {
      const e = reply.error as { kind: string; message: string };
      throw fail(`the implementation answered request #${id} with an error reply: ${e.kind}: ${e.message}${child.stderrNote()}`, 'protocol');
    }
    const t = checkTraceEnvelope(reply.trace);
    if (!t.ok) {
      this.#child = undefined;
      await child.stop(0);
      throw fail(`bad reply to request #${id} (execute): ${t.problem}: ${excerpt(JSON.stringify(reply.trace) ?? 'undefined')}${child.stderrNote()}`, 'protocol');
    }
    // JSON from a program has no cycles or BigInts, but may nest past what the report writer can take.
    const deep = boundsProblem(t.trace, 'trace');
    if (deep) throw fail(`bad reply to request #${id} (execute): ${deep}${child.stderrNote()}`, 'protocol');
    return t.trace;
  }

  async #spawn(): Promise<{ child: Child; statement: Statement; batch: number | undefined }> {
    this.#starts++;
    let child: Child;
    try {
      child = new Child(this.argv, this.#opts);
    } catch (e) {
      this.#failedStarts++;
      throw fail(`the implementation could not be started (${(e as Error).message})`, 'crash');
    }
    try {
      const { statement, batch } = await hello(child, this.timeoutMs, this.#opts.framing !== 'json');
      this.#failedStarts = 0;
      return { child, statement, batch };
    } catch (e) {
      this.#failedStarts++;
      await child.stop(0);
      throw e;
    }
  }

  #commandText(): string {
    return `--impl ${JSON.stringify(this.argv.join(' '))}`;
  }
}

/** Starts the command and reads its statement; the caller must close() it. */
export async function startProcessImplementation(argv: string[], opts: ProcessOptions = {}): Promise<ProcessImplementation> {
  return new ProcessImplementation(argv, opts).start();
}
