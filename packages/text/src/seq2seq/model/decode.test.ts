import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch, padIds, seq2seqBatch } from './batch.js';
import { beamSearch, greedyDecode, sequenceScores } from './decode.js';
import { Seq2SeqTransformer } from './transformer.js';

process.env.CONTRASTIVE_BACKEND = 'cpu';

// Reverse task: 3 tokens over symbols 3..9 (pad 0, BOS 1, EOS 2), a fixed training set of 24 sources.
const rng = createRng(7);
const sources: number[][] = Array.from({ length: 24 }, () => [3 + rng.int(7), 3 + rng.int(7), 3 + rng.int(7)]);
const targets = sources.map((s) => [...s].reverse());

describe('greedy and beam decoding of a trained reverse model', () => {
  useCpuLeakCheck();
  let model: Seq2SeqTransformer;
  let before = 0;
  let after = 0;
  let trainMs = 0;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const t0 = performance.now();
    model = new Seq2SeqTransformer({
      vocabSize: 10,
      dModel: 32,
      heads: 2,
      encoderLayers: 1,
      decoderLayers: 1,
      ffn: 64,
      dropout: 0,
      maxLength: 8,
      seed: 1,
    });
    const batch = seq2seqBatch(model.config, sources, targets);
    const opt = tf.train.adam(0.01);
    const loss0 = model.nll(batch);
    before = loss0.dataSync()[0]!;
    loss0.dispose();
    for (let step = 0; step < 150; step++) opt.minimize(() => model.nll(batch), false, model.trainableWeights);
    const loss1 = model.nll(batch);
    after = loss1.dataSync()[0]!;
    loss1.dispose();
    opt.dispose();
    disposeBatch(batch);
    trainMs = performance.now() - t0;
  });
  afterAll(() => model.dispose());

  it('a few Adam steps lower the teacher-forced NLL, fast', () => {
    expect(after).toBeLessThan(before * 0.3);
    expect(trainMs).toBeLessThan(20_000);
  });

  it('greedy decoding reproduces ≥ 80 % of the training targets exactly', () => {
    const src = padIds(sources, 0);
    const out = greedyDecode(model, src.ids, src.mask);
    tf.dispose([src.ids, src.mask]);
    expect(out).toHaveLength(sources.length);
    const exact = out.filter((o, i) => o.join() === targets[i]!.join()).length;
    expect(exact / sources.length).toBeGreaterThanOrEqual(0.8);
  });

  it('beam search with beamSize 1 equals greedy', () => {
    const src = padIds(sources.slice(0, 8), 0);
    const g = greedyDecode(model, src.ids, src.mask);
    const b = beamSearch(model, src.ids, src.mask, { beamSize: 1 });
    tf.dispose([src.ids, src.mask]);
    expect(b).toEqual(g);
  });

  it('beam search finds a length-penalised log-probability ≥ greedy', () => {
    // Unseen 4-token sources (out of distribution), where greedy and beam can disagree.
    const r = createRng(11);
    const unseen = Array.from({ length: 6 }, () => [3 + r.int(7), 3 + r.int(7), 3 + r.int(7), 3 + r.int(7)]);
    const src = padIds(unseen, 0);
    const g = greedyDecode(model, src.ids, src.mask);
    const b = beamSearch(model, src.ids, src.mask, { beamSize: 4, lengthPenalty: 1 });
    const sg = sequenceScores(model, src.ids, src.mask, g);
    const sb = sequenceScores(model, src.ids, src.mask, b);
    tf.dispose([src.ids, src.mask]);
    for (let i = 0; i < unseen.length; i++) expect(sb[i]!).toBeGreaterThanOrEqual(sg[i]! - 1e-5);
    // Scores are real log-probabilities (negative) and beam outputs contain no BOS/EOS/pad.
    for (const s of sb) expect(s).toBeLessThanOrEqual(0);
    for (const o of b) for (const t of o) expect(t).toBeGreaterThanOrEqual(3);
  });

  it('stops at maxLength and validates options', () => {
    const src = padIds([[3, 4, 5]], 0);
    expect(greedyDecode(model, src.ids, src.mask, { maxLength: 1 })[0]!.length).toBeLessThanOrEqual(1);
    expect(beamSearch(model, src.ids, src.mask, { maxLength: 2, beamSize: 2 })[0]!.length).toBeLessThanOrEqual(2);
    expect(() => beamSearch(model, src.ids, src.mask, { beamSize: 0 })).toThrow(/beamSize/);
    expect(() => greedyDecode(model, src.ids, src.mask, { maxLength: 0 })).toThrow(/maxLength/);
    tf.dispose([src.ids, src.mask]);
  });
});
