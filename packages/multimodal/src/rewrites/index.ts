// UNIMO's text rewriting and image/text retrieval for CMCL, browser-safe: the retrieval engine (BM25) and WordNet's
// text are injected; '@contrastive/multimodal/node' has the loaders (loadWordNetLexicon, cmclRewriteTables).
export { textKey } from './text-key.js';
export type { TextSearch, TextSearchFactory } from './text-search.js';
export { positiveRewrites } from './positive-rewrites.js';
export { sentenceHardNegatives } from './sentence-negatives.js';
export type { SentenceNegativeOptions } from './sentence-negatives.js';
export { coHyponyms, nounGlossCorpus, parseWordNetLexicon, pictureSense } from './wordnet-lexicon.js';
export type { NounSynset, WordNetLexicon, WordNetLexiconFiles } from './wordnet-lexicon.js';
export { applyWordSwap, pluralise, wordHardNegatives, wordSwapSites } from './word-negatives.js';
export type { WordNegativeOptions, WordSwapSite } from './word-negatives.js';
export { retrieveWeakPositives } from './weak-positives.js';
export type { WeakPositiveOptions } from './weak-positives.js';
export { buildRewriteTables, imagesFromRecords } from './tables.js';
export type { CaptionedImage, ImageRewrites, RewriteSources, RewriteTableOptions } from './tables.js';
export { cmclBatch, DEFAULT_CMCL_BUDGET } from './cmcl-batch.js';
export type { CmclBatchOptions, CmclBatchTexts, CmclBudget, CmclTextKind } from './cmcl-batch.js';
