import * as tf from '@tensorflow/tfjs';
import { expectClose, type Nested, readFixtureCases, toTensor } from '@contrastive/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aspectReconstruction,
  meanEncoder,
  noamLearningRate,
  orthogonalityPenalty,
  orthogonalityWeight,
  ssaAttention,
  ssclLoss,
} from './ssa-math.js';

interface SsclCase {
  encoder: 'ssa' | 'mean';
  N: number;
  smoothFactor: number;
  warmupStep: number;
  globalStep: number;
  table: number[][];
  ids: number[][];
  mask: number[][];
  W: number[][];
  b: number[];
  Wa: number[][];
  ba: number[];
  A: number[][];
  z: Nested;
  p: Nested;
  r: Nested;
  alpha?: Nested;
  logits?: Nested;
  sscl: number;
  ortho: number;
  orthoWeight: number;
  total: number;
  grad: Record<string, Nested>;
}

const fixtures = new URL('../__fixtures__', import.meta.url);
const cases = readFixtureCases<SsclCase>(fixtures, 'text-sscl.json');
const noam = (await import('node:fs')).readFileSync(new URL('text-sscl.json', `${fixtures.href}/`), 'utf8');
const noamCases = (JSON.parse(noam) as { noam: { step: number; lr: number }[] }).noam;

let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('SSA / SSCL math: golden values against PyTorch (tools/reference/text_sscl.py)', () => {
  it('has the SSA and mean-encoder cases', () => {
    expect(cases.map((c) => c.encoder)).toEqual(['ssa', 'mean']);
  });

  for (const c of cases) {
    it(`${c.encoder}: z, p, r, α, the SSCL loss, the orthogonality term and the gradients w.r.t. W, b, W_a, b_a, A`, () => {
      const table = toTensor(c.table) as tf.Tensor2D;
      const ids = tf.tensor2d(c.ids, undefined, 'int32');
      const mask = toTensor(c.mask) as tf.Tensor2D;
      const params = { W: toTensor(c.W), b: toTensor(c.b), Wa: toTensor(c.Wa), ba: toTensor(c.ba), A: toTensor(c.A) };
      const names = c.encoder === 'ssa' ? (['W', 'b', 'Wa', 'ba', 'A'] as const) : (['Wa', 'ba', 'A'] as const);
      const forward = (p: typeof params) => {
        const emb = tf.gather(table, ids) as unknown as tf.Tensor3D;
        const enc =
          c.encoder === 'ssa'
            ? ssaAttention(emb, mask, p.W as tf.Tensor2D, p.b as tf.Tensor1D, c.smoothFactor)
            : { z: meanEncoder(emb, mask), alpha: undefined, logits: undefined };
        const { p: weights, r } = aspectReconstruction(enc.z, p.Wa as tf.Tensor2D, p.ba as tf.Tensor1D, p.A as tf.Tensor2D);
        const sscl = ssclLoss(r, enc.z);
        const ortho = orthogonalityPenalty(p.A as tf.Tensor2D, c.N);
        const total = sscl.add(ortho.mul(orthogonalityWeight(c.globalStep, c.warmupStep))) as tf.Scalar;
        return { ...enc, weights, r, sscl, ortho, total };
      };
      tf.tidy(() => {
        const out = forward(params);
        expectClose(out.z.dataSync(), c.z, 'z');
        expectClose(out.weights.dataSync(), c.p, 'p');
        expectClose(out.r.dataSync(), c.r, 'r');
        if (c.alpha) {
          expectClose(out.alpha!.dataSync(), c.alpha, 'alpha');
          expectClose(out.logits!.dataSync(), c.logits!, 'logits');
        }
        expectClose(out.sscl.dataSync(), c.sscl, 'sscl loss');
        expectClose(out.ortho.dataSync(), c.ortho, 'orthogonality');
        expect(orthogonalityWeight(c.globalStep, c.warmupStep)).toBeCloseTo(c.orthoWeight, 10);
        expectClose(out.total.dataSync(), c.total, 'total');
        const g = tf.grads((...xs: tf.Tensor[]) => {
          const p = { ...params };
          names.forEach((n, i) => {
            p[n] = xs[i]!;
          });
          return forward(p).total;
        })(names.map((n) => params[n]));
        names.forEach((n, i) => expectClose(g[i]!.dataSync(), c.grad[n]!, `d total / d ${n}`));
      });
      tf.dispose([table, ids, mask, ...Object.values(params)]);
    });
  }

  it('the Noam warm-up rate of LeafNATS end2end_large.py', () => {
    for (const { step, lr } of noamCases) expect(noamLearningRate(step)).toBeCloseTo(lr, 12);
    expect(() => noamLearningRate(0)).toThrow(/step/);
  });
});

