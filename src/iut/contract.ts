// The implementation-under-test contract (v1): one shape for the reference, for in-process
// modules and for out-of-process programs. Scenarios and traces are plain JSON data (bytes
// as lowercase hex) so they cross a process boundary unchanged: one round trip per test case.

export const CONTRACT_VERSION = 1;

export const LAYERS = ['codec', 'slip', 'nic', 'serial', 'kernel'] as const;
export type Layer = (typeof LAYERS)[number];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What an implementation declares about itself (the PICS of protocol conformance testing). */
export interface Statement {
  name: string;
  version: string;
  /** Profile the implementation claims to follow, e.g. 'seed'. */
  profile: string;
  /** Layers it implements; properties of other layers are reported as skipped. */
  layers: Layer[];
  /**
   * Optional features it implements (spec/features.json); clauses needing another are skipped.
   * Absent: every feature of its layers.
   */
  features?: string[];
  /**
   * It follows the suite's decisions (clauses of kind `decision`): then a decision it does not
   * meet fails the run like a requirement. Otherwise decision differences are reported apart
   * and never fail the run.
   */
  followsDecisions?: boolean;
  /** Free options that reach the scenarios, e.g. { mac: '525400123456', ip: '0a000002' }. */
  options?: Record<string, Json>;
  /**
   * 'served': the implementation brings only software for the hardware layers (nic, serial,
   * kernel); r2net keeps the machine and answers its port I/O and guest-memory requests
   * (protocol version 2, spec/contract/protocol.md). Absent: it brings its own hardware.
   */
  hardware?: 'served';
  /**
   * Set by r2net, never by an implementation: the devices under its nic and serial layers are
   * not our models but QEMU's (`r2net run --hardware qemu`). Clauses QEMU cannot show are
   * skipped; a failure that is a recorded difference (spec/hardware/qemu.json) passes against it.
   */
  backend?: { name: 'qemu'; version: string };
}

/** One operation of a scenario: `op` names it, the other fields are its arguments. */
export interface Op {
  op: string;
  [arg: string]: Json;
}

export interface Scenario {
  layer: Layer;
  ops: Op[];
}

/** An error an implementation reports as data (never an exception). */
export interface TraceError {
  kind: string;
  where?: string;
  message: string;
}

export type OpResult = { ok: true; value: Json } | { ok: false; error: TraceError };

export interface Trace {
  /** One entry per scenario op, in order. */
  results: OpResult[];
  /** Layer-specific observations (frames on the wire, serial line bytes, counters, snapshot). */
  observations?: Record<string, Json>;
}

export interface Implementation {
  statement: Statement;
  execute(scenario: Scenario): Trace | Promise<Trace>;
  /** Releases resources (child processes). Optional. */
  close?(): void | Promise<void>;
}

/** Raised by adapters when an implementation misbehaves (crash, garbage, timeout). */
export class ImplementationError extends Error {
  constructor(
    message: string,
    /** 'not-applicable': the hardware backend cannot build this case's machine (the case is not counted). */
    readonly fault: 'crash' | 'timeout' | 'protocol' | 'load' | 'not-applicable' = 'protocol',
  ) {
    super(message);
    this.name = 'ImplementationError';
  }
}

export function isImplementation(x: unknown): x is Implementation {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Partial<Implementation>;
  return typeof c.execute === 'function' && typeof c.statement === 'object' && c.statement !== null && Array.isArray(c.statement.layers);
}
