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
import { MEMORY, SLIP_ENCODE_MAX, SLIP_WINDOW, wasmKernels } from './wasm/kernels.ts';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

const seedLimit = (): number => seedProfile().limits.slipBufferBytes;
const validLimit = (limit: unknown): limit is number => typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0;

// Speed: from WASM_MIN_BYTES on, both directions run in WebAssembly (wasm/codec.wat): the
// input is copied into the module's memory, scanned for END and ESC 16 bytes at a time with
// SIMD and (un)escaped there, and the result copied out — one crossing per datagram or run.
// Shorter inputs (and datagrams past the kernel's memory) are walked byte by byte: there a
// crossing costs more than it saves. The decoder's kernel stops at anything but data and
// complete escapes, and the byte-wise definition (#byte) decides that byte, so every path gives
// the same events.
const WASM_MIN_BYTES = 64;
const indexOfByte = (b: Uint8Array, byte: number, from: number): number => Buffer.prototype.indexOf.call(b, byte, from);

const isSpecial = (b: number): boolean => b === SLIP_END || b === SLIP_ESC;

function countSpecials(d: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < d.length; i++) if (isSpecial(d[i]!)) count++;
  return count;
}

/** Size of the encoding: n + (number of 0xC0 and 0xDB bytes) + 2 ENDs. */
export function slipEncodedSize(datagram: Uint8Array): number {
  return datagram.length + countSpecials(datagram) + 2;
}

const tooLargeToEncode = (size: number, limit: number): Result<never> =>
  err('too-large', 'slip.encode', `encoding of ${size} bytes exceeds the ${limit}-byte SLIP buffer`);

/** Encodes one datagram. An encoding larger than `limit` bytes fails; exactly `limit` fits. */
export function slipEncode(datagram: Uint8Array, limit: number = seedLimit()): Result<Uint8Array> {
  if (!validLimit(limit)) return err('invalid-argument', 'slip.encode', `limit ${String(limit)} is not a non-negative integer`);
  const n = datagram.length;
  if (n >= WASM_MIN_BYTES && n <= SLIP_ENCODE_MAX) {
    const k = wasmKernels();
    k.mem.set(datagram, MEMORY.slipIn);
    const size = k.slipEncode(MEMORY.slipIn, n, MEMORY.slipOut);
    if (size > limit) return tooLargeToEncode(size, limit);
    const out = allocBytesToOverwrite(size);
    out.set(k.mem.subarray(MEMORY.slipOut, MEMORY.slipOut + size));
    return ok(out);
  }
  // The size is known first, so there is exactly one output allocation; every byte is written.
  const size = slipEncodedSize(datagram);
  if (size > limit) return tooLargeToEncode(size, limit);
  const out = allocBytesToOverwrite(size);
  let o = 0;
  out[o++] = SLIP_END;
  for (let i = 0; i < n; i++) {
    const b = datagram[i]!;
    if (b === SLIP_END) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_END;
    } else if (b === SLIP_ESC) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_ESC;
    } else out[o++] = b;
  }
  out[o] = SLIP_END;
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
    if (n < WASM_MIN_BYTES) for (let i = 0; i < n; i++) this.#byte(bytes[i]!, events);
    else this.#pushWasm(bytes, events);
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
    const k = wasmKernels();
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
