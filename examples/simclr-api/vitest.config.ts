import { defineConfig } from 'vitest/config';

// The example runs against the packages' built dist (as a user's project would), not their sources.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, pool: 'forks' } });
