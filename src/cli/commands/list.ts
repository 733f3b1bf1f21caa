// r2net list: the clause catalogue with the properties that check each clause and the optional
// features (spec/features.json) a statement declares to have them checked.
import { allProperties } from '../../../properties/index.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { featuresOf, loadFeatures } from '../../spec/features.ts';
import { out, parseCommand, parseLayers } from '../args.ts';

const LIST = {
  name: 'list',
  usage: `Usage: r2net list [--layers L,L...]

The optional features a statement may declare, then every clause of spec/clauses/*.json: id,
kind, source, the properties that check it and the feature it needs, then its statement on an
indented line.

  --layers L,L...  only clauses of these layers (codec, slip, nic, serial, kernel)
  -h, --help       this text`,
  options: { layers: { type: 'string' } },
} as const;

export function cmdList(argv: string[]): number {
  const parsed = parseCommand(LIST, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const layers = parseLayers(values.layers);
  const features = loadFeatures().filter((f) => !layers || layers.includes(f.layer));
  if (features.length) {
    out('features (declare them in statement.features; without the list a statement declares all):');
    for (const f of features) out(`  ${f.id}\t${f.layer}\t${f.title} — ops ${f.ops.join(', ')}`);
    out('');
  }
  const clauses = [...loadClauses().values()].filter((c) => !layers || layers.includes(c.layer));
  for (const c of clauses) {
    const by = allProperties.filter((p) => p.clauses.includes(c.id)).map((p) => p.id);
    const needs = featuresOf(c.id);
    out(`${c.id}\t${c.kind}\t${c.source}\t${by.join(',') || '-'}${needs.length ? `\tfeature ${needs.join(',')}` : ''}\n\t${c.statement}`);
  }
  return 0;
}
