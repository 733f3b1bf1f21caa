// The `io` observation of the nic and serial layers (spec/contract/README.md): one record per
// port access `{op, dir, port, width, value}`, with two compact forms an implementation may use
// so a long loop does not cost a record per access:
//   - `count`: the same access (same value) repeated, `{..., value, count}`;
//   - a folded loop: a block of accesses repeated with changing values,
//     `{op, block: [{dir, port, width}, ...], repeat: R, values: HEX}` — the block played R
//     times, HEX holding every access's value in order, `width` bytes each, big-endian.
// expandIo() turns any mix of these back into one record per access, checking the forms.
import type { Json } from './contract.ts';

export interface IoAccess {
  op: number;
  dir: string;
  port: number;
  width: number;
  value: number;
  [k: string]: Json;
}

const isObj = (x: unknown): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** One record per access, in order; throws an Error naming the record that breaks the format. */
export function expandIo(records: Json[], onlyOp?: number): IoAccess[] {
  const out: IoAccess[] = [];
  for (const [i, r] of records.entries()) {
    if (!isObj(r)) throw new Error(`io[${i}] must be an object`);
    if (onlyOp !== undefined && r['op'] !== onlyOp) continue;
    if (!('block' in r)) {
      const n = r['count'] ?? 1;
      if (!Number.isSafeInteger(n) || (n as number) < 1) throw new Error(`io[${i}].count must be a positive integer`);
      for (let k = 0; k < (n as number); k++) out.push(r as IoAccess);
      continue;
    }
    const block = r['block'];
    const repeat = r['repeat'];
    const values = r['values'];
    if (!Array.isArray(block) || !block.length || !block.every((b) => isObj(b) && typeof b['port'] === 'number' && typeof b['dir'] === 'string' && [1, 2, 4].includes(b['width'] as number)))
      throw new Error(`io[${i}].block must be a non-empty array of {dir, port, width}`);
    if (!Number.isSafeInteger(repeat) || (repeat as number) < 1) throw new Error(`io[${i}].repeat must be a positive integer`);
    const digits = (block as Array<Record<string, Json>>).reduce((n, b) => n + 2 * (b['width'] as number), 0);
    if (typeof values !== 'string' || !/^[0-9a-f]*$/i.test(values) || values.length !== digits * (repeat as number))
      throw new Error(`io[${i}].values must be ${digits * (repeat as number)} hex digits (${repeat} repeats of the block)`);
    let at = 0;
    for (let k = 0; k < (repeat as number); k++) {
      for (const b of block as Array<Record<string, Json>>) {
        const w = 2 * (b['width'] as number);
        out.push({ op: r['op'] as number, dir: b['dir'] as string, port: b['port'] as number, width: b['width'] as number, value: parseInt(values.slice(at, at + w), 16) });
        at += w;
      }
    }
  }
  return out;
}
