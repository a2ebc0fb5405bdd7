export { FlatIndex } from './flat-index.js';
export { checkAdd, checkSearch } from './vector-index.js';
export type { IndexInfo, SearchHit, VectorIndex } from './vector-index.js';
