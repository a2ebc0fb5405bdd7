// @contrastive/graph/node: the Node-only parts (file readers, the RDKit loader). The root entry
// ('@contrastive/graph') stays browser-safe.
export { loadRDKit } from './chem/load-rdkit.js';
export { loadMolecules, CHEMBL2321810_PATH } from './data/molecule-files.js';
export { loadEdgeList } from './data/edge-list-file.js';
export { MAX_TEXT_FILE_BYTES, readTextFile } from './data/read-text.js';
export { buildManPageGraph } from './datasets/man-pages.js';
export type { ManPageGraphOptions } from './datasets/man-pages.js';
export { buildWordNetGraph, WORDNET_EDGE_POINTERS } from './datasets/wordnet-graph.js';
export type { WordNetGraphOptions } from './datasets/wordnet-graph.js';
export { writeNodeDataset, summarizeNodeDataset, DATASET_BUILDER_VERSION } from './datasets/dataset-folder.js';
export type { NodeDatasetSummary } from './datasets/dataset-folder.js';
export type { NodeDataset } from './datasets/node-dataset.js';
export { tfidfFeatures, tokenizeWords, termCounts, buildVocabulary, smoothIdf } from './datasets/tfidf.js';
export type { TfidfOptions, TfidfFeatures } from './datasets/tfidf.js';
export { parseManSource } from './datasets/man-roff.js';
export { parseWordNetData, WORDNET_LEXNAMES } from './datasets/wordnet-data.js';
export { loadNodeFeatures } from './data/features/load.js';
