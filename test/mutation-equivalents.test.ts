// spec/mutation-equivalents.json lists surviving Stryker mutants reviewed as equivalent or
// unobservable through the contract (scripts/mutation-scores.ts counts them as killed). Each
// entry must keep pointing at real source text, so the list cannot silently rot when src/ moves.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { equivalentKey, loadEquivalents, scores } from '../scripts/mutation-scores.ts';

const equivalents = loadEquivalents();
const MUTATED = /^src\/(codec|hw|drivers|kernel)\/([\w-]+\/)*[\w-]+\.ts$/;

describe('spec/mutation-equivalents.json', () => {
  it('has a well-formed entry for every listed mutant, none twice', () => {
    for (const e of equivalents) {
      expect(e.file, JSON.stringify(e)).toMatch(MUTATED);
      expect(Number.isInteger(e.line) && e.line >= 1 && Number.isInteger(e.column) && e.column >= 1, `${e.file}: line/column`).toBe(true);
      expect(typeof e.mutator === 'string' && e.mutator.length > 0, `${e.file}:${e.line} mutator`).toBe(true);
      expect(typeof e.original === 'string' && e.original.length > 0, `${e.file}:${e.line} original`).toBe(true);
      expect(typeof e.replacement, `${e.file}:${e.line} replacement`).toBe('string');
      expect(e.reason.length, `${e.file}:${e.line} reason`).toBeGreaterThan(10);
    }
    const keys = equivalents.map(equivalentKey);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('every entry still points at its original text (1-based line and column of src/)', () => {
    const sources = new Map<string, string[]>();
    for (const e of equivalents) {
      if (!sources.has(e.file)) sources.set(e.file, readFileSync(e.file, 'utf8').split('\n'));
      const lines = sources.get(e.file)!;
      // The mutated text may span lines: compare from line:column on.
      const from = [lines[e.line - 1]?.slice(e.column - 1) ?? '', ...lines.slice(e.line)].join('\n');
      expect(from.startsWith(e.original), `${e.file}:${e.line}:${e.column} no longer starts with ${JSON.stringify(e.original)}`).toBe(true);
    }
  });

  it('scores count a listed survivor as equivalent, and a killed one only once', () => {
    const loc = { start: { line: 3, column: 5 }, end: { line: 3, column: 9 } };
    // Same start, mutator and replacement as #6, but a shorter original text: not the listed one.
    const inner = { start: { line: 3, column: 5 }, end: { line: 3, column: 7 } };
    const report = {
      files: {
        'src/codec/x.ts': {
          source: '\n\n    true;\n',
          mutants: [
            { id: '1', mutatorName: 'StringLiteral', replacement: '""', status: 'Survived', location: loc },
            { id: '2', mutatorName: 'BooleanLiteral', replacement: 'false', status: 'Killed', location: loc },
            { id: '3', mutatorName: 'EqualityOperator', replacement: 'a < b', status: 'Survived', location: loc },
            { id: '4', mutatorName: 'BlockStatement', replacement: '{}', status: 'Timeout', location: loc },
            { id: '5', mutatorName: 'ConditionalExpression', replacement: 'false', status: 'Survived', location: inner },
            { id: '6', mutatorName: 'ConditionalExpression', replacement: 'false', status: 'Survived', location: loc },
          ],
        },
      },
    };
    const listed = [
      { file: 'src/codec/x.ts', line: 3, column: 5, mutator: 'StringLiteral', original: 'true', replacement: '""', reason: 'error text only' },
      { file: 'src/codec/x.ts', line: 3, column: 5, mutator: 'BooleanLiteral', original: 'true', replacement: 'false', reason: 'killed anyway' },
      { file: 'src/codec/x.ts', line: 3, column: 5, mutator: 'ConditionalExpression', original: 'true', replacement: 'false', reason: 'the whole condition' },
    ];
    const { folders, survivors } = scores(report, listed);
    expect(folders).toEqual([{ folder: 'codec', total: 6, killed: 1, timeout: 1, survived: 2, noCoverage: 0, equivalent: 2, score: 4 / 6 }]);
    expect(survivors.map((s) => s.mutant.id)).toEqual(['3', '5']);
  });
});