describe('SSA mechanics', () => {
  const setup = () => {
    const emb = tf.randomNormal([3, 6, 4], 0, 3, 'float32', 1) as tf.Tensor3D;
    const mask = tf.tensor2d(
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 0, 0, 0, 0],
        [1, 1, 1, 1, 0, 0],
      ],
      [3, 6],
    );
    const w = tf.randomNormal([4, 4], 0, 5, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 5, 'float32', 3) as tf.Tensor1D;
    return { emb, mask, w, b };
  };

  it('attention weights sum to 1 over real tokens and are 0 on padding', () => {
    const { emb, mask, w, b } = setup();
    const { alpha, logits, z } = ssaAttention(emb, mask, w, b, 0.5);
    const a = alpha.arraySync();
    const m = mask.arraySync();
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      a[i]!.forEach((x, t) => (m[i]![t] === 0 ? expect(x).toBe(0) : expect(x).toBeGreaterThan(0)));
    }
    tf.dispose([emb, mask, w, b, alpha, logits, z]);
  });

  it('logits are bounded by λ, so the weights of a sentence differ by at most e^{2λ}', () => {
    const { emb, mask, w, b } = setup();
    for (const lambda of [0.5, 2]) {
      const { alpha, logits, z } = ssaAttention(emb, mask, w, b, lambda);
      const l = logits.dataSync();
      expect(Math.max(...Array.from(l, Math.abs))).toBeLessThanOrEqual(lambda + 1e-6);
      const row = alpha.arraySync()[0]!;
      expect(Math.max(...row) / Math.min(...row)).toBeLessThanOrEqual(Math.exp(2 * lambda) + 1e-4);
      tf.dispose([alpha, logits, z]);
    }
    tf.dispose([emb, mask, w, b]);
  });

  it('the SSCL loss is log N for a reconstruction orthogonal to every sentence, and lower when r_i matches z_i', () => {
    tf.tidy(() => {
      // z_i = e_i in 5-d, r_i = e_5 for every i: every cosine is 0, so the loss is log N.
      const z = tf.concat([tf.eye(4), tf.zeros([4, 1])], 1) as tf.Tensor2D;
      const rOrth = tf.concat([tf.zeros([4, 4]), tf.ones([4, 1])], 1) as tf.Tensor2D;
      expect(ssclLoss(rOrth, z).dataSync()[0]).toBeCloseTo(Math.log(4), 5);
      // r_i = z_i: −1 + log(e + 3).
      expect(ssclLoss(z, z).dataSync()[0]).toBeCloseTo(-1 + Math.log(Math.E + 3), 5);
    });
  });

  it('the orthogonality term is 0 for orthogonal aspects and scales by √N over the batch', () => {
    const a = tf.tensor2d([
      [2, 0, 0],
      [0, -3, 0],
    ]);
    const zero = orthogonalityPenalty(a, 50);
    expect(zero.dataSync()[0]).toBeCloseTo(0, 6);
    const b = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const one = orthogonalityPenalty(b, 1);
    const many = orthogonalityPenalty(b, 9);
    expect(one.dataSync()[0]).toBeCloseTo(Math.SQRT2, 5);
    expect(many.dataSync()[0]).toBeCloseTo(3 * Math.SQRT2, 5);
    tf.dispose([a, b, zero, one, many]);
    expect(orthogonalityWeight(1)).toBeCloseTo(2000.1, 8);
    expect(orthogonalityWeight(20000)).toBeCloseTo(0.2, 8);
    expect(() => orthogonalityWeight(0)).toThrow(/globalStep/);
  });
});
