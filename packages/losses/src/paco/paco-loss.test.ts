import * as tf from '@tensorflow/tfjs';
import { infoNCE } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { logClassPrior, type PaCoInputs, pacoLoss } from './paco-loss.js';
import { expectClose, loadPaCoCases, toTensor } from './test-utils/fixtures.js';

useCpuLeakCheck();

const TENSOR_INPUTS = ['features', 'keys', 'queue', 'centerLogits', 'logPrior'] as const;

describe('pacoLoss matches the PyTorch port of PaCo/LT/losses.py::PaCoLoss (values and gradients)', () => {
  for (const c of loadPaCoCases()) {
    it(c.name, () => {
      const names = TENSOR_INPUTS.filter((n) => c.inputs[n] !== undefined);
      const xs = names.map((n) => toTensor(c.inputs[n]!));
      const build = (ts: tf.Tensor[]): PaCoInputs => {
        const inputs = Object.fromEntries(names.map((n, i) => [n, ts[i]])) as unknown as PaCoInputs;
        return { ...inputs, labels: c.labels, queueLabels: c.queueLabels };
      };
      try {
        const value = pacoLoss(build(xs), c.options as never);
        expectClose(value.dataSync(), c.value as never, `${c.name} value`);
        value.dispose();
        const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(pacoLoss(build(ys), c.options as never)) as tf.Scalar)(xs);
        grads.forEach((g, i) => expectClose(g.dataSync(), c.grads[names[i]!]!, `${c.name} d/d${names[i]}`));
        tf.dispose(grads);
      } finally {
        tf.dispose(xs);
      }
    });
  }
});

function randomInputs(n: number, d: number, k: number, c: number, seed: number) {
  return {
    features: tf.randomNormal([n, d], 0, 1, 'float32', seed) as tf.Tensor2D,
    keys: tf.randomNormal([n, d], 0, 1, 'float32', seed + 1) as tf.Tensor2D,
    queue: tf.randomNormal([k, d], 0, 1, 'float32', seed + 2) as tf.Tensor2D,
    centerLogits: tf.randomNormal([n, c], 0, 2, 'float32', seed + 3) as tf.Tensor2D,
  };
}

