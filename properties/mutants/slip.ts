// Deliberately wrong SLIP implementations.
import type { Json, Op, OpResult } from '../../src/iut/contract.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { patchResults, type Mutant } from './mutant.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import { runOps, traceOf, type Handler } from '../../src/iut/layers/dispatch.ts';
import { slipHandlers } from '../../src/iut/layers/slip.ts';

const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;

/** Encodes with one special byte left unescaped. */
const encodeLeaving = (raw: number) => (op: Op, r: OpResult): OpResult => {
  if (!r.ok) return r;
  const d = fromHex(op.data as string)!;
  const out = [END];
  for (const b of d) {
    if (b === END && raw !== END) out.push(ESC, 0xdc);
    else if (b === ESC && raw !== ESC) out.push(ESC, 0xdd);
    else out.push(b);
  }
  out.push(END);
  return { ok: true, value: { bytes: toHex(Uint8Array.from(out)) } };
};

/** A decoder in the style of RFC 1055's sample receiver: a bad escape keeps the byte. */
function lenientDecode(chunks: string[]): Json[] {
  const events: Json[] = [];
  let cur: number[] = [];
  let esc = false;
  for (const b of chunks.flatMap((c) => [...fromHex(c)!])) {
    if (esc) {
      cur.push(b === 0xdc ? END : b === 0xdd ? ESC : b);
      esc = false;
    } else if (b === END) {
      if (cur.length) events.push({ frame: toHex(Uint8Array.from(cur)) });
      cur = [];
    } else if (b === ESC) esc = true;
    else cur.push(b);
  }
  return events;
}


/** How a wrong streaming decoder departs from the decisions (each mutant sets one). */
interface DecoderBugs {
  /** The buffer limit is charged per received byte (escape sequences count twice). */
  limitOnEncoded?: boolean;
  /** Added to the limit: +1 accepts one byte too many. */
  limitSlack?: number;
  /** After too-large, decoding restarts at once instead of discarding up to the next END. */
  noDiscardAfterTooLarge?: boolean;
  /** After a bad escape, the bytes that follow start a new frame instead of being discarded to END. */
  noDiscardAfterBadEscape?: boolean;
  /** Bytes before the first END are taken as line noise and dropped. */
  waitForFirstEnd?: boolean;
  /** ESC END ends the frame normally (the ESC is dropped), no error. */
  escEndIsEnd?: boolean;
}

/** A streaming decoder with the given bugs; otherwise the decisions of spec/clauses/slip.json. */
function buggyDecode(chunks: string[], limit: number, bugs: DecoderBugs): Json[] {
  const events: Json[] = [];
  const max = limit + (bugs.limitSlack ?? 0);
  let cur: number[] = [];
  let charged = 0;
  let esc = false;
  let discarding = false;
  let synced = !bugs.waitForFirstEnd;
  const fail = (kind: string, discard: boolean) => {
    events.push({ error: kind });
    cur = [];
    charged = 0;
    discarding = discard;
  };
  const add = (b: number, cost: number) => {
    if ((bugs.limitOnEncoded ? charged + cost : cur.length + 1) > max) return fail('too-large', !bugs.noDiscardAfterTooLarge);
    cur.push(b);
    charged += cost;
  };
  for (const b of chunks.flatMap((c) => [...fromHex(c)!])) {
    if (!synced) {
      synced = b === END;
      continue;
    }
    if (discarding) {
      discarding = b !== END;
      continue;
    }
    if (esc) {
      esc = false;
      if (b === ESC_END) add(END, 2);
      else if (b === ESC_ESC) add(ESC, 2);
      else if (b === END && bugs.escEndIsEnd) {
        if (cur.length) events.push({ frame: toHex(Uint8Array.from(cur)) });
        cur = [];
        charged = 0;
      } else fail('protocol', b !== END && !bugs.noDiscardAfterBadEscape);
    } else if (b === END) {
      if (cur.length) events.push({ frame: toHex(Uint8Array.from(cur)) });
      cur = [];
      charged = 0;
    } else if (b === ESC) esc = true;
    else add(b, 1);
  }
  return events;
}

const decoderWith = (bugs: DecoderBugs) =>
  patchResults('slip', 'slip.decode', (op, r) => (r.ok ? { ok: true, value: { events: buggyDecode(op.chunks as string[], seedProfile().limits.slipBufferBytes, bugs) } } : r));

