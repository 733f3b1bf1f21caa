// The clause catalogue: spec/clauses/<layer>.json, validated on load so a typo in a clause
// file is a clear error at start-up, not a silent gap in a report.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { specDir } from './paths.ts';
import { LAYERS, type Layer } from '../iut/contract.ts';

export const CLAUSE_KINDS = ['requirement', 'decision', 'hazard'] as const;
export type ClauseKind = (typeof CLAUSE_KINDS)[number];
export const CLAUSE_SOURCES = ['seed', 'r2-doc', 'r2-code', 'rfc', 'hw', 'decision'] as const;
export type ClauseSource = (typeof CLAUSE_SOURCES)[number];

export interface Clause {
  id: string;
  layer: Layer;
  statement: string;
  source: ClauseSource;
  ref?: string;
  kind: ClauseKind;
  reason?: string;
}

export class SpecError extends Error {
  override name = 'SpecError';
}

let catalogue: Map<string, Clause> | undefined;

export function loadClauses(dir = join(specDir, 'clauses')): Map<string, Clause> {
  if (catalogue && dir === join(specDir, 'clauses')) return catalogue;
  const out = new Map<string, Clause>();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const where = `spec/clauses/${file}`;
    let doc: { layer?: unknown; clauses?: unknown };
    try {
      doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      throw new SpecError(`${where}: not valid JSON: ${(e as Error).message}`);
    }
    if (!LAYERS.includes(doc.layer as Layer)) throw new SpecError(`${where}: layer must be one of ${LAYERS.join(', ')}`);
    if (!Array.isArray(doc.clauses)) throw new SpecError(`${where}: 'clauses' must be an array`);
    for (const [i, c] of (doc.clauses as Partial<Clause>[]).entries()) {
      const at = `${where} clause #${i} (${c.id ?? 'no id'})`;
      if (typeof c.id !== 'string' || !c.id.startsWith(`${doc.layer}.`)) throw new SpecError(`${at}: id must start with '${doc.layer}.'`);
      if (out.has(c.id)) throw new SpecError(`${at}: duplicate id`);
      if (typeof c.statement !== 'string' || c.statement.length < 10) throw new SpecError(`${at}: statement missing`);
      if (!CLAUSE_KINDS.includes(c.kind as ClauseKind)) throw new SpecError(`${at}: kind must be one of ${CLAUSE_KINDS.join(', ')}`);
      if (!CLAUSE_SOURCES.includes(c.source as ClauseSource)) throw new SpecError(`${at}: source must be one of ${CLAUSE_SOURCES.join(', ')}`);
      if ((c.kind === 'decision' || c.kind === 'hazard') && !c.reason) throw new SpecError(`${at}: a ${c.kind} needs a reason`);
      out.set(c.id, { ...(c as Clause), layer: doc.layer as Layer });
    }
  }
  if (dir === join(specDir, 'clauses')) catalogue = out;
  return out;
}
