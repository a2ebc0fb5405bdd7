import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  collapseStd,
  createRng,
  getLearningRate,
  initBackend,
  layersEncoder,
  stepInfo,
  trainableVariables,
  type Rng,
  type StepInfo,
} from '@contrastive/core';
import { loadCheckpoint, saveCheckpoint } from '@contrastive/core/node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BYOL, InstDisc, MoCoV1, MoCoV2, MoCoV3, SimCLR, SimSiam, createMethod, METHODS, methodRegistry, negativeCosine } from './index.js';
import type { TwoViewMethod } from './base.js';
import { BUNDLED_FASHION_MNIST } from '../io/bundled.js';
import { loadIdxDataset } from '../io/idx-dataset.js';
import { identityViews, images, maxDiff, snapshot, tinyEncoder } from './test-utils/helpers.js';

let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

const small = { hidden: 16, out: 8 };
const makers: Record<string, () => TwoViewMethod> = {
  simclr: () => new SimCLR({ encoder: tinyEncoder(), seed: 1, projector: [{ units: 16, bn: 'affine', relu: true }, { units: 8 }] }),
  'moco-v1': () => new MoCoV1({ encoder: tinyEncoder(), seed: 1, queueSize: 32 }),
  'moco-v2': () => new MoCoV2({ encoder: tinyEncoder(), seed: 1, queueSize: 32 }),
  'moco-v3': () => new MoCoV3({ encoder: tinyEncoder(), seed: 1 }),
  byol: () => new BYOL({ encoder: tinyEncoder(), seed: 1 }),
  simsiam: () => new SimSiam({ encoder: tinyEncoder(), seed: 1 }),
  instdisc: () => new InstDisc({ encoder: tinyEncoder(), seed: 1, datasetSize: 16, negatives: 8 }),
};
void small;
/** The trainable variables of one model (for `.flatMap`). */
const trainableOf = (m: tf.LayersModel): tf.Variable[] => trainableVariables(m);
/** Core's StepInfo of step `globalStep`, with a given generator (what train() passes, with the test's rng). */
const withRng = (globalStep: number, rng: Rng, totalSteps?: number): StepInfo => ({ ...stepInfo(globalStep, { totalSteps }), rng });
const batchOf = (x: tf.Tensor4D) => ({ images: x, indices: Int32Array.from({ length: x.shape[0] }, (_, i) => i) });

