// @contrastive/gan public API (browser-safe: no `node:` module is reachable from here). Re-exports by name live in
// each folder's index; the committed metric classifier and file I/O are in '@contrastive/gan/node'.
export * from './layers/index.js';
export * from './models/index.js';
export * from './losses/index.js';
export * from './augment/index.js';
export * from './contrad/index.js';
export * from './methods/index.js';
export * from './metrics/index.js';
