import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { seedProfile } from '../../src/spec/profile.ts';
import { SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC, SlipDecoder, slipDecodeAll, slipEncode, slipEncodedSize } from '../../src/codec/slip.ts';
import type { SlipDecodeEvent } from '../../src/codec/slip.ts';
import { FC, expectErr, hx, toHex, unwrap } from './helpers.ts';
import { bytesEqual } from '../../src/util/bytes.ts';

/** Events as short strings: frame hex, or '!kind'. */
const show = (events: SlipDecodeEvent[]): string[] => events.map((e) => ('frame' in e ? toHex(e.frame) : `!${e.error.kind}`));
const decode = (hex: string, limit?: number) => show(slipDecodeAll(hx(hex), limit));
/** Datagrams rich in the special bytes. */
const datagram = (max = 200) => fc.uint8Array({ maxLength: max }).chain((b) => fc.constant(b.map((x) => [SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC, x][x % 5]!)));

describe('SLIP encode', () => {
  it('constants', () => expect([SLIP_END, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC]).toEqual([0xc0, 0xdb, 0xdc, 0xdd]));

  it('frames with END on both sides and escapes END and ESC (slip.encode.framing, slip.encode.escaping)', () => {
    expect(toHex(unwrap(slipEncode(hx('450000'))))).toBe('c0450000c0');
    expect(toHex(unwrap(slipEncode(hx('c0'))))).toBe('c0dbdcc0');
    expect(toHex(unwrap(slipEncode(hx('db'))))).toBe('c0dbddc0');
    expect(toHex(unwrap(slipEncode(hx('dcdd'))))).toBe('c0dcddc0');
  });

  it('END appears only at the ends; every ESC is followed by ESC_END or ESC_ESC (slip.encode.escaping)', () => {
    fc.assert(
      fc.property(datagram(), (d) => {
        const e = unwrap(slipEncode(d));
        expect(e[0]).toBe(SLIP_END);
        expect(e[e.length - 1]).toBe(SLIP_END);
        expect(e.subarray(1, -1).includes(SLIP_END)).toBe(false);
        e.subarray(1, -1).forEach((b, i, inner) => {
          if (b === SLIP_ESC) expect([SLIP_ESC_END, SLIP_ESC_ESC]).toContain(inner[i + 1]);
        });
      }),
      FC,
    );
  });

  it('encoded size is n + specials + 2 (slip.encode.size)', () => {
    fc.assert(
      fc.property(datagram(), (d) => {
        const specials = d.filter((b) => b === 0xc0 || b === 0xdb).length;
        expect(slipEncodedSize(d)).toBe(d.length + specials + 2);
        expect(unwrap(slipEncode(d)).length).toBe(slipEncodedSize(d));
      }),
      FC,
    );
  });

  it('refuses an encoding over the limit; exactly the limit is fine (slip.encode.limit)', () => {
    expect(seedProfile().limits.slipBufferBytes).toBe(4096);
    expect(unwrap(slipEncode(new Uint8Array(4094))).length).toBe(4096);
    expectErr(slipEncode(new Uint8Array(4095)), 'too-large', 'slip.encode');
    // Escapes count: 2047 END bytes encode to 4094 + 2 = 4096.
    expect(unwrap(slipEncode(new Uint8Array(2047).fill(0xc0))).length).toBe(4096);
    expectErr(slipEncode(Uint8Array.from([...new Uint8Array(2047).fill(0xc0), 1])), 'too-large');
    // The message gives the whole encoding's size, though encoding stops looking once it cannot fit.
    const big = slipEncode(new Uint8Array(5000).fill(0xdb), 4096);
    expect(!big.ok && big.error.message).toBe('encoding of 10002 bytes exceeds the 4096-byte SLIP buffer');
    expect(unwrap(slipEncode(hx('0102'), 4)).length).toBe(4);
    expectErr(slipEncode(hx('0102'), 3), 'too-large');
    expectErr(slipEncode(hx('01'), -1), 'invalid-argument');
    expectErr(slipEncode(hx('01'), 2.5), 'invalid-argument');
  });

  it('an empty datagram encodes to END END, which decodes to nothing (slip.encode.empty)', () => {
    expect(toHex(unwrap(slipEncode(new Uint8Array(0))))).toBe('c0c0');
    expect(decode('c0c0')).toEqual([]);
  });
});

