export { loadWordNet, synonyms, splitGloss, wordnetDir, WORDNET_POS } from './wordnet.js';
export type { Synset, WordNet, WordNetPos } from './wordnet.js';
export { readCorpus, readRetrievalPairs, readStsPairs, readTriplets } from './corpus.js';
export type { RetrievalPair, StsPair, Triplet } from './corpus.js';
export { wordnetRetrievalTask } from './wordnet-task.js';
export type { WordNetTaskOptions } from './wordnet-task.js';
