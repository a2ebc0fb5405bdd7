import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectClose, type FixtureCase, type Nested, readFixtureCases, toTensor } from '@contrastive/test-utils';
import { ganLeakyReLU } from '../../layers/leaky-relu.js';
import { snConv2d, snDense } from '../../layers/spectral-norm.js';
import { type GanReduction, hingeDLoss, hingeGLoss, nonSaturatingDLoss, nonSaturatingGLoss, r1Penalty } from '../gan-losses.js';

/**
 * The golden tests of the GAN losses and R1 (tools/reference/gan_losses.py), shared by the cpu and wasm
 * test files: values, first-order gradients w.r.t. the logits, and R1's gradient w.r.t. D's weights (second
 * order) for a dense softplus D and a spectral-norm conv D with LeakyReLU and flatten.
 */

const FIXTURES = new URL('../__fixtures__', import.meta.url);

interface LossCase extends FixtureCase {
  fn: 'nonSaturatingDLoss' | 'nonSaturatingGLoss' | 'hingeDLoss' | 'hingeGLoss';
}

interface R1Case extends FixtureCase {
  kind: 'dense' | 'snconv';
  options: { gamma: number };
  after?: { convU: number[]; linV: number[] };
}

export function ganLossGoldenSuite(): void {
  describe('GAN losses vs PyTorch (values and gradients w.r.t. the logits)', () => {
    for (const c of readFixtureCases<LossCase>(FIXTURES, 'gan-losses.json')) {
      it(c.name, () => {
        const reduction = c.options.reduction as GanReduction;
        const isD = c.fn.endsWith('DLoss');
        const names = isD ? ['dReal', 'dFake'] : ['dFake'];
        const loss = (...xs: tf.Tensor[]): tf.Tensor => {
          switch (c.fn) {
            case 'nonSaturatingDLoss':
              return nonSaturatingDLoss(xs[0]!, xs[1]!, { reduction });
            case 'hingeDLoss':
              return hingeDLoss(xs[0]!, xs[1]!, { reduction });
            case 'nonSaturatingGLoss':
              return nonSaturatingGLoss(xs[0]!, { reduction });
            case 'hingeGLoss':
              return hingeGLoss(xs[0]!, { reduction });
          }
        };
        const xs = names.map((n) => toTensor(c.inputs[n]!));
        try {
          const value = loss(...xs);
          expect(value.rank).toBe(reduction === 'none' ? 1 : 0);
          expectClose(value.dataSync(), c.value as Nested, `${c.name} value`);
          value.dispose();
          const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(loss(...ys)) as tf.Scalar)(xs);
          grads.forEach((g, i) => expectClose(g.dataSync(), c.grads[names[i]!]!, `${c.name} d/d${names[i]}`));
          tf.dispose(grads);
        } finally {
          tf.dispose(xs);
        }
      });
    }
  });

  describe('r1Penalty vs PyTorch autograd.grad(create_graph=True): value and gradient w.r.t. D’s weights', () => {
    for (const c of readFixtureCases<R1Case>(FIXTURES, 'r1-penalty.json')) {
      it(c.name, () => {
        const gamma = c.options.gamma;
        const model = tf.sequential();
        let names: string[];
        if (c.kind === 'dense') {
          model.add(tf.layers.dense({ units: 5, activation: 'softplus', inputShape: [4] }));
          model.add(tf.layers.dense({ units: 1 }));
          const w = ['w1', 'b1', 'w2', 'b2'].map((n) => toTensor(c.inputs[n]!));
          model.setWeights(w);
          tf.dispose(w);
          names = ['w1', 'b1', 'w2', 'b2'];
        } else {
          model.add(snConv2d({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', inputShape: [4, 4, 2] }));
          model.add(ganLeakyReLU({ alpha: 0.1 }));
          model.add(tf.layers.flatten());
          model.add(snDense({ units: 1 }));
          const w = tf.tidy(() => [
            tf.transpose(toTensor(c.inputs.convW!), [2, 3, 1, 0]),
            toTensor(c.inputs.convB!),
            toTensor(c.inputs.linKernel!),
            toTensor(c.inputs.linB!),
            toTensor(c.inputs.convU!),
            toTensor(c.inputs.convV!),
            toTensor(c.inputs.linU!),
            toTensor(c.inputs.linV!),
          ]);
          model.setWeights(w);
          tf.dispose(w);
          names = ['convW', 'convB', 'linKernel', 'linB'];
        }
        const x = tf.tidy(() => {
          const t = toTensor(c.inputs.x!);
          return t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : t;
        });
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        try {
          const { value, grads } = tf.variableGrads(
            () => r1Penalty((z) => model.apply(z, { training: true }) as tf.Tensor, x, { gamma }),
            vars,
          );
          try {
            expectClose(value.dataSync(), c.value as number, `${c.name} value`);
            vars.forEach((v, i) => {
              // tfjs leaves out a variable outside the graph of ∇_x D (torch: grad None, the fixture: 0).
              const g = grads[v.name] ?? tf.zerosLike(v);
              const got = tf.tidy(() => (names[i] === 'convW' ? tf.transpose(g, [3, 2, 0, 1]) : g).dataSync());
              if (!grads[v.name]) g.dispose();
              expectClose(got, c.grads[names[i]!]!, `${c.name} d/d${names[i]}`);
            });
          } finally {
            tf.dispose([value, ...Object.values(grads)]);
          }
          if (c.after) {
            // One power iteration ran (the single training-mode forward inside the penalty), as in torch.
            const ws = model.getWeights();
            expectClose(ws[4]!.dataSync(), c.after.convU, `${c.name} conv u after`);
            expectClose(ws[7]!.dataSync(), c.after.linV, `${c.name} linear v after`);
          }
        } finally {
          x.dispose();
          model.dispose();
        }
      });
    }
  });
}
