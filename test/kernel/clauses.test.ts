// The kernel clause catalogue loads, is big enough, and every clause id the kernel code cites
// (in comments and hazard events) exists.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadClauses } from '../../src/spec/clauses.ts';
import { rootDir } from '../../src/spec/paths.ts';
import { HAZARD_KINDS, hazardClause } from '../../src/kernel/ledger-records.ts';

const kernel = [...loadClauses().values()].filter((c) => c.layer === 'kernel');

describe('spec/clauses/kernel.json', () => {
  it('has at least 25 requirement/decision clauses and the 5 hazards', () => {
    expect(kernel.filter((c) => c.kind !== 'hazard').length).toBeGreaterThanOrEqual(25);
    expect(kernel.filter((c) => c.kind === 'hazard').map((c) => c.id).sort()).toEqual(HAZARD_KINDS.map(hazardClause).sort());
  });

  it('every clause id cited in src/kernel exists', () => {
    const ids = new Set(kernel.map((c) => c.id));
    const dir = join(rootDir, 'src', 'kernel');
    const cited = new Set<string>();
    for (const f of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const comment = /(?:\/\/|^\s*\*|\/\*\*)(.*)$/.exec(line)?.[1] ?? '';
        for (const m of comment.matchAll(/kernel\.(?:[a-z0-9-]+\.)+[a-z0-9-]+/g)) cited.add(m[0]);
      }
    }
    expect(cited.size).toBeGreaterThan(10);
    expect([...cited].filter((id) => !ids.has(id))).toEqual([]);
  });
});
