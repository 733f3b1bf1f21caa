// Bookkeeping for this area: the codec and slip clause files load, and every clause in them
// is exercised by name somewhere in test/codec (the property suites are checked separately
// by test/catalogue.test.ts).
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadClauses } from '../../src/spec/clauses.ts';
import { rootDir } from '../../src/spec/paths.ts';

const clauses = [...loadClauses().values()].filter((c) => c.layer === 'codec' || c.layer === 'slip');
const testDir = join(rootDir, 'test', 'codec');
const testText = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.ts') && f !== 'clauses.test.ts')
  .map((f) => readFileSync(join(testDir, f), 'utf8'))
  .join('\n');

describe('codec and slip clauses', () => {
  it('load and are well formed', () => {
    expect(clauses.filter((c) => c.layer === 'codec').length).toBeGreaterThan(20);
    expect(clauses.filter((c) => c.layer === 'slip').length).toBeGreaterThan(8);
    for (const c of clauses) {
      expect(c.ref, c.id).toBeTruthy();
      if (c.kind === 'decision') expect(c.source, c.id).toBe('decision');
    }
  });

  it('each is exercised by name in test/codec', () => {
    expect(clauses.map((c) => c.id).filter((id) => !testText.includes(id))).toEqual([]);
  });
});
