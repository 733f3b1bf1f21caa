// Builds the `io` observation of the serial layer in its compact forms (src/iut/io-format.ts):
// an access equal to the one before adds to its `count`; a loop — the same block of up to
// MAX_BLOCK accesses played again and again with changing values, as the receive loop's
// LSR poll + RBR read for every byte fed to the UART — folds into one record once it has
// repeated MIN_REPEATS times. Memory stays proportional to the records, not to the bytes.
import type { Json } from '../contract.ts';
import type { IoAccess } from '../io-format.ts';

const MAX_BLOCK = 4;
const MIN_REPEATS = 8;

type Shape = { dir: string; port: number; width: number };
const sameShape = (a: Shape, b: Shape): boolean => a.dir === b.dir && a.port === b.port && a.width === b.width;
const hexOf = (a: IoAccess): string => (a.value >>> 0).toString(16).padStart(2 * a.width, '0').slice(-2 * a.width);

export class IoLog {
  readonly records: Array<Record<string, Json>> = [];
  /** Accesses not yet written out, newest last (at most 2 * MAX_BLOCK, or a loop being folded). */
  #pending: IoAccess[] = [];
  #fold: { op: number; block: Shape[]; values: string[]; repeat: number; partial: IoAccess[] } | undefined;

  push(a: IoAccess): void {
    const f = this.#fold;
    if (f) {
      const next = f.block[f.partial.length]!;
      if (a.op === f.op && sameShape(a, next)) {
        f.partial.push(a);
        if (f.partial.length === f.block.length) {
          f.values.push(f.partial.map(hexOf).join(''));
          f.repeat++;
          f.partial = [];
        }
        return;
      }
      this.#closeFold();
    }
    this.#pending.push(a);
    this.#tryFold();
    if (!this.#fold && this.#pending.length > 2 * MAX_BLOCK) this.#plain(this.#pending.shift()!);
  }

  /** Writes out everything (call at the end of each op and of the scenario). */
  flush(): void {
    this.#closeFold();
    for (const a of this.#pending) this.#plain(a);
    this.#pending = [];
  }

  /** The last 2k pending accesses are one block of k played twice (same op, same shapes): start a fold. */
  #tryFold(): void {
    const p = this.#pending;
    for (let k = 1; k <= MAX_BLOCK && 2 * k <= p.length; k++) {
      const first = p.slice(p.length - 2 * k, p.length - k);
      const second = p.slice(p.length - k);
      if (!first.every((a, i) => a.op === p[p.length - 1]!.op && sameShape(a, second[i]!) && a.op === second[i]!.op)) continue;
      // Equal values repeated one by one stay `count` records (the simpler form).
      if (k === 1 && first[0]!.value === second[0]!.value) continue;
      for (const a of p.slice(0, p.length - 2 * k)) this.#plain(a);
      this.#pending = [];
      this.#fold = { op: first[0]!.op, block: first.map((a) => ({ dir: a.dir, port: a.port, width: a.width })), values: [first.map(hexOf).join(''), second.map(hexOf).join('')], repeat: 2, partial: [] };
      return;
    }
  }

  #closeFold(): void {
    const f = this.#fold;
    if (!f) return;
    this.#fold = undefined;
    if (f.repeat >= MIN_REPEATS) this.records.push({ op: f.op, block: f.block, repeat: f.repeat, values: f.values.join('') });
    else for (const a of this.#rebuild(f)) this.#plain(a); // too short to be worth a fold
    for (const a of f.partial) this.push(a);
  }

  /** Every access of a short fold, in order, from its block and values. */
  #rebuild(f: { op: number; block: Shape[]; values: string[] }): IoAccess[] {
    const out: IoAccess[] = [];
    for (const v of f.values) {
      let at = 0;
      for (const b of f.block) {
        out.push({ op: f.op, ...b, value: parseInt(v.slice(at, at + 2 * b.width), 16) });
        at += 2 * b.width;
      }
    }
    return out;
  }

  /** A plain record, merged into the previous one when it is the same access. */
  #plain(a: IoAccess): void {
    const last = this.records[this.records.length - 1];
    if (last && !('block' in last) && last['op'] === a.op && last['dir'] === a.dir && last['port'] === a.port && last['width'] === a.width && last['value'] === a.value) {
      last['count'] = ((last['count'] as number | undefined) ?? 1) + 1;
      return;
    }
    this.records.push({ op: a.op, dir: a.dir, port: a.port, width: a.width, value: a.value });
  }
}
