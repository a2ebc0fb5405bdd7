import * as tf from '@tensorflow/tfjs';
import { createRng, layersEncoder, stepInfo, stepLoss, isLossWithLogs } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { CLIP_INIT_LOG_SCALE, CLIP_MAX_LOG_SCALE, clipLoss } from '../losses/clip-loss.js';
import { precomputedTower } from '../towers/precomputed.js';
import { Clip, sliceRows } from './clip.js';

const dense = (inDim: number, units: number, seed: number) =>
  layersEncoder(
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [inDim], units, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      ],
    }),
  );

/** N aligned pairs: images and texts are two different linear views of one latent, plus noise. */
function pairs(n: number, seed: number) {
  return tf.tidy(() => {
    const z = tf.randomNormal([n, 4], 0, 1, 'float32', seed);
    const images = tf.add(
      tf.matMul(z, tf.randomNormal([4, 6], 0, 1, 'float32', 11)),
      tf.randomNormal([n, 6], 0, 0.05, 'float32', seed + 1),
    );
    const texts = tf.add(tf.matMul(z, tf.randomNormal([4, 5], 0, 1, 'float32', 12)), tf.randomNormal([n, 5], 0, 0.05, 'float32', seed + 2));
    return { images: images as tf.Tensor2D, texts: texts as tf.Tensor2D };
  });
}

/** Disposes a step's loss and its scalar logs. */
const release = (out: ReturnType<Clip<tf.Tensor2D, tf.Tensor2D>['step']>) =>
  tf.dispose([
    stepLoss(out),
    ...(isLossWithLogs(out) ? Object.values(out.logs ?? {}).filter((v): v is tf.Scalar => typeof v !== 'number') : []),
  ]);

