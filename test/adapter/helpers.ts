// Shared by the adapter tests: command lines for `r2net serve`, the fixtures and the Python
// example, and the JSON Schema of the protocol compiled once.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { rootDir } from '../../src/spec/paths.ts';
import type { RunOutcome } from '../../src/runner/run.ts';

/** Quotes one word for --impl (src/iut/process/argv.ts rules). */
export const word = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
export const commandLine = (...words: string[]): string => words.map(word).join(' ');

export const r2netBin = join(rootDir, 'bin/r2net.js');
export const fixture = (name: string): string => join(rootDir, 'test/adapter/fixtures', name);
export const serveCommand = (...args: string[]): string => commandLine(process.execPath, r2netBin, 'serve', '--quiet', ...args);
export const fixtureCommand = (name: string, ...args: string[]): string => commandLine(process.execPath, fixture(name), ...args);
export const pythonExample = join(rootDir, 'examples/python/r2net_impl.py');
export const pythonCommand = (): string => commandLine('python3', pythonExample);

/** Clause verdicts and property statuses of a run, in a form two runs can be compared by. */
export const verdicts = (o: RunOutcome) => ({
  clauses: o.clauses.map((c) => `${c.id}: ${c.verdict}`),
  properties: o.properties.map((p) => `${p.id}: ${p.status}${p.path ? ` @${p.path}` : ''}`),
});

const schema = JSON.parse(readFileSync(join(rootDir, 'spec/contract/protocol.schema.json'), 'utf8')) as { $id: string };
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(schema);
const validator = (def: string) => {
  const v = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
  if (!v) throw new Error(`schema has no $defs/${def}`);
  return v;
};
export const validateRequest = validator('request');
export const validateReply = validator('reply');
export const validateMessage = ajv.getSchema(schema.$id)!;
/** Errors of one message against a definition, as text (empty when valid). */
export function schemaErrors(def: 'request' | 'reply', message: unknown): string {
  const v = def === 'request' ? validateRequest : validateReply;
  return v(message) ? '' : ajv.errorsText(v.errors);
}
