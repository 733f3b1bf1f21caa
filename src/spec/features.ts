// The optional features of the stack (spec/features.json): which clauses need which feature, so a
// statement that does not declare one gets `skip` there instead of a failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specDir } from './paths.ts';
import { LAYERS, type Layer, type Statement } from '../iut/contract.ts';
import { SpecError } from './clauses.ts';

export interface Feature {
  id: string;
  layer: Layer;
  title: string;
  ops: string[];
  /** Clause ids, or prefixes ending in '.' or '-', of the clauses that need the feature. */
  clauses: string[];
  why: string;
}

let features: Feature[] | undefined;

export function loadFeatures(): Feature[] {
  if (features) return features;
  const where = 'spec/features.json';
  let doc: { features?: Partial<Feature>[] };
  try {
    doc = JSON.parse(readFileSync(join(specDir, 'features.json'), 'utf8'));
  } catch (e) {
    throw new SpecError(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc.features)) throw new SpecError(`${where}: 'features' must be an array`);
  const seen = new Set<string>();
  features = doc.features.map((f, i) => {
    const at = `${where} feature #${i} (${f.id ?? 'no id'})`;
    if (typeof f.id !== 'string' || seen.has(f.id)) throw new SpecError(`${at}: id missing or duplicate`);
    if (!LAYERS.includes(f.layer as Layer)) throw new SpecError(`${at}: layer must be one of ${LAYERS.join(', ')}`);
    if (!Array.isArray(f.clauses) || !f.clauses.length) throw new SpecError(`${at}: 'clauses' must list clause ids or prefixes`);
    seen.add(f.id);
    return f as Feature;
  });
  return features;
}

const matches = (pattern: string, clause: string): boolean => (/[.-]$/.test(pattern) ? clause.startsWith(pattern) : clause === pattern);

/** The features a clause needs. */
export function featuresOf(clause: string): string[] {
  return loadFeatures()
    .filter((f) => f.clauses.some((p) => matches(p, clause)))
    .map((f) => f.id);
}

/** Why the statement does not cover the clause's features (null when it does). No `features` means all. */
export function missingFeature(statement: Statement, clause: string): string | null {
  if (!statement.features) return null;
  const missing = featuresOf(clause).filter((f) => !statement.features!.includes(f));
  return missing.length ? `feature ${missing.join(', ')} not declared` : null;
}
