// Stryker for src/codec/tcp-frame.ts alone (scripts/mutation-selection.mjs, NOT_BEHIND_CONTRACT):
// no property reaches it, so its mutants are judged by its definition's test instead,
// test/codec/tcp-frame.test.ts (the layered helpers composed). `npx stryker run stryker.tcp-frame.config.mjs`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.tcp-frame.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['src/codec/tcp-frame.ts'],
  concurrency: Number(process.env.R2NET_MUTATION_CONCURRENCY || 2),
  timeoutMS: 5000,
  reporters: ['html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/tcp-frame/index.html' },
  jsonReporter: { fileName: 'reports/mutation/tcp-frame/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['reports', 'coverage', '.r2net'],
};
