import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = (file: string): string => fileURLToPath(new URL(`../../core/src/${file}`, import.meta.url));

/**
 * The vitest config of every package (core, vision, text, graph and the packages to come): each one's
 * `vitest.config.ts` re-exports it. Tests run against core's TypeScript sources (so a change in core is
 * tested everywhere without a rebuild); the more specific subpath aliases come first (a string alias also
 * matches as a path prefix).
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: '@contrastive/core/node', replacement: coreSrc('node/index.ts') },
      { find: '@contrastive/core/cli', replacement: coreSrc('cli/index.ts') },
      { find: /^@contrastive\/core$/, replacement: coreSrc('index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The CLIs default to --workers auto (every physical core); the suites run their CLIs in one thread, and
    // the data-parallel tests ask for workers explicitly (CI's cores are busy with the suites themselves).
    env: { CONTRASTIVE_WORKERS: '1' },
  },
});