export const slipMutants: Mutant[] = [
  {
    name: 'slip-esc-not-escaped',
    layer: 'slip',
    description: 'SLIP encode leaves ESC (0xDB) bytes unescaped',
    caughtBy: ['slip.encode.framing'],
    executor: patchResults('slip', 'slip.encode', encodeLeaving(ESC)),
  },
  {
    name: 'slip-end-not-escaped',
    layer: 'slip',
    description: 'SLIP encode leaves END (0xC0) bytes unescaped, splitting the frame',
    caughtBy: ['slip.encode.framing'],
    executor: patchResults('slip', 'slip.encode', encodeLeaving(END)),
  },
  {
    name: 'slip-limit-off-by-one',
    layer: 'slip',
    description: 'SLIP encode refuses an encoding of exactly the 4 KiB buffer size',
    caughtBy: ['slip.encode.limit-boundary'],
    executor: (ops, profile, statement) =>
      traceOf(
        runOps(ops, { ...slipHandlers({ ...profile, limits: { ...profile.limits, slipBufferBytes: profile.limits.slipBufferBytes - 1 } }), 'slip.decode': slipHandlers(profile)['slip.decode']! } as Record<string, Handler<null>>, null),
      ),
  },
  {
    name: 'slip-bad-escape-kept',
    layer: 'slip',
    description: 'the decoder keeps the byte after a bad ESC (RFC 1055 sample) instead of the decided protocol error',
    caughtBy: ['slip.decode.bad-escape'],
    executor: patchResults('slip', 'slip.decode', (op, r) => (r.ok ? { ok: true, value: { events: lenientDecode(op.chunks as string[]) } } : r)),
  },
  {
    name: 'slip-empty-frames',
    layer: 'slip',
    description: 'the decoder delivers an empty frame for every END with nothing pending',
    caughtBy: ['slip.decode.stream-with-noise'],
    executor: patchResults('slip', 'slip.decode', (op, r) => {
      if (!r.ok) return r;
      const bytes = (op.chunks as string[]).join('');
      const empties = (bytes.match(/c0c0/g) ?? []).length;
      return { ok: true, value: { events: [...Array.from({ length: empties }, () => ({ frame: '' })), ...((r.value as { events: Json[] }).events)] } };
    }),
  },
  {
    name: 'slip-decode-limit-on-encoded-size',
    layer: 'slip',
    description: 'the decoder charges its 4 KiB buffer per received byte, so a frame of 4096 decoded bytes with escapes in it is refused',
    caughtBy: ['slip.decode.limit'],
    breaks: ['slip.decode.too-large'],
    executor: decoderWith({ limitOnEncoded: true }),
  },
  {
    name: 'slip-decode-limit-plus-one',
    layer: 'slip',
    description: 'the decoder checks the buffer after storing the byte (> instead of >=), so a frame one byte over 4 KiB is delivered',
    caughtBy: ['slip.decode.limit'],
    breaks: ['slip.decode.too-large'],
    executor: decoderWith({ limitSlack: 1 }),
  },
  {
    name: 'slip-decode-overflow-restarts',
    layer: 'slip',
    description: 'after a too-large frame the decoder starts a new frame at once instead of discarding up to the next END, so the rest of the long frame arrives as a frame',
    caughtBy: ['slip.decode.limit'],
    breaks: ['slip.decode.too-large'],
    executor: decoderWith({ noDiscardAfterTooLarge: true }),
  },
  {
    name: 'slip-bad-escape-restarts',
    layer: 'slip',
    description: 'after a bad escape the decoder drops the frame but decodes the bytes that follow as a new frame instead of discarding up to END',
    caughtBy: ['slip.decode.bad-escape'],
    breaks: ['slip.decode.bad-escape'],
    executor: decoderWith({ noDiscardAfterBadEscape: true }),
  },
  {
    name: 'slip-waits-for-first-end',
    layer: 'slip',
    description: 'the decoder treats every byte before the first END as line noise, so a stream that does not start with END loses its first frame',
    caughtBy: ['slip.decode.roundtrip'],
    breaks: ['slip.decode.frame-at-end'],
    executor: decoderWith({ waitForFirstEnd: true }),
  },
  {
    name: 'slip-esc-end-ends-frame',
    layer: 'slip',
    description: 'ESC followed by END is taken as the end of the frame (the ESC dropped) instead of a protocol error',
    caughtBy: ['slip.decode.esc-end'],
    breaks: ['slip.decode.bad-escape'],
    executor: decoderWith({ escEndIsEnd: true }),
  },
  {
    name: 'slip-encode-limit-on-data-size',
    layer: 'slip',
    description: 'the encoder checks the datagram size plus the two ENDs against the buffer, forgetting the escape bytes, so an over-long escaped encoding is sent',
    caughtBy: ['slip.encode.limit-boundary'],
    breaks: ['slip.encode.limit'],
    executor: patchResults('slip', 'slip.encode', (op, r) => {
      const d = fromHex(op.data as string)!;
      if (r.ok || d.length + 2 > seedProfile().limits.slipBufferBytes) return r;
      const out = [END];
      for (const b of d) out.push(...(b === END ? [ESC, ESC_END] : b === ESC ? [ESC, ESC_ESC] : [b]));
      out.push(END);
      return { ok: true, value: { bytes: toHex(Uint8Array.from(out)) } };
    }),
  },
];
