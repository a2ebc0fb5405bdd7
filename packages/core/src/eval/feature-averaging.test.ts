import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { createRng } from '../random/rng.js';
import type { ViewMaker } from '../types.js';
import { averageFeatures, conditionalVariance } from './feature-averaging.js';

useCpuLeakCheck();

// A fixed linear "encoder" [N, 4] → [N, 3] and a view that adds seeded noise to each input.
const W = [
  [1, 0.5, -1],
  [0, 2, 0.3],
  [-0.7, 0.1, 1],
  [0.4, -0.2, 0.6],
];
const embed = (x: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => x.matMul(tf.tensor2d(W)) as tf.Tensor2D);
const noisy =
  (scale: number): ViewMaker<tf.Tensor2D> =>
  (x, rng) =>
    tf.tidy(() =>
      x.add(
        tf.tensor2d(
          Array.from({ length: x.size }, () => scale * rng.normal()),
          x.shape,
        ),
      ),
    );
const identity: ViewMaker<tf.Tensor2D> = (x) => x.clone();
const inputs = () =>
  tf.tensor2d(
    Array.from({ length: 7 * 4 }, (_, i) => Math.sin(i + 1)),
    [7, 4],
  );
const read = (t: tf.Tensor | null) => (t ? Array.from(t.dataSync()) : null);

describe('averageFeatures', () => {
  it('with M = 1 and the identity view equals plain embedding, with no variance; any M of an invariant view too', () => {
    const x = inputs();
    const plain = embed(x);
    const one = averageFeatures(embed, x, { passes: 1, view: identity, rng: createRng(0) });
    expect(read(one.mean)).toEqual(read(plain));
    expect(one.conditionalVariance).toBeNull();
    const many = averageFeatures(embed, x, { passes: 5, view: identity, rng: createRng(0), batchSize: 3 });
    read(many.mean)!.forEach((v, i) => expect(v).toBeCloseTo(read(plain)![i]!, 5));
    read(many.conditionalVariance)!.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6));
    tf.dispose([x, plain, one.mean, many.mean, many.conditionalVariance!]);
  });

  it('is the mean over M passes and its variance matches conditionalVariance of the stacked passes', () => {
    const x = inputs();
    const view = noisy(0.3);
    // batchSize ≥ N: one chunk, whose generator is the first fork of the seed's rng.
    const got = averageFeatures(embed, x, { passes: 6, view, rng: createRng(9), batchSize: 64 });
    const chunkRng = createRng(9).fork();
    const stacked = tf.tidy(() => tf.stack(Array.from({ length: 6 }, () => tf.tidy(() => embed(view(x, chunkRng))))) as tf.Tensor3D);
    const mean = stacked.mean(0);
    const cv = conditionalVariance(stacked);
    read(got.mean)!.forEach((v, i) => expect(v).toBeCloseTo(read(mean)![i]!, 5));
    read(got.conditionalVariance)!.forEach((v, i) => expect(v).toBeCloseTo(read(cv)![i]!, 5));
    expect(Math.min(...read(cv)!)).toBeGreaterThan(1e-4);
    tf.dispose([x, stacked, mean, cv, got.mean, got.conditionalVariance!]);
  });

  it('is deterministic by seed, differs across seeds, and grows with the transformation strength', () => {
    const x = inputs();
    const run = (seed: number, scale: number) => {
      const r = averageFeatures(embed, x, { passes: 8, view: noisy(scale), rng: createRng(seed), batchSize: 4 });
      const out = { mean: read(r.mean)!, cv: read(r.conditionalVariance)! };
      tf.dispose([r.mean, r.conditionalVariance!]);
      return out;
    };
    const a = run(1, 0.2);
    expect(run(1, 0.2)).toEqual(a);
    expect(run(2, 0.2).mean).not.toEqual(a.mean);
    const avg = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
    expect(avg(run(1, 0.6).cv)).toBeGreaterThan(avg(a.cv));
    x.dispose();
  });

  it('refuses a bad M or batch size, naming them', () => {
    const x = inputs();
    expect(() => averageFeatures(embed, x, { passes: 0, view: identity, rng: createRng(0) })).toThrow(
      /passes \(M\) must be an integer >= 1, got 0/,
    );
    expect(() => averageFeatures(embed, x, { passes: 2, view: identity, rng: createRng(0), batchSize: 0 })).toThrow(
      /batchSize must be an integer >= 1, got 0/,
    );
    const one = tf.zeros([1, 2, 3]) as tf.Tensor3D;
    expect(() => conditionalVariance(one)).toThrow(/M >= 2, got \[1, 2, 3\]/);
    tf.dispose([x, one]);
  });
});
