import * as tf from '@tensorflow/tfjs';
import { createRng, stepInfo } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch, seq2seqBatch } from '../model/batch.js';
import type { Seq2SeqBatch } from '../model/transformer.js';
import { Seq2SeqTransformer, tokenCrossEntropy } from '../model/transformer.js';
import { Claps, CLAPS_PROJECTION_NAMES } from './claps.js';
import type { ClapsOptions } from './claps.js';
import { clapsInfoNce, cosineRows } from './contrastive-loss.js';
import { distantTarget, imposter, klFromClean, lmHeadWithoutRescale } from './perturbations.js';
import { createProjection, projectPool } from './projection.js';

// Reverse task over symbols 3..9 (pad 0, BOS 1, EOS 2), lengths 2–4 so targets and sources are padded.
const rng = createRng(11);
const sources: number[][] = Array.from({ length: 8 }, () => Array.from({ length: 2 + rng.int(3) }, () => 3 + rng.int(7)));
const targets = sources.map((s) => [...s].reverse());
const tiny = (seed = 1, dropout = 0.1) =>
  new Seq2SeqTransformer({ vocabSize: 10, dModel: 16, heads: 2, encoderLayers: 1, decoderLayers: 1, ffn: 32, dropout, maxLength: 8, seed });

/** Clean (eval-mode) states of a batch: H_enc, the rescaled H_dec and the masks. */
function states(model: Seq2SeqTransformer, b: Seq2SeqBatch) {
  return tf.tidy(() => {
    const hEnc = model.encode(b.srcIds, b.srcMask);
    const { inputIds, inputMask } = model.shiftRight(b.tgtIds, b.tgtMask);
    const hDec = model.decode(hEnc, b.srcMask, inputIds, inputMask).mul(model.headScale) as tf.Tensor3D;
    return { hEnc, hDec, decMask: inputMask };
  });
}

const num = (t: tf.Tensor): number => t.dataSync()[0]!;

describe('CLAPS mechanics on a tiny Transformer', () => {
  useCpuLeakCheck();
  let model: Seq2SeqTransformer;
  let batch: Seq2SeqBatch;
  beforeAll(() => {
    model = tiny();
    batch = seq2seqBatch(model.config, sources, targets);
  });
  afterAll(() => {
    model.dispose();
    disposeBatch(batch);
  });

  it('the imposter raises the NLL, moves each real token by exactly ε and leaves padding alone', () => {
    tf.tidy(() => {
      const { hDec } = states(model, batch);
      const head = lmHeadWithoutRescale(model);
      const clean = num(tokenCrossEntropy(head(hDec), batch.tgtIds, batch.tgtMask));
      // The bare head on the rescaled states gives the model's own logits.
      expect(clean).toBeCloseTo(num(model.nll(batch)), 4);
      for (const eps of [0.3, 1]) {
        const imp = imposter(head, hDec, batch.tgtIds, batch.tgtMask, eps);
        expect(num(tokenCrossEntropy(head(imp), batch.tgtIds, batch.tgtMask))).toBeGreaterThan(clean + 0.05 * eps);
        const step = imp.sub(hDec).norm('euclidean', -1).arraySync() as number[][];
        const mask = batch.tgtMask.arraySync() as number[][];
        step.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(mask[i]![j]! ? eps : 0, 4)));
      }
      expect(num(imposter(head, hDec, batch.tgtIds, batch.tgtMask, 0).sub(hDec).abs().max())).toBe(0);
    });
  });

  it('g_c moves y away from x; the KL step brings the output distribution back; Ĥ is likelier than the imposter', () => {
    tf.tidy(() => {
      const { hEnc, hDec, decMask } = states(model, batch);
      const head = lmHeadWithoutRescale(model);
      const p = createProjection(16, 3, 'claps-test');
      const zx = projectPool(hEnc, batch.srcMask, p);
      const zy = projectPool(hDec, decMask, p);
      const { shifted, target } = distantTarget({
        lmHead: head,
        hEnc,
        encMask: batch.srcMask,
        hDec,
        decMask,
        projection: p,
        temperature: 0.1,
        eps: 0.5,
      });
      const zBar = projectPool(shifted, decMask, p);
      // Ascending the InfoNCE lowers the positives' cosine and raises the loss.
      expect(num(cosineRows(zx, zBar).mean())).toBeLessThan(num(cosineRows(zx, zy).mean()));
      expect(num(clapsInfoNce(zx, zBar))).toBeGreaterThan(num(clapsInfoNce(zx, zy)));
      // The KL step lowers the KL to the clean distribution (small ε: a descent step).
      const klBar = num(klFromClean(head, hDec, shifted, decMask));
      const klHat = num(klFromClean(head, hDec, target, decMask));
      expect(klBar).toBeGreaterThan(0);
      expect(klHat).toBeLessThan(klBar);
      const nll = (h: tf.Tensor3D) => num(tokenCrossEntropy(head(h), batch.tgtIds, batch.tgtMask));
      const imp = imposter(head, hDec, batch.tgtIds, batch.tgtMask, 0.5);
      expect(nll(target)).toBeLessThan(nll(imp));
      p.weight.dispose();
      p.bias.dispose();
    });
  });
});

