// SLIP framing (RFC 1055) as rou2exOS uses it on the serial path.
//   encode: END, every byte escaped (0xC0 → ESC ESC_END, 0xDB → ESC ESC_ESC), END.
//   decode: streaming; END with data pending completes a frame, ENDs with nothing pending
//   are ignored. Both sides work within one buffer of `limit` bytes (seed: 4 KiB).
//
// Decisions (spec/clauses/slip.json): ESC followed by anything but ESC_END/ESC_ESC is a
// protocol error that drops the frame being decoded; a frame whose decoded size would pass
// the limit is a too-large error and is dropped. After either error the decoder discards
// bytes up to the next END and starts afresh after it. If the byte after ESC is itself END,
// that END is the resynchronisation point.
import { allocBytesToOverwrite } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result, StackError } from '../util/result.ts';
import { seedProfile } from '../spec/profile.ts';
import { copyOf } from './fields.ts';
import { MEMORY, SLIP_ENCODE_MAX, SLIP_WINDOW, wasm } from './wasm/kernels.ts';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

const seedLimit = (): number => seedProfile().limits.slipBufferBytes;
const validLimit = (limit: unknown): limit is number => typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0;

// Speed: from NATIVE_MIN_BYTES on, both directions run in WebAssembly (wasm/codec.wat): the
// input is copied into the module's memory, scanned for END and ESC 16 bytes at a time with
// SIMD and (un)escaped there, and the result copied out — one crossing per datagram or run.
// Without WebAssembly SIMD they find END and ESC with Buffer#indexOf (native memchr) and move
// the clean runs between them with native copies (TypedArray#set, copyWithin). Shorter
// inputs are walked byte by byte: there a crossing costs more than it saves. Every path
// gives the events of the byte-wise definition (#byte), which decides whatever the fast
// paths stop at.
const NATIVE_MIN_BYTES = 64;
/** Shorter clean runs are copied by a loop rather than a native call. */
const RUN_LOOP_MAX = 24;
const indexOfByte = (b: Uint8Array, byte: number, from: number): number => Buffer.prototype.indexOf.call(b, byte, from);

const isSpecial = (b: number): boolean => b === SLIP_END || b === SLIP_ESC;

/** Positions of END and ESC in the datagram last encoded (grown as needed, up to the limit; reused). */
let specials = new Int32Array(256);

/**
 * Finds the END and ESC bytes of `d`, in order, into `specials`; returns how many. Stops once
 * there are more than `max` (the encoding could not fit), so `specials` stays within the limit.
 */
function scanSpecials(d: Uint8Array, max: number): number {
  const n = d.length;
  let count = 0;
  if (n < NATIVE_MIN_BYTES) {
    for (let i = 0; i < n && count <= max; i++) if (isSpecial(d[i]!)) record(count++, i);
    return count;
  }
  // Two searches merged: always record the nearer of the next END and the next ESC.
  let end = indexOfByte(d, SLIP_END, 0);
  let esc = indexOfByte(d, SLIP_ESC, 0);
  while ((end >= 0 || esc >= 0) && count <= max) {
    if (esc < 0 || (end >= 0 && end < esc)) {
      record(count++, end);
      end = indexOfByte(d, SLIP_END, end + 1);
    } else {
      record(count++, esc);
      esc = indexOfByte(d, SLIP_ESC, esc + 1);
    }
  }
  return count;
}

function record(k: number, at: number): void {
  if (k === specials.length) {
    const bigger = new Int32Array(k * 2);
    bigger.set(specials);
    specials = bigger;
  }
  specials[k] = at;
}

function countSpecials(d: Uint8Array): number {
  if (d.length < NATIVE_MIN_BYTES) {
    let count = 0;
    for (let i = 0; i < d.length; i++) if (isSpecial(d[i]!)) count++;
    return count;
  }
  let count = 0;
  for (let i = indexOfByte(d, SLIP_END, 0); i >= 0; i = indexOfByte(d, SLIP_END, i + 1)) count++;
  for (let i = indexOfByte(d, SLIP_ESC, 0); i >= 0; i = indexOfByte(d, SLIP_ESC, i + 1)) count++;
  return count;
}

