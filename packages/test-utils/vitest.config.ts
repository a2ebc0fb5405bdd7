// A relative import: vitest bundles the config file, and Node cannot load a .ts file from a package.
export { default } from './src/vitest-domain.js';
