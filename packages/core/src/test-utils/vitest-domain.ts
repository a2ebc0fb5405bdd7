import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The vitest config of the domain packages (vision, text, graph): each one's `vitest.config.ts` re-exports
 * it. It lives here, in core's sources, so that turbo re-runs their tests when it changes (their `test`
 * depends on core's `build`, whose inputs are `src/**`); it is not built nor published (tsconfig.build.json
 * excludes test-utils). Paths below are relative to this file, not to the package that loads it.
 */
export default defineConfig({
  resolve: {
    // Tests run against core's sources, so a change in core is tested there without a rebuild. Core's
    // test helpers (useCpuLeakCheck, useTempDir) are shared by alias only: never built nor published.
    // The more specific alias comes first (a string alias also matches as a path prefix).
    alias: [
      { find: '@contrastive/core/test-utils', replacement: fileURLToPath(new URL('./setup.ts', import.meta.url)) },
      { find: '@contrastive/core', replacement: fileURLToPath(new URL('../index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
