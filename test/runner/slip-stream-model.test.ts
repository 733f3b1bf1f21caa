// The independent SLIP decoder behind slip.decode.stream-with-noise: its events are the ones the
// clauses state, and the false alarm of issue 8 (noise `ab` before the datagram `ab`) is gone.
import { describe, expect, it } from 'vitest';
import { modelDecode } from '../../properties/slip/model.ts';
import { slipProperties } from '../../properties/slip/slip.ts';
import { createReference } from '../../src/iut/reference.ts';
import { contextFor } from '../../src/runner/run.ts';
import { CaseChecks } from '../../src/runner/checks.ts';
import { fromHex } from '../../src/util/bytes.ts';

const LIMIT = 4096;
const run = (hex: string, limit = LIMIT) => {
  const r = modelDecode(fromHex(hex)!, limit);
  return { events: r.events.map((e) => [e.event, e.clause]), emptyEnds: r.emptyEnds };
};

describe('slip stream model (RFC 1055 + spec/clauses/slip.json decisions)', () => {
  it('delivers a frame at END, ignores ENDs with nothing pending, drops unterminated bytes', () => {
    expect(run('c0c0ab00c0c0cd')).toEqual({ events: [[{ frame: 'ab00' }, 'slip.decode.frame-at-end']], emptyEnds: 3 });
  });
  it('unescapes ESC ESC_END and ESC ESC_ESC', () => {
    expect(run('dbdcdbddc0').events).toEqual([[{ frame: 'c0db' }, 'slip.decode.frame-at-end']]);
  });
  it('a bad escape is a protocol error and discards up to the next END', () => {
    expect(run('c001db02dbdcc0aac0').events).toEqual([
      [{ error: 'protocol' }, 'slip.decode.bad-escape'],
      [{ frame: 'aa' }, 'slip.decode.frame-at-end'],
    ]);
  });
  it('ESC END is a protocol error and that END is the boundary', () => {
    expect(run('01dbc0aac0').events).toEqual([
      [{ error: 'protocol' }, 'slip.decode.esc-end'],
      [{ frame: 'aa' }, 'slip.decode.frame-at-end'],
    ]);
  });
  it('a frame over the buffer is too large and discarded up to the next END', () => {
    expect(run('010203c004c0', 2).events).toEqual([
      [{ error: 'too-large' }, 'slip.decode.too-large'],
      [{ frame: '04' }, 'slip.decode.frame-at-end'],
    ]);
  });
});

describe('slip.decode.stream-with-noise', () => {
  const def = slipProperties.find((p) => p.id === 'slip.decode.stream-with-noise')!;
  const ref = createReference();
  const ctx = contextFor(ref);
  const checkOn = async (parts: unknown) => {
    const scenario = { layer: def.layer, ops: def.scenario(parts, ctx) };
    const trace = await ref.execute(scenario);
    const t = new CaseChecks(new Set(def.clauses), new Set());
    def.check(parts, trace, ctx, t);
    return t;
  };

  it('holds on the reference for noise `ab` before the datagram `ab` (the old false alarm)', async () => {
    // ab c0 ab c0: the noise is a frame of its own, then the datagram; no END meets nothing pending.
    const t = await checkOn([{ noise: Uint8Array.of(0xab), extraEnds: 0, datagram: Uint8Array.of(0xab) }]);
    expect(t.failures).toEqual([]);
    expect([...t.observed]).toEqual(['slip.decode.frame-at-end']);
  });
  it('blames the clause of the first event that differs', async () => {
    const parts = [{ noise: Uint8Array.of(0x01, 0xdb, 0x02), extraEnds: 1, datagram: Uint8Array.of(0x05) }];
    const scenario = { layer: def.layer, ops: def.scenario(parts, ctx) };
    const trace = await ref.execute(scenario);
    // As an RFC 1055 sample receiver would: the byte after a bad ESC kept, a frame delivered.
    (trace.results[0] as { ok: true; value: unknown }).value = { events: [{ frame: '0102' }, { frame: '05' }] };
    const t = new CaseChecks(new Set(def.clauses), new Set());
    try {
      def.check(parts, trace, ctx, t);
    } catch {
      /* the failing step ends the case */
    }
    expect(t.failures.map((f) => f.clause)).toEqual(['slip.decode.bad-escape']);
  });
});