describe('every method', () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: a step gives a finite loss, changes the encoder, and frees everything on dispose`, () => {
      const m = make();
      const x = images(8);
      const w0 = snapshot(trainableOf(m.encoder));
      const loss = m.step(batchOf(x), withRng(0, createRng(2), 4));
      const value = loss.dataSync()[0]!;
      expect(Number.isFinite(value)).toBe(true);
      const moved = trainableOf(m.encoder).some((v, i) => maxDiff(v, w0[i]!) > 0);
      expect(moved).toBe(true);
      // Finite gradients reach the encoder.
      const [v1, v2] = [images(8, 5), images(8, 6)];
      const { value: l2, grads } = tf.variableGrads(() => m.loss(v1, v2, batchOf(x)), trainableOf(m.encoder));
      for (const g of Object.values(grads)) expect(Number.isFinite(tf.tidy(() => g.abs().sum().dataSync()[0]!))).toBe(true);
      expect(Object.keys(grads).length).toBe(m.encoder.trainableWeights.length);
      tf.dispose([loss, x, v1, v2, l2, ...w0, ...Object.values(grads)]);
      expect(Object.keys(m.stateTensors()).length).toBeGreaterThan(m.encoder.weights.length - 1);
      m.dispose();
    });
  }

  it('usesTotalSteps is true exactly when the run length changes what a step does', () => {
    // Same init, same steps, same views; only totalSteps differs. A method that says it ignores the run
    // length must end with an identical state (weights, targets, queues); one that schedules LR or momentum must not.
    const stateAfter = (name: string, totalSteps: number) => {
      const m = makers[name]!();
      const x = images(8);
      for (const globalStep of [0, 1]) tf.dispose(m.step(batchOf(x), withRng(globalStep, createRng(2 + globalStep), totalSteps)));
      const w = snapshot(Object.values(m.stateTensors()));
      const uses = m.usesTotalSteps;
      tf.dispose(x);
      m.dispose();
      return { w, uses };
    };
    const scheduled: string[] = [];
    for (const name of Object.keys(makers)) {
      const [a, b] = [stateAfter(name, 3), stateAfter(name, 300)];
      const differs = a.w.some((t, i) => maxDiff(t, b.w[i]!) > 0);
      expect({ name, uses: a.uses }).toEqual({ name, uses: differs });
      if (a.uses) scheduled.push(name);
      tf.dispose([...a.w, ...b.w]);
    }
    expect(scheduled).toEqual(['moco-v2', 'moco-v3', 'byol', 'simsiam']);
  });

  it('createMethod builds every name and rejects unknown ones', () => {
    for (const name of METHODS) {
      const m = createMethod(name, { encoder: tinyEncoder(), datasetSize: 64 });
      expect(m.name).toBe(name);
      m.dispose();
    }
    const enc = tinyEncoder();
    expect(methodRegistry.names()).toEqual([...METHODS]);
    expect(() => createMethod('swav' as never, { encoder: enc })).toThrow(/unknown vision method 'swav'; valid: 'simclr', 'moco-v1'/);
    enc.dispose();
  });

  it("implements core's Method: info is required (no private fallback), a scheduled method needs totalSteps", () => {
    const x = images(8);
    for (const [name, make] of Object.entries(makers)) {
      const m = make();
      expect(() => m.step(batchOf(x), undefined as unknown as StepInfo)).toThrow(
        new RegExp(`${name}.step\\(batch, info\\): info must be core's StepInfo`),
      );
      expect(() => m.step(batchOf(x), { globalStep: 0 } as unknown as StepInfo)).toThrow(/stepInfo\(k, \{ seed, totalSteps \}\)/);
      if (m.usesTotalSteps) expect(() => m.step(batchOf(x), stepInfo(0))).toThrow(/info.totalSteps is undefined.*stepsPerEpoch/);
      else tf.dispose(m.step(batchOf(x), stepInfo(0)));
      m.dispose();
      m.dispose(); // idempotent
    }
    x.dispose();
  });

  it("checkpoint names are core's modelState names: the encoder's equal layersEncoder(encoder).stateTensors()", () => {
    const m = makers['moco-v2']!();
    const names = Object.keys(m.stateTensors());
    const encoderNames = Object.keys(layersEncoder(m.encoder).stateTensors());
    expect(names.slice(0, encoderNames.length)).toEqual(encoderNames);
    expect(encoderNames[0]).toBe('encoder/000_kernel');
    expect(names).toContain('key_encoder/000_kernel');
    m.dispose();
  });

  it("takes its encoder as a tf.LayersModel or as core's layersEncoder, and refuses anything else by name", () => {
    const tower = layersEncoder(tinyEncoder(), 'tiny');
    const m = new SimCLR({ encoder: tower, seed: 1 });
    expect(m.encoder).toBe(tower.model);
    m.dispose();
    expect(() => new SimCLR({ encoder: {} as tf.LayersModel })).toThrow(
      /options.encoder must be a tf.LayersModel .* or layersEncoder\(model\)/,
    );
  });

  it('rejects a batch with a wrong channel count, naming the shape', () => {
    const m = makers.simclr!();
    const bad = tf.zeros([4, 8, 8, 2]) as tf.Tensor4D;
    expect(() => m.step(bad, stepInfo(0))).toThrow(/simclr.step: batch: images must have 1 or 3 channels.*\[4, 8, 8, 2\]/);
    bad.dispose();
    m.dispose();
  });
});

/** The named model fields of a method (its target / key networks), checked to be models. */
function fields(m: object, ...names: string[]): tf.LayersModel[] {
  return names.map((n) => {
    const model = (m as Record<string, unknown>)[n];
    if (!(model instanceof tf.LayersModel)) throw new TypeError(`${n} is not a tf.LayersModel`);
    return model;
  });
}

