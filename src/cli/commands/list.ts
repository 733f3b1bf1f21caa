// r2net list: the clause catalogue with the properties that check each clause.
import { allProperties } from '../../../properties/index.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { out, parseCommand, parseLayers } from '../args.ts';

const LIST = {
  name: 'list',
  usage: `Usage: r2net list [--layers L,L...]

Every clause of spec/clauses/*.json: id, kind, source and the properties that check it, then
its statement on an indented line.

  --layers L,L...  only clauses of these layers (codec, slip, nic, serial, kernel)
  -h, --help       this text`,
  options: { layers: { type: 'string' } },
} as const;

export function cmdList(argv: string[]): number {
  const parsed = parseCommand(LIST, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const layers = parseLayers(values.layers);
  const clauses = [...loadClauses().values()].filter((c) => !layers || layers.includes(c.layer));
  for (const c of clauses) {
    const by = allProperties.filter((p) => p.clauses.includes(c.id)).map((p) => p.id);
    out(`${c.id}\t${c.kind}\t${c.source}\t${by.join(',') || '-'}\n\t${c.statement}`);
  }
  return 0;
}

