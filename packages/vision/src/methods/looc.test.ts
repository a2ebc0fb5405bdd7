import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, stepInfo, trainableVariables, type Rng, type StepInfo } from '@contrastive/core';
import { expectClose } from '@contrastive/test-utils';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { atomicViews } from '../augment/atomic.js';
import { loocViews } from '../augment/looc-views.js';
import { createMethod } from './registry.js';
import { LooC, loocSpaceLosses } from './index.js';
import { images, maxDiff, snapshot, tinyEncoder } from './test-utils/helpers.js';

/** Inputs, per-space losses, total and d total / d q from tools/reference/looc_loss.py (PyTorch, float64). */
interface LoocCase {
  perSpace: number[];
  total: number;
  gradQueries: number[][][];
}
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/looc-loss.json', import.meta.url), 'utf8')) as {
  temperature: number;
  inputs: { queries: number[][][]; keys: number[][][][]; queues: number[][][] };
  all: LoocCase;
  k0: LoocCase;
};

let before = 0;
beforeAll(async () => {
  // The method trains on wasm: the golden values are checked there.
  await initBackend({ backend: 'wasm', log: false });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

const withRng = (globalStep: number, rng: Rng, totalSteps = 4): StepInfo => ({ ...stepInfo(globalStep, { totalSteps }), rng });
const make = (extra: Partial<ConstructorParameters<typeof LooC>[0]> = {}) =>
  new LooC({ encoder: tinyEncoder(), seed: 1, queueSize: 32, augs: ['color', 'rotation', 'blur'], ...extra });

describe('loocSpaceLosses matches the PyTorch reference', () => {
  for (const mode of ['all', 'k0'] as const) {
    it(`invariant positives '${mode}': per-space losses, their sum and d sum / d q to 1e-4 on wasm`, () => {
      const qs = fx.inputs.queries.map((q) => tf.tensor2d(q));
      const keys = fx.inputs.keys.map((row) => row.map((k) => tf.tensor2d(k)));
      const queues = fx.inputs.queues.map((q) => tf.tensor2d(q));
      const opts = { temperature: fx.temperature, invariantPositives: mode };
      const per = loocSpaceLosses(qs, keys, queues, opts);
      expectClose(per.dataSync(), fx[mode].perSpace, `${mode} per-space`);
      const g = tf.grads((...q: tf.Tensor[]) => tf.sum(loocSpaceLosses(q as tf.Tensor2D[], keys, queues, opts)));
      const grads = g(qs);
      grads.forEach((gr, i) => expectClose(gr.dataSync(), fx[mode].gradQueries[i]!, `${mode} d/dq${i}`));
      tf.dispose([...qs, ...keys.flat(), ...queues, per, ...grads]);
    });
  }

  it('space i treats kᵢ as its positive and the other keys as negatives; Z₀ treats every key as a positive', () => {
    const qs = fx.inputs.queries.map((q) => tf.tensor2d(q));
    const queues = fx.inputs.queues.map((q) => tf.tensor2d(q));
    const base = fx.inputs.keys.map((row) => row.map((k) => tf.tensor2d(k)));
    // Key view 2 made identical to the query in every space.
    const moved = base.map((row, i) => row.map((k, j) => (j === 2 ? qs[i]!.clone() : k.clone())));
    const losses = (keys: tf.Tensor2D[][], opts = {}) => tf.tidy(() => loocSpaceLosses(qs, keys, queues, opts).dataSync());
    const a = losses(base);
    const b = losses(moved);
    expect(b[0]).toBeLessThan(a[0]!); // Z₀: k₂ is a positive, moving it onto q helps
    expect(b[1]).toBeGreaterThan(a[1]!); // Z₁: k₂ differs from q in augmentation 1, a negative
    expect(b[2]).toBeLessThan(a[2]!); // Z₂: k₂ is the positive
    // With 'k0', Z₀ ignores k₂ entirely.
    const c = losses(base, { invariantPositives: 'k0' });
    const d = losses(moved, { invariantPositives: 'k0' });
    expect(d[0]).toBeCloseTo(c[0]!, 6);
    tf.dispose([...qs, ...queues, ...base.flat(), ...moved.flat()]);
  });

  it('rejects malformed inputs naming the argument', () => {
    const q = [tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D];
    expect(() => loocSpaceLosses(q.slice(0, 1), [[q[0]!]], [q[0]!])).toThrow(/queries must hold n \+ 1 >= 2 spaces/);
    expect(() => loocSpaceLosses(q, [[q[0]!], [q[0]!]], q)).toThrow(/keys must be 2 × 2/);
    expect(() => loocSpaceLosses(q, [q, q], q, { invariantPositives: 'some' as never })).toThrow(
      /invariantPositives must be 'all' or 'k0'/,
    );
    tf.dispose(q);
  });
});

describe('LooC views', () => {
  it('kᵢ shares exactly the query parameter of augmentation i and redraws the others; k₀ redraws all', () => {
    const views = atomicViews({ augs: ['color', 'rotation', 'blur'] });
    const x = images(16);
    const set = loocViews(views, x, createRng(4));
    expect(set.keys).toHaveLength(4);
    views.augs.forEach((aug, i) => {
      const k = set.keyParams[i + 1]!;
      expect(k[aug], `k${i + 1}.${aug}`).toEqual(set.queryParams[aug]);
      for (const other of views.augs.filter((a) => a !== aug)) expect(k[other], `k${i + 1}.${other}`).not.toEqual(set.queryParams[other]);
    });
    for (const aug of views.augs) expect(set.keyParams[0]![aug]).not.toEqual(set.queryParams[aug]);
    tf.dispose([x, set.query, ...set.keys]);
  });

  it('with crop and flip off, the rotation key is the query image itself; k₀ is not', () => {
    // Full-image crop, no flip, rotation the only atomic augmentation: q and k₁ differ in nothing.
    const views = atomicViews({ augs: ['rotation'], scale: [1, 1], flipP: 0 });
    const x = images(16);
    const set = loocViews(views, x, createRng(9));
    expect(maxDiff(set.query, set.keys[1]!)).toBe(0);
    expect(maxDiff(set.query, set.keys[0]!)).toBeGreaterThan(0);
    tf.dispose([x, set.query, ...set.keys]);
  });

  it('the same seed gives the same parameters and views', () => {
    const views = atomicViews();
    const x = images(8);
    const [a, b] = [loocViews(views, x, createRng(3)), loocViews(views, x, createRng(3))];
    expect(a.keyParams).toEqual(b.keyParams);
    expect(a.queryParams).toEqual(b.queryParams);
    expect(maxDiff(a.query, b.query)).toBe(0);
    a.keys.forEach((k, j) => expect(maxDiff(k, b.keys[j]!)).toBe(0));
    tf.dispose([x, a.query, b.query, ...a.keys, ...b.keys]);
  });
});

describe('LooC', () => {
  it('has n + 1 heads and queues; readouts are the backbone [N, D] and the concatenated spaces [N, (n+1)·d]', () => {
    const m = make();
    expect(m.heads).toHaveLength(4);
    expect(m.queues).toHaveLength(4);
    const x = images(5);
    const [h, z] = [m.embed(x), m.embedConcat(x)];
    expect(h.shape).toEqual([5, 8]);
    expect(z.shape).toEqual([5, 4 * 8]);
    // Each block of the concatenation is a unit vector (one per space).
    const norms = tf.tidy(
      () =>
        tf
          .norm(z.reshape([5, 4, 8]), 2, 2)
          .sub(1)
          .abs()
          .max()
          .dataSync()[0]!,
    );
    expect(norms).toBeLessThan(1e-5);
    expect(() => m.readoutEncoder('heads' as never)).toThrow(/readout must be one of backbone, concat/);
    tf.dispose([x, h, z]);
    m.dispose();
  });

  it('a step: finite loss, moves the backbone and every head, enqueues kᵢ of space i into queue i', () => {
    // m = 1 keeps the key network at its copy, so the keys the step makes can be recomputed beforehand.
    const m = make({ momentum: 1 });
    const x = images(8);
    const r = createRng(11);
    const set = loocViews(m.views, x, r);
    const perms = set.keys.map(() => r.permutation(8));
    const keys = m.encodeKeys(set.keys, perms);
    const w0 = snapshot(trainableVariables(m.encoder, ...m.heads));
    const loss = m.step(x, withRng(0, createRng(11)));
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    const w1 = trainableVariables(m.encoder, ...m.heads);
    for (const model of [m.encoder, ...m.heads]) {
      const vars = trainableVariables(model);
      const idx = vars.map((v) => w1.indexOf(v));
      expect(
        idx.some((i) => maxDiff(w1[i]!, w0[i]!) > 0),
        model.name,
      ).toBe(true);
    }
    m.queues.forEach((q, i) => {
      expect(q.pointer).toBe(8);
      const rows = tf.tidy(() => q.negatives().slice([0, 0], [8, -1]));
      expect(maxDiff(rows, keys[i]![i]!), `queue ${i}`).toBeLessThan(1e-5);
      rows.dispose();
    });
    tf.dispose([x, loss, set.query, ...set.keys, ...keys.flat(), ...w0]);
    m.dispose();
  });

  it('gradients reach the backbone and every head, and nothing of the key network', () => {
    const m = make();
    const x = images(8);
    const set = loocViews(m.views, x, createRng(2));
    const keys = m.encodeKeys(set.keys);
    const queues = m.queues.map((q) => q.negatives());
    const online = trainableVariables(m.encoder, ...m.heads);
    const keyVars = trainableVariables(m.keyEncoder, ...m.keyHeads);
    const { value, grads } = tf.variableGrads(() => m.loss(set.query, keys, queues), [...online, ...keyVars]);
    // variableGrads leaves out a variable the loss does not depend on.
    const nonZero = (v: tf.Variable) => grads[v.name] !== undefined && tf.tidy(() => grads[v.name]!.abs().sum().dataSync()[0]!) > 0;
    for (const model of [m.encoder, ...m.heads]) expect(trainableVariables(model).some(nonZero), model.name).toBe(true);
    expect(keyVars.some(nonZero)).toBe(false);
    tf.dispose([x, value, set.query, ...set.keys, ...keys.flat(), ...queues, ...Object.values(grads)]);
    m.dispose();
  });

  it('is deterministic by seed, and state round-trips by name', () => {
    const run = () => {
      const m = make();
      const x = images(8);
      const losses = [0, 1].map((s) => {
        const l = m.step(x, withRng(s, createRng(20 + s)));
        const v = l.dataSync()[0]!;
        l.dispose();
        return v;
      });
      const state = m.stateTensors();
      const values = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, Array.from(v.dataSync())]));
      x.dispose();
      m.dispose();
      return { losses, values };
    };
    const [a, b] = [run(), run()];
    expect(a.losses).toEqual(b.losses);
    expect(a.values).toEqual(b.values);
    expect(Object.keys(a.values)).toEqual(expect.arrayContaining(['queue0/keys', 'queue3/ptr']));
    expect(Object.keys(a.values).some((k) => k.startsWith('key_head3/'))).toBe(true);
  });

  it('frees everything it made on dispose, and validates its options', () => {
    const start = tf.memory().numTensors;
    const m = make();
    const x = images(8);
    tf.dispose([m.step(x, withRng(0, createRng(1))), x]);
    m.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
    const z = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => m.embed(z)).toThrow(/looc was disposed/);
    z.dispose();
    for (const [opts, msg] of [
      [{ augs: ['colour'] }, /unknown augmentation "colour"; expected one of color, rotation, blur/],
      [{ augs: [] }, /augs must list one or more/],
      [{ augs: ['rotation', 'rotation'] }, /lists an augmentation twice/],
      [{ temperature: 0 }, /temperature must be a finite number > 0, got 0/],
      [{ invariantPositives: 'none' }, /invariantPositives must be 'all' or 'k0'/],
      [{ queueSize: 0 }, /queueSize must be an integer >= 1/],
    ] as const) {
      const enc = tinyEncoder();
      expect(() => new LooC({ encoder: enc, ...(opts as object) })).toThrow(msg);
      enc.dispose();
    }
  });

  it("is registered as 'looc' with its augmentation list", () => {
    const m = createMethod('looc', { encoder: tinyEncoder(), loocAugs: ['rotation', 'color'], queueSize: 16 }) as LooC;
    expect(m).toBeInstanceOf(LooC);
    expect(m.views.augs).toEqual(['rotation', 'color']);
    expect(m.heads).toHaveLength(3);
    m.dispose();
  });
});
