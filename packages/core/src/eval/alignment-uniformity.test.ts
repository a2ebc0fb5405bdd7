import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadEvalFixture } from './__fixtures__/load.js';
import { alignmentUniformityReport } from './alignment-uniformity.js';

useCpuLeakCheck();

describe('alignmentUniformityReport', () => {
  const { alignUniform: au } = loadEvalFixture();

  it("matches Wang & Isola's reference code (PyTorch) on L2-normalised pairs", () => {
    const r = alignmentUniformityReport(au.x, au.y);
    expect(r.alignment).toBeCloseTo(au.alignment, 4);
    // The fixture's uniformity is of x alone; the report averages x and y, which are close views.
    const rx = alignmentUniformityReport(au.x, au.x);
    expect(rx.alignment).toBeCloseTo(0, 6);
    expect(rx.uniformity).toBeCloseTo(au.uniformity, 4);
    expect(Math.abs(r.uniformity - au.uniformity)).toBeLessThan(0.1);
  });

  it('ranks identical views as perfectly aligned and collapsed embeddings as non-uniform', () => {
    const spread = alignmentUniformityReport(au.x, au.y);
    const collapsed = au.x.map(() => au.x[0]!);
    const c = alignmentUniformityReport(collapsed, collapsed);
    expect(c.alignment).toBeCloseTo(0, 6);
    expect(c.uniformity).toBeCloseTo(0, 5); // log E exp(0) = 0, the worst possible
    expect(spread.uniformity).toBeLessThan(-3);
  });

  it('subsamples uniformity above maxPoints and accepts tensors', () => {
    const x = tf.tensor2d(au.x);
    const y = tf.tensor2d(au.y);
    const full = alignmentUniformityReport(x, y);
    const sub = alignmentUniformityReport(x, y, { maxPoints: 32, seed: 1 });
    expect(sub.alignment).toBeCloseTo(full.alignment, 6); // alignment always uses every pair
    expect(sub.uniformity).not.toBe(full.uniformity);
    expect(Math.abs(sub.uniformity - full.uniformity)).toBeLessThan(0.3);
    tf.dispose([x, y]);
  });

  it('rejects mismatched shapes naming both', () => {
    expect(() => alignmentUniformityReport(au.x, au.y.slice(1))).toThrow(
      /x and y must have the same shape \[N, D\], got \[64, 16\] and \[63, 16\]/,
    );
    expect(() => alignmentUniformityReport([[1, 0]], [[0, 1]])).toThrow(/at least 2 rows/);
    expect(() =>
      alignmentUniformityReport(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [NaN, 1],
        ],
      ),
    ).toThrow(/y contains NaN/);
  });
});
