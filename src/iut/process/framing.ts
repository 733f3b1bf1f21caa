// The optional binary framing of the out-of-process protocol (spec/contract/protocol.md,
// "Binary framing"): after a hello that agreed on it, every message in both directions is a
// frame — a 4-byte big-endian length, then that many bytes holding one CBOR data item
// (RFC 8949) — instead of a JSON line. The messages are the JSON messages unchanged; a CBOR
// byte string stands for the lowercase hex text of its bytes, so either side may send bytes
// natively. Why: JSON text costs as much to write and read as the codec work it carries
// (bench/adapter.ts, "JSON lines" against "CBOR frames"); cbor-x with its native string
// extraction reads frames in less than half of that, and cbor-writer.ts writes them. Both sides use this file: the adapter (child.ts) and `r2net serve` (server.ts).
import { Decoder, Encoder } from 'cbor-x';
import { writePlainCbor } from './cbor-writer.ts';

/** The framing names a hello may offer and accept; JSON lines is what no framing means. */
export const CBOR_FRAMING = 'cbor';
export type Framing = 'json' | typeof CBOR_FRAMING;

/** Bytes before a frame's CBOR item: its length, big-endian. */
export const FRAME_HEADER_BYTES = 4;

// Plain CBOR only: no cbor-x record or structure extensions (another implementation must read
// every frame with any CBOR library); objects are maps with text keys.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, pack: false, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/** One message as a frame: header and CBOR item. Throws when the value cannot be encoded. */
export function encodeFrame(message: unknown): Buffer {
  const plain = writePlainCbor(message, FRAME_HEADER_BYTES);
  if (plain) {
    plain.writeUInt32BE(plain.length - FRAME_HEADER_BYTES, 0);
    return plain;
  }
  const body = encoder.encode(message);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * The message in a frame's body, byte strings turned into hex text; or why it is not one
 * CBOR data item (garbage, a truncated item, bytes after it, nesting too deep to decode).
 */
export function decodeFrame(body: Uint8Array, maxDepth: number): { ok: true; value: unknown } | { ok: false; problem: string } {
  let v: unknown;
  try {
    v = decoder.decode(body);
  } catch (e) {
    const why = e instanceof RangeError ? 'nested too deep to decode' : (e as Error)?.message ?? String(e);
    return { ok: false, problem: `not a CBOR data item (${why}): ${body.length} bytes starting ${Buffer.from(body.subarray(0, 16)).toString('hex')}` };
  }
  return { ok: true, value: bytesAsHex(v, 1, maxDepth) };
}

/**
 * Replaces byte strings by their hex text, in place. Stops below maxDepth + 1 levels (what is
 * deeper is refused by the bounds check anyway; a shared-reference cycle must not loop).
 */
function bytesAsHex(v: unknown, depth: number, maxDepth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (depth > maxDepth) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'object' && x !== null) v[i] = bytesAsHex(x, depth + 1, maxDepth);
    }
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null) o[k] = bytesAsHex(x, depth + 1, maxDepth);
    }
  }
  return v;
}

/** What the frame reader found: a whole frame's body, or a frame too long to take (skipped as it streams). */
export type FrameEvent = { frame: Buffer } | { tooLong: number };

/**
 * Cuts a byte stream into frames. A frame whose header announces more than `maxBytes` is
 * reported at once and its body skipped as it arrives (never held in memory).
 */
export class FrameReader {
  #parts: Buffer[] = [];
  #have = 0;
  /** Body length of the frame being read, once its header is in. */
  #want: number | undefined;
  #skip = 0;

  constructor(readonly maxBytes: number) {}

  /** Whether part of a frame has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.#have > 0;
  }

  /** Describes the unfinished frame for an error message ('' between frames). */
  partialNote(): string {
    if (this.#have === 0) return '';
    if (this.#want === undefined) return `${this.#have} of the ${FRAME_HEADER_BYTES} bytes of a frame header`;
    return `${this.#have - FRAME_HEADER_BYTES} of the ${this.#want} bytes of a frame`;
  }

  *push(chunk: Buffer): Generator<FrameEvent> {
    let at = 0;
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - at);
        this.#skip -= n;
        at += n;
        if (this.#skip === 0) this.#want = undefined;
        continue;
      }
      const need = (this.#want === undefined ? FRAME_HEADER_BYTES : FRAME_HEADER_BYTES + this.#want) - this.#have;
      const n = Math.min(need, chunk.length - at);
      this.#parts.push(chunk.subarray(at, at + n));
      this.#have += n;
      at += n;
      if (n < need) break;
      const whole = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#have);
      if (this.#want === undefined) {
        this.#want = whole.readUInt32BE(0);
        if (this.#want > this.maxBytes) {
          const size = this.#want;
          this.#parts = [];
          this.#have = 0;
          this.#skip = size;
          yield { tooLong: size };
          continue;
        }
        this.#parts = [whole];
        if (this.#want > 0) continue;
      }
      // A whole frame. A stream's chunks are fresh memory, so a view of them is safe to keep.
      const body = whole.subarray(FRAME_HEADER_BYTES);
      this.#parts = [];
      this.#have = 0;
      this.#want = undefined;
      yield { frame: body };
    }
  }
}
