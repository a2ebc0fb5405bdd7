// Sequence-to-sequence (issue 28); each folder re-exports by name.
export * from './metrics/index.js';
export * from './model/index.js';
export * from './tokenizer/index.js';
