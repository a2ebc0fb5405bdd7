// @contrastive/graph/node: the Node-only parts (file readers, the RDKit loader). The root entry
// ('@contrastive/graph') stays browser-safe.
export { loadRDKit } from './chem/load-rdkit.js';
export { loadMolecules, CHEMBL2321810_PATH } from './data/molecule-files.js';
export { loadEdgeList } from './data/edge-list-file.js';
export { MAX_TEXT_FILE_BYTES, readTextFile } from './data/read-text.js';
export { loadNodeFeatures } from './data/features/load.js';