/** Size of the encoding: n + (number of 0xC0 and 0xDB bytes) + 2 ENDs. */
export function slipEncodedSize(datagram: Uint8Array): number {
  return datagram.length + countSpecials(datagram) + 2;
}

/** Encodes one datagram. An encoding larger than `limit` bytes fails; exactly `limit` fits. */
export function slipEncode(datagram: Uint8Array, limit: number = seedLimit()): Result<Uint8Array> {
  const where = 'slip.encode';
  if (!validLimit(limit)) return err('invalid-argument', where, `limit ${String(limit)} is not a non-negative integer`);
  const n = datagram.length;
  const k = wasm;
  if (k !== undefined && n >= NATIVE_MIN_BYTES && n <= SLIP_ENCODE_MAX) {
    k.mem.set(datagram, MEMORY.slipIn);
    const size = k.slipEncode(MEMORY.slipIn, n, MEMORY.slipOut);
    if (size > limit) return err('too-large', where, `encoding of ${size} bytes exceeds the ${limit}-byte SLIP buffer`);
    const out = allocBytesToOverwrite(size);
    out.set(k.mem.subarray(MEMORY.slipOut, MEMORY.slipOut + size));
    return ok(out);
  }
  const count = scanSpecials(datagram, limit - n - 2);
  const size = n + count + 2;
  if (size > limit) return err('too-large', where, `encoding of ${slipEncodedSize(datagram)} bytes exceeds the ${limit}-byte SLIP buffer`);
  // The size is known first, so there is exactly one output allocation; every byte is written.
  const out = allocBytesToOverwrite(size);
  out[0] = SLIP_END;
  out[size - 1] = SLIP_END;
  // The whole datagram goes in at once; then, from the last special byte back to the first,
  // the run after it moves right by the escapes before it (copyWithin, which handles the
  // overlap) and the special byte becomes its two-byte escape.
  out.set(datagram, 1);
  for (let k = count - 1; k >= 0; k--) {
    const at = specials[k]!;
    const next = k + 1 < count ? specials[k + 1]! : n;
    const from = at + 2;
    const to = from + k + 1;
    if (next - at - 1 <= RUN_LOOP_MAX) for (let i = next + 1; i-- > from; ) out[i + k + 1] = out[i]!;
    else out.copyWithin(to, from, next + 1);
    out[at + 1 + k] = SLIP_ESC;
    out[at + 2 + k] = datagram[at] === SLIP_END ? SLIP_ESC_END : SLIP_ESC_ESC;
  }
  return ok(out);
}

export type SlipDecodeEvent = { frame: Uint8Array } | { error: StackError };

/**
 * Streaming decoder. Feed bytes in any chunking; the events are the same as for the
 * concatenated stream. A frame is delivered only at its closing END; bytes after the last
 * END stay pending until more arrive.
 *
 * `limit` is the decoded-frame buffer size; an invalid limit (negative, fractional, NaN)
 * is treated as 0, so every non-empty frame is too large.
 */
export class SlipDecoder {
  readonly limit: number;
  #buf: Uint8Array;
  #len = 0;
  #escaped = false;
  /** Discarding up to the next END after an error. */
  #dropping = false;

  constructor(limit: number = seedLimit()) {
    this.limit = validLimit(limit) ? limit : 0;
    this.#buf = new Uint8Array(Math.min(this.limit, 2048));
  }

  /** Decoded bytes of the frame in progress (0 while discarding after an error). */
  get pending(): number {
    return this.#len;
  }

