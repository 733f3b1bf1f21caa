// One running child process of the out-of-process adapter: its spawn in its own process group,
// the JSON-lines (or, once hello agreed on it, CBOR frames: framing.ts) discipline on its pipes (one request and its reply or fault at a time, hardware
// requests served meanwhile, stderr tail), and its stop/kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { killAll, newToken, TOKEN_VAR } from './reap.ts';
import { ImplementationError } from '../contract.ts';
import { hwRequestOutsideOp, type HwHandler } from './served.ts';
import { checkReply, checkReplyLine, excerpt, excerptValue, type ReplyField, type Request } from './protocol.ts';
import type { ProcessOptions } from './options.ts';
import { live, unswept, installExitHook } from './sweep.ts';
import { CBOR_FRAMING, FrameReader, decodeFrame, encodeFrame, type Framing } from './framing.ts';
import { TRACE_BOUNDS } from '../../util/json-bounds.ts';

export type Fault = ImplementationError['fault'];
export type { ReplyField } from './protocol.ts';
export type Reply = Record<string, unknown> & { id: number | null };

export const fail = (message: string, fault: Fault): ImplementationError => new ImplementationError(message, fault);

const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)} s`;

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
export class Child {
  readonly proc: ChildProcess;
  readonly started = performance.now();
  nextId = 0;
  answered = 0;
  #waiter: Waiter | undefined;
  #stdout: Buffer[] = [];
  /** Set once hello agreed on CBOR frames: stdout is then cut into frames, not lines. */
  #frames: FrameReader | undefined;
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

  get framing(): Framing {
    return this.#frames ? CBOR_FRAMING : 'json';
  }

  /** After a hello reply that chose CBOR frames: every later message, both ways, is a frame. */
  useFrames(): void {
    if (this.#frames) return;
    this.#frames = new FrameReader(this.opts.maxLineBytes);
    // Bytes after the hello reply's line are already the first frame's.
    const rest = this.#stdout;
    this.#stdout = [];
    this.#stdoutBytes = 0;
    for (const chunk of rest) this.#onStdout(chunk);
  }

  #send(req: Request): void {
    this.proc.stdin!.write(this.#frames ? encodeFrame(req) : JSON.stringify(req) + '\n');
  }

  /** What an unfinished reply holds so far, for a message ('' when nothing). */
  #unfinished(): string {
    if (this.#frames) return this.#frames.partialNote();
    return this.#stdoutBytes > 0 ? excerpt(Buffer.concat(this.#stdout).toString('utf8')) : '';
  }

  /** Sends one request and waits for its reply (or a fault); `hw` serves hardware requests meanwhile. */
  request(req: Request, field: ReplyField, timeoutMs: number, hw?: HwHandler): Promise<Reply> {
    if (this.#idleFault) return Promise.reject(this.#idleFault);
    if (!this.alive) return Promise.reject(this.#deadFault(req));
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const u = this.#unfinished();
        const partial = u ? ` (it wrote an unfinished ${this.#frames ? 'frame' : 'line'}: ${u})` : '';
        this.#settle(fail(`no reply to request #${req.id} (${req.method}) within ${seconds(timeoutMs)}${partial}${this.stderrNote()}`, 'timeout'));
      }, timeoutMs);
      this.#waiter = { id: req.id, method: req.method, field, resolve, reject, timer, ...(hw ? { hw } : {}) };
      this.#send(req);
    });
  }

  /** Closes stdin (EOF means shutdown too), waits up to `graceMs`, then kills the group. */
  async stop(graceMs: number, shutdown?: Request): Promise<void> {
    if (this.#waiter) this.#settle(fail('the adapter was closed while a request was pending', 'crash'));
    if (this.alive && graceMs > 0) {
      if (shutdown) this.#send(shutdown);
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
    if (this.#frames) {
      for (const e of this.#frames.push(chunk)) {
        if ('frame' in e) this.#onFrame(e.frame);
        else this.#protocolFault(fail(`stdout frame of ${e.tooLong} bytes, more than ${this.opts.maxLineBytes}${this.stderrNote()}`, 'protocol'));
      }
      return;
    }
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
        this.#stdout = [];
        this.#stdoutBytes = 0;
        this.#protocolFault(fail(`stdout line longer than ${this.opts.maxLineBytes} bytes without a newline${this.stderrNote()}`, 'protocol'));
      }
    }
  }

  /** A stream that can no longer be read (too long, garbage): the pending request fails, or the next one. */
  #protocolFault(f: ImplementationError): void {
    if (this.#waiter) this.#settle(f);
    else this.#idleFault ??= f;
    this.kill();
  }

  /** One CBOR frame: the reply to the pending request, checked as a JSON line's would be. */
  #onFrame(body: Buffer): void {
    const w = this.#waiter;
    const d = decodeFrame(body, TRACE_BOUNDS.maxDepth);
    if (!d.ok) {
      this.#protocolFault(fail(`${w ? `bad reply to request #${w.id} (${w.method}): ` : `the implementation wrote while no request was pending (after ${this.answered} replies): `}${d.problem}${this.stderrNote()}`, 'protocol'));
      return;
    }
    if (!w) {
      this.#idleFault ??= fail(`the implementation wrote to stdout while no request was pending (after ${this.answered} replies): ${excerptValue(d.value)}${this.stderrNote()}`, 'protocol');
      return;
    }
    const r = checkReply(d.value, { id: w.id, field: w.field }, () => excerptValue(d.value));
    this.#settle(r.ok ? r.reply : fail(`bad reply to request #${w.id} (${w.method}): ${r.problem}${this.stderrNote()}`, 'protocol'));
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
    const u = this.#unfinished();
    const unfinished = u ? `; its last, unfinished stdout ${this.#frames ? 'frame' : 'line'}: ${u}` : '';
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
