// The mutation suite's own vitest config (Stryker's vitest runner uses it; npm test does not).
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Cheap layers first. A mutant is killed by its first failing test, and vitest's default order
 * (longest file first) would run the kernel's properties before the NIC's for every mutant of
 * src/hw, which the NIC's properties kill sooner.
 */
const ORDER = ['codec', 'slip', 'serial', 'nic', 'kernel'];
const rank = (s: TestSpecification): number => {
  const i = ORDER.findIndex((l) => s.moduleId.endsWith(`/test/mutation/${l}.test.ts`));
  return i < 0 ? ORDER.length : i;
};
class CheapLayersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/mutation/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { sequencer: CheapLayersFirst },
  },
});
