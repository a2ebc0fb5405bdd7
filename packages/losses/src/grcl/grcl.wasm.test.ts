import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { stepInfo } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { projectGradient } from './project-gradient.js';
import { bruteForceProjection, normals } from './test-utils/brute-force.js';
import { disposeBatch, fixtureBatch, fixtureMethod, methodFixture } from './test-utils/fixture-method.js';

// What GRCL needs from a backend: first-order gradients of several losses (InfoNCE with a queue, softmax
// cross-entropy through a dense tanh encoder), their flattening, and the projection's matMul / concat /
// split / reshape. No gradient of a gradient is needed (GEM's projection is first order). Run on wasm,
// the backend initBackend() prefers without tfjs-node.

useLeakCheck({ backend: 'wasm' });

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('GRCL on the wasm backend', () => {
  it('gradients of the contrastive, source and memory losses and the projection match the PyTorch reference to 1e-4', () => {
    const f = methodFixture;
    const method = fixtureMethod();
    const batch = fixtureBatch();
    try {
      const r = method.gradients(batch);
      Array.from(r.objective.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(f.objective[i]!, 4));
      (r.constraints.arraySync() as number[][]).forEach((row, k) => row.forEach((x, i) => expect(x).toBeCloseTo(f.constraints[k]![i]!, 4)));
      expect(r.projection.projected).toBe(true);
      const gt = Array.from(r.projection.gradient.dataSync());
      gt.forEach((x, i) => expect(x).toBeCloseTo(f.expected[i]!, 4));
      for (const row of f.constraints) expect(dot(gt, row)).toBeGreaterThanOrEqual(-1e-6);
      tf.dispose([r.objective, r.constraints, r.projection.gradient, r.keys, r.losses.contrastive, r.losses.source, ...r.losses.memories]);
      const out = method.step(batch, stepInfo(0));
      expect(Number.isFinite(out.loss.dataSync()[0]!)).toBe(true);
      tf.dispose([out.loss, ...Object.values(out.logs).filter((v) => v instanceof tf.Tensor)]);
    } finally {
      disposeBatch(batch);
      method.dispose();
    }
  });

  it('projectGradient matches the brute-force projection on 50 random cases; ⟨g̃, g_k⟩ ≥ −1e-6', () => {
    const rand = normals(3);
    for (let t = 0; t < 50; t++) {
      const k = 1 + (t % 4);
      const p = 3 + (t % 6);
      const g = Array.from({ length: p }, () => Math.fround(rand()));
      const G = Array.from({ length: k }, () => Array.from({ length: p }, () => Math.fround(rand())));
      const gt = tf.tensor1d(g);
      const Gt = tf.tensor2d(G);
      const r = projectGradient(gt, Gt);
      const out = Array.from(r.gradient.dataSync());
      tf.dispose([gt, Gt, r.gradient]);
      const want = bruteForceProjection(g, G);
      out.forEach((x, i) => expect(Math.abs(x - want[i]!), `case ${t}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i]!))));
      for (const row of G) expect(dot(out, row), `case ${t}`).toBeGreaterThanOrEqual(-1e-6);
    }
  });
});
