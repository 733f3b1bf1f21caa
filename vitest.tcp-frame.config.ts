// The test that judges src/codec/tcp-frame.ts's mutants (stryker.tcp-frame.config.mjs; npm test runs it too).
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/codec/tcp-frame.test.ts'] } });
