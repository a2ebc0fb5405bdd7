// One config for vision, text and graph (aliases to core's sources and test helpers, timeouts, pool):
// see core's src/test-utils/vitest-domain.ts.
export { default } from '../core/src/test-utils/vitest-domain.js';
