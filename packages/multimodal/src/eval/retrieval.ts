/**
 * Cross-modal retrieval scores, the way CLIP, ALIGN and UNIMO report them: image→text and text→image recall@K —
 * the share of queries with at least one true match among their K most similar items (cosine similarity of the
 * joint-space embeddings). Ground truth is a list of matches per image, so an image with several captions, and a
 * caption shared by several images (Tux Paint has 805 distinct captions for 950 images), are both scored right.
 * Similarities are computed in blocks of queries: memory stays O(block × gallery) for any set size.
 */
import * as tf from '@tensorflow/tfjs';

/** Options of {@link retrievalRecall}. */
export interface RetrievalOptions {
  /** Cut-offs K. Default [1, 5, 10]. */
  ks?: readonly number[];
  /** Queries scored per block. Default 256. */
  blockSize?: number;
}

/** Recall@K in each direction (keys are the Ks), plus the median rank of the first true match (1 = top). */
export interface RetrievalScores {
  imageToText: Record<number, number>;
  textToImage: Record<number, number>;
  imageToTextMedianRank: number;
  textToImageMedianRank: number;
}

/**
 * Recall@K of `images` `[Ni, d]` and `texts` `[Nt, d]` (rows need not be normalised: they are compared by cosine)
 * where `matches[i]` lists the text rows that describe image i. Every image needs at least one match and every
 * text must be some image's match.
 */
export function retrievalRecall(
  images: tf.Tensor2D,
  texts: tf.Tensor2D,
  matches: readonly (readonly number[])[],
  options: RetrievalOptions = {},
): RetrievalScores {
  const { ks = [1, 5, 10], blockSize = 256 } = options;
  const [ni, d] = images.shape;
  const [nt, dt] = texts.shape;
  if (d !== dt) throw new RangeError(`images and texts must have the same width, got ${d} and ${dt}`);
  if (matches.length !== ni) throw new RangeError(`matches must list the texts of each of the ${ni} images, got ${matches.length} entries`);
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new RangeError(`ks must be positive integers, got ${k}`);
  const textToImages: number[][] = Array.from({ length: nt }, () => []);
  matches.forEach((m, i) => {
    if (m.length === 0) throw new RangeError(`image ${i} has no matching text`);
    for (const t of m) {
      if (!Number.isInteger(t) || t < 0 || t >= nt) throw new RangeError(`matches[${i}] holds ${t}, not a text row in [0, ${nt})`);
      textToImages[t]!.push(i);
    }
  });
  textToImages.forEach((m, t) => {
    if (m.length === 0) throw new RangeError(`text ${t} matches no image`);
  });
  const [qi, qt] = tf.tidy(() => [unit(images), unit(texts)]);
  try {
    const i2t = firstMatchRanks(qi!, qt!, matches, blockSize);
    const t2i = firstMatchRanks(qt!, qi!, textToImages, blockSize);
    const recall = (ranks: number[]) => Object.fromEntries(ks.map((k) => [k, ranks.filter((r) => r <= k).length / ranks.length]));
    return { imageToText: recall(i2t), textToImage: recall(t2i), imageToTextMedianRank: median(i2t), textToImageMedianRank: median(t2i) };
  } finally {
    tf.dispose([qi!, qt!]);
  }
}

/** For each query row, the 1-based rank of its best-ranked true match in the gallery (ties count against it). */
function firstMatchRanks(queries: tf.Tensor2D, gallery: tf.Tensor2D, truth: readonly (readonly number[])[], blockSize: number): number[] {
  const n = queries.shape[0];
  const m = gallery.shape[0];
  const ranks: number[] = [];
  for (let start = 0; start < n; start += blockSize) {
    const size = Math.min(blockSize, n - start);
    const sims = tf.tidy(() => tf.matMul(queries.slice([start, 0], [size, -1]), gallery, false, true)).dataSync();
    for (let r = 0; r < size; r++) {
      const row = sims.subarray(r * m, (r + 1) * m);
      let best = Number.NEGATIVE_INFINITY;
      for (const j of truth[start + r]!) best = Math.max(best, row[j]!);
      const positives = new Set(truth[start + r]);
      // Rank = 1 + number of non-matches scoring at least as high as the best match (a tie is not a win).
      let above = 0;
      for (let j = 0; j < m; j++) if (!positives.has(j) && row[j]! >= best) above++;
      ranks.push(above + 1);
    }
  }
  return ranks;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
}

/**
 * Zero-shot predictions (CLIP §3.1.2): for each image the index of the class whose prompt embedding ("a photo of a
 * sandal") is most similar (cosine). `images` `[N, d]`, `classTexts` `[C, d]`.
 */
export function zeroShotPredict(images: tf.Tensor2D, classTexts: tf.Tensor2D): Int32Array {
  return Int32Array.from(tf.tidy(() => tf.argMax(tf.matMul(unit(images), unit(classTexts), false, true), 1)).dataSync());
}

/**
 * Zero-shot classification accuracy: the share of images whose {@link zeroShotPredict} class is `labels`' (the true
 * class per image). Returns a value in [0, 1].
 */
export function zeroShotAccuracy(images: tf.Tensor2D, classTexts: tf.Tensor2D, labels: ArrayLike<number>): number {
  if (labels.length !== images.shape[0])
    throw new RangeError(`labels must have one entry per image (${images.shape[0]}), got ${labels.length}`);
  const pred = zeroShotPredict(images, classTexts);
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) right++;
  return right / pred.length;
}
