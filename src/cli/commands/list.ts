// r2net list: the clause catalogue with the properties that check each clause.
import { parseArgs } from 'node:util';
import { allProperties } from '../../../properties/index.ts';
import { loadClauses } from '../../spec/clauses.ts';
import { parseLayers } from '../args.ts';

export function cmdList(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { layers: { type: 'string' } }, strict: true });
  const layers = parseLayers(values.layers);
  const clauses = [...loadClauses().values()].filter((c) => !layers || layers.includes(c.layer));
  for (const c of clauses) {
    const by = allProperties.filter((p) => p.clauses.includes(c.id)).map((p) => p.id);
    process.stdout.write(`${c.id}\t${c.kind}\t${c.source}\t${by.join(',') || '-'}\n\t${c.statement}\n`);
  }
  return 0;
}

