/**
 * Exact top-k of every column of a row-major `[rows, cols]` Float32Array, in plain JS: one bounded
 * heap of size k per column, filled by a single sequential pass over the matrix. kNN evaluation uses
 * it on the `[N_train, batch]` similarity block read back from the backend — `tf.topk` fully sorts
 * every row (wasm: `std::sort` of all N entries; cpu: an object per entry), which dominated kNN time.
 *
 * Order (identical to `tf.topk(x, k, true)` on the cpu and wasm backends): larger value first, and
 * among equal values the smaller index first. So the selected set is the k best under that total order
 * and the output is sorted best-first. Inputs must be NaN-free (the order is undefined for NaN).
 *
 * Cost: rows·cols comparisons against each column's current k-th best, plus O(log k) per accepted
 * entry (≈ k·ln(rows/k) per column on unordered data), plus O(k log k) per column for the final sort.
 */

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
  if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`cols must be an integer >= 1, got ${cols}`);
  if (data.length < rows * cols) {
    throw new RangeError(`data has ${data.length} values, expected at least rows·cols = ${rows}·${cols}`);
  }
  if (outValues.length < cols * k || outIndices.length < cols * k) {
    throw new RangeError(`outValues/outIndices need cols·k = ${cols * k} entries, got ${outValues.length}/${outIndices.length}`);
  }
  if (k * LARGE_K_FRACTION >= rows && rows <= MAX_KEYED_ROWS) {
    sortedTopK(data, rows, cols, k, outValues, outIndices);
    return;
  }
  heapTopK(data, rows, cols, k, outValues, outIndices);
}

/** From k ≥ rows / LARGE_K_FRACTION on, a native sort of every column beats the JS heap. */
const LARGE_K_FRACTION = 4;
/** Keys pack a row index into 21 bits (see {@link sortedTopK}). */
const INDEX_BITS = 2 ** 21;
const MAX_KEYED_ROWS = INDEX_BITS;

/**
 * Large-k path: sort each whole column natively by a float64 key that encodes the order exactly —
 * the float32 value's bits mapped to a monotone uint32 (u < 2³²), times 2²¹, plus 2²¹ − 1 − row
 * (row < 2²¹), so the key is an integer < 2⁵³ and ascending key order is ascending (value, −row).
 */
function sortedTopK(
  data: Float32Array, rows: number, cols: number, k: number, outValues: Float32Array, outIndices: Int32Array,
): void {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const keys = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      f[0] = data[r * cols + c]! + 0; // + 0 turns −0 into +0: they tie, as in tf.topk
      const bits = u[0]!;
      const ordered = bits >= 0x80000000 ? ~bits >>> 0 : bits + 0x80000000;
      keys[r] = ordered * INDEX_BITS + (INDEX_BITS - 1 - r);
    }
    keys.sort();
    const base = c * k;
    for (let j = 0; j < k; j++) {
      const r = INDEX_BITS - 1 - (keys[rows - 1 - j]! % INDEX_BITS);
      outIndices[base + j] = r;
      outValues[base + j] = data[r * cols + c]!;
    }
  }
}

/** Small-k path: one bounded heap per column (root = worst kept entry), then heapsort. */
function heapTopK(
  data: Float32Array, rows: number, cols: number, k: number, outValues: Float32Array, outIndices: Int32Array,
): void {
  // Fill each column's heap with its first k rows, then heapify (root = worst kept entry).
  for (let r = 0; r < k; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      outValues[c * k + r] = data[o + c]!;
      outIndices[c * k + r] = r;
    }
  }
  const threshold = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const base = c * k;
    for (let p = (k >> 1) - 1; p >= 0; p--) siftDown(outValues, outIndices, base, p, k);
    threshold[c] = outValues[base]!;
  }
  // Later rows have larger indices, so an entry equal to a column's worst kept value loses the tie:
  // only strictly larger values enter.
  for (let r = k; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[o + c]!;
      if (v > threshold[c]!) {
        const base = c * k;
        outValues[base] = v;
        outIndices[base] = r;
        siftDown(outValues, outIndices, base, 0, k);
        threshold[c] = outValues[base]!;
      }
    }
  }
  // Heapsort each column: repeatedly move the worst to the end, leaving the best first.
  for (let c = 0; c < cols; c++) {
    const base = c * k;
    for (let end = k - 1; end > 0; end--) {
      swap(outValues, outIndices, base, base + end);
      siftDown(outValues, outIndices, base, 0, end);
    }
  }
}

/** True when entry (va, ia) ranks below (vb, ib): smaller value, or equal value and larger index. */
function worse(va: number, ia: number, vb: number, ib: number): boolean {
  return va < vb || (va === vb && ia > ib);
}

function swap(v: Float32Array, idx: Int32Array, a: number, b: number): void {
  const tv = v[a]!;
  v[a] = v[b]!;
  v[b] = tv;
  const ti = idx[a]!;
  idx[a] = idx[b]!;
  idx[b] = ti;
}

/** Restore the worst-at-root heap property below heap position `pos` of the heap at `base` of `size`. */
function siftDown(v: Float32Array, idx: Int32Array, base: number, pos: number, size: number): void {
  const val = v[base + pos]!;
  const ind = idx[base + pos]!;
  for (;;) {
    let child = 2 * pos + 1;
    if (child >= size) break;
    let cv = v[base + child]!;
    let ci = idx[base + child]!;
    const right = child + 1;
    if (right < size) {
      const rv = v[base + right]!;
      const ri = idx[base + right]!;
      if (worse(rv, ri, cv, ci)) {
        child = right;
        cv = rv;
        ci = ri;
      }
    }
    if (!worse(cv, ci, val, ind)) break;
    v[base + pos] = cv;
    idx[base + pos] = ci;
    pos = child;
  }
  v[base + pos] = val;
  idx[base + pos] = ind;
}
