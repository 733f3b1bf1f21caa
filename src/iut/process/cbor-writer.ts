// A writer of plain CBOR (RFC 8949) for the protocol's messages, which are JSON data: strings,
// finite numbers, booleans, null, arrays and plain objects. Why not cbor-x alone: cbor-x is a
// general encoder (records, bundled strings, shared references, typed arrays), and on a batch
// of codec traces its per-value checks cost as much as running the scenarios; this writer
// takes about half of that (bench/adapter.ts, "codec: out of process"). framing.ts calls it
// first; for a value it does not take (undefined, a class instance, NaN, a lone surrogate, a
// map past 16 bits, a cycle) it says so and cbor-x encodes the message instead, exactly as
// before, so no message is refused here.
//
// What it writes is what cbor-x writes for the same value, item for item: integers in the
// shortest form, other numbers as doubles, maps with a 16-bit count (b9 nn nn), strings with
// the shortest length form.

/** Thrown inside the writer for a value it leaves to cbor-x; never escapes this file. */
const NOT_PLAIN = Symbol('not plain');
/** Deeper than this, the message is left to cbor-x (whatever it does with a cycle or a deep tree). */
const MAX_DEPTH = 512;
/** Strings shorter than this are copied in a loop while they are ASCII; longer ones by Buffer's native UTF-8 write. */
const SHORT_STRING = 64;

/** A UTF-16 surrogate not in a pair (in a `u` regex a pair is one code point, not matched). */
const LONE_SURROGATE = /\p{Cs}/u;

let target = Buffer.allocUnsafe(1 << 16);
let pos = 0;

/** Makes room for `n` more bytes at `pos`. */
function room(n: number): void {
  if (pos + n <= target.length) return;
  let size = target.length * 2;
  while (size < pos + n) size *= 2;
  const grown = Buffer.allocUnsafe(size);
  target.copy(grown, 0, 0, pos);
  target = grown;
}

/** An item head: major type and a count or length below 2^32, in its shortest form. */
function head(major: number, n: number): void {
  const m = major << 5;
  if (n < 24) target[pos++] = m | n;
  else if (n < 0x100) {
    target[pos++] = m | 24;
    target[pos++] = n;
  } else if (n < 0x10000) {
    target[pos++] = m | 25;
    target[pos++] = n >>> 8;
    target[pos++] = n & 0xff;
  } else {
    target[pos++] = m | 26;
    target.writeUInt32BE(n, pos);
    pos += 4;
  }
}

const headBytes = (n: number): number => (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);

function text(s: string): void {
  const len = s.length;
  room(len * 3 + 5);
  if (len < SHORT_STRING) {
    // ASCII (keys, hex, messages): one byte per char, so the head is known before the body.
    const start = pos;
    let p = start + (len < 24 ? 1 : 2);
    let ascii = true;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      target[p++] = c;
    }
    if (ascii) {
      head(3, len);
      pos = p;
      return;
    }
  }
  // UTF-8 is at most 3 bytes per UTF-16 unit: write after the longest head, then close the gap.
  const guess = headBytes(len * 3);
  const n = target.write(s, pos + guess, 'utf8');
  // As many bytes as units: ASCII. Otherwise a lone surrogate has no UTF-8: cbor-x's affair.
  if (n !== len && LONE_SURROGATE.test(s)) throw NOT_PLAIN;
  const h = headBytes(n);
  if (h !== guess) target.copyWithin(pos + h, pos + guess, pos + guess + n);
  head(3, n);
  pos += n;
}

function item(v: unknown, depth: number): void {
  switch (typeof v) {
    case 'string':
      return text(v);
    case 'number':
      room(9);
      // Integers within 32 bits (and -0, as 0) as integers, the rest as doubles: cbor-x's choice.
      if (Number.isInteger(v) && v < 0x100000000 && v >= -0x100000000) return v >= 0 ? head(0, v) : head(1, -1 - v);
      if (!Number.isFinite(v)) throw NOT_PLAIN;
      target[pos++] = 0xfb;
      target.writeDoubleBE(v, pos);
      pos += 8;
      return;
    case 'boolean':
      room(1);
      target[pos++] = v ? 0xf5 : 0xf4;
      return;
    case 'object': {
      room(9);
      if (v === null) {
        target[pos++] = 0xf6;
        return;
      }
      if (depth > MAX_DEPTH) throw NOT_PLAIN;
      if (Array.isArray(v)) {
        const n = v.length;
        head(4, n);
        for (let i = 0; i < n; i++) item(v[i], depth + 1);
        return;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) throw NOT_PLAIN;
      // The count is known only at the end: 16 bits reserved, as cbor-x does.
      const at = pos;
      pos += 3;
      let n = 0;
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) throw NOT_PLAIN;
        text(k);
        item(x, depth + 1);
        n++;
      }
      if (n > 0xffff) throw NOT_PLAIN;
      target[at] = 0xb9;
      target[at + 1] = n >>> 8;
      target[at + 2] = n & 0xff;
      return;
    }
    default:
      throw NOT_PLAIN;
  }
}

/**
 * `message` as one CBOR data item after `reserve` bytes left for the caller (a frame header),
 * in a fresh Buffer; undefined when the message holds a value this writer leaves to cbor-x.
 */
export function writePlainCbor(message: unknown, reserve: number): Buffer | undefined {
  pos = reserve;
  try {
    item(message, 1);
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
  const out = Buffer.allocUnsafe(pos);
  target.copy(out, 0, 0, pos);
  // One huge message must not pin its buffer for the life of the process.
  if (target.length > 1 << 24) target = Buffer.allocUnsafe(1 << 16);
  return out;
}
