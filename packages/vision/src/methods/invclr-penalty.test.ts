import * as tf from '@tensorflow/tfjs';
import { initBackend, trainableVariables } from '@contrastive/core';
import { expectClose, readFixtureCases, toTensor, type Nested } from '@contrastive/test-utils';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyDifferentiableColor } from '../augment/differentiable-color.js';
import { smallCnnEncoder } from '../encoders/small-cnn.js';
import { forward } from './common.js';
import { invclrPenalty } from './invclr-penalty.js';
import { registerSecondOrderGradients } from './second-order.js';

// The method trains on wasm: the golden comparison (value, ∂s/∂α and the gradient of the gradient) runs there.
let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
  expect(tf.getBackend()).toBe('wasm');
  registerSecondOrderGradients();
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors, 'tensors alive after the test (leak)').toBe(before);
});

interface PenaltyCase {
  name: string;
  inputs: { x: Nested; alpha: Nested; apply: number[]; gray: number[]; v: Nested; alphaPrime: Nested };
  weights: Record<'conv0' | 'bn0_gamma' | 'bn0_beta' | 'conv1' | 'bn1_gamma' | 'bn1_beta', Nested>;
  options: { channels: 1 | 3; upperLimit: number };
  representation: Nested;
  gradAlpha: Nested;
  value: number;
  grads: Record<string, Nested>;
}

const cases = readFixtureCases<PenaltyCase>(new URL('./__fixtures__', import.meta.url), 'invclr-penalty.json');

/** The tiny small CNN of the reference script, with its weights. */
function tinyNet(c: PenaltyCase): tf.LayersModel {
  const m = smallCnnEncoder({ inputShape: [8, 8, c.options.channels], widths: [4, 8], seed: 1 });
  const w = c.weights;
  tf.tidy(() => {
    m.getLayer('small_cnn_conv0').setWeights([toTensor(w.conv0)]);
    m.getLayer('small_cnn_conv1').setWeights([toTensor(w.conv1)]);
    for (const i of [0, 1] as const) {
      const bn = m.getLayer(`small_cnn_bn${i}`);
      const [, , mean, variance] = bn.getWeights();
      bn.setWeights([toTensor(w[`bn${i}_gamma`]), toTensor(w[`bn${i}_beta`]), mean!, variance!]);
    }
  });
  return m;
}

describe('invclrPenalty matches the PyTorch reference (tools/reference/invclr_penalty.py) on wasm', () => {
  for (const c of cases) {
    it(`${c.name}: R, g = ∂s/∂α, the representation and ∂R/∂θ through conv, BN, ReLU and max-pool`, () => {
      const net = tinyNet(c);
      try {
        const vars = trainableVariables(net);
        const got = tf.tidy(() => {
          const x = toTensor(c.inputs.x) as tf.Tensor4D;
          const alpha = toTensor(c.inputs.alpha) as tf.Tensor2D;
          const apply = tf.tensor1d(c.inputs.apply);
          const gray = tf.tensor1d(c.inputs.gray);
          const v = toTensor(c.inputs.v) as tf.Tensor2D;
          const alphaPrime = toTensor(c.inputs.alphaPrime) as tf.Tensor3D;
          let rep: tf.Tensor2D | null = null;
          let g: tf.Tensor2D | null = null;
          const { value, grads } = tf.variableGrads(() => {
            const r = invclrPenalty((a) => forward(net, applyDifferentiableColor(x, a, apply, gray)), alpha, v, alphaPrime, {
              upperLimit: c.options.upperLimit,
            });
            rep = r.representation;
            g = tf.keep(r.gradAlpha);
            return r.penalty;
          }, vars);
          const out = {
            value: value.dataSync()[0]!,
            rep: rep!.dataSync(),
            g: g!.dataSync(),
            grads: Object.fromEntries(vars.map((vr) => [vr.name, grads[vr.name]!.dataSync()])),
          };
          tf.dispose([rep!, g!]);
          return out;
        });
        expectClose(got.value, c.value, `${c.name}: R`);
        expectClose(got.rep, c.representation, `${c.name}: representation`);
        expectClose(got.g, c.gradAlpha, `${c.name}: ∂s/∂α`);
        const byName = (part: string) => got.grads[Object.keys(got.grads).find((k) => k.includes(part))!]!;
        expectClose(byName('conv0'), c.grads.conv0!, `${c.name}: ∂R/∂conv0`);
        expectClose(byName('conv1'), c.grads.conv1!, `${c.name}: ∂R/∂conv1`);
        expectClose(byName('bn0/gamma'), c.grads.bn0_gamma!, `${c.name}: ∂R/∂bn0.γ`);
        expectClose(byName('bn0/beta'), c.grads.bn0_beta!, `${c.name}: ∂R/∂bn0.β`);
        expectClose(byName('bn1/gamma'), c.grads.bn1_gamma!, `${c.name}: ∂R/∂bn1.γ`);
        expectClose(byName('bn1/beta'), c.grads.bn1_beta!, `${c.name}: ∂R/∂bn1.β`);
        if (c.value < 1e-5) {
          // Clamped at the upper limit: no gradient reaches the weights (torch's clamp and tf.minimum agree).
          expect(Math.max(...Object.values(got.grads).map((a) => Math.max(...Array.from(a, Math.abs))))).toBe(0);
        } else {
          expect(Math.max(...Array.from(byName('conv0'), Math.abs))).toBeGreaterThan(1e-6);
        }
      } finally {
        net.dispose();
      }
    });
  }

  it('refuses α′ of the wrong shape and an upper limit ≤ 0, naming them', () => {
    const run =
      (alphaPrime: tf.Tensor3D, upperLimit = 1) =>
      () =>
        tf.tidy(() => {
          invclrPenalty((a) => a, tf.zeros([2, 2]) as tf.Tensor2D, tf.ones([2, 2]) as tf.Tensor2D, alphaPrime, { upperLimit });
        });
    const good = tf.zeros([3, 2, 2]) as tf.Tensor3D;
    const bad = tf.zeros([3, 2, 4]) as tf.Tensor3D;
    expect(run(bad)).toThrow(/alphaPrime must be \[K, 2, 2\], got \[3, 2, 4\]/);
    expect(run(good, 0)).toThrow(/upperLimit must be > 0, got 0/);
    tf.dispose([good, bad]);
  });
});
