import * as tf from '@tensorflow/tfjs';
import { padBatch, SSA_MAX_LEN } from './ssa-data.js';
import type { SsaModel } from './ssa-model.js';

/**
 * The K aspect weights p of every sentence (`test_worker`'s `aspect_weight`), computed `batchSize` sentences at a
 * time so memory stays bounded. Sentences are id lists; test sentences are not filtered by length (the code filters
 * training batches only). Reads tensors back with `data()` (off the training hot path).
 */
export async function aspectWeights(
  model: SsaModel,
  sentences: readonly (readonly number[])[],
  options: { batchSize?: number; maxLen?: number } = {},
): Promise<Float32Array[]> {
  const { batchSize = 256, maxLen = SSA_MAX_LEN } = options;
  const out: Float32Array[] = [];
  for (let i = 0; i < sentences.length; i += batchSize) {
    const batch = padBatch(sentences.slice(i, i + batchSize), maxLen);
    const p = tf.tidy(() => model.forward(batch.ids, batch.mask).p);
    tf.dispose([batch.ids, batch.mask]);
    const flat = (await p.data()) as Float32Array;
    const k = p.shape[1];
    p.dispose();
    for (let r = 0; r < flat.length / k; r++) out.push(flat.slice(r * k, (r + 1) * k));
  }
  return out;
}

/**
 * Mean word vector of each sentence (the attention-free sentence embedding the k-means baseline clusters), in plain
 * arrays: n×d row-major; an empty sentence gives zeros. Truncated to `maxLen` words like the model's input.
 */
export function sentenceMeans(
  sentences: readonly (readonly number[])[],
  vectors: Float32Array,
  dim: number,
  maxLen = SSA_MAX_LEN,
): Float32Array {
  const out = new Float32Array(sentences.length * dim);
  sentences.forEach((s, i) => {
    const n = Math.min(s.length, maxLen);
    for (let j = 0; j < n; j++) for (let x = 0; x < dim; x++) out[i * dim + x]! += vectors[s[j]! * dim + x]! / n;
  });
  return out;
}

/**
 * Scores of each point for each centre, −‖x − c‖² (the highest is the nearest centre), so the k-means baseline's
 * clusters go through the same HRSMap prediction (highest-weighted non-`nomap` aspect) as SSA's aspect weights.
 */
export function centroidScores(points: Float32Array, centroids: Float32Array, dim: number): Float32Array[] {
  const k = centroids.length / dim;
  const out: Float32Array[] = [];
  for (let i = 0; i < points.length / dim; i++) {
    const row = new Float32Array(k);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let x = 0; x < dim; x++) {
        const d = points[i * dim + x]! - centroids[c * dim + x]!;
        s += d * d;
      }
      row[c] = -s;
    }
    out.push(row);
  }
  return out;
}

/**
 * The `top` words nearest each aspect by dot product with the word vectors (`aspect_worker`: `asp_emb @ emb.T`,
 * top 10), `<pad>` excluded: what a human reads to write the HRSMap file.
 */
export function aspectTopWords(aspects: Float32Array, vectors: Float32Array, dim: number, words: readonly string[], top = 10): string[][] {
  const k = aspects.length / dim;
  const v = vectors.length / dim;
  const out: string[][] = [];
  for (let a = 0; a < k; a++) {
    const scores: [number, number][] = [];
    for (let w = 1; w < v; w++) {
      let s = 0;
      for (let x = 0; x < dim; x++) s += aspects[a * dim + x]! * vectors[w * dim + x]!;
      scores.push([s, w]);
    }
    scores.sort((p, q) => q[0] - p[0] || p[1] - q[1]);
    out.push(scores.slice(0, top).map(([, w]) => words[w]!));
  }
  return out;
}
