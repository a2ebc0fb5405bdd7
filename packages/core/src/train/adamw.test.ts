import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import type { Checkpointable } from '../types.js';
import { AdamW } from './adamw.js';
import type { AdamWOptions } from './adamw.js';
import { linearWarmupDecay } from './linear-schedule.js';

// Golden values: tools/reference/core_adamw.py (torch.optim.AdamW + HF's linear warm-up LambdaLR; HF's
// legacy transformers.AdamW transcribed).
interface Case {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  warmupSteps?: number;
  totalSteps?: number;
  noDecay?: string[];
  lrs?: number[];
  params: number[][][];
}
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/core_adamw.json', import.meta.url), 'utf8')) as {
  names: string[];
  shapes: number[][];
  steps: number;
  init: number[][];
  grads: number[][][];
  torchScheduled: Case;
  torchDefaults: Case;
  hfNoBiasCorrection: Case & { maxAbsDiffDecayOrder: number };
  hfBiasCorrection: Case;
  torchClipped: Case & { maxNorm: number; clipped: boolean[] };
};

useCpuLeakCheck();
const tmp = useTempDir('adamw-');

let instance = 0;
/** Fresh variables named `<prefix>/<HF-style name>` holding the fixture's initial values. */
function makeVars(): tf.Variable[] {
  const prefix = `adamw${instance++}`;
  return fx.names.map((n, i) => tf.tidy(() => tf.variable(tf.tensor(fx.init[i]!, fx.shapes[i]!), true, `${prefix}/${n}`)));
}

function grads(vars: tf.Variable[], k: number): tf.NamedTensorMap {
  return Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(fx.grads[k]![i]!, fx.shapes[i]!)]));
}

function options(c: Case, extra: Partial<AdamWOptions> = {}): AdamWOptions {
  const learningRate =
    c.warmupSteps === undefined ? c.lr : linearWarmupDecay({ base: c.lr, warmupSteps: c.warmupSteps, totalSteps: c.totalSteps! });
  return { learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.eps, weightDecay: c.weightDecay, noWeightDecay: c.noDecay, ...extra };
}

function step(opt: AdamW, vars: tf.Variable[], k: number): void {
  const g = grads(vars, k);
  opt.applyGradients(g);
  tf.dispose(Object.values(g));
}

function maxAbsDiff(vars: tf.Variable[], want: number[][]): number {
  let worst = 0;
  vars.forEach((v, i) => {
    const got = v.dataSync();
    expect(got.length).toBe(want[i]!.length);
    want[i]!.forEach((w, j) => (worst = Math.max(worst, Math.abs(got[j]! - w))));
  });
  return worst;
}

/** Runs every step of a case and returns the worst deviation from the reference over all steps. */
function runCase(c: Case, extra: Partial<AdamWOptions> = {}): number {
  const vars = makeVars();
  const opt = new AdamW(options(c, extra));
  let worst = 0;
  for (let k = 0; k < fx.steps; k++) {
    if (c.lrs) expect(opt.currentLearningRate()).toBeCloseTo(c.lrs[k]!, 12);
    step(opt, vars, k);
    worst = Math.max(worst, maxAbsDiff(vars, c.params[k]!));
  }
  opt.dispose();
  tf.dispose(vars);
  return worst;
}

