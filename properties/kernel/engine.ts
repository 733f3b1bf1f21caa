// The model-based runs of the kernel properties, in one round trip per test case:
//
//   1. fast-check generates a setup and a command list (fc.commands);
//   2. scenario(): the commands run over the model with a Planner as the "real" system: each
//      command appends its ops (spawn, syscall, poke, inject, tick, peek, snapshot...), so the
//      whole run becomes ONE scenario;
//   3. check(): the same commands run again (fc.modelRun) over a fresh model with a Cursor over
//      the trace as the "real" system: each command takes its own results from the cursor and
//      compares them with what the model says the clauses require.
//
// Every comparison names the clause it checks (the first of its list the property enforces is
// the one it fails and counts as observed), and a property only enforces the clauses it lists —
// so a failure is reported against the rule that broke. A failed comparison ends the case (a
// `step`): the model and the implementation no longer agree on the state, so every later
// comparison would differ too. fast-check shrinks the command list, so a counterexample is a
// handful of ops.
import fc from 'fast-check';
import type { Json, Op, OpResult, Trace } from '../../src/iut/contract.ts';
import { defineProperty, Unsupported, Violation, type Checks, type PropertyContext, type PropertyDef } from '../../src/runner/property.ts';
import { resultAt } from '../../src/runner/assert.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { Model, type Copy, type MFrame } from './model.ts';

export interface WireObs {
  op: number;
  frame: Uint8Array;
}

/** What a read handed a process: 0x35 (or a resumed blocking 0x35) and the bytes peeked after it. */
export interface Receipt {
  at: number;
  copy: Copy;
  got: Uint8Array;
}

export interface BindRecord {
  at: number;
  pid: number;
  port: number;
  result: unknown;
}

export interface EngineConfig {
  /** Clauses the property enforces. */
  clauses: readonly string[];
  /** A registry snapshot after every bind. */
  bindSnapshots?: boolean;
  /** A queue/NET_FRAME_BUF snapshot after every 0x34. */
  snapshotAfterSend?: boolean;
  /** An accounting snapshot after every command. */
  countersAfterEach?: boolean;
  /** Near-end pointers and copies past the window. */
  nearEnd?: boolean;
}

/** The "real" system as the commands see it: a Planner while building the scenario, a Cursor while checking the trace. */
export abstract class Real {
  abstract readonly plan: boolean;
  abstract readonly pos: number;
  /** The runner's per-clause record (check mode); without it a failed comparison throws a Violation. */
  checks: Checks | null = null;
  /** The first op the implementation answered unsupported-op: no later comparison holds or is shown. */
  unsupported: string | null = null;
  readonly receipts: Receipt[] = [];
  readonly binds: BindRecord[] = [];
  /** Runs after every command (the accounting snapshot of the accounting property). */
  afterEach: ((m: Model, r: Real) => void) | null = null;
  constructor(
    readonly cfg: EngineConfig,
    readonly ctx: PropertyContext,
  ) {}
  /** Plan: appends the ops, returns null. Check: returns their results (one per op). */
  abstract take(ops: Op[]): OpResult[] | null;
  wants(clauses: string | readonly string[]): boolean {
    const list = typeof clauses === 'string' ? [clauses] : clauses;
    return list.some((c) => this.cfg.clauses.includes(c));
  }
  /**
   * One comparison, of the first of `clauses` the property enforces: fails that clause (and ends
   * the case) when `ok` is false. After an op answered unsupported-op nothing holds or is shown:
   * the model's state no longer says what the trace should be (a hazard is then not shown, any
   * other clause is declared but unsupported).
   */
  ck(clauses: string | readonly string[], ok: boolean, message: () => string): void {
    if (this.plan) return;
    const clause = (typeof clauses === 'string' ? [clauses] : clauses).find((c) => this.cfg.clauses.includes(c));
    if (clause === undefined) return;
    const judge = (): void => {
      if (this.unsupported !== null) throw new Unsupported(this.unsupported);
      if (!ok) throw new Violation(`${message()} [${clause}]`);
    };
    if (this.checks) this.checks.step(clause, judge);
    else judge();
  }
  wireOf(_op: number): WireObs[] {
    return [];
  }
  serialOf(_op: number): Uint8Array {
    return new Uint8Array();
  }
}

export class Planner extends Real {
  readonly plan = true;
  readonly ops: Op[] = [];
  get pos(): number {
    return this.ops.length;
  }
  take(ops: Op[]): null {
    this.ops.push(...ops);
    return null;
  }
}

