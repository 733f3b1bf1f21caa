// One line for a differential divergence: where the traces part and the two values there.
import type { Divergence } from '../runner/differential.ts';

const clip = (v: unknown): string => {
  const s = v === undefined ? '(nothing)' : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
};

export function describeDivergence(d: Divergence): string {
  const where = d.opIndex === null ? d.path : `op #${d.opIndex} (${d.scenario.ops[d.opIndex]?.op ?? '?'}) at ${d.path}`;
  const at = d.byteOffset !== undefined ? `, first differing byte ${d.byteOffset}` : '';
  return `${where}${at}: implementation ${clip(d.implementation)}, reference ${clip(d.reference)}`;
}
