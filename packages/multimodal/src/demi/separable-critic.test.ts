import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { infoNceBound } from './info-nce-bound.js';
import { SeparableCritic, separableCritic } from './separable-critic.js';

useCpuLeakCheck();

describe('separableCritic', () => {
  it('scores(x, y)[i][k] = f(x_i)·g(y_k), shape [N, M]', () => {
    const critic = separableCritic({ xDim: 3, yDim: 5, hiddenUnits: 8, hiddenLayers: 1, embeddingDim: 4, seed: 3 });
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.randomNormal([6, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const s = critic.scores(x, y);
    expect(s.shape).toEqual([4, 6]);
    const want = tf.tidy(() => {
      const fx = critic.f.predict(x) as tf.Tensor2D;
      const gy = critic.g.predict(y) as tf.Tensor2D;
      return tf.sum(tf.mul(tf.expandDims(fx, 1), tf.expandDims(gy, 0)), 2);
    });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(s, want))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, y, s, want]);
    critic.dispose();
  });

  it('the seed fixes the initial weights; another seed gives others; f and g differ', () => {
    const a = separableCritic({ xDim: 4, yDim: 4, hiddenUnits: 6, hiddenLayers: 2, embeddingDim: 3, seed: 7 });
    const b = separableCritic({ xDim: 4, yDim: 4, hiddenUnits: 6, hiddenLayers: 2, embeddingDim: 3, seed: 7 });
    const c = separableCritic({ xDim: 4, yDim: 4, hiddenUnits: 6, hiddenLayers: 2, embeddingDim: 3, seed: 8 });
    const flat = (m: tf.Sequential) => tf.tidy(() => Array.from(tf.concat(m.getWeights().map((w) => w.flatten())).dataSync()));
    expect(flat(a.f)).toEqual(flat(b.f));
    expect(flat(a.g)).toEqual(flat(b.g));
    expect(flat(a.f)).not.toEqual(flat(c.f));
    expect(flat(a.f)).not.toEqual(flat(a.g));
    // 3 dense layers per tower, kernel + bias each
    expect(a.trainableWeights.length).toBe(12);
    expect(a.trainableWeights.every((v) => v instanceof tf.Variable && v.trainable)).toBe(true);
    for (const k of [a, b, c]) k.dispose();
  });

  it('defaults: two hidden layers of 256, 32-d embeddings; hiddenLayers 0 is a bilinear critic xᵀAᵀBy', () => {
    const d = new SeparableCritic({ xDim: 2, yDim: 3 });
    expect(d.f.layers.map((l) => (l.getConfig() as { units: number }).units)).toEqual([256, 256, 32]);
    d.dispose();
    const lin = separableCritic({ xDim: 2, yDim: 2, hiddenLayers: 0, embeddingDim: 2 });
    expect(lin.f.layers.length).toBe(1);
    lin.dispose();
  });

  it('trains: Adam on −infoNceBound raises the bound on dependent data', () => {
    const critic = separableCritic({ xDim: 2, yDim: 2, hiddenUnits: 16, hiddenLayers: 1, embeddingDim: 8, seed: 1 });
    const x = tf.randomNormal([32, 2], 0, 1, 'float32', 5) as tf.Tensor2D;
    const y = tf.tidy(() => tf.add(x, tf.mul(tf.randomNormal([32, 2], 0, 1, 'float32', 6), 0.3))) as tf.Tensor2D;
    const bound = () => tf.tidy(() => infoNceBound(critic.scores(x, y)).dataSync()[0]!);
    const before = bound();
    const opt = tf.train.adam(0.01);
    for (let s = 0; s < 60; s++) opt.minimize(() => tf.neg(infoNceBound(critic.scores(x, y))), false, critic.trainableWeights);
    const after = bound();
    expect(after).toBeGreaterThan(before + 0.5);
    opt.dispose();
    tf.dispose([x, y]);
    critic.dispose();
  });

  it('rejects bad options and inputs, naming them', () => {
    expect(() => separableCritic({ xDim: 0, yDim: 2 })).toThrow(/xDim must be an integer >= 1, got 0/);
    expect(() => separableCritic({ xDim: 2, yDim: 2.5 })).toThrow(/yDim must be an integer >= 1/);
    expect(() => separableCritic({ xDim: 2, yDim: 2, hiddenLayers: -1 })).toThrow(/hiddenLayers must be an integer >= 0/);
    expect(() => separableCritic({ xDim: 2, yDim: 2, activation: 'gelu' as never })).toThrow(/activation must be one of 'relu'/);
    expect(() => separableCritic({ xDim: 2, yDim: 2, units: 3 } as never)).toThrow(/separableCritic: unknown option 'units'/);
    const critic = separableCritic({ xDim: 2, yDim: 3, hiddenUnits: 4, hiddenLayers: 1, embeddingDim: 2 });
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    const bad = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => critic.scores(x, bad)).toThrow(/y must have shape \[M, 3\] \(yDim\), got \[4, 2\]/);
    const flat = tf.zeros([8]);
    expect(() => critic.scores(flat as never, x)).toThrow(/x must have rank 2/);
    tf.dispose([x, bad, flat]);
    critic.dispose();
  });
});
