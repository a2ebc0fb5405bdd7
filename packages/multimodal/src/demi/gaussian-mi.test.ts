import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '@contrastive/core';
import { readFixtureCases, useCpuLeakCheck } from '@contrastive/test-utils';
import { demiBound } from './demi-bound.js';
import { rhoForMutualInformation, sampleCorrelatedGaussians } from './gaussian.js';
import { infoNceBound } from './info-nce-bound.js';
import { separableCritic } from './separable-critic.js';

/**
 * The Gaussian MI test of DEMI (issue 21; spec §10): correlated Gaussians with a closed-form MI, InfoNCE vs
 * DEMI (x′ = the first d/2 coordinates of x, x″ the rest) at batch N = 64, where log N ≈ 4.16 nats.
 *
 * 1. Closed-form optimal critics (no training) against the PyTorch values of tools/reference/multimodal_demi.py:
 *    the estimators' formulas at realistic scale, compared statistically (independent samples on each side).
 * 2. Trained separable MLP critics (Adam, cpu backend, fixed seeds):
 *    - true MI 9 nats (d = 20): InfoNCE ≤ log N, DEMI > log N, DEMI < true MI;
 *    - true MI 1 nat (d = 4, < log N / 2): both within 0.25 nats of the truth.
 */

useCpuLeakCheck();

const N = 64;
const LOG_N = Math.log(N);
const FIXTURES = new URL('./__fixtures__', import.meta.url);

interface Stat {
  mean: number;
  sd: number;
}
interface OptimalConfig {
  d: number;
  mutualInformation: number;
  rho: number;
  n: number;
  batches: number;
  infoNce: Stat;
  unconditional: Stat;
  conditional: Stat;
  demi: Stat;
}

/** log p(y|x)/p(y) summed over coordinates, up to a function of x: a·x yᵀ − b·|y|² (rows x_i, columns y_k). */
function optimalScores(x: tf.Tensor2D, y: tf.Tensor2D, rho: number): tf.Tensor2D {
  const a = rho / (1 - rho * rho);
  const b = (rho * rho) / (2 * (1 - rho * rho));
  return tf.tidy(() => tf.sub(tf.mul(tf.matMul(x, y, false, true), a), tf.mul(tf.reshape(tf.sum(tf.square(y), 1), [1, -1]), b)));
}

const split = (x: tf.Tensor2D, d: number): [tf.Tensor2D, tf.Tensor2D] => [
  tf.slice(x, [0, 0], [-1, d / 2]) as tf.Tensor2D,
  tf.slice(x, [0, d / 2], [-1, d / 2]) as tf.Tensor2D,
];

describe('DEMI vs InfoNCE with the closed-form optimal critics (vs PyTorch, statistically)', () => {
  const configs = readFixtureCases<OptimalConfig>(FIXTURES, 'gaussian-optimal-critics.json');
  it('has the two configurations of the trained tests (d = 20, MI 9; d = 4, MI 1) at N = 64', () => {
    expect(configs.map((c) => [c.d, c.mutualInformation, c.n])).toEqual([
      [20, 9, 64],
      [4, 1, 64],
    ]);
  });
  for (const c of configs) {
    it(`d=${c.d}, true MI ${c.mutualInformation}: mean estimates over 200 batches match PyTorch's over ${c.batches}`, () => {
      const rng = createRng(100 + c.d);
      const batches = 200;
      const sums = { infoNce: 0, unconditional: 0, conditional: 0, demi: 0 };
      for (let b = 0; b < batches; b++) {
        const { x, y } = sampleCorrelatedGaussians(c.n, c.d, c.rho, rng);
        const [nce, u, cond] = tf.tidy(() => {
          const [xPrime, xRest] = split(x, c.d);
          // φ* on x′ and ψ* = log p(y|x)/p(y|x′), which involves x″ and y″ only.
          const yPrime = tf.slice(y, [0, 0], [-1, c.d / 2]) as tf.Tensor2D;
          const yRest = tf.slice(y, [0, c.d / 2], [-1, c.d / 2]) as tf.Tensor2D;
          const t = demiBound(optimalScores(xPrime, yPrime, c.rho), optimalScores(xRest, yRest, c.rho));
          return [infoNceBound(optimalScores(x, y, c.rho)).dataSync()[0]!, t.unconditional.dataSync()[0]!, t.conditional.dataSync()[0]!];
        });
        expect(nce).toBeLessThanOrEqual(Math.log(c.n) + 1e-5); // every batch, not only the mean
        sums.infoNce += nce;
        sums.unconditional += u;
        sums.conditional += cond;
        sums.demi += u + cond;
        tf.dispose([x, y]);
      }
      for (const key of ['infoNce', 'unconditional', 'conditional', 'demi'] as const) {
        const mean = sums[key] / batches;
        const ref = c[key];
        // 4 standard errors of the difference of two independent means (sd per batch from PyTorch).
        const tol = 4 * ref.sd * Math.sqrt(1 / batches + 1 / c.batches);
        expect(
          Math.abs(mean - ref.mean),
          `${key}: TS ${mean.toFixed(4)} vs PyTorch ${ref.mean.toFixed(4)} (tol ${tol.toFixed(4)})`,
        ).toBeLessThan(tol);
      }
    });
  }
});

interface TrainResult {
  infoNce: number;
  demi: number;
  unconditional: number;
  conditional: number;
  ms: number;
}

/**
 * Trains three separable critics (InfoNCE's on (x, y), DEMI's φ on (x′, y) and ψ on (x, y)) with one Adam
 * (disjoint parameters, so the same as one Adam each), then averages the estimates over fresh batches.
 */
