import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against core's sources, so a change in core is tested here without a rebuild. Core's
    // test helpers (useCpuLeakCheck, useTempDir) are shared by alias only: never built nor published.
    // The more specific alias comes first (a string alias also matches as a path prefix).
    alias: [
      { find: '@contrastive/core/test-utils', replacement: fileURLToPath(new URL('../core/src/test-utils/setup.ts', import.meta.url)) },
      { find: '@contrastive/core', replacement: fileURLToPath(new URL('../core/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
