import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/mutation/ is the Stryker suite (npm run mutation, vitest.mutation.config.ts).
    exclude: [...configDefaults.exclude, 'test/mutation/**'],
    // Property runs are CPU-bound; the default per-test 5 s is too tight on a shared 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
