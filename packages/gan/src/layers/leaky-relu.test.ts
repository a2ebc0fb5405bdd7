import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { r1Penalty } from '../losses/gan-losses.js';
import { GanLeakyReLU, ganLeakyReLU, leakyReluOp } from './leaky-relu.js';

useCpuLeakCheck();

describe('GanLeakyReLU', () => {
  it('equals tf.leakyRelu for α = 0.1 and 0.2', () => {
    const x = tf.tensor1d([-3, -0.5, 0, 0.25, 4]);
    for (const alpha of [0.1, 0.2]) {
      const a = leakyReluOp(x, alpha);
      const b = tf.leakyRelu(x, alpha);
      Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(b.dataSync()[i]!, 6));
      tf.dispose([a, b]);
    }
    x.dispose();
  });

  it('has an exact second-order gradient (R1 through it), the case tf.leakyRelu cannot differentiate twice', () => {
    const a0 = tf.tensor1d([0.5, -0.7, 1.2]);
    const a = tf.variable(a0);
    a0.dispose();
    const x = tf.tensor2d([
      [1, -2, 0.3],
      [0.4, 0.2, -1],
    ]);
    try {
      // D(x) = Σ_j lrelu(a_j x_j): ∇x = a ⊙ m with m = 1 or α; R1 (γ = 1) = ½ mean_i Σ_j (a_j m_ij)²,
      // d/da_j = ½ a_j Σ_i m_ij² (rows: both positive but a_1 x_1 in row 2 and a_2 x_2 in row 2 negative).
      const { value, grads } = tf.variableGrads(() => r1Penalty((z) => tf.sum(leakyReluOp(tf.mul(z, a), 0.1), 1), x, { gamma: 1 }), [a]);
      expect(value.dataSync()[0]).toBeCloseTo(0.5 * 0.5 * (0.25 + 0.49 + 1.44 + 0.25 + 0.0049 + 0.0144), 6);
      const want = [0.5 * 0.5 * 2, 0.5 * -0.7 * 1.01, 0.5 * 1.2 * 1.01];
      Array.from(grads[a.name]!.dataSync()).forEach((g, j) => expect(g).toBeCloseTo(want[j]!, 5));
      tf.dispose([value, ...Object.values(grads)]);
      // (tf.leakyRelu here throws "gradient function not found for Greater" and leaves the engine's tape
      // half-built, so that is not asserted in a shared test process.)
    } finally {
      tf.dispose([a, x]);
    }
  });

  it('serialises (getConfig / fromConfig) and validates α', () => {
    const l = ganLeakyReLU({ alpha: 0.2 });
    const copy = GanLeakyReLU.fromConfig(GanLeakyReLU, l.getConfig()) as GanLeakyReLU;
    expect(copy.getConfig()).toMatchObject({ alpha: 0.2 });
    expect(() => ganLeakyReLU({ alpha: 2 })).toThrow(/alpha/);
  });
});