describe('AdamW', () => {
  it('matches torch.optim.AdamW with grouped weight decay and the HF linear warm-up/decay schedule', () => {
    expect(runCase(fx.torchScheduled)).toBeLessThan(1e-5);
  });

  it('globalClipNorm matches torch.nn.utils.clip_grad_norm_ before each torch.optim.AdamW step', () => {
    const c = fx.torchClipped;
    expect(c.clipped).toContain(true);
    expect(c.clipped).toContain(false);
    expect(runCase(c, { globalClipNorm: c.maxNorm })).toBeLessThan(1e-5);
    // Clipping changed the result (so the line above tests it).
    expect(runCase(c)).toBeGreaterThan(1e-4);
  });

  it('matches torch.optim.AdamW with its defaults (weight decay on every parameter, constant rate)', () => {
    expect(runCase(fx.torchDefaults)).toBeLessThan(1e-5);
  });

  it("variant 'huggingface' matches transformers.AdamW with and without bias correction", () => {
    expect(runCase(fx.hfNoBiasCorrection, { correctBias: false, variant: 'huggingface' })).toBeLessThan(1e-5);
    expect(runCase(fx.hfBiasCorrection, { variant: 'huggingface' })).toBeLessThan(1e-5);
    // The two conventions differ measurably, so each test above pins one of them.
    expect(fx.hfNoBiasCorrection.maxAbsDiffDecayOrder).toBeGreaterThan(1e-4);
    expect(runCase(fx.hfNoBiasCorrection, { correctBias: false, variant: 'torch' })).toBeGreaterThan(1e-4);
    expect(runCase(fx.hfBiasCorrection, { variant: 'torch' })).toBeGreaterThan(1e-4);
  });

  it('exempts matching variables from weight decay only', () => {
    const opt = new AdamW({ weightDecay: 0.1, noWeightDecay: ['bias', 'LayerNorm.weight'] });
    expect(opt.decays('bert0/encoder.layer.0.attention.self.query.weight')).toBe(true);
    expect(opt.decays('bert0/encoder.layer.0.attention.self.query.bias')).toBe(false);
    expect(opt.decays('bert0/embeddings.LayerNorm.weight')).toBe(false);
    const byPredicate = new AdamW({ weightDecay: 0.1, noWeightDecay: (n) => n.endsWith('/gamma') });
    expect(byPredicate.decays('bn/gamma')).toBe(false);
    expect(byPredicate.decays('dense/kernel')).toBe(true);
    expect(new AdamW({ weightDecay: 0 }).decays('dense/kernel')).toBe(false);
    // With zero gradients, a decayed weight shrinks by exactly (1 - lr·λ) and an exempt one stays put.
    const w = tf.tidy(() => tf.variable(tf.tensor1d([2, -4]), true, `adamw-decay${instance++}/w`));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([3]), true, `adamw-decay${instance++}/bias`));
    const o = new AdamW({ learningRate: 0.5, weightDecay: 0.1, noWeightDecay: ['bias'] });
    const g = { [w.name]: tf.zeros([2]), [b.name]: tf.zeros([1]) };
    o.applyGradients(g);
    expect(Array.from(w.dataSync())).toEqual([Math.fround(2 * Math.fround(0.95)), Math.fround(-4 * Math.fround(0.95))]);
    expect(Array.from(b.dataSync())).toEqual([3]);
    tf.dispose([...Object.values(g), w, b]);
    o.dispose();
  });

  it('minimize() trains a variable through a loss', () => {
    const x = tf.tidy(() => tf.variable(tf.tensor1d([3, -2]), true, `adamw-min${instance++}/x`));
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0 });
    const f = (): tf.Scalar => x.square().sum() as tf.Scalar;
    const start = tf.tidy(() => f().dataSync()[0]!);
    for (let i = 0; i < 30; i++) opt.minimize(f)?.dispose();
    const end = tf.tidy(() => f().dataSync()[0]!);
    expect(end).toBeLessThan(start / 4);
    expect(opt.iterations).toBe(30);
    tf.dispose(x);
    opt.dispose();
  });

  it('round-trips exactly through saveCheckpoint/loadCheckpoint: a resumed run equals an uninterrupted one', async () => {
    const c = fx.torchScheduled;
    const state = (vars: tf.Variable[], opt: AdamW): Checkpointable => ({
      stateTensors: () => Object.fromEntries(fx.names.map((n, i) => [n, vars[i]!])),
      optimizers: () => ({ adamw: opt }),
    });
    // Uninterrupted: all steps.
    const straight = makeVars();
    const o1 = new AdamW(options(c));
    for (let k = 0; k < fx.steps; k++) step(o1, straight, k);

    // Interrupted after 3 steps (mid-decay), saved, restored into fresh variables and a fresh optimizer.
    const first = makeVars();
    const o2 = new AdamW(options(c));
    for (let k = 0; k < 3; k++) step(o2, first, k);
    const dir = tmp('run');
    await saveCheckpoint(dir, state(first, o2), { step: 3 });
    const saved = await o2.getWeights();
    const savedM = Array.from(saved[1]!.tensor.dataSync());
    saved[0]!.tensor.dispose(); // the iteration count is a fresh scalar; the slots are the optimizer's
    tf.dispose(first);
    o2.dispose();

    const resumed = makeVars();
    const o3 = new AdamW(options(c));
    const meta = await loadCheckpoint(dir, state(resumed, o3));
    expect(meta.step).toBe(3);
    expect(o3.iterations).toBe(3);
    expect(o3.currentLearningRate()).toBeCloseTo(c.lrs![3]!, 12);
    const w = await o3.getWeights();
    expect(w).toHaveLength(1 + 2 * fx.names.length);
    expect(w[1]!.name).toMatch(/layer\.dense\.weight\/m$/);
    expect(Array.from(w[1]!.tensor.dataSync())).toEqual(savedM);
    for (const x of w) if (!(x.tensor instanceof tf.Variable)) x.tensor.dispose();
    for (let k = 3; k < fx.steps; k++) step(o3, resumed, k);
    resumed.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(straight[i]!.dataSync())));
    expect(maxAbsDiff(resumed, c.params[fx.steps - 1]!)).toBeLessThan(1e-5);

    // A checkpoint of another optimizer class is refused by name.
    const adam = tf.train.adam(0.1);
    await expect(
      loadCheckpoint(dir, {
        stateTensors: () => Object.fromEntries(fx.names.map((n, i) => [n, resumed[i]!])),
        optimizers: () => ({ adamw: adam }),
      }),
    ).rejects.toThrow(/AdamW/);
    adam.dispose();
    tf.dispose([...straight, ...resumed]);
    o1.dispose();
    o3.dispose();
  });

  it('validates its options', () => {
    expect(() => new AdamW({ learningRate: -1 })).toThrow(/learningRate/);
    expect(() => new AdamW({ beta1: 1 })).toThrow(/beta1/);
    expect(() => new AdamW({ epsilon: 0 })).toThrow(/epsilon/);
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow(/weightDecay/);
    expect(() => new AdamW({ variant: 'keras' as 'torch' })).toThrow(/variant/);
    expect(() => new AdamW({ globalClipNorm: 0 })).toThrow(/globalClipNorm/);
    expect(() => new AdamW({ noWeightDecay: 'bias' as unknown as string[] })).toThrow(/noWeightDecay/);
    expect(new AdamW().getClassName()).toBe('AdamW');
  });
});