describe('stop-gradient: target and key networks get no gradient', () => {
  for (const [name, make, targets] of [
    ['moco-v1', makers['moco-v1']!, (m: object) => fields(m, 'keyEncoder', 'keyProjector')],
    ['moco-v3', makers['moco-v3']!, (m: object) => fields(m, 'keyEncoder', 'keyProjector')],
    ['byol', makers.byol!, (m: object) => fields(m, 'targetEncoder', 'targetProjector')],
  ] as const) {
    it(name, () => {
      const m = make();
      const [v1, v2] = [images(8, 1), images(8, 2)];
      // No varList: every trainable variable in the engine, target/key included, is a candidate.
      const { value, grads } = tf.variableGrads(() => m.loss(v1, v2));
      const targetNames = new Set((targets(m) as tf.LayersModel[]).flatMap(trainableOf).map((v) => v.name));
      const onlineNames = trainableOf(m.encoder).map((v) => v.name);
      const got = Object.keys(grads);
      // core's stopGradient is a customGrad with a zero backward: a target weight either is not on the
      // tape at all or gets an exactly-zero gradient.
      for (const n of got.filter((k) => targetNames.has(k))) expect(tf.tidy(() => grads[n]!.abs().max().dataSync()[0])).toBe(0);
      for (const n of onlineNames) expect(got).toContain(n);
      expect(onlineNames.some((n) => tf.tidy(() => grads[n]!.abs().max().dataSync()[0]!) > 0)).toBe(true);
      tf.dispose([v1, v2, value, ...Object.values(grads)]);
      m.dispose();
    });
  }

  it('simsiam: gradients equal those of the loss with z replaced by a constant copy', () => {
    const m = makers.simsiam!() as SimSiam;
    const [v1, v2] = [images(8, 1), images(8, 2)];
    const vars = trainableOf(m.encoder);
    const a = tf.variableGrads(() => m.loss(v1, v2), vars);
    // Same loss written by hand with z detached through a JS round-trip (no tape connection at all).
    // BN statistics move during each forward, so snapshot and restore them between the two passes.
    const b = tf.variableGrads(() => {
      const z1 = m.projector.apply(m.encoder.apply(v1, { training: true }), { training: true }) as tf.Tensor2D;
      const z2 = m.projector.apply(m.encoder.apply(v2, { training: true }), { training: true }) as tf.Tensor2D;
      const c1 = tf.tensor2d(z1.arraySync() as number[][]);
      const c2 = tf.tensor2d(z2.arraySync() as number[][]);
      const p1 = m.predictor.apply(z1, { training: true }) as tf.Tensor2D;
      const p2 = m.predictor.apply(z2, { training: true }) as tf.Tensor2D;
      return tf.add(tf.mul(0.5, tf.mean(negativeCosine(p1, c2))), tf.mul(0.5, tf.mean(negativeCosine(p2, c1)))) as tf.Scalar;
    }, vars);
    expect(Math.abs(a.value.dataSync()[0]! - b.value.dataSync()[0]!)).toBeLessThan(1e-5);
    for (const k of Object.keys(a.grads)) expect(maxDiff(a.grads[k]!, b.grads[k]!)).toBeLessThan(1e-4);
    tf.dispose([v1, v2, a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    m.dispose();
  });
});

describe('MoCo mechanics', () => {
  it('momentum is applied before the key forward, with exact EMA arithmetic, and keys enter the queue FIFO', () => {
    const m = new MoCoV1({
      encoder: tinyEncoder(),
      seed: 1,
      queueSize: 20,
      momentum: 0.9,
      views: identityViews,
      shuffleBn: false,
      bnGroups: 1,
    });
    const x = images(8);
    const online = () => [m.encoder, m.projector].flatMap(trainableOf);
    const key = () => [m.keyEncoder, m.keyProjector].flatMap(trainableOf);
    const q0 = snapshot(online());
    for (const [i, v] of key().entries()) expect(maxDiff(v, q0[i]!)).toBe(0); // θ_k starts as θ_q
    tf.dispose(m.step(x, stepInfo(0)));
    const keys1 = m.encodeKeys(x); // key net unchanged since the step's start: the enqueued keys
    const q1 = snapshot(online());
    const k1 = snapshot(key());
    tf.dispose(m.step(x, stepInfo(1)));
    // θ_k2 = 0.9·θ_k1 + 0.1·θ_q1 (θ_q1: online weights before step 2's optimizer update).
    key().forEach((v, i) => {
      const expected = tf.tidy(() => k1[i]!.mul(0.9).add(q1[i]!.mul(0.1)));
      expect(maxDiff(v, expected)).toBeLessThan(1e-6);
      expected.dispose();
    });
    const keys2 = m.encodeKeys(x); // with θ_k2: what step 2 must have enqueued if m was applied first
    const queue = m.queue.negatives();
    expect(m.queue.pointer).toBe(16);
    const [head, next] = [queue.slice([0, 0], [8, -1]), queue.slice([8, 0], [8, -1])];
    expect(maxDiff(head, keys1)).toBeLessThan(1e-5);
    expect(maxDiff(next, keys2)).toBeLessThan(1e-5);
    tf.dispose([head, next]);
    expect(maxDiff(keys1, keys2)).toBeGreaterThan(1e-4);
    tf.dispose(m.step(x, stepInfo(2))); // wraps: 4 slots at the end, then 4 at the start
    expect(m.queue.pointer).toBe(4);
    tf.dispose([x, queue, keys1, keys2, ...q0, ...q1, ...k1]);
    m.dispose();
  });

  it('InstDisc updates exactly the batch rows of the bank and fixes Z on the first batch', () => {
    const m = new InstDisc({ encoder: tinyEncoder(), seed: 1, datasetSize: 16, negatives: 8, views: identityViews });
    const x = images(4);
    const bank0 = m.bank.rows(Int32Array.from({ length: 16 }, (_, i) => i));
    tf.dispose(m.step({ images: x, indices: Int32Array.of(3, 5, 7, 9) }, stepInfo(0)));
    const bank1 = m.bank.rows(Int32Array.from({ length: 16 }, (_, i) => i));
    const changed = tf.tidy(() => Array.from(bank1.sub(bank0).abs().sum(1).dataSync()).map((v) => v > 1e-6));
    expect(changed.flatMap((c, i) => (c ? [i] : []))).toEqual([3, 5, 7, 9]);
    const logZ = m.stateTensors()['instdisc/logZ']!.dataSync()[0]!;
    expect(Number.isFinite(logZ)).toBe(true);
    tf.dispose(m.step({ images: x, indices: Int32Array.of(0, 1, 2, 3) }, stepInfo(1)));
    expect(m.stateTensors()['instdisc/logZ']!.dataSync()[0]).toBe(logZ);
    expect(() => m.step(x, stepInfo(2))).toThrow(/needs the dataset index/);
    tf.dispose([x, bank0, bank1]);
    m.dispose();
  });

  it('BYOL: target ← τ·target + (1−τ)·online after the step, τ cosine from τ_base to 1', () => {
    const m = new BYOL({ encoder: tinyEncoder(), seed: 1, momentum: 0.5, views: identityViews });
    const x = images(8);
    const t0 = snapshot([m.targetEncoder, m.targetProjector].flatMap(trainableOf));
    tf.dispose(m.step(x, stepInfo(0, { totalSteps: 10 })));
    expect(m.lastMomentum).toBeCloseTo(0.5, 10);
    const online = [m.encoder, m.projector].flatMap(trainableOf);
    [m.targetEncoder, m.targetProjector].flatMap(trainableOf).forEach((v, i) => {
      const expected = tf.tidy(() => t0[i]!.mul(0.5).add(online[i]!.mul(0.5)));
      expect(maxDiff(v, expected)).toBeLessThan(1e-6);
      expected.dispose();
    });
    tf.dispose(m.step(x, stepInfo(5, { totalSteps: 10 })));
    expect(m.lastMomentum).toBeCloseTo(0.75, 10);
    tf.dispose(m.step(x, stepInfo(10, { totalSteps: 10 })));
    expect(m.lastMomentum).toBeCloseTo(1, 10);
    tf.dispose([x, ...t0]);
    m.dispose();
  });

  it('BYOL with momentumHorizon h starts its schedule at min(τ_base, 1 − h/K): lower in a short run, the paper value in a long one', () => {
    const m = new BYOL({ encoder: tinyEncoder(), seed: 1, momentum: 0.99, momentumHorizon: 10, views: identityViews });
    const x = images(8);
    tf.dispose(m.step(x, stepInfo(0, { totalSteps: 50 })));
    expect(m.lastMomentum).toBeCloseTo(0.8, 10);
    tf.dispose(m.step(x, stepInfo(25, { totalSteps: 50 })));
    expect(m.lastMomentum).toBeCloseTo(0.9, 10); // halfway along the cosine from 0.8 to 1
    expect(m.startMomentum(100_000)).toBe(0.99);
    expect(m.usesTotalSteps).toBe(true);
    x.dispose();
    m.dispose();
    const paper = new BYOL({ encoder: tinyEncoder(), seed: 1, momentum: 1 });
    expect(paper.startMomentum(50)).toBe(1);
    expect(paper.usesTotalSteps).toBe(false);
    paper.dispose();
    const capped = new BYOL({ encoder: tinyEncoder(), seed: 1, momentum: 1, momentumHorizon: 10 });
    expect(capped.usesTotalSteps).toBe(true);
    capped.dispose();
    const encoder = tinyEncoder();
    expect(() => new BYOL({ encoder, momentumHorizon: -1 })).toThrow(/momentumHorizon must be a finite number >= 0, got -1/);
    encoder.dispose();
  });

  it('predictorLrScale: the predictor gets its own Adam at scale × learningRate (BYOL, SimSiam); scale 1 keeps BYOL one optimizer', () => {
    const byol = new BYOL({ encoder: tinyEncoder(), seed: 1, learningRate: 2e-3, predictorLrScale: 10 });
    expect(Object.keys(byol.optimizers())).toEqual(['optimizer', 'predictor_optimizer']);
    expect(getLearningRate(byol.optimizers().optimizer!)).toBeCloseTo(2e-3, 12);
    expect(getLearningRate(byol.optimizers().predictor_optimizer!)).toBeCloseTo(2e-2, 12);
    byol.dispose();
    const paper = new BYOL({ encoder: tinyEncoder(), seed: 1 });
    expect(Object.keys(paper.optimizers())).toEqual(['optimizer']);
    paper.dispose();
    const siam = new SimSiam({ encoder: tinyEncoder(), seed: 1, learningRate: 1e-3, predictorLrScale: 5 });
    expect(getLearningRate(siam.optimizers().predictor_optimizer!)).toBeCloseTo(5e-3, 12);
    siam.dispose();
    const encoder = tinyEncoder();
    expect(() => new SimSiam({ encoder, predictorLrScale: 0 })).toThrow(/SimSiam: predictorLrScale must be a finite number > 0, got 0/);
    encoder.dispose();
  });

  it('MoCo v3 momentum follows 1 − ½(1+cos(πt/T))(1−m₀)', () => {
    const m = new MoCoV3({ encoder: tinyEncoder(), seed: 1, momentum: 0.9, views: identityViews });
    const x = images(8);
    tf.dispose(m.step(x, stepInfo(0, { totalSteps: 4 })));
    expect(m.lastMomentum).toBeCloseTo(0.9, 10);
    tf.dispose(m.step(x, stepInfo(2, { totalSteps: 4 })));
    expect(m.lastMomentum).toBeCloseTo(0.95, 10);
    x.dispose();
    m.dispose();
  });
});

describe('checkpoints', () => {
  it('save → load into a fresh method gives identical embeddings and the same queue', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vision-ckpt-'));
    try {
      const a = new MoCoV2({ encoder: tinyEncoder(1), seed: 1, queueSize: 16 });
      const x = images(8);
      for (let s = 0; s < 2; s++) tf.dispose(a.step(x, stepInfo(s, { totalSteps: 4 })));
      await saveCheckpoint(dir, a, { epoch: 1 });
      const b = new MoCoV2({ encoder: tinyEncoder(9), seed: 9, queueSize: 16 });
      const meta = await loadCheckpoint(dir, b);
      expect(meta.epoch).toBe(1);
      const [ea, eb] = [a.embed(x), b.embed(x)];
      expect(maxDiff(ea, eb)).toBe(0);
      const [qa, qb] = [a.queue.negatives(), b.queue.negatives()];
      expect(maxDiff(qa, qb)).toBe(0);
      tf.dispose([x, ea, eb, qa, qb]);
      a.dispose();
      b.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('InstDisc (NCE) restored from a checkpoint keeps the saved Z instead of re-estimating it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vision-ckpt-'));
    try {
      const opts = { seed: 1, datasetSize: 16, negatives: 8, views: identityViews, objective: 'nce' as const };
      const a = new InstDisc({ ...opts, encoder: tinyEncoder(1) });
      const x = images(4);
      tf.dispose(a.step({ images: x, indices: Int32Array.of(0, 1, 2, 3) }, stepInfo(0)));
      const logZ = a.stateTensors()['instdisc/logZ']!.dataSync()[0]!;
      await saveCheckpoint(dir, a, { epoch: 1 });
      const b = new InstDisc({ ...opts, encoder: tinyEncoder(9) });
      await loadCheckpoint(dir, b);
      const y = images(4, 7);
      tf.dispose(b.step({ images: y, indices: Int32Array.of(8, 9, 10, 11) }, stepInfo(1)));
      expect(b.stateTensors()['instdisc/logZ']!.dataSync()[0]).toBe(logZ);
      // A fresh method on the same batch fixes a different Z, so the equality above is not a coincidence.
      const c = new InstDisc({ ...opts, encoder: tinyEncoder(9) });
      tf.dispose(c.step({ images: y, indices: Int32Array.of(8, 9, 10, 11) }, stepInfo(1)));
      expect(Math.abs(c.stateTensors()['instdisc/logZ']!.dataSync()[0]! - logZ)).toBeGreaterThan(1e-3);
      // Loading into an instance that has already fixed its own Z: the next step uses the loaded one.
      await loadCheckpoint(dir, c);
      const [la, lc] = [a, c].map((m) => {
        const l = m.step({ images: x, indices: Int32Array.of(0, 1, 2, 3) }, withRng(1, createRng(5)));
        const v = l.dataSync()[0]!;
        l.dispose();
        return v;
      });
      expect(c.stateTensors()['instdisc/logZ']!.dataSync()[0]).toBe(logZ);
      expect(lc).toBe(la); // c now holds a's saved state: the same next step as a
      // A checkpoint saved before Z was fixed (NaN) loaded into a stepped instance: Z is estimated again.
      const fresh = new InstDisc({ ...opts, encoder: tinyEncoder(5) });
      await saveCheckpoint(join(dir, 'unset'), fresh, { epoch: 0 });
      await loadCheckpoint(join(dir, 'unset'), c);
      expect(Number.isNaN(c.stateTensors()['instdisc/logZ']!.dataSync()[0])).toBe(true);
      tf.dispose(c.step({ images: y, indices: Int32Array.of(8, 9, 10, 11) }, stepInfo(2)));
      expect(Number.isFinite(c.stateTensors()['instdisc/logZ']!.dataSync()[0])).toBe(true);
      tf.dispose([x, y]);
      [a, b, c, fresh].forEach((m) => m.dispose());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a short run on a tiny subset', () => {
  it('SimCLR lowers the loss and stays clear of collapse', async () => {
    // 16 real Fashion-MNIST images, downsampled to 8×8 so the run takes seconds on the cpu backend.
    const ds = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'test', limit: 16 });
    const full = await ds.read(Int32Array.from({ length: 16 }, (_, i) => i));
    const data = tf.tidy(() => tf.image.resizeBilinear(full, [8, 8]) as tf.Tensor4D);
    full.dispose();
    const m = new SimCLR({ encoder: tinyEncoder(), seed: 1, learningRate: 3e-3, temperature: 0.5 });
    const e0 = m.embed(data);
    const std0 = collapseStd(e0);
    const losses: number[] = [];
    const rng = createRng(5);
    for (let s = 0; s < 16; s++) {
      const l = m.step(data, withRng(s, rng));
      losses.push(l.dataSync()[0]!);
      l.dispose();
    }
    const mean = (a: number[]) => a.reduce((p, c) => p + c, 0) / a.length;
    expect(mean(losses.slice(-4))).toBeLessThan(mean(losses.slice(0, 4)));
    const emb = m.embed(data);
    // The collapse monitor's figure (std of the L2-normalised embeddings) must not fall towards 0.
    expect(collapseStd(emb)).toBeGreaterThan(0.8 * std0);
    e0.dispose();
    tf.dispose([data, emb]);
    m.dispose();
  });
});
