import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { retrievalRecall, zeroShotAccuracy, zeroShotPredict } from './retrieval.js';

describe('retrievalRecall', () => {
  it('counts the rank of the best true match in each direction, by hand on a small case', () => {
    // 3 images, 4 texts; image 0 ↔ texts 0 and 1, image 1 ↔ text 2, image 2 ↔ text 3.
    const images = tf.tensor2d([
      [1, 0],
      [0, 1],
      [-1, 0],
    ]);
    const texts = tf.tensor2d([
      [0.6, 0.8], // closest to image 1 (cos .8) then image 0 (.6)
      [1, 0.1], // image 0's best
      [0.1, 1], // image 1's
      [0.2, 1], // meant for image 2, but image 2 = (-1, 0) scores it −0.196
    ]);
    const s = retrievalRecall(images, texts, [[0, 1], [2], [3]], { ks: [1, 2], blockSize: 2 });
    // image 0: best match text 1 (0.995) is top → rank 1. image 1: text 2 (0.995) is top → rank 1.
    // image 2: sims −0.6, −0.995, −0.0995, −0.196 → text 3 (−0.196) is second after text 2 (−0.0995) → rank 2.
    expect(s.imageToText).toEqual({ 1: 2 / 3, 2: 1 });
    // text 0: images 0 (.6), 1 (.8), 2 (−.6): true image 0 is second → rank 2; text 1 → image 0 rank 1;
    // text 2 → image 1 rank 1; text 3: image 1 (.98) > image 0 (.196) > image 2 (−.196) → rank 3.
    expect(s.textToImage).toEqual({ 1: 2 / 4, 2: 3 / 4 });
    expect(s.imageToTextMedianRank).toBe(1);
    expect(s.textToImageMedianRank).toBe(1.5);
    tf.dispose([images, texts]);
  });

  it('identical embeddings give recall 1; random ones about K / N; bad ground truth is refused', () => {
    const x = tf.randomNormal([200, 16], 0, 1, 'float32', 3) as tf.Tensor2D;
    const ids = Array.from({ length: 200 }, (_, i) => [i]);
    expect(retrievalRecall(x, x, ids).imageToText[1]).toBe(1);
    const y = tf.randomNormal([200, 16], 0, 1, 'float32', 4) as tf.Tensor2D;
    const r = retrievalRecall(x, y, ids, { ks: [10] });
    expect(r.imageToText[10]).toBeGreaterThan(0.01);
    expect(r.imageToText[10]).toBeLessThan(0.15);
    expect(() => retrievalRecall(x, y, ids.slice(1))).toThrow(/matches must list the texts of each of the 200 images/);
    expect(() => retrievalRecall(x, y, [[], ...ids.slice(1)])).toThrow(/image 0 has no matching text/);
    expect(() => retrievalRecall(x, y, [[0], [0], ...ids.slice(2)])).toThrow(/text 1 matches no image/);
    tf.dispose([x, y]);
  });
});

describe('zeroShotAccuracy', () => {
  it('picks the most similar class prompt', () => {
    const images = tf.tensor2d([
      [1, 0],
      [0, 2],
      [0.9, 0.1],
    ]);
    const classes = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    expect(zeroShotAccuracy(images, classes, [0, 1, 1])).toBeCloseTo(2 / 3, 10);
    expect(Array.from(zeroShotPredict(images, classes))).toEqual([0, 1, 0]);
    tf.dispose([images, classes]);
  });
});