  push(bytes: Uint8Array): SlipDecodeEvent[] {
    const events: SlipDecodeEvent[] = [];
    const n = bytes.length;
    if (n < NATIVE_MIN_BYTES) {
      for (let i = 0; i < n; i++) this.#byte(bytes[i]!, events);
      return events;
    }
    if (wasm !== undefined) {
      this.#pushWasm(bytes, events);
      return events;
    }
    // The next END and ESC at or after i (-1: none left); searched again once i passes them.
    let end = indexOfByte(bytes, SLIP_END, 0);
    let esc = indexOfByte(bytes, SLIP_ESC, 0);
    let i = 0;
    while (i < n) {
      if (end >= 0 && end < i) end = indexOfByte(bytes, SLIP_END, i);
      if (this.#dropping) {
        if (end < 0) break; // the rest is discarded
        this.#dropping = false;
        i = end + 1;
        continue;
      }
      if (!this.#escaped) {
        if (esc >= 0 && esc < i) esc = indexOfByte(bytes, SLIP_ESC, i);
        const untilEnd = end < 0 ? n : end;
        if (esc >= 0 && esc < untilEnd && untilEnd - i <= this.limit - this.#len) {
          const at = this.#segment(bytes, i, untilEnd, esc);
          if (at === untilEnd) i = at;
          else {
            this.#byte(bytes[at]!, events); // the ESC it left: now pending
            i = at + 1;
          }
          continue;
        }
        const stop = Math.min(untilEnd, esc < 0 ? n : esc);
        if (stop > i) {
          i = this.#run(bytes, i, stop, events);
          continue;
        }
      }
      this.#byte(bytes[i]!, events);
      i++;
    }
    return events;
  }

  /**
   * push() through the wasm kernel: the input goes into wasm memory in windows of up to
   * SLIP_WINDOW bytes; slipUnescape decodes data and complete escapes there up to the next
   * END, an escape it cannot complete in the window, or the byte that would pass the limit,
   * and #byte takes the byte it stopped at. A frame decoded whole in one run is copied out of
   * wasm memory once, straight into the frame handed out.
   */
  #pushWasm(bytes: Uint8Array, events: SlipDecodeEvent[]): void {
    const k = wasm!;
    const mem = k.mem;
    const n = bytes.length;
    let winStart = 0;
    let winEnd = 0;
    let i = 0;
    while (i < n) {
      if (this.#dropping) {
        const end = indexOfByte(bytes, SLIP_END, i);
        if (end < 0) return; // the rest is discarded
        this.#dropping = false;
        i = end + 1;
        continue;
      }
      if (this.#escaped) {
        this.#byte(bytes[i]!, events);
        i++;
        continue;
      }
      if (i >= winEnd) {
        winStart = i;
        winEnd = Math.min(n, i + SLIP_WINDOW);
        mem.set(winStart === 0 && winEnd === n ? bytes : bytes.subarray(winStart, winEnd), MEMORY.slipIn);
      }
      const len = this.#len;
      const r = k.slipUnescape(MEMORY.slipIn + (i - winStart), winEnd - i, MEMORY.slipOut, Math.min(this.limit - len, SLIP_WINDOW));
      const used = r & 0xffff;
      const written = r >>> 16;
      i += used;
      if (written > 0) {
        const out = mem.subarray(MEMORY.slipOut, MEMORY.slipOut + written);
        if (len === 0 && i < winEnd && bytes[i] === SLIP_END) {
          const frame = allocBytesToOverwrite(written);
          frame.set(out);
          events.push({ frame });
          i++;
          continue;
        }
        if (len + written > this.#buf.length) this.#grow(len + written);
        this.#buf.set(out, len);
        this.#len = len + written;
      }
      if (i < n) {
        this.#byte(bytes[i]!, events);
        i++;
      }
    }
  }

  /**
   * Appends bytes[from, to), which hold no END and no ESC, as #append would one by one;
   * returns where decoding goes on (past the byte that overflowed the limit, if one did).
   */
  #run(bytes: Uint8Array, from: number, to: number, events: SlipDecodeEvent[]): number {
    const k = to - from;
    const room = this.limit - this.#len;
    if (k > room) {
      this.#tooLarge(events);
      return from + room + 1;
    }
    const len = this.#len;
    if (len + k > this.#buf.length) this.#grow(len + k);
    const buf = this.#buf;
    if (k <= RUN_LOOP_MAX) for (let j = 0; j < k; j++) buf[len + j] = bytes[from + j]!;
    else buf.set(bytes.subarray(from, to), len);
    this.#len = len + k;
    return to;
  }

