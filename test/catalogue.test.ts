// The suite's own bookkeeping: every clause is checked by a property, every property names
// real clauses, ids are unique, and the reference declares what it implements.
import { describe, expect, it } from 'vitest';
import { allProperties } from '../properties/index.ts';
import { loadClauses } from '../src/spec/clauses.ts';
import { createReference } from '../src/iut/reference.ts';

const clauses = loadClauses();

describe('clause catalogue and property definitions', () => {
  it('property ids are unique', () => {
    const ids = allProperties.map((p) => p.id);
    expect(ids.length).toBe(new Set(ids).size);
  });

  it('every property names existing clauses of its own layer', () => {
    for (const p of allProperties) {
      expect(p.clauses.length, p.id).toBeGreaterThan(0);
      for (const id of p.clauses) {
        expect(clauses.has(id), `${p.id} names unknown clause ${id}`).toBe(true);
        expect(clauses.get(id)!.layer, `${p.id} -> ${id}`).toBe(p.layer);
      }
    }
  });

  it('every clause of an implemented layer is checked by at least one property', () => {
    const layers = createReference().statement.layers;
    const unchecked = [...clauses.values()].filter((c) => layers.includes(c.layer) && !allProperties.some((p) => p.clauses.includes(c.id)));
    expect(unchecked.map((c) => c.id)).toEqual([]);
  });

  it('a hazard property checks only hazard clauses (so its verdict is unambiguous)', () => {
    for (const p of allProperties) {
      const kinds = new Set(p.clauses.map((id) => clauses.get(id)?.kind));
      if (kinds.has('hazard')) expect([...kinds], p.id).toEqual(['hazard']);
    }
  });
});
