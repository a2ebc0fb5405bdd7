// The Node-only vector stores (files, usearch, PostgreSQL), re-exported by '@contrastive/text/node'.
export { readIndexMeta } from './index-folder.js';
export type { SaveIndexOptions } from './index-folder.js';
export { loadFlatIndex, saveFlatIndex } from './flat-index-files.js';
export type { LoadIndexOptions } from './flat-index-files.js';
export { USEARCH_DEFAULTS, UsearchIndex } from './usearch-index.js';
export type { UsearchIndexOptions } from './usearch-index.js';
export { loadVectorIndex } from './load-vector-index.js';
export { BULK_MIN_ROWS, HNSW_MAX_DIM, META_TABLE, SqlVectorIndex, vectorLiteral } from './sql-vector-index.js';
export type { HnswOptions, SqlIndexOptions } from './sql-vector-index.js';
export { PgvectorIndex, describeConnection } from './pgvector-index.js';
export type { PgvectorIndexOptions } from './pgvector-index.js';
export { PgliteIndex } from './pglite-index.js';
export type { PgliteIndexOptions, PgliteLike } from './pglite-index.js';
export { describePgError } from './pg-errors.js';
