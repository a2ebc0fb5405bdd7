// Parallel data for seq2seq training and evaluation (issue 28). parallel-files.ts reads files (Node only); the
// package root re-exports only the pure parts (see ../index.ts), @contrastive/text/node the readers.
export { parseParallelJsonl, parseParallelText } from './parallel-parse.js';
export type { ParallelJsonlOptions, ParallelTexts } from './parallel-parse.js';
export { readParallelJsonl, readParallelText } from './parallel-files.js';
export { encodePairs } from './encode-pairs.js';
export type { EncodedPairs, EncodePairsOptions } from './encode-pairs.js';
export { seq2seqBatches } from './batches.js';
export type { Seq2SeqBatchesOptions } from './batches.js';
