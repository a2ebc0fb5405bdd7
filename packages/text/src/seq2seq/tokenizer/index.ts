// Cased metaspace BPE tokenizer shared by source and target (issue 28). Browser-safe; files in tokenizer-files.ts.
export { Seq2SeqTokenizer, SEQ2SEQ_SPECIAL_TOKENS } from './seq2seq-tokenizer.js';
export type { Seq2SeqTokenizerJson, Seq2SeqTokenizerTrainOptions } from './seq2seq-tokenizer.js';
export { METASPACE, metaspaceSegments, normalizeSeq2SeqText } from './normalize.js';
export { trainBpe } from './bpe-train.js';
export type { BpeModel, BpeTrainOptions } from './bpe-train.js';
