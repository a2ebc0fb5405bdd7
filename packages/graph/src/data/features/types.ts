import type { CsrMatrix } from '../csr.js';

/**
 * The node features a file or an array holds, aligned to the graph's node numbering (row `i` is node `i`,
 * whose file id is `nodeIds[i]`): dense `x` `[N, F]` row-major, or a sparse CSR matrix `[N, F]`.
 */
export type NodeFeatures =
  | { kind: 'dense'; x: Float32Array; numFeatures: number }
  | {
      kind: 'sparse';
      matrix: CsrMatrix;
      /**
       * Nodes the file gives no row (sparse text) or no entry (Matrix Market coordinate): all-zero rows.
       * Worth a warning when large: it may mean the ids are offset (a 1-based file read as 0-based).
       */
      missingRows: number;
    };

/**
 * Feature file formats: `dense` (`node x_1 … x_F` lines), `sparse` (`node idx:value …` lines), `mtx`
 * (Matrix Market `coordinate` or `array`), `auto` (detected from the first lines; see `parseNodeFeatures`).
 */
export type FeatureFormat = 'auto' | 'dense' | 'sparse' | 'mtx';

/** The valid {@link FeatureFormat}s. */
export const FEATURE_FORMATS: readonly FeatureFormat[] = ['auto', 'dense', 'sparse', 'mtx'];

/**
 * The default bound on the features' memory (bytes): 2 GB. A dense `N × F` float32 matrix over it is refused
 * before it is allocated (bag-of-words features belong in the sparse form, whose size is its non-zeros).
 */
export const MAX_FEATURE_BYTES = 2e9;

/** Options of `parseNodeFeatures` and `loadNodeFeatures`. */
export interface NodeFeaturesOptions {
  /** The file format; default `'auto'` (detected). */
  format?: FeatureFormat;
  /**
   * The most bytes the features may take (dense: N·F·4; sparse: 8 per stored value + 4·(N+1)); default
   * {@link MAX_FEATURE_BYTES} (2 GB). Checked before allocating; reading may briefly take a few times more.
   */
  maxBytes?: number;
}

/**
 * A line-at-a-time features reader (internal): the string parser and the streaming file loader feed it the
 * same lines, so both give the same result and the same errors.
 */
export interface FeatureReader {
  /** One line (without its line break) and its 1-based number. */
  line(text: string, lineNo: number): void;
  /** The features, or a `GraphDataError` for what only the whole file shows (missing nodes, a truncated file). */
  finish(): NodeFeatures;
}
