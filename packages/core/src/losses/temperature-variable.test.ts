import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { infoNCE } from './info-nce.js';
import { ntXent } from './nt-xent.js';
import { supConLoss } from './sup-con-loss.js';

// A trainable temperature (CLIP's logit scale): the loss with a tensor temperature equals the loss with the
// same number, and its gradient with respect to the temperature matches a central finite difference of the
// number version (independent of tfjs autodiff).

useCpuLeakCheck();

const a = () =>
  tf.tensor2d([
    [0.3, -1.2, 0.5],
    [1.1, 0.2, -0.4],
    [-0.7, 0.9, 0.8],
    [0.1, 0.1, -1.5],
  ]);
const b = () =>
  tf.tensor2d([
    [0.2, -1.0, 0.7],
    [0.9, 0.5, -0.1],
    [-0.3, 1.2, 0.4],
    [0.4, -0.2, -1.1],
  ]);

const cases: [string, (t: number | tf.Scalar) => tf.Scalar][] = [
  ['ntXent', (t) => tf.tidy(() => ntXent(a(), b(), { temperature: t }))],
  ['infoNCE', (t) => tf.tidy(() => infoNCE(a(), b(), { temperature: t }))],
  [
    'infoNCE with a queue',
    (t) =>
      tf.tidy(() =>
        infoNCE(a(), b(), {
          temperature: t,
          negatives: tf.tensor2d([
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ]),
        }),
      ),
  ],
  ['supConLoss', (t) => tf.tidy(() => supConLoss(tf.concat([a(), b()]) as tf.Tensor2D, [0, 1, 2, 0, 0, 1, 2, 3], { temperature: t }))],
];

describe('tensor temperature', () => {
  for (const [name, loss] of cases) {
    it(`${name}: same value as the number, gradient = finite difference`, () => {
      const tau = 0.3;
      const t = tf.tidy(() => tf.variable(tf.scalar(tau), true));
      const g = tf.variableGrads(() => loss(t), [t]);
      const withNumber = loss(tau);
      expect(g.value.arraySync()).toBeCloseTo(withNumber.arraySync(), 5);
      const h = 1e-3;
      const up = loss(tau + h);
      const down = loss(tau - h);
      const numeric = (up.arraySync() - down.arraySync()) / (2 * h);
      const analytic = g.grads[t.name]!.arraySync() as number;
      expect(Math.abs(numeric)).toBeGreaterThan(1e-3); // the check can fail: the loss does depend on τ
      expect(analytic).toBeCloseTo(numeric, 2);
      tf.dispose([t, g.value, ...Object.values(g.grads), withNumber, up, down]);
    });
  }

  it('refuses a non-scalar, non-float or disposed tensor temperature, naming it', () => {
    const v = tf.tensor1d([0.1, 0.2]);
    const i = tf.scalar(1, 'int32');
    const d = tf.scalar(0.1);
    d.dispose();
    const x = a();
    const y = b();
    expect(() => ntXent(x, y, { temperature: v as unknown as tf.Scalar })).toThrow(
      /temperature must be a number or a float32 scalar tensor, got a float32 tensor of shape \[2\]/,
    );
    expect(() => ntXent(x, y, { temperature: i })).toThrow(/int32 tensor/);
    expect(() => ntXent(x, y, { temperature: d })).toThrow(/disposed/);
    tf.dispose([v, i, x, y]);
  });
});
