// @contrastive/vision public API: re-exports by name live in each folder's index.
export * from './io/index.js';
export * from './augment/index.js';
export * from './encoders/index.js';
export * from './heads/index.js';
export * from './methods/index.js';
