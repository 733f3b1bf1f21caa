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
import { allocBytes } from '../util/alloc.ts';
import { ok, err } from '../util/result.ts';
import type { Result, StackError } from '../util/result.ts';
import { seedProfile } from '../spec/profile.ts';
import { copyOf } from './fields.ts';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

const seedLimit = (): number => seedProfile().limits.slipBufferBytes;
const validLimit = (limit: unknown): limit is number => typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0;

// Speed: the bytes are walked a 32-bit word at a time (a Uint32Array view of the aligned
// middle); a word holding no END and no ESC — nearly all of them — is copied whole, the rare
// others byte by byte. `zeroBytes` flags the zero bytes of a word exactly (no carry crosses
// a byte), so `specialFlags` has one bit per END or ESC byte.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Below this many bytes the views cost more than they save. */
const WIDE_MIN_BYTES = 32;
const END4 = 0xc0c0c0c0 | 0;
const ESC4 = 0xdbdbdbdb | 0;
const zeroBytes = (x: number): number => ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
const specialFlags = (w: number): number => zeroBytes(w ^ END4) | zeroBytes(w ^ ESC4);
const endFlags = (w: number): number => zeroBytes(w ^ END4);

/** The aligned middle of `b` as words, and where it starts and ends; undefined when too short to pay. */
function wordsOf(b: Uint8Array): { w: Uint32Array; head: number; tail: number } | undefined {
  if (b.length < WIDE_MIN_BYTES || !LITTLE_ENDIAN) return undefined;
  const head = (4 - (b.byteOffset & 3)) & 3;
  const words = (b.length - head) >>> 2;
  return { w: new Uint32Array(b.buffer, b.byteOffset + head, words), head, tail: head + words * 4 };
}

const isSpecial = (b: number): boolean => b === SLIP_END || b === SLIP_ESC;

/** Size of the encoding: n + (number of 0xC0 and 0xDB bytes) + 2 ENDs. */
export function slipEncodedSize(datagram: Uint8Array): number {
  let special = 0;
  const v = wordsOf(datagram);
  const wideFrom = v ? v.head : datagram.length;
  for (let i = 0; i < wideFrom; i++) if (isSpecial(datagram[i]!)) special++;
  if (v) {
    for (let k = 0; k < v.w.length; k++) {
      for (let f = specialFlags(v.w[k]!); f !== 0; f &= f - 1) special++;
    }
    for (let i = v.tail; i < datagram.length; i++) if (isSpecial(datagram[i]!)) special++;
  }
  return datagram.length + special + 2;
}

/** Writes byte `b` escaped at `at`; returns the next position. */
function put(out: Uint8Array, at: number, b: number): number {
  if (b === SLIP_END) {
    out[at] = SLIP_ESC;
    out[at + 1] = SLIP_ESC_END;
    return at + 2;
  }
  if (b === SLIP_ESC) {
    out[at] = SLIP_ESC;
    out[at + 1] = SLIP_ESC_ESC;
    return at + 2;
  }
  out[at] = b;
  return at + 1;
}

/** Encodes one datagram. An encoding larger than `limit` bytes fails; exactly `limit` fits. */
export function slipEncode(datagram: Uint8Array, limit: number = seedLimit()): Result<Uint8Array> {
  const where = 'slip.encode';
  if (!validLimit(limit)) return err('invalid-argument', where, `limit ${String(limit)} is not a non-negative integer`);
  const size = slipEncodedSize(datagram);
  if (size > limit) return err('too-large', where, `encoding of ${size} bytes exceeds the ${limit}-byte SLIP buffer`);
  // The size is known first, so there is exactly one output allocation.
  const n = datagram.length;
  const out = allocBytes(size);
  out[0] = SLIP_END;
  out[size - 1] = SLIP_END;
  if (size === n + 2) {
    out.set(datagram, 1); // nothing to escape
    return ok(out);
  }
  let at = 1;
  const v = wordsOf(datagram);
  if (!v) {
    for (let i = 0; i < n; i++) at = put(out, at, datagram[i]!);
    return ok(out);
  }
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < v.head; i++) at = put(out, at, datagram[i]!);
  const w = v.w;
  for (let k = 0; k < w.length; k++) {
    const x = w[k]!;
    if (specialFlags(x) === 0) {
      dv.setUint32(at, x, true);
      at += 4;
    } else {
      at = put(out, at, x & 0xff);
      at = put(out, at, (x >>> 8) & 0xff);
      at = put(out, at, (x >>> 16) & 0xff);
      at = put(out, at, x >>> 24);
    }
  }
  for (let i = v.tail; i < n; i++) at = put(out, at, datagram[i]!);
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
  /** #buf as a DataView, for whole-word appends. */
  #view: DataView;
  #len = 0;
  #escaped = false;
  /** Discarding up to the next END after an error. */
  #dropping = false;

  constructor(limit: number = seedLimit()) {
    this.limit = validLimit(limit) ? limit : 0;
    this.#buf = new Uint8Array(Math.min(this.limit, 2048));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Decoded bytes of the frame in progress (0 while discarding after an error). */
  get pending(): number {
    return this.#len;
  }

  push(bytes: Uint8Array): SlipDecodeEvent[] {
    const events: SlipDecodeEvent[] = [];
    const v = wordsOf(bytes);
    const n = bytes.length;
    const wideFrom = v ? v.head : n;
    for (let i = 0; i < wideFrom; i++) this.#byte(bytes[i]!, events);
    if (!v) return events;
    const w = v.w;
    for (let k = 0; k < w.length; k++) {
      const x = w[k]!;
      // Whole words: skipped while discarding (no END in them), appended while decoding
      // (no END or ESC, no escape pending, room in the buffer, which never exceeds the limit).
      if (this.#dropping && endFlags(x) === 0) continue;
      if (!this.#dropping && !this.#escaped && specialFlags(x) === 0 && this.#len + 4 <= this.#buf.length) {
        this.#view.setUint32(this.#len, x, true);
        this.#len += 4;
        continue;
      }
      this.#byte(x & 0xff, events);
      this.#byte((x >>> 8) & 0xff, events);
      this.#byte((x >>> 16) & 0xff, events);
      this.#byte(x >>> 24, events);
    }
    for (let i = v.tail; i < n; i++) this.#byte(bytes[i]!, events);
    return events;
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
      events.push({
        error: {
          kind: 'too-large',
          where: 'slip.decode',
          message: `decoded frame exceeds the ${this.limit}-byte SLIP buffer; frame dropped`,
        },
      });
      this.#len = 0;
      this.#dropping = true;
      return;
    }
    if (this.#len === this.#buf.length) {
      const bigger = new Uint8Array(Math.min(this.limit, Math.max(16, this.#buf.length * 2)));
      bigger.set(this.#buf);
      this.#buf = bigger;
      this.#view = new DataView(bigger.buffer);
    }
    this.#buf[this.#len++] = b;
  }
}

/** Decodes a whole byte stream with a fresh decoder; an unterminated tail yields no event. */
export function slipDecodeAll(bytes: Uint8Array, limit: number = seedLimit()): SlipDecodeEvent[] {
  return new SlipDecoder(limit).push(bytes);
}
