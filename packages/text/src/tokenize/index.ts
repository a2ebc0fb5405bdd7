// Browser-safe tokenizer API; loading from a folder (`loadTokenizer`) and writing a vocabulary folder
// (`buildWordPieceTokenizer`, `writeWordPieceTokenizer`) are in '@contrastive/text/node'.
export { TextTokenizer, tokenizerFromJson } from './text-tokenizer.js';
export type { TokenBatch, EncodeBatchOptions, TokenizerFiles } from './text-tokenizer.js';
export type { ModelIoOptions } from './options.js';
export { basicTokenize, buildWordPieceVocab, wordPieceTokenizerJson, wordPieceTokenizerConfig, SPECIAL_TOKENS } from './wordpiece-vocab.js';
export type { WordPieceVocabOptions } from './wordpiece-vocab.js';
