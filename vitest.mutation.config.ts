// The mutation suite's own vitest config (Stryker's vitest runner uses it; npm test does not).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutation/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
