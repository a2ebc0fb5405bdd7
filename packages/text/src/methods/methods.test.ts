import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AdamW, createRng, infoNCE, stepInfo } from '@contrastive/core';
import { loadCheckpoint, saveCheckpoint } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { ConSERT } from './consert.js';
import { SimCSE } from './simcse.js';
import { SupervisedSimCSE } from './simcse-supervised.js';
import { consertLoss, simcseLoss, simcseSupervisedLoss } from './text-losses.js';

const fixtureDir = decodeURIComponent(new URL('../__fixtures__/tiny-bert', import.meta.url).pathname);
const fx = JSON.parse(readFileSync(new URL('../__fixtures__/text_losses.json', import.meta.url), 'utf8')) as Record<
  string,
  number | number[]
>;

function tokenBatch(rows: number[][]): TokenBatch {
  const L = Math.max(...rows.map((r) => r.length));
  const inputIds = new Int32Array(rows.length * L);
  const attentionMask = new Int32Array(rows.length * L);
  rows.forEach((r, i) => {
    inputIds.set(r, i * L);
    attentionMask.fill(1, i * L, i * L + r.length);
  });
  return { batch: rows.length, length: L, inputIds, attentionMask, tokenTypeIds: new Int32Array(rows.length * L), truncated: [] };
}

const batch = tokenBatch([
  [2, 5, 9, 17, 3],
  [2, 11, 12, 13, 14, 15, 3],
  [2, 7, 8, 3],
  [2, 20, 21, 22, 23, 3],
]);

