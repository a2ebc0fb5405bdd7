// Seq2seq evaluation metrics: pure functions, browser-safe.
export { corpusBleu, sentenceBleu } from './bleu.js';
export type { BleuOptions, BleuScore, BleuSmoothMethod, BleuTokenizer } from './bleu.js';
export { tokenize13a } from './tokenize-13a.js';
export { rouge, corpusRouge, lcsLength } from './rouge.js';
export type { RougeOptions, RougeScore, RougeType } from './rouge.js';
export { rougeTokenize, porter2Stemmer } from './rouge-tokenize.js';
export type { Stemmer } from './rouge-tokenize.js';