  /**
   * Decodes bytes[from, to) — no END in it, and short enough to fit the limit even undecoded
   * — into the frame in progress: the raw bytes are copied once, then each escape (the first
   * at `esc`) is closed up in place, the runs between them moved left with copyWithin. Stops
   * at an ESC it cannot complete within the range (the last byte, or followed by a wrong
   * byte), with the frame decoded up to it, and returns its position; else returns `to`.
   */
  #segment(bytes: Uint8Array, from: number, to: number, esc: number): number {
    const len = this.#len;
    if (len + (to - from) > this.#buf.length) this.#grow(len + (to - from));
    const buf = this.#buf;
    buf.set(bytes.subarray(from, to), len);
    const shift = len - from; // raw byte j is at buf[j + shift]
    let w = esc + shift; // the bytes before the first ESC are in place already
    for (let q = esc; ; ) {
      const b = q + 1 < to ? bytes[q + 1] : -1;
      if (b !== SLIP_ESC_END && b !== SLIP_ESC_ESC) {
        this.#len = w;
        return q;
      }
      buf[w++] = b === SLIP_ESC_END ? SLIP_END : SLIP_ESC;
      const r = q + 2;
      q = r < to ? indexOfByte(bytes, SLIP_ESC, r) : -1;
      const stop = q < 0 || q >= to ? to : q;
      const k = stop - r;
      if (k <= RUN_LOOP_MAX) for (let j = 0; j < k; j++) buf[w + j] = buf[r + shift + j]!;
      else buf.copyWithin(w, r + shift, stop + shift);
      w += k;
      if (stop === to) {
        this.#len = w;
        return to;
      }
    }
  }

  #byte(b: number, events: SlipDecodeEvent[]): void {
    if (this.#dropping) {
      if (b === SLIP_END) this.#dropping = false;
      return;
    }
    if (this.#escaped) {
      this.#escaped = false;
      if (b === SLIP_ESC_END) this.#append(SLIP_END, events);
      else if (b === SLIP_ESC_ESC) this.#append(SLIP_ESC, events);
      else {
        events.push({
          error: {
            kind: 'protocol',
            where: 'slip.decode',
            message: `ESC followed by 0x${b.toString(16).padStart(2, '0')}; frame dropped`,
          },
        });
        this.#len = 0;
        // An END right after ESC is itself the frame boundary: resume after it.
        this.#dropping = b !== SLIP_END;
      }
      return;
    }
    if (b === SLIP_END) {
      if (this.#len > 0) events.push({ frame: copyOf(this.#buf, 0, this.#len) });
      this.#len = 0;
    } else if (b === SLIP_ESC) {
      this.#escaped = true;
    } else {
      this.#append(b, events);
    }
  }

  /** Forgets the frame in progress and any escape or discard state. */
  reset(): void {
    this.#len = 0;
    this.#escaped = false;
    this.#dropping = false;
  }

  #append(b: number, events: SlipDecodeEvent[]): void {
    if (this.#len >= this.limit) {
      this.#tooLarge(events);
      return;
    }
    if (this.#len === this.#buf.length) this.#grow(this.#len + 1);
    this.#buf[this.#len++] = b;
  }

  #tooLarge(events: SlipDecodeEvent[]): void {
    events.push({
      error: {
        kind: 'too-large',
        where: 'slip.decode',
        message: `decoded frame exceeds the ${this.limit}-byte SLIP buffer; frame dropped`,
      },
    });
    this.#len = 0;
    this.#dropping = true;
  }

  /** Room for at least `need` bytes (need <= limit): doubling, capped at the limit. */
  #grow(need: number): void {
    const bigger = new Uint8Array(Math.min(this.limit, Math.max(16, need, this.#buf.length * 2)));
    bigger.set(this.#buf.subarray(0, this.#len));
    this.#buf = bigger;
  }
}

/** Decodes a whole byte stream with a fresh decoder; an unterminated tail yields no event. */
export function slipDecodeAll(bytes: Uint8Array, limit: number = seedLimit()): SlipDecodeEvent[] {
  return new SlipDecoder(limit).push(bytes);
}
