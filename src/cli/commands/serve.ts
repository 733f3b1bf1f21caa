// r2net serve: the reference (or one deliberately wrong mutant) served over the out-of-process
// protocol on stdin/stdout (spec/contract/protocol.md). It is the worked example for
// implementers and what the adapter's own tests run against:
//   r2net run --impl "node bin/r2net.js serve --mutant ipv4-ttl-255"
// stdout carries protocol replies only; everything else goes to stderr.
import { parseArgs } from 'node:util';
import type { Implementation, Json } from '../../iut/contract.ts';
import { createReference } from '../../iut/reference.ts';
import { serveImplementation } from '../../iut/process/server.ts';
import { allMutants } from '../../../properties/mutants/index.ts';
import { mutantImplementation } from '../../../properties/mutants/mutant.ts';
import { log, parseLayers, UsageError } from '../args.ts';
import { serveReferenceHardware } from '../../iut/served/served-reference.ts';

function parseOptions(v: string | undefined): Record<string, Json> | undefined {
  if (v === undefined) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch (e) {
    throw new UsageError(`--options must be a JSON object: ${(e as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new UsageError('--options must be a JSON object, e.g. {"mac":"525400123456"}');
  return o as Record<string, Json>;
}

export async function cmdServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      mutant: { type: 'string' },
      layers: { type: 'string' },
      options: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      hardware: { type: 'string' },
    },
    strict: true,
  });
  if (values.mutant === 'list') {
    for (const m of allMutants) process.stdout.write(`${m.name}\t${m.layer}\t${m.description}\n`);
    return 0;
  }
  const layers = parseLayers(values.layers);
  const options = parseOptions(values.options);
  if (values.hardware !== undefined) {
    // Protocol 2: the reference's drivers here, every port access and DMA served by r2net.
    if (values.hardware !== 'served') throw new UsageError(`--hardware must be 'served', got '${values.hardware}'`);
    if (values.mutant !== undefined) throw new UsageError('--hardware served runs the reference, not a mutant');
    if (!values.quiet) log('r2net serve: the reference with served hardware (protocol 2) on stdin/stdout');
    return serveReferenceHardware({ ...(layers ? { layers } : {}), ...(options ? { options } : {}) });
  }
  let impl: Implementation;
  if (values.mutant !== undefined) {
    const m = allMutants.find((x) => x.name === values.mutant);
    if (!m) throw new UsageError(`no mutant '${values.mutant}' (r2net serve --mutant list; names: ${allMutants.map((x) => x.name).join(', ')})`);
    impl = layers || options
      ? createReference({ name: `mutant:${m.name}`, overrides: { [m.layer]: m.executor }, ...(layers ? { layers } : {}), ...(options ? { options } : {}) })
      : mutantImplementation(m);
  } else {
    impl = createReference({ ...(layers ? { layers } : {}), ...(options ? { options } : {}) });
  }
  const s = impl.statement;
  if (!values.quiet) log(`r2net serve: ${s.name} ${s.version} (layers ${s.layers.join(', ')}) on stdin/stdout`);
  await serveImplementation(impl, process.stdin, process.stdout);
  process.stdin.destroy(); // nothing more is read; let the process end
  return 0;
}
