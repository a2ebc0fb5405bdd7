import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, stepInfo, trainableVariables, type StepInfo } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyDifferentiableColor, drawTensors, sampleColorDraw, sampleColorParams } from '../augment/differentiable-color.js';
import { invclrViews } from '../augment/invclr-views.js';
import { createMethodFromRecipe } from '../recipes.js';
import { createMethod } from './registry.js';
import { InvCLR } from './invclr.js';
import { invclrPenalty, rademacher } from './invclr-penalty.js';
import { identityViews, images, maxDiff, snapshot, tinyEncoder } from './test-utils/helpers.js';

let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors, 'tensors alive after the test (leak)').toBe(before);
});

const head = [{ units: 16, bn: 'affine' as const, relu: true }, { units: 8 }];
const info = (k: number, seed: number): StepInfo => ({ ...stepInfo(k, {}), rng: createRng(seed) });
const make = (gpWeight: number, seed = 1) =>
  new InvCLR({ encoder: tinyEncoder(seed), seed, projector: head, gpWeight, gpSamples: 20, views: invclrViews({ scale: [0.5, 1] }) });

/** R for a representation mixing a colour-invariant part with `eps` × a colour-sensitive one. */
function penaltyFor(eps: number): number {
  return tf.tidy(() => {
    const x = tf.randomUniform([6, 4, 4, 1], 0.3, 0.5, 'float32', 2) as tf.Tensor4D;
    const d = sampleColorDraw(6, 1, createRng(4), { p: 1 });
    const t = drawTensors(d);
    const w = tf.randomNormal([16, 5], 0, 1, 'float32', 8);
    const represent = (a: tf.Tensor2D) => {
      const y = applyDifferentiableColor(x, a, t.apply, t.gray).reshape([6, 16]);
      // Per-image standardisation cancels brightness (a scale) and contrast (an affine map about the mean).
      const { mean, variance } = tf.moments(y, 1, true);
      const invariant = y.sub(mean).div(variance.add(1e-12).sqrt()).matMul(w);
      return invariant.add(y.matMul(w).mul(eps)) as tf.Tensor2D;
    };
    const v = rademacher(6, 5, createRng(5).uniform);
    const alphaPrime = tf.tensor3d(sampleColorParams(50, 6, 1, createRng(6)), [50, 6, 2]);
    const r = invclrPenalty(represent, t.alpha, v, alphaPrime);
    r.representation.dispose();
    return r.penalty.dataSync()[0]!;
  });
}

describe('InvCLR', () => {
  it('the penalty is 0 for a representation that ignores colour and grows with its colour sensitivity', () => {
    const r0 = penaltyFor(0);
    const r1 = penaltyFor(0.05);
    const r2 = penaltyFor(0.2);
    expect(r0).toBeLessThan(1e-8);
    expect(r1).toBeGreaterThan(1e-6);
    expect(r2).toBeGreaterThan(r1);
  });

  it('a step (a gradient of a gradient through the small CNN on wasm) is finite, moves the weights and leaks nothing', () => {
    const m = make(0.1);
    const x = images(8);
    const w0 = snapshot(trainableVariables(m.encoder));
    const loss = m.step(x, info(0, 3));
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    expect(trainableVariables(m.encoder).some((v, i) => maxDiff(v, w0[i]!) > 0)).toBe(true);
    tf.dispose([loss, x, ...w0]);
    m.dispose();
  });

  it('is deterministic by seed, and its loss is NT-Xent + λ·R for the same draws', () => {
    const x = images(8);
    const run = () => {
      const m = make(0.1);
      const l = m.step(x, info(0, 7));
      const v = l.dataSync()[0]!;
      l.dispose();
      m.dispose();
      return v;
    };
    expect(run()).toBe(run());

    // Same weights (seeded encoder and head), same draws: L(λ = 0.5) − L(λ = 0) = 0.5·R.
    const withGp = new InvCLR({ encoder: tinyEncoder(2), seed: 2, projector: head, gpWeight: 0.5, gpSamples: 20, views: invclrViews() });
    const noGp = new InvCLR({ encoder: tinyEncoder(2), seed: 2, projector: head, gpWeight: 0, views: invclrViews() });
    const rng = createRng(9);
    const d1 = sampleColorDraw(8, 1, rng);
    const d2 = sampleColorDraw(8, 1, rng);
    const draws = {
      color1: drawTensors(d1),
      color2: drawTensors(d2),
      v: rademacher(8, 8, rng.uniform),
      alphaPrime: tf.tensor3d(sampleColorParams(20, 8, 1, rng), [20, 8, 2]),
    };
    const [a, b] = tf.tidy(() => [withGp.lossWithDraws(x, x, draws), noGp.lossWithDraws(x, x, draws)]);
    withGp.releaseStepTensors();
    const r = tf.tidy(() => {
      const out = invclrPenalty(
        (al) =>
          withGp.encoder.apply(applyDifferentiableColor(x, al, draws.color1.apply, draws.color1.gray), { training: true }) as tf.Tensor2D,
        draws.color1.alpha,
        draws.v,
        draws.alphaPrime,
      );
      out.representation.dispose();
      return out.penalty.dataSync()[0]!;
    });
    expect(r).toBeGreaterThan(0);
    expect(a.dataSync()[0]! - b.dataSync()[0]!).toBeCloseTo(0.5 * r, 5);
    tf.dispose([a, b, x, draws.v, draws.alphaPrime, ...Object.values(draws.color1), ...Object.values(draws.color2)]);
    withGp.dispose();
    noGp.dispose();
  });

  it('is registered and built by its recipes with the paper / small settings; bad options are refused by name', () => {
    const m = createMethodFromRecipe('invclr-small', { inputShape: [8, 8, 1], datasetSize: 16, seed: 0 }) as InvCLR;
    expect(m.name).toBe('invclr');
    expect([m.gpWeight, m.gpSamples, m.gpUpperLimit, m.temperature]).toEqual([0.1, 100, 1, 0.2]);
    m.dispose();
    const p = createMethodFromRecipe('invclr-paper', { inputShape: [8, 8, 1], datasetSize: 16, seed: 0 }) as InvCLR;
    expect([p.gpWeight, p.temperature]).toEqual([0.1, 0.5]);
    p.dispose();
    const r = createMethod('invclr', { encoder: tinyEncoder(), gpWeight: 0.3, gpSamples: 7 }) as InvCLR;
    expect([r.gpWeight, r.gpSamples]).toEqual([0.3, 7]);
    r.dispose();
    for (const [opts, msg] of [
      [{ gpWeight: -1 }, /gpWeight \(λ\) must be a finite number >= 0, got -1/],
      [{ gpSamples: 0 }, /gpSamples \(K\) must be an integer in \[1, 10000\], got 0/],
      [{ gpUpperLimit: 0 }, /gpUpperLimit must be > 0, got 0/],
      [{ views: identityViews }, /views must come from invclrViews\(\)/],
    ] as const) {
      const enc = tinyEncoder();
      expect(() => new InvCLR({ encoder: enc, ...opts })).toThrow(msg);
      enc.dispose();
    }
  });
});