const scalar = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('pacoLoss mechanics (α / β / γ and the log prior enter as the code does)', () => {
  it('α = 0, γ = 0: exactly the logit-adjusted (balanced-softmax) cross-entropy of the centres', () => {
    const t = randomInputs(5, 4, 6, 3, 11);
    const labels = [0, 2, 1, 1, 0];
    const prior = logClassPrior([600, 60, 6]);
    const paco = pacoLoss({ ...t, labels, queueLabels: [0, 1, 2, 0, 1, 2], logPrior: prior }, { alpha: 0, gamma: 0, reduction: 'none' });
    const ce = tf.tidy(() => {
      const adjusted = tf.add(t.centerLogits, prior);
      return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), tf.logSoftmax(adjusted)), 1));
    });
    expectClose(paco.dataSync(), Array.from(ce.dataSync()), 'balanced CE');
    tf.dispose([paco, ce, prior, ...Object.values(t)]);
  });

  it('logPrior is added to the centre logits: a prior of log π equals passing centerLogits + log π', () => {
    const t = randomInputs(4, 3, 5, 4, 21);
    const base = { ...t, labels: [0, 1, 3, 3], queueLabels: [3, 2, 1, 0, -1] };
    const prior = logClassPrior([10, 5, 2, 1]);
    const shifted = tf.add(t.centerLogits, prior) as tf.Tensor2D;
    const a = scalar(pacoLoss({ ...base, logPrior: prior }));
    const b = scalar(pacoLoss({ ...base, centerLogits: shifted }));
    expect(Math.abs(a - b)).toBeLessThan(1e-5);
    const c = scalar(pacoLoss(base));
    expect(Math.abs(a - c)).toBeGreaterThan(1e-3); // and it matters
    tf.dispose([prior, shifted, ...Object.values(t)]);
  });

  it('β = 0, unique labels, centres without mass: InfoNCE of q against its key, the other queries and keys and the queue', () => {
    // Unique labels, α > 0, β = 0: the only positive is the own key; with centres of logit −1e4 (no mass)
    // it is InfoNCE with the other queries and the queue as negatives.
    const n = 4;
    const t = randomInputs(n, 5, 6, n, 31);
    const centre = tf.fill([n, n], -1e4) as tf.Tensor2D;
    const labels = [0, 1, 2, 3];
    const paco = scalar(
      pacoLoss({ ...t, centerLogits: centre, labels, queueLabels: [-1, -1, -1, -1, -1, -1] }, { alpha: 0.3, beta: 0, temperature: 0.5 }),
    );
    const others = tf.tidy(() => {
      const rows = [];
      for (let i = 0; i < n; i++) {
        const idx = tf.tensor1d(
          [...Array(n).keys()].filter((j) => j !== i),
          'int32',
        );
        rows.push(tf.concat([tf.gather(t.features, idx), tf.gather(t.keys, idx), t.queue]));
      }
      return tf.stack(rows) as tf.Tensor3D; // [N, 2(N−1)+K, D]: the other queries, the other keys, the queue
    });
    const ref = scalar(infoNCE(t.features, t.keys, { negatives: others, temperature: 0.5 }));
    expect(Math.abs(paco - ref)).toBeLessThan(1e-4);
    tf.dispose([centre, others, ...Object.values(t)]);
  });

  it('the numerator is normalised by β + α|P(i)|, the own key included in P(i)', () => {
    // N = 1, no queue: P = {k}, so loss = −(β ℓ_c + α ℓ_k)/(β + α) + log(Σ_c e^{ℓ_c} + γ e^{ℓ_k}).
    const q = tf.tensor2d([[1, 0]]);
    const k = tf.tensor2d([[0.6, 0.8]]);
    const logits = tf.tensor2d([[0.3, -0.2]]);
    const [alpha, beta, gamma, tau] = [0.4, 0.7, 1.5, 0.5];
    const got = scalar(pacoLoss({ features: q, keys: k, labels: [1], centerLogits: logits }, { alpha, beta, gamma, temperature: tau }));
    const lk = 0.6 / tau;
    const want = -(beta * -0.2 + alpha * lk) / (beta + alpha) + Math.log(Math.exp(0.3) + Math.exp(-0.2) + gamma * Math.exp(lk));
    expect(got).toBeCloseTo(want, 5);
    tf.dispose([q, k, logits]);
  });

  it('queue labels decide the queue positives: relabelling a queue row changes the loss, -1 matches nothing', () => {
    const t = randomInputs(3, 4, 4, 3, 41);
    const labels = [0, 1, 2];
    const a = scalar(pacoLoss({ ...t, labels, queueLabels: [-1, -1, -1, -1] }, { alpha: 1 }));
    const b = scalar(pacoLoss({ ...t, labels, queueLabels: [5, 7, 9, 11] }, { alpha: 1 })); // out of range: no match
    const c = scalar(pacoLoss({ ...t, labels, queueLabels: [0, -1, -1, -1] }, { alpha: 1 }));
    expect(a).toBeCloseTo(b, 6);
    expect(Math.abs(a - c)).toBeGreaterThan(1e-4);
    tf.dispose(Object.values(t));
  });

  it('reductions: none is per-anchor, mean its mean, sum its sum; tensor labels equal array labels', () => {
    const t = randomInputs(4, 3, 2, 2, 51);
    const inputs = { ...t, labels: [0, 1, 1, 0], queueLabels: [1, 0] };
    const none = pacoLoss(inputs, { reduction: 'none' });
    const per = Array.from(none.dataSync());
    expect(none.shape).toEqual([4]);
    const yT = tf.tensor1d([0, 1, 1, 0], 'int32');
    const qT = tf.tensor1d([1, 0], 'int32');
    expect(scalar(pacoLoss(inputs))).toBeCloseTo(per.reduce((x, y) => x + y) / 4, 5);
    expect(scalar(pacoLoss(inputs, { reduction: 'sum' }))).toBeCloseTo(
      per.reduce((x, y) => x + y),
      4,
    );
    expect(scalar(pacoLoss({ ...inputs, labels: yT, queueLabels: qT }))).toBeCloseTo(per.reduce((x, y) => x + y) / 4, 5);
    tf.dispose([none, yT, qT, ...Object.values(t)]);
  });

  it('stays finite at τ = 0.01 with identical features and huge centre logits', () => {
    const f = tf.ones([4, 3]) as tf.Tensor2D;
    const q = tf.ones([8, 3]) as tf.Tensor2D;
    const logits = tf.fill([4, 3], 500) as tf.Tensor2D;
    const v = scalar(
      pacoLoss(
        { features: f, keys: f, queue: q, labels: [0, 1, 2, 0], queueLabels: [0, 1, 2, 0, 1, 2, 0, 1], centerLogits: logits },
        { temperature: 0.01 },
      ),
    );
    expect(Number.isFinite(v)).toBe(true);
    tf.dispose([f, q, logits]);
  });

  it('rejects bad input with errors naming the argument, value and expected shape', () => {
    const t = randomInputs(4, 3, 2, 2, 61);
    const ok = { ...t, labels: [0, 1, 1, 0], queueLabels: [1, 0] };
    const bad2 = tf.zeros([3, 3]) as tf.Tensor2D;
    const badD = tf.zeros([2, 5]) as tf.Tensor2D;
    const badC = tf.zeros([3, 2]) as tf.Tensor2D;
    const prior3 = tf.zeros([3]) as tf.Tensor1D;
    const rank1 = tf.zeros([4]) as never;
    expect(() => pacoLoss({ ...ok, keys: bad2 })).toThrow(
      /keys must have shape \[4, 3\] \(one per row of features\), got \[3,3\]|keys must have shape \[4, 3\]/,
    );
    expect(() => pacoLoss({ ...ok, queue: badD })).toThrow(/queue must have shape \[K, 3\]/);
    expect(() => pacoLoss({ ...ok, centerLogits: badC })).toThrow(/centerLogits must have shape \[4, C\]/);
    expect(() => pacoLoss({ ...ok, logPrior: prior3 })).toThrow(/logPrior must be a float32 tensor of shape \[2\]/);
    expect(() => pacoLoss({ ...ok, labels: [0, 1, 2, 0] })).toThrow(/labels\[2\] must be an integer in \[0, 2\)/);
    expect(() => pacoLoss({ ...ok, labels: [0, 1, 0] })).toThrow(/labels must have length 4 \(one per row of features\), got length 3/);
    expect(() => pacoLoss({ ...ok, queueLabels: [0, 1, 1] })).toThrow(/queueLabels must have length 2 \(one per row of queue\)/);
    expect(() => pacoLoss({ ...ok, queueLabels: null })).toThrow(/queueLabels are required with a queue/);
    expect(() => pacoLoss({ ...ok, features: rank1 })).toThrow(/features must have rank 2/);
    expect(() => pacoLoss(ok, { alpha: -1 })).toThrow(/alpha must be a finite number >= 0, got -1/);
    expect(() => pacoLoss(ok, { alpha: 0, beta: 0 })).toThrow(/alpha and beta cannot both be 0/);
    expect(() => pacoLoss(ok, { temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => pacoLoss(ok, { temprature: 0.1 } as never)).toThrow(/unknown option 'temprature'/);
    expect(() => pacoLoss(ok, { reduction: 'avg' as never })).toThrow(/reduction/);
    expect(() => logClassPrior([1, -2])).toThrow(/classCounts\[1\] must be a finite count >= 0, got -2/);
    expect(() => logClassPrior([0, 0])).toThrow(/sum to 0/);
    tf.dispose([bad2, badD, badC, prior3, rank1, ...Object.values(t)]);
  });
});
