// An independent streaming SLIP decoder, written from RFC 1055 and the suite's decisions
// (spec/clauses/slip.json), never from src/codec. It gives the exact event list of a whole
// stream, each event tagged with the clause whose rule produced it, so a property can compare
// any stream — noise included — event by event and blame the rule that differs.
import { SLIP } from '../oracles.ts';
import { toHex } from '../../src/util/bytes.ts';

export type DecodeEvent = { frame: string } | { error: string };

export interface ModelEvent {
  event: DecodeEvent;
  /** The clause whose rule produced this event. */
  clause: string;
  /** Offset in the stream of the byte that produced it. */
  at: number;
}

export interface ModelRun {
  events: ModelEvent[];
  /** ENDs that met nothing pending (slip.decode.empty-ignored: they produce no event). */
  emptyEnds: number;
}

/** Decodes `stream` with a fresh decoder whose frame buffer holds `limit` bytes. */
export function modelDecode(stream: Uint8Array, limit: number): ModelRun {
  const events: ModelEvent[] = [];
  let emptyEnds = 0;
  let frame: number[] = [];
  let escaped = false;
  // After an error, bytes are discarded up to the next END (slip.decode.bad-escape, too-large).
  let discarding = false;
  const push = (b: number, at: number): void => {
    if (frame.length >= limit) {
      events.push({ event: { error: 'too-large' }, clause: 'slip.decode.too-large', at });
      frame = [];
      discarding = true;
    } else frame.push(b);
  };
  stream.forEach((b, at) => {
    if (discarding) {
      if (b === SLIP.END) discarding = false;
      return;
    }
    if (escaped) {
      escaped = false;
      if (b === SLIP.ESC_END) push(SLIP.END, at);
      else if (b === SLIP.ESC_ESC) push(SLIP.ESC, at);
      else {
        // ESC END: the error, and that END is the boundary (slip.decode.esc-end); any other
        // byte: the error, then discard up to the next END (slip.decode.bad-escape).
        events.push({ event: { error: 'protocol' }, clause: b === SLIP.END ? 'slip.decode.esc-end' : 'slip.decode.bad-escape', at });
        frame = [];
        discarding = b !== SLIP.END;
      }
      return;
    }
    if (b === SLIP.END) {
      if (frame.length > 0) events.push({ event: { frame: toHex(Uint8Array.from(frame)) }, clause: 'slip.decode.frame-at-end', at });
      else emptyEnds++;
      frame = [];
    } else if (b === SLIP.ESC) escaped = true;
    else push(b, at);
  });
  // Bytes after the last END stay pending: no event (slip.decode.unterminated).
  return { events, emptyEnds };
}
