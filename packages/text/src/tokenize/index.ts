export { loadTokenizer, TextTokenizer } from './load-tokenizer.js';
export type { TokenBatch, EncodeBatchOptions } from './load-tokenizer.js';
export type { ModelIoOptions } from './options.js';
export {
  basicTokenize,
  buildWordPieceVocab,
  buildWordPieceTokenizer,
  writeWordPieceTokenizer,
  wordPieceTokenizerJson,
  SPECIAL_TOKENS,
} from './build-wordpiece.js';
export type { WordPieceVocabOptions } from './build-wordpiece.js';
