// The built-in reference implementation behind the contract.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Implementation, Json, Layer, Scenario, Statement, Trace } from './contract.ts';
import { referenceLayers, type LayerExecutor } from './layers/index.ts';
import { loadProfile } from '../spec/profile.ts';
import { rootDir } from '../spec/paths.ts';
import { loadFeatures } from '../spec/features.ts';

let version: string | undefined;
/** The tool's version from package.json, read once. */
export const packageVersion = (): string => (version ??= (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { version: string }).version);

export interface ReferenceOptions {
  profile?: string;
  /** Restrict the declared layers (e.g. to test skipping). */
  layers?: Layer[];
  options?: Record<string, Json>;
  /** Replace a layer's executor: how the deliberately wrong implementations are built. */
  overrides?: Partial<Record<Layer, LayerExecutor>>;
  name?: string;
  /** Declare only these features (default: every feature of spec/features.json, which the reference implements). */
  features?: string[];
}

export function createReference(o: ReferenceOptions = {}): Implementation {
  const executors = { ...referenceLayers, ...o.overrides };
  const declared = (Object.keys(executors) as Layer[]).filter((l) => !o.layers || o.layers.includes(l));
  const statement: Statement = {
    name: o.name ?? 'r2net-reference',
    version: packageVersion(),
    profile: o.profile ?? 'seed',
    layers: declared,
    features: o.features ?? loadFeatures().filter((f) => declared.includes(f.layer)).map((f) => f.id),
    // The reference is the suite's decisions made executable: a decision it misses is a bug.
    followsDecisions: true,
    ...(o.options ? { options: o.options } : {}),
  };
  const profile = loadProfile(statement.profile);
  return {
    statement,
    execute(scenario: Scenario): Trace {
      const run = declared.includes(scenario.layer) ? executors[scenario.layer] : undefined;
      if (!run) {
        return { results: scenario.ops.map(() => ({ ok: false, error: { kind: 'unsupported-layer', message: `layer '${scenario.layer}' is not implemented` } })) };
      }
      return run(scenario.ops, profile, statement);
    },
  };
}