const snapshot = (vars: Record<string, tf.Variable>) =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('Clip', () => {
  it('the step loss is clipLoss of the projected tower outputs at the current scale; every weight and s move', () => {
    const clip = new Clip<tf.Tensor2D, tf.Tensor2D>({
      imageTower: dense(6, 8, 1),
      textTower: dense(5, 7, 2),
      imageDim: 8,
      textDim: 7,
      embedDim: 3,
    });
    const batch = pairs(8, 3);
    const expected = tf.tidy(
      () =>
        clipLoss(
          tf.matMul(clip.imageTower.apply(batch.images, true) as tf.Tensor2D, clip.imageProjection) as tf.Tensor2D,
          tf.matMul(clip.textTower.apply(batch.texts, true) as tf.Tensor2D, clip.textProjection) as tf.Tensor2D,
          CLIP_INIT_LOG_SCALE,
        ).dataSync()[0]!,
    );
    const before = snapshot(clip.stateTensors());
    expect(Object.keys(before).sort()).toEqual(
      [
        'image_projection',
        'logit_scale',
        'text_projection',
        ...Object.keys(clip.imageTower.stateTensors()).map((k) => `image_tower/${k}`),
        ...Object.keys(clip.textTower.stateTensors()).map((k) => `text_tower/${k}`),
      ].sort(),
    );
    const out = clip.step(batch, stepInfo(0));
    expect(stepLoss(out).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(isLossWithLogs(out) && (out.logs!.logitScale as tf.Scalar).dataSync()[0]).toBeGreaterThan(0);
    const after = snapshot(clip.stateTensors());
    for (const k of Object.keys(before)) expect(after[k], k).not.toEqual(before[k]);
    release(out);
    tf.dispose([batch.images, batch.texts]);
    clip.dispose();
  });

  it('clamps s to [0, ln 100] after every step, in both directions; learnScale false keeps it fixed', () => {
    const batch = pairs(16, 5);
    // Random towers: the positives are no closer than the rest, a flatter softmax lowers the loss, s falls to 0.
    const down = new Clip<tf.Tensor2D, tf.Tensor2D>({
      imageTower: dense(6, 8, 1),
      textTower: dense(5, 7, 2),
      imageDim: 8,
      textDim: 7,
      optimizer: tf.train.sgd(50),
    });
    for (let i = 0; i < 3; i++) release(down.step(batch, stepInfo(i)));
    expect(down.logScale.dataSync()[0]).toBe(0);
    down.dispose();
    // Identical features on both sides (same inputs, same projection): a sharper softmax lowers the loss, s rises to ln 100.
    const up = new Clip<tf.Tensor2D, tf.Tensor2D>({
      imageTower: precomputedTower('a', 6),
      textTower: precomputedTower('b', 6),
      imageDim: 6,
      textDim: 6,
      initLogScale: CLIP_MAX_LOG_SCALE - 0.01,
      optimizer: tf.train.sgd(50),
    });
    up.textProjection.assign(up.imageProjection);
    release(up.step({ images: batch.images, texts: batch.images }, stepInfo(0)));
    expect(up.logScale.dataSync()[0]).toBeCloseTo(CLIP_MAX_LOG_SCALE, 6);
    up.dispose();
    const fixed = new Clip<tf.Tensor2D, tf.Tensor2D>({
      imageTower: dense(6, 8, 1),
      textTower: dense(5, 7, 2),
      imageDim: 8,
      textDim: 7,
      learnScale: false,
      initLogScale: 1,
    });
    release(fixed.step(batch, stepInfo(0)));
    expect(fixed.logScale.dataSync()[0]).toBe(1);
    fixed.dispose();
    tf.dispose([batch.images, batch.texts]);
  });

  it('a locked (precomputed) text tower: only the image side and the text projection learn; retrieval improves', () => {
    const clip = new Clip<tf.Tensor2D, tf.Tensor2D>({
      imageTower: dense(6, 16, 1),
      textTower: precomputedTower('cached', 5),
      imageDim: 16,
      textDim: 5,
      embedDim: 8,
      learningRate: 0.01,
    });
    const test = pairs(64, 100);
    const recallAt1 = () =>
      tf.tidy(() => {
        const sim = tf.matMul(clip.embedImages(test.images), clip.embedTexts(test.texts), false, true);
        return tf.mean(tf.cast(tf.equal(tf.argMax(sim, 1), tf.range(0, 64, 1, 'int32')), 'float32')).dataSync()[0]!;
      });
    const start = recallAt1();
    const rng = createRng(0);
    for (let i = 0; i < 150; i++) {
      const b = pairs(32, 1000 + rng.int(1e6));
      release(clip.step(b, stepInfo(i)));
      tf.dispose([b.images, b.texts]);
    }
    const end = recallAt1();
    expect(end).toBeGreaterThan(start + 0.2);
    expect(end).toBeGreaterThan(0.5); // chance is 1/64
    expect(Object.keys(clip.stateTensors()).filter((k) => k.startsWith('text_tower/'))).toEqual([]);
    tf.dispose([test.images, test.texts]);
    clip.dispose();
  });

  it('refuses a batch of unequal or single pairs before the forward pass, leaking nothing', () => {
    const clip = new Clip<tf.Tensor2D, tf.Tensor2D>({ imageTower: dense(6, 8, 1), textTower: dense(5, 7, 2), imageDim: 8, textDim: 7 });
    const x = tf.zeros([4, 6]) as tf.Tensor2D;
    const t3 = tf.zeros([3, 5]) as tf.Tensor2D;
    const x1 = tf.zeros([1, 6]) as tf.Tensor2D;
    const t1 = tf.zeros([1, 5]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    expect(() => clip.step({ images: x, texts: t3 }, stepInfo(0))).toThrow(/4 images but 3 texts/);
    expect(() => clip.step({ images: x1, texts: t1 }, stepInfo(0))).toThrow(/at least 2 pairs/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, t3, x1, t1]);
    clip.dispose();
  });

  it('dispose frees every tensor it owns and refuses later use; bad options are named', () => {
    const before = tf.memory().numTensors;
    const clip = new Clip<tf.Tensor2D, tf.Tensor2D>({ imageTower: dense(6, 8, 1), textTower: dense(5, 7, 2), imageDim: 8, textDim: 7 });
    const b = pairs(4, 9);
    release(clip.step(b, stepInfo(0)));
    tf.dispose([b.images, b.texts]);
    clip.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => clip.embedTexts(tf.zeros([1, 5]) as tf.Tensor2D)).toThrow(/after dispose/);
    expect(() => new Clip({ imageTower: dense(6, 8, 1), textTower: dense(5, 7, 2), imageDim: 8, textDim: 7, initLogScale: 5 })).toThrow(
      /initLogScale must be in \[0, ln 100/,
    );
    expect(() => new Clip({ imageTower: dense(6, 8, 1), textTower: dense(5, 7, 2), imageDim: 0, textDim: 7 })).toThrow(
      /inDim must be a positive integer/,
    );
  });

  it('sliceRows cuts a tensor or a token batch to rows start…start+count−1 (same padded length), and refuses other inputs', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const part = sliceRows(x, 1, 2);
    expect(part.arraySync()).toEqual([
      [3, 4],
      [5, 6],
    ]);
    const tokens = {
      batch: 3,
      length: 2,
      inputIds: Int32Array.from([2, 3, 2, 7, 2, 9]),
      attentionMask: Int32Array.from([1, 0, 1, 1, 1, 1]),
      tokenTypeIds: new Int32Array(6),
      truncated: [2],
    };
    expect(sliceRows(tokens, 1, 2)).toEqual({
      batch: 2,
      length: 2,
      inputIds: Int32Array.from([2, 7, 2, 9]),
      attentionMask: Int32Array.from([1, 1, 1, 1]),
      tokenTypeIds: new Int32Array(4),
      truncated: [1],
    });
    expect(() => sliceRows(['a', 'b'], 0, 1)).toThrow(/tensor or a token batch/);
    tf.dispose([x, part]);
  });
});
