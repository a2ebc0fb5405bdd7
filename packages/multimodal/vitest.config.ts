// One config for every package (aliases to core's sources, timeouts, pool): see packages/test-utils.
// A relative import: vitest bundles the config file, and Node cannot load a .ts file from a package.
export { default } from '../test-utils/src/vitest-domain.js';
