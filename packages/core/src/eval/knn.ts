import * as tf from '@tensorflow/tfjs';
import { assertInt, assertNoNaN, assertPositive } from '../validate.js';
import { l2Normalize } from '../losses/index.js';
import { inferNumClasses, rowCount, toLabels, toTensor2D, type EmbeddingInput, type LabelInput } from './inputs.js';
import { topKPerColumn } from './top-k.js';

export interface KnnOptions {
  /** Neighbours voting per test row, default 200 (Wu et al. 2018; lightly). Clipped to the train size. */
  k?: number;
  /** Vote temperature τ: a neighbour with cosine similarity s votes exp(s/τ). Default 0.1. */
  temperature?: number;
  /** Number of classes; default max label (train and test) + 1. */
  numClasses?: number;
  /** Test rows per similarity block; memory is batchSize × N_train floats. Default 256. */
  batchSize?: number;
}

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
 * the host ({@link topKPerColumn}).
 *
 * Votes are computed as exp((s − s_max)/τ) in float64 — the per-row shift does not change the argmax but keeps
 * small τ from overflowing float32.
 *
 * @param trainEmb `[N, D]` train embeddings (the "feature bank").
 * @param trainLabels `[N]` integer class ids.
 * @param testEmb `[M, D]` embeddings to classify.
 * @returns `[M]` predicted class ids.
 */
export function knnPredict(
  trainEmb: EmbeddingInput,
  trainLabels: LabelInput,
  testEmb: EmbeddingInput,
  opts: KnnOptions = {},
): Int32Array {
  const { k, temperature, batchSize } = resolve(opts);
  const ytr = toLabels(trainLabels, 'trainLabels', rowCount(trainEmb), 'trainEmb');
  const numClasses = opts.numClasses ?? inferNumClasses(ytr);
  const badLabel = ytr.findIndex((v) => v >= numClasses);
  if (badLabel >= 0) {
    throw new RangeError(`trainLabels[${badLabel}] is ${ytr[badLabel]} but numClasses is ${numClasses}`);
  }
  return knnCore(trainEmb, ytr, testEmb, numClasses, k, temperature, batchSize);
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
    const bank = tf.tidy(() => l2Normalize(train.tensor));
    const preds = new Int32Array(m);
    const scores = new Float64Array(numClasses);
    const block = Math.min(batchSize, m);
    const topValues = new Float32Array(block * kk);
    const topIndices = new Int32Array(block * kk);
    try {
      for (let start = 0; start < m; start += batchSize) {
        const b = Math.min(batchSize, m - start);
        const q = test.tensor;
        // [N, b] cosine similarities, read back once per block. bank·queryᵀ (rather than query·bankᵀ)
        // keeps the small operand as the packed matmul weights on wasm/XNNPACK; each entry is the
        // same dot product either way.
        const simT = tf.tidy(() => {
          const query = l2Normalize(tf.slice(q, [start, 0], [b, d]) as tf.Tensor2D);
          return tf.matMul(bank, query, false, true);
        });
        try {
          // Top-k and votes on the host: a bounded heap per test row (tf.topk fully sorts all N
          // similarities of every row), then b·k votes — cheaper than a [b, k, C] one-hot or
          // tfjs-cpu's unsortedSegmentSum (one pass per segment).
          topKPerColumn(simT.dataSync() as Float32Array, n, b, kk, topValues, topIndices);
        } finally {
          simT.dispose();
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
      bank.dispose();
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
