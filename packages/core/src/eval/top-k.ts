/**
 * Exact top-k of every column of a row-major `[rows, cols]` Float32Array, in plain JS. kNN evaluation
 * uses it on the `[N_train, batch]` similarity blocks read back from the backend, where `tf.topk`
 * would fully sort every row.
 *
 * Order (identical to `tf.topk(x, k, true)` on the cpu and wasm backends): larger value first, and
 * among equal values the smaller row index first. The selected set is the k best under that total
 * order and the output is sorted best first. Inputs must be NaN-free (the order is undefined for NaN).
 *
 * Method, per column: a candidate buffer of capacity ≈ 2k and a threshold (the k-th best value at the
 * last compaction). A single sequential pass appends every entry strictly above the threshold (a
 * later row never wins a tie); a full buffer is compacted with a quickselect to its k best, which
 * raises the threshold. At the end one more quickselect and a quicksort of the k survivors. Cost:
 * rows·cols comparisons plus O(accepted entries), ≈ O(k·log(rows/k)) per column on unordered data
 * (quickselect/quicksort use median-of-three pivots: quadratic only on contrived orders).
 */

/** Buffer capacity beyond k (k + max(k, MIN_SLACK)), so a compaction pays for itself. */
const MIN_SLACK = 64;

/**
 * Writes column c's k best entries to `outValues`/`outIndices` `[c·k, c·k + k)`, best first.
 *
 * @param data `[rows, cols]` row-major values (NaN-free).
 * @param rows number of rows (the candidates of each column); `k <= rows`.
 * @param cols number of columns (independent selections).
 * @param k entries kept per column, `1 <= k <= rows`.
 * @param outValues `[cols, k]` output values.
 * @param outIndices `[cols, k]` output row indices.
 */
export function topKPerColumn(
  data: Float32Array,
  rows: number,
  cols: number,
  k: number,
  outValues: Float32Array,
  outIndices: Int32Array,
): void {
  if (!Number.isInteger(k) || k < 1 || k > rows) {
    throw new RangeError(`k must be an integer in [1, rows=${rows}], got ${k}`);
  }
  const sel = new ColumnTopK(cols, k, { maxRows: rows, values: outValues, indices: outIndices });
  sel.push(data, rows);
  sel.finish();
}

/** Options of {@link ColumnTopK}. */
export interface ColumnTopKOptions {
  /** Total rows that will be pushed, if known: caps the candidate buffers (memory cols·min(2k+, maxRows)). */
  maxRows?: number;
  /** `[cols, k]` storage for {@link ColumnTopK.values} (e.g. reused across blocks). */
  values?: Float32Array;
  /** `[cols, k]` storage for {@link ColumnTopK.indices}. */
  indices?: Int32Array;
}

/**
 * Streaming form of {@link topKPerColumn}: offer consecutive row chunks of one `[rows, cols]` matrix
 * with {@link ColumnTopK.push}, then {@link ColumnTopK.finish}. Row indices count from the first row
 * of the first chunk. Lets kNN scan each similarity chunk while it is still in cache.
 */
export class ColumnTopK {
  /** `[cols, k]`: after {@link finish}, each column's k best values, best first. */
  readonly values: Float32Array;
  /** `[cols, k]` row indices matching {@link values}. */
  readonly indices: Int32Array;
  private readonly cap: number;
  private readonly maxRows: number;
  private readonly bufValues: Float32Array;
  private readonly bufIndices: Int32Array;
  private readonly count: Int32Array;
  private readonly threshold: Float64Array;
  private seen = 0;
  private done = false;

