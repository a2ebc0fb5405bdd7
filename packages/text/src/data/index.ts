// Browser-safe data API (parsers of text you already hold); the file readers (readCorpus, readTriplets,
// readRetrievalPairs, readStsPairs, loadWordNet, wordnetDir) are in '@contrastive/text/node'.
export { synonyms, splitGloss, parseWordNet, WORDNET_POS } from './wordnet.js';
export type { Synset, WordNet, WordNetPos, WordNetFiles } from './wordnet.js';
export { parseCorpus, parseCorpusEntries, parseRetrievalPairs, parseStsPairs, parseTriplets } from './parse-corpus.js';
export type { CorpusEntry, RetrievalPair, StsPair, Triplet } from './parse-corpus.js';
export { wordnetRetrievalTask } from './wordnet-task.js';
export type { WordNetTaskOptions } from './wordnet-task.js';
export { parseManPage } from './manpages-parse.js';
export type { ManPageText, ManPageParse, ManPageSkipReason } from './manpages-parse.js';
export {
  roffEscapes,
  splitRoffLine,
  roffSourceLines,
  joinRoffLines,
  ROFF_SPECIAL_CHARS,
  ROFF_DEFAULT_STRINGS,
  ROFF_CONTINUE,
} from './manpages-roff.js';
export type { RoffLine } from './manpages-roff.js';
export { manpagesRetrievalTask } from './manpages-task.js';
export type { ManPageRecord, ManpagesTask, ManpagesTaskOptions, ManpagesTaskSkips } from './manpages-task.js';
