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
import { spawn, type ChildProcess } from 'node:child_process';
import { killAll, newToken, TOKEN_VAR } from './reap.ts';
import { jsonProblem, TRACE_BOUNDS } from '../../util/json-bounds.ts';
import { CONTRACT_VERSION, ImplementationError, type Implementation, type Scenario, type Statement, type Trace } from '../contract.ts';
import { servedLink, helloVersions, hwRequestOutsideOp, type HwHandler } from './served.ts';
import { SERVED_LAYERS, executeServed } from '../served/executors.ts';
import { loadProfile } from '../../spec/profile.ts';
import {
  PROTOCOL_VERSION,
  checkReplyLine,
  checkStatement,
  checkTraceEnvelope,
  excerpt,
  type Request,
} from './protocol.ts';
import { BATCH_METHOD, batchLimitOf, checkBatchTraces, inChunks, type BatchExecutor } from './batch.ts';

export interface ProcessOptions {
  /** Per-request timeout in ms, hello included (default 10 000). */
  timeoutMs?: number;
  /** How many of the last stderr lines are kept and attached to errors (default 20). */
  stderrLines?: number;
  /** How long the child may take to exit after shutdown before it is killed (default 1 000 ms). */
  shutdownGraceMs?: number;
  /** Largest stdout line accepted, in bytes (default 64 MiB). */
  maxLineBytes?: number;
  /** Consecutive failed starts after which the adapter gives up (default 3). */
  maxFailedStarts?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Sees every stderr line as it arrives (e.g. to pass it through). */
  onStderr?(line: string): void;
  /** Protocol 2: hardware requests allowed per op (default: the profile's servedRequestsPerOp). */
  servedRequestsPerOp?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

type Fault = ImplementationError['fault'];
type ReplyField = 'statement' | 'trace' | 'ok' | 'traces' | 'result';
type Reply = Record<string, unknown> & { id: number | null };

const fail = (message: string, fault: Fault): ImplementationError => new ImplementationError(message, fault);

const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)} s`;

// Children still running when this process exits (or is interrupted) are killed with it, and
// with them whatever they started (reap.ts): no orphans even when a caller forgets close(), the
// run ends by an exception, or by Ctrl-C.
const live = new Set<Child>();
/** Tokens of children that exited: their descendants may still run until swept. */
const unswept = new Set<string>();
let exitHookInstalled = false;
function sweepAll(): void {
  for (const c of live) c.kill();
  for (const t of unswept) killAll(undefined, t);
}
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', sweepAll);
  // Children run in their own process group (so a group kill also reaches what they start), so
  // a Ctrl-C at the terminal does not reach them: pass SIGINT/SIGTERM on, then let the signal
  // do to this process what it would have done.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      sweepAll();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** How long after an exit the pipes may still deliver output before they are given up (a descendant may hold them forever). */
const PIPE_DRAIN_MS = 200;
/** How long after stdout closes the child may take to exit before that counts as the fault itself. */
const STDOUT_CLOSE_GRACE_MS = 200;

interface Waiter {
  id: number;
  method: string;
  field: ReplyField;
  resolve(r: Reply): void;
  reject(e: ImplementationError): void;
  timer: NodeJS.Timeout;
  /** Protocol 2: answers the hardware requests that arrive while this (op) request waits. */
  hw?: HwHandler;
}

/** One running child process and the line discipline on its pipes. */
class Child {
  readonly proc: ChildProcess;
  readonly started = performance.now();
  nextId = 0;
  answered = 0;
  #waiter: Waiter | undefined;
  #stdout: Buffer[] = [];
  #stdoutBytes = 0;
  #stderrTail: string[] = [];
  #stderrPartial = '';
  #stderrCount = 0;
  /** What went wrong while no request was pending; the next request fails with it. */
  #idleFault: ImplementationError | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #exited = false;
  /** Marks this child's processes (reap.ts). */
  readonly token = newToken();
  #spawnError: Error | undefined;
  readonly closed: Promise<void>;

  constructor(
    readonly argv: string[],
    readonly opts: Required<Pick<ProcessOptions, 'stderrLines' | 'maxLineBytes'>> & ProcessOptions,
  ) {
    this.proc = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      env: { ...(opts.env ?? process.env), [TOKEN_VAR]: this.token },
    });
    live.add(this);
    unswept.add(this.token);
    installExitHook();
    this.proc.stdout!.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    this.proc.stdout!.on('end', () => this.#onStdoutEnd());
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (s: string) => this.#onStderr(s));
    for (const s of [this.proc.stdin!, this.proc.stdout!, this.proc.stderr!]) {
      s.on('error', () => {
        /* EPIPE when the child is gone: reported through the exit */
      });
    }
    this.closed = new Promise((resolve) => {
      this.proc.on('error', (e) => {
        this.#spawnError = e;
        // A spawn failure emits no 'close' on some platforms; settle here too.
        if (this.proc.pid === undefined) this.#onClose(null, null, resolve);
      });
      // 'exit', not 'close': 'close' waits for the pipes, which a descendant may hold forever.
      // Output still in the pipes gets PIPE_DRAIN_MS to arrive, then the pipes are destroyed.
      this.proc.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        this.#exited = true;
        live.delete(this);
        const finish = (): void => {
          clearTimeout(timer);
          this.#onClose(code, signal, resolve);
          this.#destroyPipes();
        };
        const timer = setTimeout(finish, PIPE_DRAIN_MS);
        this.proc.once('close', finish);
      });
    });
  }

  get alive(): boolean {
    return this.#exit === undefined && !this.#exited && this.#spawnError === undefined;
  }

  get busy(): boolean {
    return this.#waiter !== undefined;
  }

  /** The last stderr lines, ready to append to a message ('' when there were none). */
  stderrNote(): string {
    const lines = [...this.#stderrTail, ...(this.#stderrPartial ? [this.#stderrPartial] : [])];
    if (lines.length === 0) return '';
    const total = this.#stderrCount + (this.#stderrPartial ? 1 : 0);
    const head = total > lines.length ? `last ${lines.length} of ${total} stderr lines` : `stderr`;
    return `\n  ${head}:\n${lines.map((l) => `    | ${l}`).join('\n')}`;
  }

  stderrLines(): string[] {
    return [...this.#stderrTail];
  }

  /** Sends one request and waits for its reply (or a fault); `hw` serves hardware requests meanwhile. */
  request(req: Request, field: ReplyField, timeoutMs: number, hw?: HwHandler): Promise<Reply> {
    if (this.#idleFault) return Promise.reject(this.#idleFault);
    if (!this.alive) return Promise.reject(this.#deadFault(req));
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const partial = this.#stdoutBytes > 0 ? ` (it wrote an unfinished line: ${excerpt(Buffer.concat(this.#stdout).toString('utf8'))})` : '';
        this.#settle(fail(`no reply to request #${req.id} (${req.method}) within ${seconds(timeoutMs)}${partial}${this.stderrNote()}`, 'timeout'));
      }, timeoutMs);
      this.#waiter = { id: req.id, method: req.method, field, resolve, reject, timer, ...(hw ? { hw } : {}) };
      this.proc.stdin!.write(JSON.stringify(req) + '\n');
    });
  }

  /** Closes stdin (EOF means shutdown too), waits up to `graceMs`, then kills the group. */
  async stop(graceMs: number, shutdown?: Request): Promise<void> {
    if (this.#waiter) this.#settle(fail('the adapter was closed while a request was pending', 'crash'));
    if (this.alive && graceMs > 0) {
      if (shutdown) this.proc.stdin!.write(JSON.stringify(shutdown) + '\n');
      this.proc.stdin!.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.closed, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    this.kill();
    await Promise.race([this.closed, new Promise<void>((r) => setTimeout(r, 1000).unref())]);
    // What the child started may outlive it (setsid, re-parented): sweep by token, then let go of the pipes.
    killAll(undefined, this.token);
    unswept.delete(this.token);
    this.#destroyPipes();
  }

  /** Kills the child, its process group, its process tree and everything carrying its token. */
  kill(): void {
    killAll(this.#exited || this.proc.pid === undefined ? undefined : this.proc.pid, this.token);
  }

  #destroyPipes(): void {
    for (const s of [this.proc.stdin, this.proc.stdout, this.proc.stderr]) s?.destroy();
  }

  /** stdout closed while the child runs on: no reply can come any more. An exit right after is reported as the exit. */
  #onStdoutEnd(): void {
    if (!this.alive) return;
    setTimeout(() => {
      if (!this.alive) return;
      const what = 'the implementation closed its stdout (no reply can come any more) but kept running';
      const w = this.#waiter;
      if (w) this.#settle(fail(`${what}, while executing request #${w.id} (${w.method}), after ${this.answered} replies${this.stderrNote()}`, 'crash'));
      else this.#idleFault ??= fail(`${what}, while no request was pending, after ${this.answered} replies${this.stderrNote()}`, 'crash');
      this.kill();
    }, STDOUT_CLOSE_GRACE_MS).unref();
  }

  #settle(outcome: Reply | ImplementationError): void {
    const w = this.#waiter;
    if (!w) return;
    this.#waiter = undefined;
    clearTimeout(w.timer);
    if (outcome instanceof ImplementationError) w.reject(outcome);
    else {
      this.answered++;
      w.resolve(outcome);
    }
  }

  #onStdout(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.#stdout.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.#stdout).toString('utf8').replace(/\r$/, '');
      this.#stdout = [];
      this.#stdoutBytes = 0;
      start = nl + 1;
      this.#onLine(line);
    }
    if (start < chunk.length) {
      this.#stdout.push(chunk.subarray(start));
      this.#stdoutBytes += chunk.length - start;
      if (this.#stdoutBytes > this.opts.maxLineBytes) {
        const f = fail(`stdout line longer than ${this.opts.maxLineBytes} bytes without a newline${this.stderrNote()}`, 'protocol');
        this.#stdout = [];
        this.#stdoutBytes = 0;
        if (this.#waiter) this.#settle(f);
        else this.#idleFault ??= f;
        this.kill();
      }
    }
  }

  #onLine(line: string): void {
    if (line.trim() === '') return; // blank lines carry nothing; tolerated
    const w = this.#waiter;
    // Protocol 2: a hardware request is answered while an op waits, a fault at any other time.
    const served = w?.hw ? w.hw(line) : hwRequestOutsideOp(line, w?.method, this.answered);
    if (typeof served === 'string') {
      this.proc.stdin!.write(served + '\n');
      return;
    }
    if (served) {
      const f = fail(`${served.message}${this.stderrNote()}`, 'protocol');
      if (w) this.#settle(f);
      else this.#idleFault ??= f;
      return;
    }
    if (!w) {
      // Output nobody asked for: the stream is no longer trustworthy. The next request fails.
      this.#idleFault ??= fail(`the implementation wrote to stdout while no request was pending (after ${this.answered} replies): ${excerpt(line)}${this.stderrNote()}`, 'protocol');
      return;
    }
    const r = checkReplyLine(line, { id: w.id, field: w.field });
    if (!r.ok) {
      this.#settle(fail(`bad reply to request #${w.id} (${w.method}): ${r.problem}${this.stderrNote()}`, 'protocol'));
      return;
    }
    this.#settle(r.reply);
  }

  #onStderr(s: string): void {
    const parts = (this.#stderrPartial + s).split('\n');
    this.#stderrPartial = parts.pop()!.slice(-2000);
    for (const raw of parts) {
      const line = raw.replace(/\r$/, '');
      this.#stderrCount++;
      this.opts.onStderr?.(line);
      this.#stderrTail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (this.#stderrTail.length > this.opts.stderrLines) this.#stderrTail.shift();
    }
  }

  #onClose(code: number | null, signal: NodeJS.Signals | null, resolve: () => void): void {
    if (this.#exit) return;
    this.#exit = { code, signal };
    live.delete(this);
    const unfinished = this.#stdoutBytes > 0 ? `; its last, unfinished stdout line: ${excerpt(Buffer.concat(this.#stdout).toString('utf8'))}` : '';
    const w = this.#waiter;
    if (w) this.#settle(fail(`${this.#exitText()} while executing request #${w.id} (${w.method}), after ${this.answered} replies${unfinished}${this.stderrNote()}`, 'crash'));
    else this.#idleFault ??= fail(`${this.#exitText()} while no request was pending, after ${this.answered} replies${unfinished}${this.stderrNote()}`, 'crash');
    resolve();
  }

  #exitText(): string {
    if (this.#spawnError) return `the implementation could not be started (${this.#spawnError.message})`;
    const e = this.#exit!;
    return e.signal ? `the implementation was killed by ${e.signal}` : `the implementation exited with code ${e.code}`;
  }

  #deadFault(req: Request): ImplementationError {
    return fail(`${this.#exitText()} before request #${req.id} (${req.method})${this.stderrNote()}`, 'crash');
  }
}

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
        return await executeServed(scenario, profile, this.#statement, servedLink(child, this.timeoutMs, this.#opts.servedRequestsPerOp ?? profile.limits.servedRequestsPerOp));
      } catch (e) {
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
    const deep = jsonProblem(t.trace, TRACE_BOUNDS, 'trace');
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
      // Offer the newest version; one that refuses it as unsupported is offered the older ones.
      let reply: Reply | undefined;
      let offered = PROTOCOL_VERSION;
      for (const v of helloVersions()) {
        offered = v;
        reply = await child.request({ id: child.nextId++, method: 'hello', protocol: v, contract: CONTRACT_VERSION }, 'statement', this.timeoutMs);
        if (!('error' in reply) || (reply.error as { kind?: unknown }).kind !== 'unsupported-version') break;
      }
      if ('error' in reply!) {
        const e = reply.error as { kind: string; message: string };
        throw fail(`the implementation refused hello: ${e.kind}: ${e.message}${child.stderrNote()}`, 'protocol');
      }
      const spoken = reply!.protocol;
      if (typeof spoken !== 'number' || !Number.isInteger(spoken) || spoken < 1 || spoken > offered) {
        throw fail(`the implementation speaks protocol ${JSON.stringify(spoken)}; this runner speaks 1..${PROTOCOL_VERSION} and offered ${offered}${child.stderrNote()}`, 'protocol');
      }
      const s = checkStatement(reply!.statement);
      if (!s.ok) throw fail(`bad hello reply: ${s.problem}${child.stderrNote()}`, 'protocol');
      const batch = batchLimitOf(reply!);
      if (typeof batch === 'object') throw fail(`${batch.problem}${child.stderrNote()}`, 'protocol');
      if (s.statement.hardware === 'served' && spoken < 2) throw fail(`bad hello reply: statement.hardware "served" needs protocol 2, the implementation speaks ${spoken}${child.stderrNote()}`, 'protocol');
      this.#failedStarts = 0;
      return { child, statement: s.statement, batch };
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
