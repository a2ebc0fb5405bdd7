import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadEvalFixture } from './__fixtures__/load.js';
import { collapseStd, collapseThreshold } from './collapse.js';

useCpuLeakCheck();

describe('collapseStd', () => {
  it("matches lightly's std_of_l2_normalized (PyTorch) on healthy and collapsed embeddings", () => {
    const [healthy, collapsed] = loadEvalFixture().collapse;
    expect(collapseStd(healthy!.z)).toBeCloseTo(healthy!.std, 5);
    expect(collapseStd(collapsed!.z)).toBeCloseTo(collapsed!.std, 5);
    // Healthy ≈ 1/√d (d = 16), collapsed ≈ 0.
    expect(Math.abs(healthy!.std * 4 - 1)).toBeLessThan(0.1);
    expect(collapsed!.std * 4).toBeLessThan(0.05);
  });

  it('accepts tensors without consuming them and is scale invariant per row', () => {
    const z = tf.tensor2d(loadEvalFixture().collapse[0]!.z);
    const scaled = tf.tidy(() => tf.mul(z, tf.linspace(0.5, 20, z.shape[0]!).reshape([-1, 1])) as tf.Tensor2D);
    expect(collapseStd(scaled)).toBeCloseTo(collapseStd(z), 5);
    expect(z.isDisposed).toBe(false);
    tf.dispose([z, scaled]);
  });

  it('rejects fewer than 2 rows and ragged rows', () => {
    expect(() => collapseStd([[1, 2, 3]])).toThrow(/at least 2 rows/);
    expect(() => collapseStd([[1, 2], [1]])).toThrow(/embeddings\[1\] has length 1, expected 2/);
  });
});

describe('collapseThreshold', () => {
  it('is 0.25/√d and refuses a non-dimension', () => {
    expect(collapseThreshold(128)).toBeCloseTo(0.25 / Math.sqrt(128), 12);
    expect(collapseThreshold(1)).toBe(0.25);
    expect(() => collapseThreshold(0)).toThrow(/dim must be an integer >= 1/);
  });
});
