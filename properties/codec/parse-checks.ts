// Checks the parser properties share: a cut-short packet is exactly a 'truncated' error of the
// parser's truncation clause (not 'malformed', not a silently shorter parse); whatever a codec function
// refuses, it refuses with a typed error, never an exception (codec.errors.typed); and two parses
// compared as outcomes (bytes that must not matter, such as trailing or reserved bits).
import { errorKind, mustEqual, resultAt } from '../../src/runner/assert.ts';
import { Violation, type Checks } from '../../src/runner/property.ts';
import type { Json, Op, OpResult, Trace } from '../../src/iut/contract.ts';
import { toHex } from '../../src/util/bytes.ts';

export const ERRORS_TYPED = 'codec.errors.typed';

/** The error kinds codec.errors.typed allows (spec/contract/README.md); `internal` is a thrown exception. */
const TYPED_KINDS = ['truncated', 'malformed', 'too-large', 'invalid-argument', 'protocol'];

/** A failed result whose kind is not one of the typed kinds: codec.errors.typed's failure, no other clause's. */
export const untypedError = (r: OpResult): boolean => !r.ok && r.error.kind !== 'unsupported-op' && !TYPED_KINDS.includes(r.error.kind);

/** codec.errors.typed over results [from, from + count): each is a success or a typed error. */
export function checkTypedErrors(t: Checks, trace: Trace, from: number, count: number, what: string): void {
  for (let i = from; i < from + count; i++) {
    const r = resultAt(trace, i);
    t.check(ERRORS_TYPED, () => {
      if (r.ok) return;
      const kind = errorKind(r, `${what} (op #${i})`);
      if (!TYPED_KINDS.includes(kind!)) throw new Violation(`${what} (op #${i}): error kind '${kind}' is not a typed error (${r.error.message})`);
    });
  }
}

/**
 * `clause` for the i-th result, which must be an error of one of `kinds`. An untyped error is
 * left to codec.errors.typed (checkTypedErrors), so one broken rule fails one clause.
 */
export function checkRefused(t: Checks, clause: string, trace: Trace, i: number, what: string, kinds: string[]): void {
  const r = resultAt(trace, i);
  if (untypedError(r)) return;
  t.check(clause, () => {
    if (r.ok) throw new Violation(`${what}: expected an error (${kinds.join('|')}), got a result: ${JSON.stringify(r.value).slice(0, 200)}`);
    const kind = errorKind(r, what);
    if (!kinds.includes(kind!)) throw new Violation(`${what}: expected error kind ${kinds.join('|')}, got ${kind}: ${r.error.message}`);
  });
}

/** One parse op per prefix length in [0, upTo). */
export const truncationOps = (parseOp: string, packet: Uint8Array, upTo = packet.length): Op[] =>
  Array.from({ length: Math.min(upTo, packet.length) }, (_, k) => ({ op: parseOp, bytes: toHex(packet.slice(0, k)) }));

/**
 * Every prefix parse at results [from, from + count) is refused (`clause`) as 'truncated', the
 * kind every truncation clause names, with a typed error (codec.errors.typed); the first of
 * them is the packet cut to `firstCut` bytes.
 */
export function checkTruncations(t: Checks, clause: string, trace: Trace, count: number, what: string, from = 0, firstCut = 0): void {
  checkTypedErrors(t, trace, from, count, what);
  for (let k = 0; k < count; k++) checkRefused(t, clause, trace, from + k, `${what} cut to ${firstCut + k} bytes`, ['truncated']);
}

/** A result as two parses are compared: the value, or the error kind (unsupported-op is raised). */
const outcome = (r: OpResult, what: string): Json => (r.ok ? r.value : { error: errorKind(r, what) });

/**
 * `clause` is that bytes which must not matter (trailing bytes, reserved bits) do not: the parse
 * at result #other equals the parse of the bare packet at #bare. When the bare packet is itself
 * refused, that is another clause's failure and this case has nothing to say here.
 */
export function checkSameParse(t: Checks, clause: string, trace: Trace, bare: number, other: number, what: string): void {
  const b = resultAt(trace, bare);
  if (!b.ok && b.error.kind !== 'unsupported-op') return;
  t.check(clause, () => mustEqual(outcome(resultAt(trace, other), `${what} (op #${other})`), outcome(b, `bare packet (op #${bare})`), what));
}
