// Stryker for `npm run mutation` (scripts/mutation.ts sets R2NET_MUTATE; see README "Mutation").
// The vitest runner runs test/mutation/ (vitest.mutation.config.ts): every property on the
// mutated reference in process; perTest coverage runs only the properties that reach a mutant.
import { FILE, FOLDERS, NOT_BEHIND_CONTRACT, NOT_REFERENCE, reportFolder } from './scripts/mutation-selection.mjs';

// R2NET_MUTATE: folders of src/ and/or single files under them (src/hw/rtl8139.ts).
const chosen = (process.env.R2NET_MUTATE || FOLDERS.join(',')).split(',').filter(Boolean);
for (const f of chosen) if (!FOLDERS.includes(f) && !FILE.test(f)) throw new Error(`R2NET_MUTATE: '${f}' is neither a folder (${FOLDERS.join(', ')}) nor a file under one`);
const out = reportFolder(chosen);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // The reference behind the contract only (NOT_REFERENCE and NOT_BEHIND_CONTRACT say why).
  mutate: [...chosen.map((f) => (FILE.test(f) ? f : `src/${f}/**/*.ts`)), ...[...NOT_REFERENCE, ...NOT_BEHIND_CONTRACT].map((f) => `!${f}`)],
  // At most 2 workers: the machine it was written on has 2 cores shared by several people.
  concurrency: Number(process.env.R2NET_MUTATION_CONCURRENCY || 2),
  // "Timeout" = 1.5 × the covering properties' dry-run time + 5 s (R2NET_MUTATION_TIMEOUT_MS): slack
  // for a shared machine; mutants that loop forever each cost this much of a worker.
  timeoutMS: Number(process.env.R2NET_MUTATION_TIMEOUT_MS || 5000),
  timeoutFactor: 1.5,
  // Static mutants (module-level code: constants, tables) run EVERY property each, ~60% of the
  // time of a run; `npm run mutation -- --static` includes them.
  ignoreStatic: process.env.R2NET_MUTATION_STATIC !== '1',
  reporters: ['html', 'json', 'progress'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['reports', 'coverage', '.r2net'],
};