function trainAndEstimate(
  d: number,
  mutualInformation: number,
  { steps, evalBatches, hiddenUnits, embeddingDim }: { steps: number; evalBatches: number; hiddenUnits: number; embeddingDim: number },
  rng: Rng,
): TrainResult {
  const start = Date.now();
  const rho = rhoForMutualInformation(d, mutualInformation);
  const critic = (xDim: number, seed: number) => separableCritic({ xDim, yDim: d, hiddenUnits, hiddenLayers: 1, embeddingDim, seed });
  const base = critic(d, 11);
  const phi = critic(d / 2, 22);
  const psi = critic(d, 33);
  const vars = [...base.trainableWeights, ...phi.trainableWeights, ...psi.trainableWeights];
  const optimizer = tf.train.adam(3e-3);
  const estimates = (x: tf.Tensor2D, y: tf.Tensor2D) => {
    const nce = infoNceBound(base.scores(x, y));
    const t = demiBound(phi.scores(split(x, d)[0], y), psi.scores(x, y));
    return { nce, ...t };
  };
  try {
    for (let step = 0; step < steps; step++) {
      const { x, y } = sampleCorrelatedGaussians(N, d, rho, rng);
      optimizer.minimize(
        () => {
          const e = estimates(x, y);
          return tf.neg(tf.add(e.nce, e.total)) as tf.Scalar;
        },
        false,
        vars,
      );
      tf.dispose([x, y]);
    }
    const sum = { infoNce: 0, demi: 0, unconditional: 0, conditional: 0 };
    for (let b = 0; b < evalBatches; b++) {
      const { x, y } = sampleCorrelatedGaussians(N, d, rho, rng);
      tf.tidy(() => {
        const e = estimates(x, y);
        const nce = e.nce.dataSync()[0]!;
        expect(nce).toBeLessThanOrEqual(LOG_N + 1e-5); // the ceiling holds on every batch
        sum.infoNce += nce;
        sum.unconditional += e.unconditional.dataSync()[0]!;
        sum.conditional += e.conditional.dataSync()[0]!;
        sum.demi += e.total.dataSync()[0]!;
      });
      tf.dispose([x, y]);
    }
    return {
      infoNce: sum.infoNce / evalBatches,
      demi: sum.demi / evalBatches,
      unconditional: sum.unconditional / evalBatches,
      conditional: sum.conditional / evalBatches,
      ms: Date.now() - start,
    };
  } finally {
    optimizer.dispose();
    for (const c of [base, phi, psi]) c.dispose();
  }
}

const report = (label: string, truth: number, r: TrainResult): void => {
  console.log(
    `${label}: true MI ${truth.toFixed(3)}, log N ${LOG_N.toFixed(3)} | InfoNCE ${r.infoNce.toFixed(3)} | DEMI ${r.demi.toFixed(3)} = ${r.unconditional.toFixed(3)} + ${r.conditional.toFixed(3)} | ${(r.ms / 1000).toFixed(1)} s`,
  );
};

describe('DEMI vs InfoNCE with trained separable critics (Adam, cpu)', () => {
  it('true MI 9 nats ≫ log N: InfoNCE stays under log N, DEMI goes past it and stays under the truth', () => {
    const truth = 9;
    const r = trainAndEstimate(20, truth, { steps: 300, evalBatches: 20, hiddenUnits: 64, embeddingDim: 32 }, createRng(2106));
    report('d=20', truth, r);
    expect(r.infoNce).toBeLessThanOrEqual(LOG_N + 1e-5);
    // The InfoNCE critic did learn: it is near its ceiling (the optimal critic reaches 4.09), so "DEMI > InfoNCE"
    // is a comparison with a trained baseline, not an untrained one.
    expect(r.infoNce).toBeGreaterThan(LOG_N - 0.5);
    expect(r.demi).toBeGreaterThan(LOG_N + 1);
    // Margin 0: each of DEMI's terms is ≤ log N on every batch, so the estimate is ≤ 2 log N = 8.32 < 9 by
    // construction here; the over-estimation check with teeth is the small-MI case below.
    expect(r.demi).toBeLessThan(truth);
  });

  it('true MI 1 nat < log N / 2: InfoNCE and DEMI both land within 0.25 nats of the truth', () => {
    // Tolerance 0.25 nats: the bounds' own bias at N = 64 with the optimal critic is 0.04 (InfoNCE) and 0.01 (DEMI)
    // (gaussian-optimal-critics.json, d = 4); the mean of 40 evaluation batches has a standard error ≈ 0.15/√40 =
    // 0.024 (×3 = 0.07); the rest is the trained critics' shortfall after 300 steps: with this file's set-up, this
    // seed and three others (2013–2015) the estimates were InfoNCE 0.865–0.944 and DEMI 0.895–0.973 (shortfall ≤ 0.14). An
    // estimate above the truth by more than 0.25 would flag a formula error (neither estimator should exceed the
    // truth by more than sampling noise; dropping DEMI's (N − 1) factor, for one, fails this test).
    const truth = 1;
    const r = trainAndEstimate(4, truth, { steps: 300, evalBatches: 40, hiddenUnits: 32, embeddingDim: 16 }, createRng(2012));
    report('d=4', truth, r);
    expect(Math.abs(r.infoNce - truth)).toBeLessThan(0.25);
    expect(Math.abs(r.demi - truth)).toBeLessThan(0.25);
  });
});