describe('the Claps method', () => {
  useCpuLeakCheck();

  const make = (options: ClapsOptions = {}) => new Claps(tiny(2), { learningRate: 3e-3, ...options });

  it('a few steps lower the loss and move every trainable weight (model and projection)', () => {
    const claps = make();
    const b = seq2seqBatch(claps.model.config, sources, targets);
    const start = Object.fromEntries(Object.entries(claps.stateTensors()).map(([k, v]) => [k, v.clone()]));
    const losses: number[] = [];
    for (let k = 0; k < 25; k++) {
      const out = claps.step(b, stepInfo(k, { seed: 5 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
      losses.push(num(out.loss));
      tf.dispose([out.loss, ...Object.values(out.logs)]);
    }
    expect(losses.slice(-3).reduce((a, c) => a + c) / 3).toBeLessThan(losses[0]! * 0.8);
    const still = Object.entries(claps.stateTensors())
      .filter(([k, v]) => tf.tidy(() => num(v.sub(start[k]!).abs().max())) === 0)
      .map(([k]) => k);
    expect(still).toEqual([]);
    expect(Object.keys(claps.stateTensors())).toContain(CLAPS_PROJECTION_NAMES.weight);
    expect(Object.keys(claps.stateTensors())).toContain('shared.weight');
    expect(Object.keys(claps.optimizers())).toEqual(['optimizer']);
    tf.dispose(Object.values(start));
    disposeBatch(b);
    claps.dispose();
  });

  it.each([
    ['mle', ['nll']],
    ['claps', ['cont', 'distNll', 'impNll', 'nll']],
    ['no-imposter', ['cont', 'distNll', 'nll']],
    ['no-distant', ['cont', 'impNll', 'nll']],
  ] as const)("variant '%s' logs %j; loss = nll + cont; the imposter's NLL exceeds the clean one", (variant, keys) => {
    const claps = make({ variant, epsNeg: 1 });
    const b = seq2seqBatch(claps.model.config, sources, targets);
    const w0 = claps.projection.weight.clone();
    const out = claps.step(b, stepInfo(0, { seed: 9 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
    expect(Object.keys(out.logs).sort()).toEqual([...keys]);
    const l = Object.fromEntries(Object.entries(out.logs).map(([k, v]) => [k, num(v)]));
    expect(num(out.loss)).toBeCloseTo(l.nll! + (l.cont ?? 0), 4);
    if (l.impNll !== undefined) expect(l.impNll).toBeGreaterThan(l.nll!);
    // 'mle' never trains the projection; every other variant does.
    const moved = tf.tidy(() => num(claps.projection.weight.sub(w0).abs().max()));
    if (variant === 'mle') expect(moved).toBe(0);
    else expect(moved).toBeGreaterThan(0);
    tf.dispose([out.loss, ...Object.values(out.logs), w0]);
    disposeBatch(b);
    claps.dispose();
  });

  it('a step frees every intermediate (tensor count unchanged once the optimizer slots exist) and is deterministic', () => {
    const run = (): number[] => {
      const claps = make();
      const b = seq2seqBatch(claps.model.config, sources, targets);
      const first = claps.step(b, stepInfo(0, { seed: 3 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
      tf.dispose([first.loss, ...Object.values(first.logs)]);
      const before = tf.memory().numTensors;
      const out = claps.step(b, stepInfo(1, { seed: 3 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
      const values = [
        num(out.loss),
        ...Object.keys(out.logs)
          .sort()
          .map((k) => num(out.logs[k]!)),
      ];
      tf.dispose([out.loss, ...Object.values(out.logs)]);
      expect(tf.memory().numTensors).toBe(before);
      disposeBatch(b);
      claps.dispose();
      return values;
    };
    expect(run()).toEqual(run());
  });

  it('refuses bad options and batches with RangeErrors naming them, without taking the model', () => {
    const model = tiny(3);
    const bad: [ClapsOptions, RegExp][] = [
      [{ variant: 'nope' as 'mle' }, /variant/],
      [{ temperature: 0 }, /temperature/],
      [{ epsNeg: -1 }, /epsNeg/],
      [{ epsPos: Number.NaN }, /epsPos/],
      [{ learningRate: -1 }, /learningRate/],
      [{ warmupRatio: 2 }, /warmupRatio/],
      [{ maxGradNorm: -1 }, /maxGradNorm/],
      [{ totalSteps: 0 }, /totalSteps/],
    ];
    for (const [o, re] of bad) expect(() => new Claps(model, o)).toThrow(re);
    for (const [o] of bad) expect(() => new Claps(model, o)).toThrow(RangeError);
    const claps = new Claps(model);
    const one = seq2seqBatch(model.config, sources.slice(0, 1), targets.slice(0, 1));
    expect(() => claps.step(one, stepInfo(0, { seed: 1 }))).toThrow(/at least 2 pairs/);
    expect(() => claps.step(one, undefined as never)).toThrow(/StepInfo/);
    disposeBatch(one);
    claps.dispose();
    claps.dispose();
    expect(() => claps.step(one, stepInfo(0, { seed: 1 }))).toThrow(/dispose/);
  });
});