describe('SLIP decode', () => {
  it('END with data pending completes a frame (slip.decode.frame-at-end)', () => {
    expect(decode('0102c00304c0')).toEqual(['0102', '0304']);
    expect(decode('c00102c0c00304c0')).toEqual(['0102', '0304']);
  });

  it('ENDs with nothing pending are ignored (slip.decode.empty-ignored)', () => {
    expect(decode('c0c0c0')).toEqual([]);
    expect(decode('c0c001c0c0c0')).toEqual(['01']);
  });

  it('ESC ESC_END -> C0 and ESC ESC_ESC -> DB (slip.decode.unescape)', () => {
    expect(decode('c0dbdcdbddc0')).toEqual(['c0db']);
    expect(decode('c0dcddc0')).toEqual(['dcdd']);
  });

  it('ESC + other byte: protocol error, frame dropped, resync at the next END (slip.decode.bad-escape)', () => {
    expect(decode('c00102db41030405c00607c0')).toEqual(['!protocol', '0607']);
    // Bytes up to the next END are discarded, escape sequences included.
    expect(decode('c001dbdbdbdc02c0aac0')).toEqual(['!protocol', 'aa']);
    // ESC ESC at the start of a frame.
    expect(decode('dbdb')).toEqual(['!protocol']);
  });

  it('ESC END: protocol error, and that END is the resync point (slip.decode.esc-end)', () => {
    expect(decode('c00102dbc00304c0')).toEqual(['!protocol', '0304']);
    expect(decode('dbc0c0')).toEqual(['!protocol']);
  });

  it('a frame over the limit: too-large, dropped, resync at next END; exactly the limit passes (slip.decode.too-large)', () => {
    expect(decode('c0010203c0', 3)).toEqual(['010203']);
    expect(decode('c001020304c0aac0', 3)).toEqual(['!too-large', 'aa']);
    // Escaped bytes count once, decoded.
    expect(decode('c0dbdcdbdddbdcc0', 3)).toEqual(['c0dbc0']);
    expect(decode('c0dbdcdbdddbdcdbddc00102c0', 3)).toEqual(['!too-large', '0102']);
    // Seed limit: 4096 decoded bytes pass, 4097 do not.
    const ok4096 = slipDecodeAll(Uint8Array.from([0xc0, ...new Uint8Array(4096).fill(7), 0xc0]));
    expect(ok4096.length).toBe(1);
    expect('frame' in ok4096[0]! && ok4096[0].frame.length).toBe(4096);
    expect(show(slipDecodeAll(Uint8Array.from([0xc0, ...new Uint8Array(4097).fill(7), 0xc0, 1, 0xc0])))).toEqual(['!too-large', '01']);
    // One error per frame, however far past the limit it runs.
    expect(show(slipDecodeAll(Uint8Array.from([...new Uint8Array(9000).fill(7), 0xc0])))).toEqual(['!too-large']);
    // A nonsense limit behaves as 0.
    expect(show(new SlipDecoder(Number.NaN).push(hx('01c0')))).toEqual(['!too-large']);
  });

  it('an unterminated tail stays pending (slip.decode.unterminated)', () => {
    const d = new SlipDecoder();
    expect(show(d.push(hx('c00102')))).toEqual([]);
    expect(d.pending).toBe(2);
    expect(show(d.push(hx('03c0')))).toEqual(['010203']);
    expect(d.pending).toBe(0);
    expect(decode('c00102')).toEqual([]);
    d.push(hx('0405db'));
    d.reset();
    expect(show(d.push(hx('dcc0')))).toEqual(['dc']);
  });

  it('does not depend on how the stream is chunked (slip.decode.streaming)', () => {
    const stream = fc.array(fc.oneof(datagram(40), fc.constant(Uint8Array.of(0xdb, 0x41)), fc.constant(Uint8Array.of(0xc0))), { maxLength: 8 }).map((parts) => {
      const out: number[] = [];
      for (const p of parts) out.push(...(p.length === 2 && p[0] === 0xdb && p[1] === 0x41 ? p : unwrap(slipEncode(p))));
      return Uint8Array.from(out);
    });
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: 64 }), (bytes, cutsRaw, limit) => {
        const whole = show(slipDecodeAll(bytes, limit));
        const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const dec = new SlipDecoder(limit);
        const pieces: string[] = [];
        let at = 0;
        for (const c of [...cuts, bytes.length]) {
          pieces.push(...show(dec.push(bytes.subarray(at, c))));
          at = c;
        }
        expect(pieces).toEqual(whole);
      }),
      FC,
    );
  });

  it('decode(encode(d)) = [d] for every non-empty datagram that fits (slip.roundtrip)', () => {
    fc.assert(
      fc.property(datagram(300), fc.integer({ min: 4, max: 700 }), (d, limit) => {
        const enc = slipEncode(d, limit);
        if (!enc.ok) {
          expect(slipEncodedSize(d)).toBeGreaterThan(limit);
          return;
        }
        expect(show(slipDecodeAll(enc.value, limit))).toEqual(d.length ? [toHex(d)] : []);
      }),
      FC,
    );
  });

  it('frames are fresh copies', () => {
    const d = new SlipDecoder();
    const [a] = d.push(hx('0102c0'));
    d.push(hx('0304c0'));
    expect(a && 'frame' in a && toHex(a.frame)).toBe('0102');
  });
});

