import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property runs are CPU-bound; the default per-test 5 s is too tight on a shared 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
