import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  adversarialPerturbation,
  embeddingDropout,
  featureCutoff,
  gaussianNoise,
  shuffledPositionIds,
  tokenCutoff,
} from './embedding-level.js';

const B = 3;
const L = 6;
const H = 10;
const lengths = [6, 4, 2];

describe('embedding-level augmentations (ConSERT)', () => {
  let before = 0;
  let emb: tf.Tensor3D;
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  beforeEach(() => {
    before = tf.memory().numTensors;
    emb = tf.randomUniform([B, L, H], 0.5, 1.5, 'float32', 1) as tf.Tensor3D;
  });
  afterEach(() => {
    emb.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  const zeros = (t: tf.Tensor3D) => {
    const d = t.arraySync();
    t.dispose();
    return d.map((row) => row.map((tok) => tok.filter((v) => v === 0).length));
  };

  it('token cutoff zeroes floor(len·r) real rows and never padding', () => {
    const z = zeros(tokenCutoff(emb, lengths, createRng(1), { rate: 0.5 }));
    lengths.forEach((n, b) => {
      expect(z[b]!.filter((c) => c === H)).toHaveLength(Math.floor(n * 0.5));
      for (let t = n; t < L; t++) expect(z[b]![t]).toBe(0);
    });
  });

  it('feature cutoff zeroes floor(H·r) whole dimensions', () => {
    const z = zeros(featureCutoff(emb, lengths, createRng(2), { rate: 0.2 }));
    for (let b = 0; b < B; b++) for (let t = 0; t < L; t++) expect(z[b]![t]).toBe(Math.floor(H * 0.2));
  });

  it('embedding dropout zeroes floor(len·H·r) real elements without rescaling', () => {
    const out = embeddingDropout(emb, lengths, createRng(3), { rate: 0.3 });
    const o = out.arraySync();
    const e = emb.arraySync();
    out.dispose();
    lengths.forEach((n, b) => {
      let zeroed = 0;
      for (let t = 0; t < L; t++)
        for (let h = 0; h < H; h++) {
          if (o[b]![t]![h] === 0) zeroed++;
          else expect(o[b]![t]![h]).toBe(e[b]![t]![h]);
        }
      expect(zeroed).toBe(Math.floor(n * H * 0.3));
    });
  });

  it('gaussian noise leaves padding untouched and is seeded', () => {
    const a = gaussianNoise(emb, lengths, createRng(4), { std: 0.5 });
    const b2 = gaussianNoise(emb, lengths, createRng(4), { std: 0.5 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b2.dataSync()));
    const diff = tf.tidy(() => a.sub(emb).abs().sum(-1).arraySync() as number[][]);
    lengths.forEach((n, b) => {
      for (let t = 0; t < L; t++) expect(diff[b]![t]! > 0).toBe(t < n);
    });
    tf.dispose([a, b2]);
  });

  it('token shuffle permutes real positions only; padding is never shuffled into content', () => {
    const ids = shuffledPositionIds(lengths, L, createRng(5));
    expect(Array.from(shuffledPositionIds(lengths, L, createRng(5)))).toEqual(Array.from(ids));
    lengths.forEach((n, b) => {
      const row = Array.from(ids.slice(b * L, (b + 1) * L));
      expect(row.slice(0, n).sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
      expect(row.slice(n)).toEqual([...Array(L - n).keys()].map((k) => n + k));
    });
    expect(Array.from(ids.slice(0, L))).not.toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('cutoffs are deterministic per seed and differ across seeds', () => {
    for (const f of [tokenCutoff, featureCutoff, embeddingDropout]) {
      const a = f(emb, lengths, createRng(8), { rate: 0.3 });
      const b = f(emb, lengths, createRng(8), { rate: 0.3 });
      const c = f(emb, lengths, createRng(9), { rate: 0.3 });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      tf.dispose([a, b, c]);
    }
    expect(() => tokenCutoff(emb, [1, 2], createRng(0))).toThrow(/lengths/);
  });

  it('adversarial step moves real tokens along the loss gradient sign and increases the loss', () => {
    const w = tf.randomNormal([H], 0, 1, 'float32', 3);
    const lossOf = (e: tf.Tensor3D) => tf.tidy(() => e.mul(w).sum() as tf.Scalar);
    const adv = adversarialPerturbation(emb, lengths, lossOf, { epsilon: 0.1 });
    const delta = adv.sub(emb);
    const expected = tf.tidy(() => tf.sign(w).mul(0.1));
    const d = delta.arraySync() as number[][][];
    const ex = expected.arraySync() as number[];
    lengths.forEach((n, b) => {
      for (let t = 0; t < L; t++) for (let h = 0; h < H; h++) expect(d[b]![t]![h]!).toBeCloseTo(t < n ? ex[h]! : 0, 5);
    });
    const l0 = lossOf(emb);
    const l1 = lossOf(adv);
    expect(l1.dataSync()[0]!).toBeGreaterThan(l0.dataSync()[0]!);
    const l2 = adversarialPerturbation(emb, lengths, lossOf, { epsilon: 1, norm: 'l2' });
    const norms = tf.tidy(() => l2.sub(emb).norm('euclidean', -1).arraySync() as number[][]);
    expect(norms[0]![0]!).toBeCloseTo(1, 4);
    expect(norms[2]![3]!).toBeCloseTo(0, 6);
    tf.dispose([w, adv, delta, expected, l0, l1, l2]);
  });
});
