import * as tf from '@tensorflow/tfjs';
import { infoNCE, l2Normalize } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { jclLoss, jclLossTerms } from './jcl-loss.js';
import { expectClose, loadCases, toTensor } from './test-utils/fixtures.js';

useCpuLeakCheck();

const read = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('jclLoss matches the PyTorch reference (caiqi/Joint-Contrastive-Learning, moco_unlimit_key_default.py)', () => {
  for (const c of loadCases()) {
    it(c.name, () => {
      const xs = [toTensor(c.inputs.query), toTensor(c.inputs.keys), toTensor(c.inputs.negatives)] as const;
      const f = (q: tf.Tensor, k: tf.Tensor, n: tf.Tensor) =>
        jclLoss(q as tf.Tensor2D, k as tf.Tensor3D, n as tf.Tensor2D, c.options) as tf.Tensor;
      try {
        const value = f(...xs);
        expectClose(value.dataSync(), c.value, `${c.name} value`);
        // The reference asserted CE + jcl_loss = the paper's bound; the fixture's bound is the same number.
        expectClose(value.dataSync(), c.bound, `${c.name} bound`);
        value.dispose();
        const terms = jclLossTerms(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor3D, xs[2] as tf.Tensor2D, c.options);
        expectClose(terms.crossEntropy.dataSync(), c.terms.crossEntropy, `${c.name} crossEntropy`);
        expectClose(terms.covariance.dataSync(), c.terms.covariance, `${c.name} covariance`);
        tf.dispose([terms.crossEntropy, terms.covariance]);
        const grads = tf.grads((q, k, n) => tf.sum(f(q!, k!, n!)) as tf.Scalar)([...xs]);
        (['query', 'keys', 'negatives'] as const).forEach((name, i) => {
          expectClose(grads[i]!.dataSync(), c.grads[name], `${c.name} d/d${name}`);
        });
        tf.dispose(grads);
      } finally {
        tf.dispose([...xs]);
      }
    });
  }
});

/** The paper's bound L̄ written directly (D×D covariance), independent of jcl-loss.ts's variance shortcut. */
function paperBound(query: tf.Tensor2D, keys: tf.Tensor3D, negatives: tf.Tensor2D, tau: number, lambda: number): tf.Tensor1D {
  return tf.tidy(() => {
    const q = l2Normalize(query);
    const k = l2Normalize(keys);
    const mu = tf.mean(k, 1); // [N, D]
    const diff = tf.sub(k, tf.expandDims(mu, 1)); // [N, M, D]
    const sigma = tf.div(tf.matMul(diff, diff, true, false), keys.shape[1]); // [N, D, D]
    const qSq = tf.reshape(tf.matMul(tf.matMul(tf.expandDims(q, 1), sigma), tf.expandDims(q, 2)), [-1]);
    const qMu = tf.sum(tf.mul(q, mu), 1);
    const pos = tf.add(tf.div(qMu, tau), tf.mul(qSq, lambda / (2 * tau * tau)));
    const den = tf.logSumExp(tf.concat([tf.expandDims(pos, 1), tf.div(tf.matMul(q, negatives, false, true), tau)], 1), 1);
    return tf.sub(den, tf.div(qMu, tau)) as tf.Tensor1D;
  });
}