  /**
   * @param cols independent selections (columns of every chunk).
   * @param k entries kept per column, ≥ 1; at least k rows must be pushed before {@link finish}.
   */
  constructor(
    readonly cols: number,
    readonly k: number,
    opts: ColumnTopKOptions = {},
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
    if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`cols must be an integer >= 1, got ${cols}`);
    this.values = opts.values ?? new Float32Array(cols * k);
    this.indices = opts.indices ?? new Int32Array(cols * k);
    if (this.values.length < cols * k || this.indices.length < cols * k) {
      throw new RangeError(`outValues/outIndices need cols·k = ${cols * k} entries, got ${this.values.length}/${this.indices.length}`);
    }
    this.maxRows = opts.maxRows ?? Infinity;
    if (this.maxRows < k) throw new RangeError(`maxRows (${this.maxRows}) must be >= k (${k})`);
    // cap = k only when maxRows = k: every row is kept and no compaction is ever needed.
    this.cap = Math.min(k + Math.max(k, MIN_SLACK), this.maxRows);
    this.bufValues = new Float32Array(cols * this.cap);
    this.bufIndices = new Int32Array(cols * this.cap);
    this.count = new Int32Array(cols);
    this.threshold = new Float64Array(cols).fill(-Infinity);
  }

  /** Offer the next `rows` rows, a row-major `[rows, cols]` chunk (NaN-free). */
  push(data: Float32Array, rows: number): void {
    if (this.done) throw new Error('ColumnTopK.push after finish(); create a new selector');
    const { cols, k, cap, bufValues, bufIndices, count, threshold } = this;
    if (data.length < rows * cols) {
      throw new RangeError(`data has ${data.length} values, expected at least rows·cols = ${rows}·${cols}`);
    }
    if (this.seen + rows > this.maxRows) {
      throw new RangeError(`pushing ${rows} more rows after ${this.seen} exceeds maxRows = ${this.maxRows}`);
    }
    let r = 0;
    // The first k rows are taken unconditionally; after that every buffer holds ≥ k entries, so an
    // entry not above the threshold (or −∞ before any compaction) cannot be among the k best: a
    // later row loses ties.
    for (; r < rows && this.seen < k; r++) {
      const o = r * cols;
      const g = this.seen++;
      for (let c = 0; c < cols; c++) {
        const n = count[c]!;
        count[c] = n + 1;
        const p = c * cap + n;
        bufValues[p] = data[o + c]!;
        bufIndices[p] = g;
      }
    }
    for (; r < rows; r++) {
      const o = r * cols;
      const g = this.seen++;
      for (let c = 0; c < cols; c++) {
        const v = data[o + c]!;
        if (v > threshold[c]!) {
          const base = c * cap;
          const n = count[c]!;
          bufValues[base + n] = v;
          bufIndices[base + n] = g;
          if (n + 1 === cap && cap > k) {
            selectBest(bufValues, bufIndices, base, base + cap, base + k - 1);
            count[c] = k;
            threshold[c] = bufValues[base + k - 1]!;
          } else {
            count[c] = n + 1;
          }
        }
      }
    }
  }

  /** Select and sort every column's k best, best first, into {@link values}/{@link indices}. */
  finish(): void {
    if (this.done) throw new Error('ColumnTopK.finish called twice');
    const { cols, k, cap, bufValues, bufIndices, count, values, indices } = this;
    if (this.seen < k) throw new RangeError(`only ${this.seen} rows were pushed, fewer than k = ${k}`);
    for (let c = 0; c < cols; c++) {
      const base = c * cap;
      const n = count[c]!;
      if (n > k) selectBest(bufValues, bufIndices, base, base + n, base + k - 1);
      sortBest(bufValues, bufIndices, base, base + k);
      values.set(bufValues.subarray(base, base + k), c * k);
      indices.set(bufIndices.subarray(base, base + k), c * k);
    }
    this.done = true;
  }
}

/** (va, ia) ranks above (vb, ib): larger value, or equal value and smaller index. Strict and total. */
function better(va: number, ia: number, vb: number, ib: number): boolean {
  return va > vb || (va === vb && ia < ib);
}

function swap(v: Float32Array, ix: Int32Array, a: number, b: number): void {
  const tv = v[a]!;
  v[a] = v[b]!;
  v[b] = tv;
  const ti = ix[a]!;
  ix[a] = ix[b]!;
  ix[b] = ti;
}

/**
 * Partition `[lo, hi)` (hi − lo ≥ 3) around the median of its first, middle and last entries; returns
 * the pivot's final position p: `[lo, p)` ranks above it, `(p, hi)` below.
 */
function partition(v: Float32Array, ix: Int32Array, lo: number, hi: number): number {
  const last = hi - 1;
  const mid = lo + ((hi - lo) >> 1);
  // Order lo, mid, last, then use mid (the median) as the pivot, parked at `last`.
  if (better(v[mid]!, ix[mid]!, v[lo]!, ix[lo]!)) swap(v, ix, mid, lo);
  if (better(v[last]!, ix[last]!, v[lo]!, ix[lo]!)) swap(v, ix, last, lo);
  if (better(v[last]!, ix[last]!, v[mid]!, ix[mid]!)) swap(v, ix, last, mid);
  swap(v, ix, mid, last);
  const pv = v[last]!;
  const pi = ix[last]!;
  let store = lo;
  for (let i = lo; i < last; i++) {
    if (better(v[i]!, ix[i]!, pv, pi)) {
      swap(v, ix, i, store);
      store++;
    }
  }
  swap(v, ix, store, last);
  return store;
}

/** Insertion sort of `[lo, hi)`, best first. */
function insertionSort(v: Float32Array, ix: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const tv = v[i]!;
    const ti = ix[i]!;
    let j = i - 1;
    while (j >= lo && better(tv, ti, v[j]!, ix[j]!)) {
      v[j + 1] = v[j]!;
      ix[j + 1] = ix[j]!;
      j--;
    }
    v[j + 1] = tv;
    ix[j + 1] = ti;
  }
}

/** Quickselect: afterwards position `nth` holds its rank's entry and `[lo, nth)` the better ones. */
function selectBest(v: Float32Array, ix: Int32Array, lo: number, hi: number, nth: number): void {
  while (hi - lo > 16) {
    const p = partition(v, ix, lo, hi);
    if (p === nth) return;
    if (nth < p) hi = p;
    else lo = p + 1;
  }
  insertionSort(v, ix, lo, hi);
}

/** Quicksort of `[lo, hi)`, best first (recursing into the smaller side). */
function sortBest(v: Float32Array, ix: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const p = partition(v, ix, lo, hi);
    if (p - lo < hi - p - 1) {
      sortBest(v, ix, lo, p);
      lo = p + 1;
    } else {
      sortBest(v, ix, p + 1, hi);
      hi = p;
    }
  }
  insertionSort(v, ix, lo, hi);
}
