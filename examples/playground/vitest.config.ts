import { defineConfig } from 'vitest/config';

// Unit tests (src/**) run in Node against the packages' built dist; test/browser.test.ts builds the page and
// drives Debian's Chromium. No Vite alias here: Node tests use the real @tensorflow/tfjs.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
