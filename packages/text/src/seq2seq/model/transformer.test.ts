import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch, padIds, seq2seqBatch } from './batch.js';
import { Seq2SeqTransformer } from './transformer.js';

process.env.CONTRASTIVE_BACKEND = 'cpu';

const tiny = { vocabSize: 10, dModel: 16, heads: 2, encoderLayers: 2, decoderLayers: 2, ffn: 32, maxLength: 12, seed: 3 };

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

describe('Seq2SeqTransformer', () => {
  useCpuLeakCheck();
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has the documented shapes, names and defaults', () => {
    const m = new Seq2SeqTransformer(tiny);
    const src = padIds(
      [
        [3, 4, 5, 6],
        [7, 8],
      ],
      0,
    );
    const tgt = padIds(
      [
        [1, 3, 4],
        [1, 5, 0],
      ],
      0,
    );
    const hEnc = m.encode(src.ids, src.mask);
    const hDec = m.decode(hEnc, src.mask, tgt.ids, tgt.mask);
    const logits = m.logits(hDec);
    expect(hEnc.shape).toEqual([2, 4, 16]);
    expect(hDec.shape).toEqual([2, 3, 16]);
    expect(logits.shape).toEqual([2, 3, 10]);
    const names = Object.keys(m.stateTensors());
    expect(names).toContain('shared.weight');
    expect(names).toContain('decoder.layer.1.cross_attn.q.weight');
    expect(names).not.toContain('lm_head.weight'); // tied
    expect(m.trainableWeights.length).toBe(names.length);
    expect(m.config).toMatchObject({ dropout: 0.1, padId: 0, bosId: 1, eosId: 2 });
    tf.dispose([src.ids, src.mask, tgt.ids, tgt.mask, hEnc, hDec, logits]);
    m.dispose();
  });

  it('validates its config', () => {
    expect(() => new Seq2SeqTransformer({ ...tiny, heads: 3 })).toThrow(/heads/);
    expect(() => new Seq2SeqTransformer({ ...tiny, eosId: 10 })).toThrow(/eosId/);
    expect(() => new Seq2SeqTransformer({ ...tiny, dropout: 1 })).toThrow(/dropout/);
  });

  it('is seeded: same seed same weights, other seed other weights', () => {
    const a = new Seq2SeqTransformer(tiny);
    const b = new Seq2SeqTransformer(tiny);
    const c = new Seq2SeqTransformer({ ...tiny, seed: 4 });
    expect(maxAbsDiff(a.weight('encoder.layer.0.ffn.fc1.weight'), b.weight('encoder.layer.0.ffn.fc1.weight'))).toBe(0);
    expect(maxAbsDiff(a.weight('encoder.layer.0.ffn.fc1.weight'), c.weight('encoder.layer.0.ffn.fc1.weight'))).toBeGreaterThan(0);
    for (const m of [a, b, c]) m.dispose();
  });

  it('decoder self-attention is causal: a later target token does not change earlier states', () => {
    const m = new Seq2SeqTransformer(tiny);
    const src = padIds([[3, 4, 5]], 0);
    const t1 = padIds([[1, 3, 4, 5]], 0);
    const t2 = padIds([[1, 3, 4, 9]], 0);
    const hEnc = m.encode(src.ids, src.mask);
    const h1 = m.decode(hEnc, src.mask, t1.ids, t1.mask);
    const h2 = m.decode(hEnc, src.mask, t2.ids, t2.mask);
    const [early1, early2, last1, last2] = tf.tidy(() => [
      h1.slice([0, 0, 0], [1, 3, 16]),
      h2.slice([0, 0, 0], [1, 3, 16]),
      h1.slice([0, 3, 0], [1, 1, 16]),
      h2.slice([0, 3, 0], [1, 1, 16]),
    ]);
    expect(maxAbsDiff(early1!, early2!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(last1!, last2!)).toBeGreaterThan(1e-3);
    tf.dispose([src.ids, src.mask, t1.ids, t1.mask, t2.ids, t2.mask, hEnc, h1, h2, early1!, early2!, last1!, last2!]);
    m.dispose();
  });

  it('is padding-invariant: pads on source and target leave real positions unchanged (1e-5)', () => {
    const m = new Seq2SeqTransformer(tiny);
    const s1 = padIds([[3, 4, 5]], 0);
    const s2 = padIds([[3, 4, 5]], 0, 6);
    const t1 = padIds([[1, 6, 7]], 0);
    const t2 = padIds([[1, 6, 7]], 0, 5);
    const e1 = m.encode(s1.ids, s1.mask);
    const e2 = m.encode(s2.ids, s2.mask);
    const d1 = m.decode(e1, s1.mask, t1.ids, t1.mask);
    const d2 = m.decode(e2, s2.mask, t2.ids, t2.mask);
    const [e2r, d2r] = tf.tidy(() => [e2.slice([0, 0, 0], [1, 3, 16]), d2.slice([0, 0, 0], [1, 3, 16])]);
    expect(maxAbsDiff(e1, e2r!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(d1, d2r!)).toBeLessThan(1e-5);
    // A different source token does change the decoder (cross-attention is live).
    const s3 = padIds([[3, 4, 8]], 0);
    const e3 = m.encode(s3.ids, s3.mask);
    const d3 = m.decode(e3, s3.mask, t1.ids, t1.mask);
    expect(maxAbsDiff(d1, d3)).toBeGreaterThan(1e-3);
    tf.dispose([s1.ids, s1.mask, s2.ids, s2.mask, s3.ids, s3.mask, t1.ids, t1.mask, t2.ids, t2.mask, e1, e2, e3, d1, d2, d3, e2r!, d2r!]);
    m.dispose();
  });

  it('nll equals a hand-computed cross-entropy over non-pad target tokens from logits', () => {
    const m = new Seq2SeqTransformer(tiny);
    const batch = seq2seqBatch(
      m.config,
      [
        [3, 4, 5],
        [6, 7],
      ],
      [[5, 4, 3], [7]],
    );
    expect(batch.tgtIds.arraySync()).toEqual([
      [5, 4, 3, 2],
      [7, 2, 0, 0],
    ]);
    const nll = m.nll(batch);
    const { inputIds, inputMask } = m.shiftRight(batch.tgtIds, batch.tgtMask);
    expect(inputIds.arraySync()).toEqual([
      [1, 5, 4, 3],
      [1, 7, 2, 0],
    ]);
    const logits = tf.tidy(() => m.logits(m.decode(m.encode(batch.srcIds, batch.srcMask), batch.srcMask, inputIds, inputMask)));
    const L = logits.arraySync();
    const labels = batch.tgtIds.arraySync();
    const mask = batch.tgtMask.arraySync();
    let sum = 0;
    let n = 0;
    for (let i = 0; i < 2; i++)
      for (let t = 0; t < 4; t++) {
        if (!mask[i]![t]) continue;
        const row = L[i]![t]!;
        const mx = Math.max(...row);
        const lse = mx + Math.log(row.reduce((a, x) => a + Math.exp(x - mx), 0));
        sum += lse - row[labels[i]![t]!]!;
        n++;
      }
    expect(n).toBe(6);
    expect(nll.dataSync()[0]).toBeCloseTo(sum / n, 5);
    tf.dispose([nll, inputIds, inputMask, logits]);
    disposeBatch(batch);
    m.dispose();
  });

  it('dropout is active only when training and is reproducible with a seeded rng', () => {
    const m = new Seq2SeqTransformer({ ...tiny, dropout: 0.3 });
    const batch = seq2seqBatch(m.config, [[3, 4, 5]], [[5, 4, 3]]);
    const [a, b, c, d] = [m.nll(batch), m.nll(batch), m.nll(batch, true, { rng: createRng(1) }), m.nll(batch, true, { rng: createRng(1) })];
    expect(a!.dataSync()[0]).toBe(b!.dataSync()[0]);
    expect(c!.dataSync()[0]).toBe(d!.dataSync()[0]);
    expect(Math.abs(a!.dataSync()[0]! - c!.dataSync()[0]!)).toBeGreaterThan(1e-6);
    tf.dispose([a!, b!, c!, d!]);
    disposeBatch(batch);
    m.dispose();
  });
});