export class Cursor extends Real {
  readonly plan = false;
  private at = 0;
  private readonly wire: WireObs[];
  private readonly serial: { op: number; bytes: Uint8Array }[];
  constructor(
    readonly trace: Trace,
    cfg: EngineConfig,
    ctx: PropertyContext,
  ) {
    super(cfg, ctx);
    const obs = trace.observations ?? {};
    const w = Array.isArray(obs.wire) ? obs.wire : [];
    this.wire = w.flatMap((x) => (isObj(x) && typeof x.op === 'number' && typeof x.frame === 'string' ? [{ op: x.op, frame: fromHex(x.frame) ?? new Uint8Array() }] : []));
    const s = Array.isArray(obs.serial) ? obs.serial : [];
    this.serial = s.flatMap((x) => (isObj(x) && typeof x.op === 'number' && typeof x.bytes === 'string' ? [{ op: x.op, bytes: fromHex(x.bytes) ?? new Uint8Array() }] : []));
  }
  get pos(): number {
    return this.at;
  }
  take(ops: Op[]): OpResult[] {
    return ops.map((op) => {
      const at = this.at++;
      const r = resultAt(this.trace, at);
      // A syscall rou2exOS defines outside the modelled ABI answered unsupported-op is the
      // documented out-of-scope answer (kernel.syscall.undefined-numbers), not a missing op.
      if (!r.ok && r.error.kind === 'unsupported-op' && this.unsupported === null && !outOfScopeOp(op, this.ctx)) this.unsupported = `op #${at} (${op.op}) was answered unsupported-op`;
      return r;
    });
  }
  override wireOf(op: number): WireObs[] {
    return this.wire.filter((w) => w.op === op);
  }
  override serialOf(op: number): Uint8Array {
    return Uint8Array.from(this.serial.filter((s) => s.op === op).flatMap((s) => [...s.bytes]));
  }
  finalSnapshot(): Record<string, Json> | null {
    const s = this.trace.observations?.snapshot;
    return isObj(s) ? s : null;
  }
}

/** A syscall op whose number rou2exOS defines outside the modelled network ABI (spec data: the profile). */
export function outOfScopeOp(op: Op, ctx: PropertyContext): boolean {
  return op.op === 'syscall' && typeof op.no === 'number' && ctx.profile.syscalls.definedNotModelled.includes(op.no);
}

/** The documented out-of-scope answer: the op error unsupported-op. */
export const isOutOfScopeAnswer = (r: OpResult | undefined): boolean => r !== undefined && !r.ok && r.error.kind === 'unsupported-op';

export const isObj = (x: unknown): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The value of a result as a plain object, or null (a failed op, or not an object). */
export function valueOf(r: OpResult | undefined): Record<string, Json> | null {
  return r && r.ok && isObj(r.value) ? r.value : null;
}

/** How a result reads in a message. */
export function showResult(r: OpResult | undefined): string {
  if (!r) return 'no result';
  if (!r.ok) return `error ${r.error.kind}: ${r.error.message}`;
  return JSON.stringify(r.value);
}

export const short = (b: Uint8Array, n = 24): string => (b.length > n ? `${toHex(b.subarray(0, n))}… (${b.length} bytes)` : `${toHex(b)} (${b.length} bytes)`);

/** A command of the model-based runs: it appends its ops and checks its results. */
export abstract class KCmd implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    if (r === MARK) return;
    this.exec(m, r);
    r.afterEach?.(m, r);
  }
  abstract exec(m: Model, r: Real): void;
  abstract toString(): string;
}

export interface Setup {
  mac: number[];
  ip: number[];
  /** Processes spawned up front. */
  procs: number;
  /** Process 1 registers as the global driver up front. */
  driver: boolean;
}

export const setupArb = (o: { minProcs?: number; maxProcs?: number; driver?: boolean | 'random' } = {}): fc.Arbitrary<Setup> =>
  fc.record({
    // A locally administered unicast MAC (never all zero, so caching it is visible).
    mac: fc.tuple(fc.constant(0x02), fc.uint8Array({ minLength: 5, maxLength: 5 })).map(([a, rest]) => [a, ...rest]),
    ip: fc.constant([10, 0, 0, 1]),
    procs: fc.integer({ min: o.minProcs ?? 1, max: o.maxProcs ?? 3 }),
    driver: o.driver === undefined || o.driver === 'random' ? fc.boolean() : fc.constant(o.driver),
  });

export interface ModelPropertyDef {
  id: string;
  title: string;
  clauses: string[];
  setup: (ctx: PropertyContext) => fc.Arbitrary<Setup>;
  commands: (ctx: PropertyContext, cfg: EngineConfig) => fc.Arbitrary<KCmd>;
  maxCommands: number;
  cfg?: Omit<EngineConfig, 'clauses'>;
  /** Runs after the generated commands, in both modes (e.g. draining every queue). */
  finish?: (m: Model, r: Real) => void;
  /** Checks at the end, over the whole trace (check mode only). */
  audit?: (m: Model, r: Cursor) => void;
  /** Runs before the generated commands, after the boot/spawn/driver prologue. */
  prologue?: (m: Model, r: Real) => void;
  runsFactor?: number;
}

