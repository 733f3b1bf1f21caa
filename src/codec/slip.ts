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
import { ok, err } from '../util/result.ts';
import type { Result, StackError } from '../util/result.ts';
import { seedProfile } from '../spec/profile.ts';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

const seedLimit = (): number => seedProfile().limits.slipBufferBytes;
const validLimit = (limit: unknown): limit is number => typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0;

/** Size of the encoding: n + (number of 0xC0 and 0xDB bytes) + 2 ENDs. */
export function slipEncodedSize(datagram: Uint8Array): number {
  let special = 0;
  for (const b of datagram) if (b === SLIP_END || b === SLIP_ESC) special++;
  return datagram.length + special + 2;
}

/** Encodes one datagram. An encoding larger than `limit` bytes fails; exactly `limit` fits. */
export function slipEncode(datagram: Uint8Array, limit: number = seedLimit()): Result<Uint8Array> {
  const where = 'slip.encode';
  if (!validLimit(limit)) return err('invalid-argument', where, `limit ${String(limit)} is not a non-negative integer`);
  const size = slipEncodedSize(datagram);
  if (size > limit) return err('too-large', where, `encoding of ${size} bytes exceeds the ${limit}-byte SLIP buffer`);
  const out = new Uint8Array(size);
  let at = 0;
  out[at++] = SLIP_END;
  for (const b of datagram) {
    if (b === SLIP_END) {
      out[at++] = SLIP_ESC;
      out[at++] = SLIP_ESC_END;
    } else if (b === SLIP_ESC) {
      out[at++] = SLIP_ESC;
      out[at++] = SLIP_ESC_ESC;
    } else {
      out[at++] = b;
    }
  }
  out[at++] = SLIP_END;
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
    for (const b of bytes) {
      if (this.#dropping) {
        if (b === SLIP_END) this.#dropping = false;
        continue;
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
        continue;
      }
      if (b === SLIP_END) {
        if (this.#len > 0) events.push({ frame: this.#buf.slice(0, this.#len) });
        this.#len = 0;
      } else if (b === SLIP_ESC) {
        this.#escaped = true;
      } else {
        this.#append(b, events);
      }
    }
    return events;
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
    }
    this.#buf[this.#len++] = b;
  }
}

/** Decodes a whole byte stream with a fresh decoder; an unterminated tail yields no event. */
export function slipDecodeAll(bytes: Uint8Array, limit: number = seedLimit()): SlipDecodeEvent[] {
  return new SlipDecoder(limit).push(bytes);
}
