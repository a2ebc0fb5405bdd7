// @contrastive/text public API: re-exports by name live in each folder's index.
export * from './tokenize/index.js';
export * from './encoders/index.js';
export * from './frozen/index.js';
export * from './augment/index.js';
export * from './methods/index.js';
export * from './eval/index.js';
export * from './data/index.js';
export { main } from './cli/main.js';
