// Deliberately wrong SLIP implementations.
import type { Json, Op, OpResult } from '../../src/iut/contract.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { patchResults, type Mutant } from './mutant.ts';
import { runOps, traceOf, type Handler } from '../../src/iut/layers/dispatch.ts';
import { slipHandlers } from '../../src/iut/layers/slip.ts';

const END = 0xc0;
const ESC = 0xdb;

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
];