describe('SLIP native-search paths agree with byte-at-a-time', () => {
  // Bytes biased towards the special values, so words with and without them both occur.
  const stream = fc.uint8Array({ maxLength: 600 }).chain((b) =>
    fc.array(fc.constantFrom(0xc0, 0xdb, 0xdc, 0xdd), { maxLength: 8 }).chain((sp) =>
      fc.array(fc.nat(), { minLength: sp.length, maxLength: sp.length }).map((at) => {
        const out = Uint8Array.from(b);
        sp.forEach((v, i) => out.length && (out[at[i]! % out.length] = v));
        return out;
      }),
    ),
  );
  const byteWise = (limit: number, bytes: Uint8Array): SlipDecodeEvent[] => {
    const d = new SlipDecoder(limit);
    return Array.from(bytes).flatMap((x) => d.push(Uint8Array.of(x)));
  };
  const simpleEncode = (d: Uint8Array): number[] => [0xc0, ...Array.from(d).flatMap((x) => (x === 0xc0 ? [0xdb, 0xdc] : x === 0xdb ? [0xdb, 0xdd] : [x])), 0xc0];

  it('encode: the same bytes as the one-byte-at-a-time definition, at any alignment', () => {
    fc.assert(
      fc.property(stream, fc.nat(3), (b, off) => {
        const view = Uint8Array.from([0, 0, 0, ...b]).subarray(off, off + b.length);
        view.set(b);
        const r = slipEncode(view, 1 << 20);
        return r.ok && bytesEqual(r.value, Uint8Array.from(simpleEncode(b))) && slipEncodedSize(view) === r.value.length;
      }),
      FC,
    );
  });

  // Encoded datagrams back to back (valid escapes in every frame), a few bytes then overwritten.
  const encodedStream = fc
    .tuple(fc.array(datagram(300), { maxLength: 6 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(0xc0, 0xdb, 0xdc, 0xdd, 0x00)), { maxLength: 4 }))
    .map(([ds, hits]) => {
      const out = Uint8Array.from(ds.flatMap((d) => Array.from(unwrap(slipEncode(d, 1 << 20)))));
      for (const [at, v] of hits) if (out.length) out[at % out.length] = v;
      return out;
    });

  it('decode: escaped frames give the same events whole, in chunks and byte by byte, for any limit', () => {
    fc.assert(
      fc.property(encodedStream, fc.constantFrom(0, 16, 100, 250, 4096), fc.array(fc.nat(), { maxLength: 4 }), (b, limit, cuts) => {
        const expected = byteWise(limit, b);
        expect(new SlipDecoder(limit).push(b)).toEqual(expected);
        const at = [...new Set(cuts.map((c) => (b.length ? c % b.length : 0)))].sort((x, y) => x - y);
        const d = new SlipDecoder(limit);
        const chunked = [0, ...at].flatMap((from, k) => d.push(b.subarray(from, k < at.length ? at[k] : b.length)));
        expect(chunked).toEqual(expected);
      }),
      FC,
    );
  });

  it('decode: the same events whole as byte by byte, for any limit and alignment', () => {
    fc.assert(
      fc.property(stream, fc.nat(3), fc.constantFrom(0, 3, 16, 64, 4096), (b, off, limit) => {
        const view = new Uint8Array(b.length + 3).subarray(off, off + b.length);
        view.set(b);
        expect(new SlipDecoder(limit).push(view)).toEqual(byteWise(limit, b));
      }),
      FC,
    );
  });
});
