import * as tf from '@tensorflow/tfjs';
import { assertInt, assertNoNaN, assertPositive } from '../validate.js';
import { l2Normalize } from '../losses/index.js';
import { inferNumClasses, rowCount, toLabels, toTensor2D, type EmbeddingInput, type LabelInput } from './inputs.js';
import { f32, type BackendWasm } from '../backend/wasm-kernels/wasm-util.js';
import { ColumnTopK } from './top-k.js';

export interface KnnOptions {
  /** Neighbours voting per test row, default 200 (Wu et al. 2018; lightly). Clipped to the train size. */
  k?: number;
  /** Vote temperature τ: a neighbour with cosine similarity s votes exp(s/τ). Default 0.1. */
  temperature?: number;
  /** Number of classes; default max label (train and test) + 1. */
  numClasses?: number;
  /**
   * Test rows per block, default 256. Results do not depend on it. Memory: similarities in chunks of
   * about 2²¹ floats (or batchSize × N_train when k ≥ N_train / 8), plus a host copy of the
   * normalised train and test embeddings for the duration of the call.
   */
  batchSize?: number;
}

/** Similarities per bank chunk and test block (chunk rows = CHUNK_FLOATS / batch): 8 MB of float32. */
const CHUNK_FLOATS = 1 << 21;
/** From k ≥ N / BACKEND_TOPK_FRACTION on, tf.topk (a full sort per row) selects the neighbours. */
const BACKEND_TOPK_FRACTION = 8;

interface Resolved {
  k: number;
  temperature: number;
  batchSize: number;
}

function resolve(opts: KnnOptions): Resolved {
  const k = opts.k ?? 200;
  const temperature = opts.temperature ?? 0.1;
  const batchSize = opts.batchSize ?? 256;
  assertInt(k, 'k', 1);
  assertPositive(temperature, 'temperature');
  assertInt(batchSize, 'batchSize', 1);
  if (opts.numClasses !== undefined) assertInt(opts.numClasses, 'numClasses', 1);
  return { k, temperature, batchSize };
}

/**
 * Weighted kNN class predictions (Wu et al., "Unsupervised Feature Learning via Non-Parametric
 * Instance Discrimination", CVPR 2018; lightly's `knn_predict`). Features are L2-normalised; each
 * test row takes its k most cosine-similar train rows, each voting exp(s/τ) for its label; the class
 * with the largest summed vote wins (ties: the lowest class id). Neighbours are ranked by similarity,
 * equal similarities by the lower train index (as `tf.topk`). Computed in blocks of `batchSize` test
 * rows so a 60k × 10k evaluation never materialises the full similarity matrix: each block's
 * similarities come from one `tf.matMul` and one readback, the top-k is a bounded-heap selection on
 * the host ({@link ColumnTopK}).
 *
 * Votes are computed as exp((s − s_max)/τ) in float64 — the per-row shift does not change the argmax but keeps
 * small τ from overflowing float32.
 *
 * @param trainEmb `[N, D]` train embeddings (the "feature bank").
 * @param trainLabels `[N]` integer class ids.
 * @param testEmb `[M, D]` embeddings to classify.
 * @returns `[M]` predicted class ids.
 */
export function knnPredict(trainEmb: EmbeddingInput, trainLabels: LabelInput, testEmb: EmbeddingInput, opts: KnnOptions = {}): Int32Array {
  const { k, temperature, batchSize } = resolve(opts);
  const ytr = toLabels(trainLabels, 'trainLabels', rowCount(trainEmb), 'trainEmb');
  const numClasses = opts.numClasses ?? inferNumClasses(ytr);
  const badLabel = ytr.findIndex((v) => v >= numClasses);
  if (badLabel >= 0) {
    throw new RangeError(`trainLabels[${badLabel}] is ${ytr[badLabel]} but numClasses is ${numClasses}`);
  }
  return knnCore(trainEmb, ytr, testEmb, numClasses, k, temperature, batchSize);
}

/**
 * The values of float32 `t` for immediate host use. On wasm: a view of the wasm heap, no copy —
 * valid only until the next tensor allocation, so callers consume it before creating tensors.
 */
function hostView(t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') return f32(tf.backend() as unknown as BackendWasm, t);
  return t.dataSync() as Float32Array;
}