/**
 * The generated command list as the input: its enumerable part is what a person reads in a
 * report (one line per command); the fast-check iterable that runs and shrinks rides along,
 * not enumerable, so reports and comparisons see plain data.
 *
 * Two adjustments make shrinking and replay work with a run that is planned first and checked
 * afterwards. fast-check shrinks only the commands marked as run, and replays a path without
 * running anything, so every command is marked as run as soon as the list exists (the marking
 * run does nothing): the shrink tree then depends on the list alone, and `r2net replay --seed
 * --path` walks it exactly. fast-check's shrinker also always keeps the LAST command of a list;
 * here the last generated command is a sentinel that is never planned or checked, so what a
 * shrunk counterexample keeps at its end is invisible.
 */
export interface CommandList {
  commands: string[];
}
const ITERABLE = Symbol('commands');
type Iter = Iterable<fc.Command<Model, Real>>;
/** The "real system" of the marking run. */
const MARK = Object.freeze({}) as unknown as Real;

function commandList(iter: Iter, sentinel = true): CommandList {
  const all = [...iter];
  for (const c of all) c.run(null as unknown as Model, MARK);
  const used = sentinel ? all.slice(0, -1) : all;
  const o: CommandList = { commands: used.map((c) => String(c)) };
  Object.defineProperty(o, ITERABLE, { value: used, enumerable: false });
  Object.defineProperty(o, fc.cloneMethod, { value: () => commandList(fc.hasCloneMethod(iter) ? iter[fc.cloneMethod]() : iter, sentinel), enumerable: false });
  return o;
}
/** An input made of given commands (tests, replays by hand). */
export const inputOf = (setup: Setup, cmds: KCmd[]): [Setup, CommandList] => [setup, commandList(cmds, false)];

const iterOf = (l: CommandList): Iter => (l as unknown as Record<symbol, Iter>)[ITERABLE] ?? [];

type Input = [Setup, CommandList];

/** Builds a PropertyDef whose scenario is the planned command run and whose check replays it over the trace. */
export function modelProperty(d: ModelPropertyDef, cmds: { boot: BootLike; spawn: () => KCmd; register: (pid: number) => KCmd; counters: () => KCmd }): PropertyDef {
  const cfgOf = (): EngineConfig => ({ ...(d.cfg ?? {}), clauses: d.clauses });
  const play = (input: Input, ctx: PropertyContext, r: Real): Model => {
    const [setup, list] = input;
    const m = new Model(ctx.limits, ctx.defaults, Uint8Array.from(setup.mac), Uint8Array.from(setup.ip), ctx.profile.syscalls.definedNotModelled);
    if (d.cfg?.countersAfterEach) r.afterEach = (mm, rr) => cmds.counters().exec(mm, rr);
    cmds.boot(m, r, setup);
    for (let i = 0; i < setup.procs; i++) cmds.spawn().run(m, r);
    if (setup.driver) cmds.register(m.procs[0]?.pid ?? 1).run(m, r);
    d.prologue?.(m, r);
    fc.modelRun(() => ({ model: m, real: r }), iterOf(list));
    d.finish?.(m, r);
    return m;
  };
  return defineProperty<Input>({
    id: d.id,
    title: d.title,
    layer: 'kernel',
    clauses: d.clauses,
    arbitrary: (ctx) =>
      fc.tuple(
        d.setup(ctx),
        fc.commands([d.commands(ctx, cfgOf())], { maxCommands: d.maxCommands + 1, size: 'max' }).map((iter) => commandList(iter)),
      ),
    scenario: (input, ctx) => {
      const p = new Planner(cfgOf(), ctx);
      play(input, ctx, p);
      return p.ops;
    },
    check: (input, trace, ctx, t) => {
      const c = new Cursor(trace, cfgOf(), ctx);
      c.checks = t;
      const m = play(input, ctx, c);
      d.audit?.(m, c);
    },
    ...(d.runsFactor !== undefined ? { runsFactor: d.runsFactor } : {}),
  });
}

export type BootLike = (m: Model, r: Real, setup: Setup) => void;

/** Frames a model names in messages: "frame #2 (60-byte ARP request, offered at op #3)". */
export function frameLabel(f: MFrame, describe: (b: Uint8Array) => string): string {
  const where = f.origin === 'wire' ? `offered on the wire at op #${f.op}` : `looped back by the 0x34 at op #${f.op}`;
  return `frame #${f.n} (${describe(f.bytes)}, ${where})`;
}
