// Shared rule for every parser: a cut-short packet is a typed error ('truncated' or
// 'malformed'), never an exception ('internal') and never a silently shorter parse.
import { mustFail } from '../../src/runner/assert.ts';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { toHex } from '../../src/util/bytes.ts';

/** One parse op per prefix length in [0, upTo). */
export const truncationOps = (parseOp: string, packet: Uint8Array, upTo = packet.length): Op[] =>
  Array.from({ length: Math.min(upTo, packet.length) }, (_, k) => ({ op: parseOp, bytes: toHex(packet.slice(0, k)) }));

export function checkAllTruncationsFail(trace: Trace, count: number, what: string, from = 0): void {
  for (let k = 0; k < count; k++) mustFail(trace, from + k, `${what} cut to ${k} bytes`, ['truncated', 'malformed']);
}
