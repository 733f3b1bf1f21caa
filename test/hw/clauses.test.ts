import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specDir } from '../../src/spec/paths.ts';

// The device-layer clause catalogues are well formed (the full loader validates all layers).
describe('nic/serial clause catalogues', () => {
  for (const layer of ['nic', 'serial']) {
    it(`${layer}.json: ids prefixed and unique, decisions and hazards carry a reason`, () => {
      const doc = JSON.parse(readFileSync(join(specDir, 'clauses', `${layer}.json`), 'utf8')) as {
        layer: string;
        clauses: Array<{ id: string; kind: string; source: string; reason?: string; statement: string }>;
      };
      expect(doc.layer).toBe(layer);
      const ids = doc.clauses.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const c of doc.clauses) {
        expect(c.id.startsWith(`${layer}.`)).toBe(true);
        expect(['requirement', 'decision', 'hazard']).toContain(c.kind);
        if (c.kind !== 'requirement') expect(c.reason?.length ?? 0).toBeGreaterThan(20);
      }
    });
  }

  it('together hold at least 22 clauses, including the silent-loss hazard', () => {
    const count = ['nic', 'serial']
      .map((l) => (JSON.parse(readFileSync(join(specDir, 'clauses', `${l}.json`), 'utf8')) as { clauses: unknown[] }).clauses.length)
      .reduce((a, b) => a + b, 0);
    expect(count).toBeGreaterThanOrEqual(22);
    const serial = readFileSync(join(specDir, 'clauses', 'serial.json'), 'utf8');
    expect(serial).toContain('"serial.slip.silent-loss"');
  });
});
