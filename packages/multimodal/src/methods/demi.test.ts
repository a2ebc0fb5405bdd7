import * as tf from '@tensorflow/tfjs';
import { createRng, isLossWithLogs, layersEncoder, type Rng, stepInfo, stepLoss } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { demiConditionalBound } from '../demi/demi-bound.js';
import { CLIP_INIT_LOG_SCALE, clipLoss } from '../losses/clip-loss.js';
import { unit } from './clip.js';
import { Demi } from './demi.js';

const dense = (inDim: number, units: number, seed: number) =>
  layersEncoder(
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [inDim], units, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      ],
    }),
  );

/** The sub-view x′: the first half of the features kept, the second half zeroed (the part x″ that x adds). */
const firstHalf = (x: tf.Tensor2D) =>
  tf.tidy(() => {
    const d = x.shape[1];
    return tf.mul(x, tf.concat([tf.ones([1, d / 2]), tf.zeros([1, d - d / 2])], 1)) as tf.Tensor2D;
  });

/**
 * N pairs: an "image" x = [u, v] of two independent 4-d latents and a "text" y, a linear mix of both plus a
 * little noise, so x′ = [u, 0] carries part of I(x; y) and v the rest (the conditional term's share).
 */
function pairs(n: number, seed: number) {
  return tf.tidy(() => {
    const u = tf.randomNormal([n, 4], 0, 1, 'float32', seed);
    const v = tf.randomNormal([n, 4], 0, 1, 'float32', seed + 1);
    const images = tf.concat([u, v], 1) as tf.Tensor2D;
    const texts = tf.add(
      tf.matMul(images, tf.randomNormal([8, 6], 0, 1, 'float32', 12)),
      tf.randomNormal([n, 6], 0, 0.05, 'float32', seed + 2),
    ) as tf.Tensor2D;
    return { images, texts };
  });
}

const make = (opts: { lr?: number; stop?: boolean; subView?: (x: tf.Tensor2D, rng: Rng) => tf.Tensor2D } = {}) =>
  new Demi<tf.Tensor2D, tf.Tensor2D>({
    imageTower: dense(8, 16, 1),
    textTower: dense(6, 16, 2),
    imageDim: 16,
    textDim: 16,
    embedDim: 8,
    subView: opts.subView ?? firstHalf,
    ...(opts.lr === undefined ? {} : { learningRate: opts.lr }),
    ...(opts.stop === undefined ? {} : { stopWeightGradient: opts.stop }),
  });

type Out = ReturnType<Demi<tf.Tensor2D, tf.Tensor2D>['step']>;
const logsOf = (out: Out): Record<string, number> =>
  isLossWithLogs(out)
    ? Object.fromEntries(Object.entries(out.logs ?? {}).map(([k, v]) => [k, typeof v === 'number' ? v : v.dataSync()[0]!]))
    : {};
const release = (out: Out) =>
  tf.dispose([
    stepLoss(out),
    ...(isLossWithLogs(out) ? Object.values(out.logs ?? {}).filter((v): v is tf.Scalar => typeof v !== 'number') : []),
  ]);
