// Published SLIP encodings (properties/vectors.ts names each one's source) through the contract.
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, okValue } from '../../src/runner/assert.ts';
import { SLIP_VECTORS } from '../vectors.ts';

export const slipVectorProperties = [
  defineProperty({
    id: 'slip.vectors.public',
    title: 'published SLIP encodings (RFC 1055, Sys Admin 1994) encode and decode as printed',
    layer: 'slip',
    clauses: ['slip.encode.escaping', 'slip.roundtrip'],
    arbitrary: () => fc.constant(null),
    scenario: () => SLIP_VECTORS.flatMap((v): Op[] => [
      { op: 'slip.encode', data: v.decoded },
      { op: 'slip.decode', chunks: [v.encoded] },
    ]),
    // Each vector is its own case: the encoding as printed states the escaping, the printed
    // encoding decoding back to the datagram states the round trip.
    check: (_x, trace, _ctx, t) =>
      SLIP_VECTORS.forEach((v, i) => {
        t.check('slip.encode.escaping', () => mustEqual(field(okValue(trace, 2 * i, `${v.id}: slip.encode`), 'bytes'), v.encoded, `${v.id}: encoding`));
        t.check('slip.roundtrip', () => mustEqual(field(okValue(trace, 2 * i + 1, `${v.id}: slip.decode`), 'events'), [{ frame: v.decoded }], `${v.id}: decoding`));
      }),
    runsFactor: 0.01,
  }),
];
