import * as tf from '@tensorflow/tfjs';
import { ntXent } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import F from '../__fixtures__/graph_losses.json' with { type: 'json' };
import { cg3CrossViewLoss, cg3ReconstructionLoss, cg3SemiSupervisedLoss } from './cg3-losses.js';
import { graphclLoss } from './graphcl-loss.js';
import { moclGlobalContrastive, moclGlobalLeastSquares } from './mocl-global.js';

interface Ref {
  value: number;
  grads: (number[] | number[][])[];
}

/** Checks value and gradients of `f` at `inputs` against a PyTorch reference. */
function check(f: (...x: tf.Tensor[]) => tf.Scalar, inputs: tf.Tensor[], ref: Ref): void {
  const g = tf.grads((...x: tf.Tensor[]) => f(...x));
  const value = f(...inputs);
  expect(Math.abs(value.dataSync()[0]! - ref.value)).toBeLessThan(1e-4);
  const grads = g(inputs);
  grads.forEach((gr, i) => {
    const a = gr.dataSync();
    const b = (ref.grads[i] as number[] | number[][]).flat();
    b.forEach((v, j) => expect(Math.abs(a[j]! - v)).toBeLessThan(1e-4));
  });
  tf.dispose([value, ...grads]);
}

let before = 0;
let z1: tf.Tensor2D;
let z2: tf.Tensor2D;
let zl: tf.Tensor2D;
let zg: tf.Tensor2D;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  before = tf.memory().numTensors;
  z1 = tf.tensor2d(F.z1);
  z2 = tf.tensor2d(F.z2);
  zl = tf.tensor2d(F.zl);
  zg = tf.tensor2d(F.zg);
});
afterEach(() => {
  tf.dispose([z1, z2, zl, zg]);
  expect(tf.memory().numTensors).toBe(before);
});

describe('graphclLoss', () => {
  it('variant C (positive excluded) matches GraphCL loss_cal', () => {
    check((a, b) => graphclLoss(a as tf.Tensor2D, b as tf.Tensor2D, { temperature: 0.2 }) as tf.Scalar, [z1, z2], F.graphcl_t02);
  });
  it('symmetric form matches MoCL loss_cl', () => {
    check(
      (a, b) => graphclLoss(a as tf.Tensor2D, b as tf.Tensor2D, { temperature: 0.5, symmetric: true }) as tf.Scalar,
      [z1, z2],
      F.graphcl_sym_t05,
    );
  });
  it("'nt-xent' is core's ntXent, and differs from variant C", () => {
    const a = graphclLoss(z1, z2, { temperature: 0.5, variant: 'nt-xent' });
    const b = ntXent(z1, z2, { temperature: 0.5 });
    const c = graphclLoss(z1, z2, { temperature: 0.5 });
    expect(a.dataSync()[0]).toBeCloseTo(b.dataSync()[0]!, 6);
    expect(Math.abs(a.dataSync()[0]! - c.dataSync()[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([a, b, c]);
  });
  it('rejects bad input naming the argument', () => {
    const one = tf.ones([1, 5]) as tf.Tensor2D;
    expect(() => graphclLoss(one, one)).toThrow(/z1 must have at least 2 row/);
    expect(() => graphclLoss(z1, z2, { temperature: 0 })).toThrow(/temperature/);
    expect(() => graphclLoss(z1, z2, { variant: 'x' as never })).toThrow(/variant must be one of/);
    one.dispose();
  });
});

describe('CG3 losses', () => {
  it('cross-view (variant D) matches the reference', () => {
    check((a, b) => cg3CrossViewLoss(a as tf.Tensor2D, b as tf.Tensor2D, 0.5), [zl, zg], F.cg3_cross_t05);
  });
  it('semi-supervised matches the reference', () => {
    const labels = tf.tensor1d(F.labels, 'int32');
    check((a, b) => cg3SemiSupervisedLoss(a as tf.Tensor2D, b as tf.Tensor2D, labels, 0.5), [zl, zg], F.cg3_semi_t05);
    labels.dispose();
  });
  it('reconstruction is −mean log σ', () => {
    const l = tf.tensor1d(F.logits);
    check((x) => cg3ReconstructionLoss(x as tf.Tensor1D), [l], F.cg3_recon);
    l.dispose();
  });
});

describe('MoCL global losses', () => {
  it('least squares matches loss_global_sup', () => {
    const t = tf.tensor2d(F.tanimoto);
    check((z) => moclGlobalLeastSquares(z as tf.Tensor2D, t), [z1], F.mocl_sup);
    t.dispose();
  });
  it('contrastive matches loss_global_cl (rows without non-neighbours skipped)', () => {
    const nb = tf.tensor2d(F.neighbours, undefined, 'bool');
    check((z) => moclGlobalContrastive(z as tf.Tensor2D, nb, 0.5), [z1], F.mocl_cl_t05);
    nb.dispose();
  });
});
