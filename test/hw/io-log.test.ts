// The serial layer's io observation folds loops into {block, repeat, values} records: lossless
// (expanding gives every access back, in order) and small (a UART feed of N bytes costs a
// few records, not 2N).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IoLog } from '../../src/iut/layers/io-log.ts';
import { expandIo, type IoAccess } from '../../src/iut/io-format.ts';
import { createReference } from '../../src/iut/reference.ts';
import type { Json } from '../../src/iut/contract.ts';

const access = fc.record({
  op: fc.integer({ min: 0, max: 2 }),
  dir: fc.constantFrom('in', 'out'),
  port: fc.constantFrom(0x3f8, 0x3fd),
  width: fc.constantFrom(1, 2, 4),
  value: fc.nat(0xffff),
}).map((a) => ({ ...a, value: a.value & (a.width === 1 ? 0xff : 0xffff) })); // a value fits its access width
// Loops: a block of accesses played many times with changing values, as a driver loop does.
const loop = fc.tuple(fc.array(access, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), fc.nat()).map(([block, n, salt]) =>
  Array.from({ length: n }, (_, k) => block.map((a, i) => ({ ...a, op: block[0]!.op, value: (a.value + (salt % 3 === 0 ? 0 : k * (i + 1))) & (a.width === 1 ? 0xff : 0xffff) }))).flat(),
);

const plain = (a: IoAccess) => ({ op: a.op, dir: a.dir, port: a.port, width: a.width, value: a.value });

describe('IoLog', () => {
  it('expanding its records gives back every access, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(loop, access.map((a) => [a])), { maxLength: 12 }), (chunks) => {
        const accesses = chunks.flat().sort((a, b) => a.op - b.op); // ops come in order
        const log = new IoLog();
        let op = accesses[0]?.op;
        for (const a of accesses) {
          if (a.op !== op) log.flush();
          op = a.op;
          log.push(a);
        }
        log.flush();
        expect(expandIo(log.records as Json[]).map(plain)).toEqual(accesses.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('a UART fed 5000 bytes: the receive loop is a handful of records and expands to 3 accesses per byte', async () => {
    const n = 5000;
    const bytes = Buffer.alloc(n, 0x41);
    bytes[n - 1] = 0xc0;
    const t = await createReference().execute({ layer: 'serial', ops: [{ op: 'init' }, { op: 'feed', bytes: bytes.toString('hex') }, { op: 'receive' }] });
    const io = t.observations!['io'] as Json[];
    expect(io.length).toBeLessThan(20);
    const receive = expandIo(io, 2);
    expect(receive.filter((a) => a.port === 0x3f8 && a.dir === 'in').length).toBe(n); // one RBR read per byte
    expect(JSON.stringify(t).length).toBeLessThan(40 * n); // was ~116 bytes of JSON per byte fed
  });

  it('rejects a folded record whose values do not fit its block', () => {
    expect(() => expandIo([{ op: 0, block: [{ dir: 'in', port: 1, width: 1 }], repeat: 3, values: 'aabb' }])).toThrow(/values must be 6 hex digits/);
  });
});