const scalar = (t: tf.Scalar): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('SimCSE / ConSERT', () => {
  useCpuLeakCheck();

  it('losses match the PyTorch ports of the official code', () => {
    const n = fx.n as number;
    const d = fx.d as number;
    const [z1, z2, z3] = ['z1', 'z2', 'z3'].map((k) => tf.tensor2d(fx[k] as number[], [n, d]));
    expect(scalar(simcseLoss(z1!, z2!))).toBeCloseTo(fx.simcseUnsupTau005 as number, 4);
    expect(scalar(simcseSupervisedLoss(z1!, z2!, z3!))).toBeCloseTo(fx.simcseSupTau005W0 as number, 4);
    expect(scalar(simcseSupervisedLoss(z1!, z2!, z3!, { hardNegativeWeight: 1 }))).toBeCloseTo(fx.simcseSupTau005W1 as number, 4);
    expect(scalar(consertLoss(z1!, z2!))).toBeCloseTo(fx.consertTau01 as number, 4);
    // With weight 0 the supervised loss is core's infoNCE with per-query negatives (other positives + all hard negatives).
    const negs = tf.tidy(() =>
      tf.stack(Array.from({ length: n }, (_, i) => tf.concat([tf.concat([z2!.slice(0, i), z2!.slice(i + 1)]), z3!]))),
    ) as tf.Tensor3D;
    expect(scalar(infoNCE(z1!, z2!, { negatives: negs, temperature: 0.05 }))).toBeCloseTo(fx.simcseSupTau005W0 as number, 4);
    tf.dispose([z1!, z2!, z3!, negs]);
  });

  it('hard-negative weight shifts only the own hard-negative logit (i, N+i)', () => {
    const z1 = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const z2 = tf.tensor2d([
      [1, 0.1],
      [0.1, 1],
    ]);
    // Anchor 0's own negative equals anchor 1's negative; swapping z3 rows changes which cell gets the weight.
    const z3 = tf.tensor2d([
      [0.9, 0.2],
      [-1, 0],
    ]);
    const z3s = tf.tensor2d([
      [-1, 0],
      [0.9, 0.2],
    ]);
    const w0 = scalar(simcseSupervisedLoss(z1, z2, z3, { temperature: 0.5 }));
    const w0s = scalar(simcseSupervisedLoss(z1, z2, z3s, { temperature: 0.5 }));
    expect(w0s).toBeCloseTo(w0, 6); // without a weight, the order of hard negatives is irrelevant
    const w = scalar(simcseSupervisedLoss(z1, z2, z3, { temperature: 0.5, hardNegativeWeight: 2 }));
    const ws = scalar(simcseSupervisedLoss(z1, z2, z3s, { temperature: 0.5, hardNegativeWeight: 2 }));
    expect(w).toBeGreaterThan(w0);
    expect(ws).not.toBeCloseTo(w, 3); // with it, the diagonal cell matters
    tf.dispose([z1, z2, z3, z3s]);
  });

  it('SimCSE: dropout makes the two passes differ; steps are seeded and lower the loss', () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const m = new SimCSE(bert, { learningRate: 1e-2 });
    const [z1, z2] = m.views(batch, createRng(0));
    const gap = scalar(tf.tidy(() => z1.sub(z2).abs().max() as tf.Scalar));
    expect(gap).toBeGreaterThan(1e-3);
    tf.dispose([z1, z2]);
    const l0 = scalar(m.loss(batch, createRng(0)));
    expect(scalar(m.loss(batch, createRng(0)))).toBeCloseTo(l0, 5);
    const losses = Array.from({ length: 6 }, (_, k) => scalar(m.step(batch, stepInfo(k, { seed: 1 }))));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.min(...losses.slice(3))).toBeLessThan(losses[0]!);
    expect(Object.keys(m.stateTensors())).toContain('encoder.layer.0.attention.self.query.weight');
    expect(Object.keys(m.optimizers())).toEqual(['optimizer']);
    m.dispose(); // the method owns the encoder: this frees bert too
    const noDrop = loadBertCheckpoint(fixtureDir);
    const cfg = noDrop.config as { hiddenDropout: number; attentionDropout: number };
    cfg.hiddenDropout = 0;
    cfg.attentionDropout = 0;
    expect(() => new SimCSE(noDrop)).toThrow(/needs dropout/);
    noDrop.dispose();
  });

  it('supervised SimCSE takes triplets and trains', () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const m = new SupervisedSimCSE(bert, { learningRate: 1e-2, hardNegativeWeight: 1 });
    const trip = {
      anchor: batch,
      positive: tokenBatch([
        [2, 5, 9, 3],
        [2, 11, 12, 3],
        [2, 7, 3],
        [2, 20, 21, 3],
      ]),
      negative: tokenBatch([
        [2, 30, 3],
        [2, 31, 3],
        [2, 32, 3],
        [2, 33, 3],
      ]),
    };
    const losses = Array.from({ length: 5 }, (_, k) => scalar(m.step(trip, stepInfo(k))));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.min(...losses.slice(2))).toBeLessThan(losses[0]!);
    expect(() => m.loss({ ...trip, negative: tokenBatch([[2, 3]]) }, createRng(0))).toThrow(/batch sizes differ/);
    m.dispose();
  });

  it('ConSERT: default views differ, identical views give the no-augmentation loss, adversarial view trains', () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const m = new ConSERT(bert, { learningRate: 1e-2 });
    expect(m.views).toEqual([{ type: 'feature-cutoff', rate: 0.2 }, { type: 'token-shuffle' }]);
    const [a, b] = m.embedViews(batch, createRng(0));
    expect(scalar(tf.tidy(() => a.sub(b).abs().max() as tf.Scalar))).toBeGreaterThan(1e-3);
    // Without dropout the encoder is deterministic, so 'none' twice gives identical views.
    const plain = new ConSERT(loadBertCheckpoint(fixtureDir), { views: [{ type: 'none' }, { type: 'none' }] });
    const [p1, p2] = plain.embedViews(batch, createRng(0));
    expect(scalar(tf.tidy(() => p1.sub(p2).abs().max() as tf.Scalar))).toBe(0);
    expect(scalar(plain.loss(batch, createRng(0)))).toBeCloseTo(scalar(consertLoss(p1, p2)), 5);
    tf.dispose([a, b, p1, p2]);
    plain.dispose();
    const losses = Array.from({ length: 5 }, (_, k) => scalar(m.step(batch, stepInfo(k))));
    expect(Math.min(...losses.slice(2))).toBeLessThan(losses[0]!);
    m.dispose();
    // (parseConsertView('token-cutoff:0.2'), parseConsertView('adversarial:0.5'); the parser is the CLI's, tested in cli/consert-views.test.ts)
    const adv = new ConSERT(loadBertCheckpoint(fixtureDir), {
      views: [
        { type: 'token-cutoff', rate: 0.2 },
        { type: 'adversarial', epsilon: 0.5 },
      ],
      learningRate: 1e-2,
    });
    const la = Array.from({ length: 3 }, (_, k) => scalar(adv.step(batch, stepInfo(k))));
    expect(la.every(Number.isFinite)).toBe(true);
    // step() minimises exactly loss(batch, info.rng): the attack and the views replay the same stream.
    const again = new ConSERT(loadBertCheckpoint(fixtureDir), {
      views: [
        { type: 'token-cutoff', rate: 0.2 },
        { type: 'adversarial', epsilon: 0.5 },
      ],
      learningRate: 1e-2,
    });
    const expected = scalar(again.loss(batch, stepInfo(0).rng));
    expect(scalar(again.step(batch, stepInfo(0)))).toBeCloseTo(expected, 5);
    again.dispose();
    adv.dispose();
  });

  it("optimizer: each paper's AdamW (decay not on biases/LayerNorm, HF linear warm-up/decay); ConSERT tests with last2avg", () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const c = new ConSERT(bert, { learningRate: 1e-2, totalSteps: 10 });
    const opt = c.optimizers().optimizer as AdamW;
    expect(opt).toBeInstanceOf(AdamW);
    expect([opt.weightDecay, opt.epsilon, opt.correctBias, opt.variant, opt.globalClipNorm]).toEqual([0.01, 1e-6, false, 'huggingface', 1]);
    const name = (n: string) => bert.weight(n).name;
    expect(opt.decays(name('encoder.layer.0.attention.self.query.weight'))).toBe(true);
    expect(opt.decays(name('encoder.layer.0.attention.self.query.bias'))).toBe(false);
    expect(opt.decays(name('encoder.layer.1.output.LayerNorm.weight'))).toBe(false);
    expect(opt.decays(name('embeddings.LayerNorm.bias'))).toBe(false);
    expect(c.testPooling).toBe('last2avg');
    // ceil(0.1 · 10) = 1 warm-up step: the first update runs at rate 0 (as HF's scheduler), so nothing moves.
    expect(opt.currentLearningRate()).toBe(0);
    const before0 = Array.from(bert.weight('encoder.layer.0.attention.self.query.weight').dataSync());
    scalar(c.step(batch, stepInfo(0)));
    expect(Array.from(bert.weight('encoder.layer.0.attention.self.query.weight').dataSync())).toEqual(before0);
    expect(opt.currentLearningRate()).toBeCloseTo(1e-2, 12);
    scalar(c.step(batch, stepInfo(1)));
    expect(Array.from(bert.weight('encoder.layer.0.attention.self.query.weight').dataSync())).not.toEqual(before0);
    c.dispose();
    const s = new SimCSE(loadBertCheckpoint(fixtureDir), { totalSteps: 4 });
    const so = s.optimizers().optimizer as AdamW;
    expect([so.weightDecay, so.epsilon, so.correctBias, so.globalClipNorm]).toEqual([0, 1e-8, true, 1]);
    expect(so.currentLearningRate()).toBeCloseTo(3e-5, 15); // no warm-up, then linear decay
    s.dispose();
    const custom = new SimCSE(loadBertCheckpoint(fixtureDir), {
      weightDecay: 0.05,
      warmupRatio: 0.5,
      totalSteps: 4,
      learningRate: 1,
      maxGradNorm: 0,
    });
    expect((custom.optimizers().optimizer as AdamW).globalClipNorm).toBeUndefined();
    expect((custom.optimizers().optimizer as AdamW).weightDecay).toBe(0.05);
    expect((custom.optimizers().optimizer as AdamW).currentLearningRate()).toBe(0);
    custom.dispose();
    // A constructor that throws takes nothing: the encoder is still the caller's.
    const spare = loadBertCheckpoint(fixtureDir);
    expect(() => new ConSERT(spare, { warmupRatio: 2, totalSteps: 3 })).toThrow(/warmupRatio/);
    expect(() => new ConSERT(spare, { weightDecay: -1 })).toThrow(/weightDecay/);
    spare.dispose();
  });

  it('a text method resumes exactly from a core checkpoint (weights + AdamW slots + schedule position)', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'text-adamw-')), 'ckpt');
    const a = loadBertCheckpoint(fixtureDir);
    const ma = new ConSERT(a, { learningRate: 1e-2, totalSteps: 6 });
    for (let k = 0; k < 3; k++) scalar(ma.step(batch, stepInfo(k, { seed: 100 })));
    await saveCheckpoint(dir, ma);
    const b = loadBertCheckpoint(fixtureDir);
    const mb = new ConSERT(b, { learningRate: 1e-2, totalSteps: 6 });
    await loadCheckpoint(dir, mb);
    expect((mb.optimizers().optimizer as AdamW).iterations).toBe(3);
    for (let k = 3; k < 5; k++) {
      scalar(ma.step(batch, stepInfo(k, { seed: 100 })));
      scalar(mb.step(batch, stepInfo(k, { seed: 100 })));
    }
    for (const [n, v] of Object.entries(a.stateTensors())) expect(Array.from(b.weight(n).dataSync()), n).toEqual(Array.from(v.dataSync()));
    ma.dispose();
    mb.dispose();
  });
});