describe('jclLoss behaviour', () => {
  const q = () => tf.randomNormal([5, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
  const keysOf = (m: number, seed = 2) => tf.randomNormal([5, m, 6], 0, 1, 'float32', seed) as tf.Tensor3D;
  const queue = () => tf.tidy(() => l2Normalize(tf.randomNormal([9, 6], 0, 1, 'float32', 3) as tf.Tensor2D));

  it("the code's CE + jcl_loss equals the paper's bound L̄, per query and in gradient", () => {
    const [query, keys, negs] = [q(), keysOf(4), queue()];
    const opts = { temperature: 0.2, lambda: 2 } as const;
    const ours = jclLoss(query, keys, negs, { ...opts, reduction: 'none' });
    const bound = paperBound(query, keys, negs, 0.2, 2);
    const terms = jclLossTerms(query, keys, negs, { ...opts, reduction: 'none' });
    const sum = tf.add(terms.crossEntropy, terms.covariance);
    expectClose(read(ours), read(bound), 'value vs L̄');
    expectClose(read(sum), read(bound), 'CE + jcl vs L̄');
    // The covariance term is nonzero (so the equality is not trivial) and only the denominator keeps it.
    expect(Math.min(...read(terms.covariance))).toBeGreaterThan(0);
    const gA = tf.grads((a, b) => tf.sum(jclLoss(a as tf.Tensor2D, b as tf.Tensor3D, negs, opts)) as tf.Scalar)([query, keys]);
    const gB = tf.grads((a, b) => tf.mean(paperBound(a as tf.Tensor2D, b as tf.Tensor3D, negs, 0.2, 2)) as tf.Scalar)([query, keys]);
    expectClose(read(gA[0]!), read(gB[0]!), 'dL/dq');
    expectClose(read(gA[1]!), read(gB[1]!), 'dL/dkeys');
    tf.dispose([query, keys, negs, ours, bound, terms.crossEntropy, terms.covariance, sum, ...gA, ...gB]);
  });

  it("with M = 1 (Σ = 0) it is core's infoNCE against the queue, for any λ", () => {
    const [query, keys, negs] = [q(), keysOf(1), queue()];
    const k = tf.reshape(keys, [5, 6]) as tf.Tensor2D;
    const ref = infoNCE(query, k, { negatives: negs, temperature: 0.1, reduction: 'none' });
    for (const lambda of [0, 2, 50]) {
      const ours = jclLoss(query, keys, negs, { temperature: 0.1, lambda, reduction: 'none' });
      const terms = jclLossTerms(query, keys, negs, { temperature: 0.1, lambda });
      expectClose(read(ours), read(ref), `λ = ${lambda}`);
      expect(terms.covariance.dataSync()[0]).toBe(0);
      tf.dispose([ours, terms.crossEntropy, terms.covariance]);
    }
    const gA = tf.grad((a) => jclLoss(a as tf.Tensor2D, keys, negs, { temperature: 0.1 }))(query);
    const gB = tf.grad((a) => infoNCE(a as tf.Tensor2D, k, { negatives: negs, temperature: 0.1 }))(query);
    expectClose(read(gA), read(gB), 'gradient');
    tf.dispose([query, keys, negs, k, ref, gA, gB]);
  });

  it('uses μ unnormalised and the negatives as given (the queue holds unnormalised μ)', () => {
    const query = tf.tensor2d([[1, 0]]);
    const keys = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
      ],
    ]); // μ = (0.5, 0.5), |μ| ≈ 0.707, not re-normalised
    const negs = tf.tensor2d([[0.5, 0]]);
    // λ = 0: L = log(e^{qᵀμ/τ} + e^{qᵀn/τ}) − qᵀμ/τ with qᵀμ = 0.5, qᵀn = 0.5 → log 2.
    const l = jclLoss(query, keys, negs, { temperature: 0.5, lambda: 0 });
    expect(l.dataSync()[0]).toBeCloseTo(Math.log(2), 5);
    // λ = 1: qᵀΣq = var(1, 0) = 0.25, the positive gains λ/(2τ²)·0.25 = 0.5 in the denominator only.
    const l1 = jclLoss(query, keys, negs, { temperature: 0.5, lambda: 1 });
    expect(l1.dataSync()[0]).toBeCloseTo(Math.log(Math.exp(1 + 0.5) + Math.exp(1)) - 1, 5);
    tf.dispose([query, keys, negs, l, l1]);
  });

  it('a trainable temperature (scalar tensor) gives the number result and a gradient', () => {
    const [query, keys, negs] = [q(), keysOf(3), queue()];
    const t = tf.scalar(0.2);
    const a = jclLoss(query, keys, negs, { temperature: t });
    const b = jclLoss(query, keys, negs, { temperature: 0.2 });
    expect(a.dataSync()[0]).toBeCloseTo(b.dataSync()[0]!, 5);
    const g = tf.grad((tt) => jclLoss(query, keys, negs, { temperature: tt as tf.Scalar }))(t);
    expect(Number.isFinite(g.dataSync()[0]!)).toBe(true);
    tf.dispose([query, keys, negs, t, a, b, g]);
  });

  it('stays finite at τ = 0.01 with spread keys (log space)', () => {
    const [query, keys, negs] = [q(), keysOf(4), queue()];
    const l = jclLoss(query, keys, negs, { temperature: 0.01, lambda: 2, reduction: 'none' });
    expect(read(l).every(Number.isFinite)).toBe(true);
    tf.dispose([query, keys, negs, l]);
  });

  it('reductions: sum = N·mean, none = per query', () => {
    const [query, keys, negs] = [q(), keysOf(2), queue()];
    const none = jclLoss(query, keys, negs, { reduction: 'none' });
    const mean = jclLoss(query, keys, negs);
    const sum = jclLoss(query, keys, negs, { reduction: 'sum' });
    expect(none.shape).toEqual([5]);
    expect(sum.dataSync()[0]).toBeCloseTo(mean.dataSync()[0]! * 5, 4);
    tf.dispose([query, keys, negs, none, mean, sum]);
  });

  it('rejects bad input with errors naming the argument, value and expected shape', () => {
    const [query, keys, negs] = [q(), keysOf(2), queue()];
    const k2 = tf.zeros([5, 6]);
    const kBad = tf.zeros([4, 2, 6]);
    const kEmpty = tf.zeros([5, 0, 6]);
    const nBad = tf.zeros([9, 5]);
    const n3 = tf.zeros([5, 9, 6]);
    expect(() => jclLoss(query, k2 as never, negs)).toThrow(/keys must have rank 3 \(shape \[5, M, 6\]\), got shape \[5, 6\]/);
    expect(() => jclLoss(query, kBad as tf.Tensor3D, negs)).toThrow(/keys must have shape \[5, M, 6\] with M ≥ 1.*got \[4, 2, 6\]/);
    expect(() => jclLoss(query, kEmpty as tf.Tensor3D, negs)).toThrow(/keys must have shape \[5, M, 6\] with M ≥ 1/);
    expect(() => jclLoss(query, keys, nBad as tf.Tensor2D)).toThrow(/negatives must have shape \[K, 6\].*got \[9, 5\]/);
    expect(() => jclLoss(query, keys, n3 as never)).toThrow(/negatives must have rank 2/);
    expect(() => jclLoss(query, keys, negs, { temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => jclLoss(query, keys, negs, { lambda: -1 })).toThrow(/lambda must be a finite number >= 0, got -1/);
    expect(() => jclLoss(query, keys, negs, { reduction: 'avg' as never })).toThrow(
      /reduction must be one of 'mean', 'sum', 'none', got 'avg'/,
    );
    expect(() => jclLoss(query, keys, negs, { lamda: 1 } as never)).toThrow(/jclLoss: unknown option 'lamda'/);
    tf.dispose([query, keys, negs, k2, kBad, kEmpty, nBad, n3]);
  });
});
