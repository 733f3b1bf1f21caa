// r2net replay: one property's counterexample, exactly, from its seed and path.
import { parseArgs } from 'node:util';
import { loadImplementation } from '../../iut/load.ts';
import type { Implementation } from '../../iut/contract.ts';
import { allProperties } from '../../../properties/index.ts';
import { runProperty, contextFor } from '../../runner/run.ts';
import { log, UsageError } from '../args.ts';

export async function cmdReplay(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { property: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' }, impl: { type: 'string' } },
    strict: true,
  });
  if (!values.property || values.seed === undefined) throw new UsageError('replay needs --property ID and --seed N (copy the command a report printed)');
  const def = allProperties.find((d) => d.id === values.property);
  if (!def) throw new UsageError(`no property '${values.property}' (see r2net list)`);
  const impl: Implementation = await loadImplementation(values.impl);
  try {
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
    const r = await runProperty(def, impl, contextFor(impl), {
      seed,
      runs: 1,
      replay: { seed, path: values.path ?? '0' },
    });
    log(`${def.id}: ${r.status}`);
    if (r.counterexample) {
      log(`  ${r.counterexample.message}`);
      process.stdout.write(JSON.stringify({ property: def.id, status: r.status, counterexample: r.counterexample }, null, 2) + '\n');
    }
    return r.status === 'pass' ? 0 : 1;
  } finally {
    await impl.close?.();
  }
}

