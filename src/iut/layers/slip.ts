// The `slip` layer of the reference: encode with the profile's buffer limit, and a fresh
// streaming decoder per op fed chunk by chunk (so chunk boundaries are part of the input).
import type { Json } from '../contract.ts';
import { ArgError, bytesArg, hex, type Handler } from './dispatch.ts';
import type { Profile } from '../../spec/profile.ts';
import { SlipDecoder, slipEncode } from '../../codec/slip.ts';
import { fromHex } from '../../util/bytes.ts';
import { ok } from '../../util/result.ts';

export function slipHandlers(profile: Profile): Record<string, Handler<null>> {
  const limit = profile.limits.slipBufferBytes;
  return {
    'slip.encode': (op) => {
      const r = slipEncode(bytesArg(op, 'data'), limit);
      return r.ok ? ok({ bytes: hex(r.value) }) : r;
    },
    'slip.decode': (op) => {
      const chunks = op.chunks;
      if (!Array.isArray(chunks)) throw new ArgError(`slip.decode: 'chunks' must be an array of hex strings`);
      const decoder = new SlipDecoder(limit);
      const events: Json[] = [];
      for (const c of chunks) {
        const bytes = typeof c === 'string' ? fromHex(c) : undefined;
        if (!bytes) throw new ArgError('slip.decode: every chunk must be a hex string');
        for (const ev of decoder.push(bytes)) events.push('frame' in ev ? { frame: hex(ev.frame) } : { error: ev.error.kind });
      }
      return { events };
    },
  };
}