/** Host copy of `l2Normalize(x)` `[R, D]`, row-major. */
function normalizedRows(x: tf.Tensor2D): Float32Array {
  const t = tf.tidy(() => l2Normalize(x));
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

function knnCore(
  trainEmb: EmbeddingInput,
  ytr: Int32Array,
  testEmb: EmbeddingInput,
  numClasses: number,
  k: number,
  temperature: number,
  batchSize: number,
): Int32Array {
  const train = toTensor2D(trainEmb, 'trainEmb');
  let test: { tensor: tf.Tensor2D; owned: boolean } | null = null;
  try {
    test = toTensor2D(testEmb, 'testEmb');
    const [n, d] = train.tensor.shape;
    const [m, dTest] = test.tensor.shape;
    if (n === 0) throw new RangeError('trainEmb is empty; kNN needs at least one train row');
    if (d !== dTest) {
      throw new RangeError(`trainEmb and testEmb must have the same dimension D, got [${n}, ${d}] and [${m}, ${dTest}]`);
    }
    // One reduction each, negligible next to the N×M similarity work; a NaN row would otherwise win or
    // lose every top-k silently.
    assertNoNaN(train.tensor, 'trainEmb');
    assertNoNaN(test.tensor, 'testEmb');
    const kk = Math.min(k, n);
    const preds = new Int32Array(m);
    const scores = new Float64Array(numClasses);
    const block = Math.min(batchSize, m);
    const topValues = new Float32Array(block * kk);
    const topIndices = new Int32Array(block * kk);
    // Small k: top-k on the host, the bank in row chunks of about CHUNK_FLOATS similarities per test
    // block so each chunk is scanned while still in cache. Large k: the backend's full sort (tf.topk)
    // is as cheap as any selection and its native sort beats a JS one.
    const backendTopk = kk * BACKEND_TOPK_FRACTION >= n;
    const chunkRows = backendTopk ? n : Math.ceil(CHUNK_FLOATS / block);
    // Normalised rows, staged on the host once. Chunks and query blocks are then built from host
    // memory: tf.slice on wasm reads back its whole input for every slice.
    const bankHost = normalizedRows(train.tensor);
    const testHost = normalizedRows(test.tensor);
    const chunks: tf.Tensor2D[] = [];
    try {
      for (let r = 0; r < n; r += chunkRows) {
        const rows = Math.min(chunkRows, n - r);
        chunks.push(tf.tensor2d(bankHost.subarray(r * d, (r + rows) * d), [rows, d], 'float32'));
      }
      for (let start = 0; start < m; start += batchSize) {
        const b = Math.min(batchSize, m - start);
        // queryᵀ [D, b] is the small right operand of chunk·queryᵀ — the packed matmul weights on
        // wasm/XNNPACK, shared by every chunk. Each similarity is the same dot product as in
        // query·bankᵀ; only the layout ([N, b], one column per test row) differs.
        const queryT = new Float32Array(d * b);
        for (let r = 0; r < b; r++) {
          const o = (start + r) * d;
          for (let j = 0; j < d; j++) queryT[j * b + r] = testHost[o + j]!;
        }
        const qT = tf.tensor2d(queryT, [d, b], 'float32');
        try {
          if (backendTopk) {
            const [values, indices] = tf.tidy(() => {
              const top = tf.topk(tf.transpose(tf.matMul(chunks[0]!, qT)), kk, true); // [b, N] rows
              return [top.values, top.indices];
            });
            try {
              topValues.set(values.dataSync());
              topIndices.set(indices.dataSync());
            } finally {
              tf.dispose([values, indices]);
            }
          } else {
            // tf.topk fully sorts every row's N similarities; the host selection scans them once.
            const sel = new ColumnTopK(b, kk, { maxRows: n, values: topValues, indices: topIndices });
            for (const chunk of chunks) {
              const sim = tf.matMul(chunk, qT);
              try {
                sel.push(hostView(sim), chunk.shape[0]);
              } finally {
                sim.dispose();
              }
            }
            sel.finish();
          }
        } finally {
          qT.dispose();
        }
        const v = topValues;
        const idx = topIndices;
        for (let r = 0; r < b; r++) {
          scores.fill(0);
          const o = r * kk;
          const max = v[o]!; // sorted best-first, as tf.topk(sorted=true)
          for (let j = 0; j < kk; j++) scores[ytr[idx[o + j]!]!]! += Math.exp((v[o + j]! - max) / temperature);
          let best = 0;
          for (let c = 1; c < numClasses; c++) if (scores[c]! > scores[best]!) best = c;
          preds[start + r] = best;
        }
      }
    } finally {
      tf.dispose(chunks);
    }
    return preds;
  } finally {
    if (train.owned) train.tensor.dispose();
    if (test?.owned) test.tensor.dispose();
  }
}

/**
 * Weighted kNN accuracy of `testEmb` against the labelled `trainEmb` bank — the standard online/offline
 * metric of self-supervised learning (Wu et al. 2018; lightly's KNN benchmark). See {@link knnPredict}.
 *
 * @example
 * const acc = knnAccuracy(trainFeatures, trainLabels, testFeatures, testLabels, { k: 200, temperature: 0.1 });
 * @returns the fraction of test rows whose predicted class equals `testLabels`, in [0, 1].
 */
export function knnAccuracy(
  trainEmb: EmbeddingInput,
  trainLabels: LabelInput,
  testEmb: EmbeddingInput,
  testLabels: LabelInput,
  opts: KnnOptions = {},
): number {
  const { k, temperature, batchSize } = resolve(opts);
  const ytr = toLabels(trainLabels, 'trainLabels', rowCount(trainEmb), 'trainEmb');
  const yte = toLabels(testLabels, 'testLabels', rowCount(testEmb), 'testEmb');
  if (yte.length === 0) throw new RangeError('testEmb is empty; kNN accuracy needs at least one test row');
  const numClasses = opts.numClasses ?? inferNumClasses(ytr, yte);
  const badLabel = ytr.findIndex((v) => v >= numClasses);
  if (badLabel >= 0) {
    throw new RangeError(`trainLabels[${badLabel}] is ${ytr[badLabel]} but numClasses is ${numClasses}`);
  }
  const preds = knnCore(trainEmb, ytr, testEmb, numClasses, k, temperature, batchSize);
  let correct = 0;
  for (let i = 0; i < preds.length; i++) if (preds[i] === yte[i]) correct++;
  return correct / preds.length;
}