const snapshot = (vars: Record<string, tf.Variable>) =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('Demi', () => {
  it('the step loss is clipLoss(φ) + log N − I_IS(ψ, φ) of the current weights; the logs are the two terms; every weight moves', () => {
    const demi = make();
    const batch = pairs(8, 3);
    const expected = tf.tidy(() => {
      const fi = demi.imageTower.apply(batch.images, true) as tf.Tensor2D;
      const fs = demi.imageTower.apply(firstHalf(batch.images), true) as tf.Tensor2D;
      const g = demi.textTower.apply(batch.texts, true) as tf.Tensor2D;
      const zi = tf.matMul(fi, demi.imageProjection) as tf.Tensor2D;
      const zt = tf.matMul(g, demi.textProjection) as tf.Tensor2D;
      const zsi = tf.matMul(fs, demi.subImageProjection) as tf.Tensor2D;
      const zst = tf.matMul(g, demi.subTextProjection) as tf.Tensor2D;
      const s = Math.exp(CLIP_INIT_LOG_SCALE);
      const psi = tf.mul(s, tf.matMul(unit(zi), unit(zt), false, true)) as tf.Tensor2D;
      const phi = tf.mul(s, tf.matMul(unit(zsi), unit(zst), false, true)) as tf.Tensor2D;
      const uncond = clipLoss(zsi, zst, CLIP_INIT_LOG_SCALE).dataSync()[0]!;
      const cond = demiConditionalBound(psi, phi).dataSync()[0]!;
      return { uncond, cond };
    });
    const before = snapshot(demi.stateTensors());
    expect(
      Object.keys(before)
        .filter((k) => !k.includes('tower/'))
        .sort(),
    ).toEqual(['image_projection', 'logit_scale', 'sub_image_projection', 'sub_logit_scale', 'sub_text_projection', 'text_projection']);
    const out = demi.step(batch, stepInfo(0));
    const logN = Math.log(8);
    expect(stepLoss(out).dataSync()[0]).toBeCloseTo(expected.uncond + logN - expected.cond, 5);
    const logs = logsOf(out);
    expect(logs.unconditional).toBeCloseTo(logN - expected.uncond, 5);
    expect(logs.conditional).toBeCloseTo(expected.cond, 5);
    expect(logs.estimate).toBeCloseTo(logN - expected.uncond + expected.cond, 5);
    expect(logs.subLogitScale).toBeGreaterThan(0);
    const after = snapshot(demi.stateTensors());
    for (const k of Object.keys(before)) expect(after[k], k).not.toEqual(before[k]);
    release(out);
    tf.dispose([batch.images, batch.texts]);
    demi.dispose();
  });

  it('trained on pairs whose MI exceeds log N, its estimate passes log N (where InfoNCE is capped) and ψ retrieves held-out pairs', () => {
    const demi = make({ lr: 0.01 });
    const n = 16;
    const rng = createRng(0);
    const estimates: number[] = [];
    for (let i = 0; i < 300; i++) {
      const b = pairs(n, 1000 + rng.int(1e6));
      const out = demi.step(b, stepInfo(i));
      if (i >= 280) estimates.push(logsOf(out).estimate!);
      release(out);
      tf.dispose([b.images, b.texts]);
    }
    const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
    expect(mean).toBeGreaterThan(Math.log(n) + 0.3);
    expect(mean).toBeLessThanOrEqual(2 * Math.log(n));
    const test = pairs(64, 7);
    const recall1 = tf.tidy(() => {
      const sim = tf.matMul(demi.embedImages(test.images), demi.embedTexts(test.texts), false, true);
      return tf.mean(tf.cast(tf.equal(tf.argMax(sim, 1), tf.range(0, 64, 1, 'int32')), 'float32')).dataSync()[0]!;
    });
    expect(recall1).toBeGreaterThan(0.5); // chance 1/64
    tf.dispose([test.images, test.texts]);
    demi.dispose();
  });

  it('the sub-view is drawn from the step generator, so a step is reproducible; its tensor is freed', () => {
    const noisy = (x: tf.Tensor2D, rng: Rng) => tf.tidy(() => tf.add(firstHalf(x), rng.normal() * 0.1) as tf.Tensor2D);
    const run = () => {
      const demi = make({ subView: noisy });
      const b = pairs(8, 4);
      const out = demi.step(b, stepInfo(0, { seed: 5 }));
      const loss = stepLoss(out).dataSync()[0]!;
      release(out);
      tf.dispose([b.images, b.texts]);
      demi.dispose();
      return loss;
    };
    const before = tf.memory().numTensors;
    expect(run()).toBe(run());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bad batch or a sub-view that changes the row count before the forward pass, leaking nothing', () => {
    const demi = make({ subView: (x) => x.slice([0, 0], [2, -1]) as tf.Tensor2D });
    const ok = make();
    const b = pairs(4, 1);
    const t3 = tf.zeros([3, 6]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    expect(() => demi.step(b, stepInfo(0))).toThrow(/subView returned 2 rows for 4 images/);
    expect(() => ok.step({ images: b.images, texts: t3 }, stepInfo(0))).toThrow(/4 images but 3 texts/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([b.images, b.texts, t3]);
    demi.dispose();
    ok.dispose();
    expect(() => new Demi({ imageTower: dense(8, 4, 1), textTower: dense(6, 4, 2), imageDim: 4, textDim: 4 } as never)).toThrow(
      /subView must be a function/,
    );
    expect(
      () =>
        new Demi({
          imageTower: dense(8, 4, 1),
          textTower: dense(6, 4, 2),
          imageDim: 4,
          textDim: 4,
          subView: firstHalf,
          stopWeightGradient: 'yes' as never,
        }),
    ).toThrow(/stopWeightGradient must be a boolean/);
  });

  it('dispose frees every tensor it owns, twice is harmless', () => {
    const before = tf.memory().numTensors;
    const demi = make();
    const b = pairs(4, 9);
    release(demi.step(b, stepInfo(0)));
    tf.dispose([b.images, b.texts]);
    demi.dispose();
    demi.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
