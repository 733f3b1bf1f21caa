// r2net list: the clause catalogue with the properties that check each clause and the optional
// features (spec/features.json) a statement declares to have them checked.
import { parseArgs } from 'node:util';
import { allProperties } from '../../../properties/index.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { featuresOf, loadFeatures } from '../../spec/features.ts';
import { parseLayers } from '../args.ts';

export function cmdList(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { layers: { type: 'string' } }, strict: true });
  const layers = parseLayers(values.layers);
  const features = loadFeatures().filter((f) => !layers || layers.includes(f.layer));
  if (features.length) {
    process.stdout.write('features (declare them in statement.features; without the list a statement declares all):\n');
    for (const f of features) process.stdout.write(`  ${f.id}\t${f.layer}\t${f.title} — ops ${f.ops.join(', ')}\n`);
    process.stdout.write('\n');
  }
  const clauses = [...loadClauses().values()].filter((c) => !layers || layers.includes(c.layer));
  for (const c of clauses) {
    const by = allProperties.filter((p) => p.clauses.includes(c.id)).map((p) => p.id);
    const needs = featuresOf(c.id);
    process.stdout.write(`${c.id}\t${c.kind}\t${c.source}\t${by.join(',') || '-'}${needs.length ? `\tfeature ${needs.join(',')}` : ''}\n\t${c.statement}\n`);
  }
  return 0;
}
