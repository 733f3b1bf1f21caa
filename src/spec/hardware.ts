// What a hardware backend other than our models cannot show, and where it differs from the facts
// the clauses follow (spec/hardware/<name>.json; today only `qemu`). The runner reads it for a
// statement whose `backend` is qemu: a clause QEMU cannot show is `skip` with the reason; a
// clause that fails with exactly its recorded difference passes "against its recorded difference".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specDir } from './paths.ts';
import { SpecError } from './clauses.ts';
import type { Statement } from '../iut/contract.ts';

export interface Unobservable {
  /** The clauses QEMU cannot show; `properties` limits it to those properties' checks. */
  clauses: string[];
  properties?: string[];
  why: string;
}

export interface HardwareDifference {
  id: string;
  clauses: string[];
  /** What the facts we follow (datasheet, spec-notes, the model) say. */
  facts: string;
  /** What QEMU does instead. */
  qemu: string;
  /** A failure of one of `clauses` is this difference when its message matches (a regular expression). */
  failure: string;
  evidence: { scenario: unknown; reference: unknown; qemu: unknown; command?: string };
  version: string;
}

export interface HardwareFacts {
  hardware: string;
  version: string;
  unobservable: Unobservable[];
  differences: HardwareDifference[];
}

const cache = new Map<string, HardwareFacts>();

export function loadHardwareFacts(name: string): HardwareFacts {
  const hit = cache.get(name);
  if (hit) return hit;
  const where = `spec/hardware/${name}.json`;
  let doc: HardwareFacts;
  try {
    doc = JSON.parse(readFileSync(join(specDir, 'hardware', `${name}.json`), 'utf8'));
  } catch (e) {
    throw new SpecError(`${where}: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc.unobservable) || !Array.isArray(doc.differences)) throw new SpecError(`${where}: 'unobservable' and 'differences' must be arrays`);
  for (const d of doc.differences) {
    if (typeof d.id !== 'string' || !Array.isArray(d.clauses) || typeof d.failure !== 'string' || !d.evidence) throw new SpecError(`${where}: difference ${d.id ?? '?'} needs id, clauses, failure and evidence`);
    new RegExp(d.failure); // a broken pattern fails here, not in the middle of a run
  }
  cache.set(name, doc);
  return doc;
}

const factsFor = (s: Statement): HardwareFacts | undefined => (s.backend ? loadHardwareFacts(s.backend.name) : undefined);

/** Why the statement's hardware cannot show this clause in this property (null when it can). */
export function unobservable(s: Statement, property: string, clause: string): string | null {
  const f = factsFor(s);
  const u = f?.unobservable.find((x) => x.clauses.includes(clause) && (!x.properties || x.properties.includes(property)));
  return u ? `not observable on ${f!.hardware}: ${u.why} (spec/hardware/${f!.hardware}.json)` : null;
}

/** The recorded difference a failure of `clause` with `message` is, if any. */
export function recordedDifference(s: Statement, clause: string, message: string): HardwareDifference | undefined {
  return factsFor(s)?.differences.find((d) => d.clauses.includes(clause) && new RegExp(d.failure).test(message));
}
