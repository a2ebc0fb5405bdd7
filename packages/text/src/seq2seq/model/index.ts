// Small Transformer encoder–decoder (issue 28, CLAPS' backbone) and its decoders.
export { resolveSeq2SeqConfig } from './config.js';
export type { ResolvedSeq2SeqConfig, Seq2SeqConfig } from './config.js';
export { Seq2SeqTransformer, sinusoidalPositions, tokenCrossEntropy } from './transformer.js';
export type { Seq2SeqBatch, Seq2SeqForwardOptions } from './transformer.js';
export { disposeBatch, padIds, seq2seqBatch } from './batch.js';
export { beamSearch, greedyDecode, sequenceScores } from './decode.js';
export type { BeamSearchOptions, GreedyOptions } from './decode.js';
export type { Seq2SeqModel, Seq2SeqModelConfig } from './seq2seq-model.js';
export { shiftRight, teacherForcedNll } from './teacher-forcing.js';
