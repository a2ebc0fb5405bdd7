// Sequence-to-sequence (issue 28); each folder re-exports by name.
export * from './metrics/index.js';
export * from './model/index.js';
export * from './tokenizer/index.js';
export * from './gru/index.js';
export * from './claps/index.js';
export * from './evaluate/index.js';
// Parallel data: the pure parts only (the file readers are in @contrastive/text/node).
export { encodePairs } from './data/encode-pairs.js';
export type { EncodedPairs, EncodePairsOptions } from './data/encode-pairs.js';
export { seq2seqBatches } from './data/batches.js';
export type { Seq2SeqBatchesOptions } from './data/batches.js';
export { parseParallelJsonl, parseParallelText } from './data/parallel-parse.js';
export type { ParallelJsonlOptions, ParallelTexts } from './data/parallel-parse.js';
