import * as tf from '@tensorflow/tfjs';
import { stepInfo } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { anceNllLoss } from '../ance/ance-loss.js';
import { tinyAnceTask, tinyBert } from '../ance/test-utils/tiny-ance.js';
import { pool } from '../encoders/pooling.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { ANCE, type AnceBatch } from './ance.js';

const task = tinyAnceTask();
const tok = (texts: string[]): TokenBatch => task.tokenizer.encodeBatch(texts, { maxLength: 16 });
const batch = (): AnceBatch => ({
  query: tok(task.pairs.slice(0, 3).map((p) => p.query)),
  positive: tok(task.pairs.slice(0, 3).map((p) => p.document)),
  // n = 2 per query: rows 0-1 query 0's, 2-3 query 1's, 4-5 query 2's
  negatives: tok([5, 6, 7, 8, 9, 10].map((i) => task.passages[i]!)),
});

/** Embeddings of a token batch with the encoder's current weights (no dropout: the tiny BERT has none). */
function embed(method: ANCE, b: TokenBatch): tf.Tensor2D {
  const t = batchTensors(b);
  const z = tf.tidy(() => pool(method.encoder, method.encoder.forward(t), t.attentionMask, method.pooling));
  disposeInputs(t);
  return z;
}

describe('ANCE (method)', () => {
  useCpuLeakCheck();

  it.each([
    ['paper defaults (dot, τ 1, nll)', {}],
    ['cos τ 0.05 triplet, cls pooling', { similarity: 'cos', temperature: 0.05, loss: 'triplet', pooling: 'cls' }],
    ['in-batch negatives', { inBatchNegatives: true }],
  ] as const)('a step’s loss is anceNllLoss on the current embeddings, and the weights move: %s', (_name, options) => {
    const method = new ANCE(tinyBert(task.tokenizer.vocabSize), { learningRate: 1e-3, ...options });
    const b = batch();
    const expected = tf.tidy(() =>
      anceNllLoss(embed(method, b.query), embed(method, b.positive), embed(method, b.negatives), method.lossOptions),
    );
    const before = method.encoder.weight('encoder.layer.0.attention.self.query.weight').dataSync().slice();
    const loss = method.step(b, stepInfo(0, { seed: 1 }));
    expect(loss.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
    const after = method.encoder.weight('encoder.layer.0.attention.self.query.weight').dataSync();
    expect(after.some((v, i) => Math.abs(v - before[i]!) > 1e-6)).toBe(true);
    // The next loss on the same batch is lower (one AdamW step down the gradient).
    const again = tf.tidy(() =>
      anceNllLoss(embed(method, b.query), embed(method, b.positive), embed(method, b.negatives), method.lossOptions),
    );
    expect(again.dataSync()[0]).toBeLessThan(expected.dataSync()[0]!);
    tf.dispose([loss, expected, again]);
    method.dispose();
  });

  it('has the paper’s defaults and trains with the pooling it is evaluated with', () => {
    const method = new ANCE(tinyBert(task.tokenizer.vocabSize));
    expect(method.lossOptions).toEqual({ similarity: 'dot', temperature: 1, loss: 'nll', inBatchNegatives: false });
    expect(method.optimizerSettings).toMatchObject({ learningRate: 1e-6, weightDecay: 0, maxGradNorm: 1 });
    expect([method.name, method.pooling, method.testPooling]).toEqual(['ance', 'mean', 'mean']);
    method.dispose();
  });

  it('refuses bad options and batches', () => {
    const bert = tinyBert(task.tokenizer.vocabSize);
    expect(() => new ANCE(bert, { similarity: 'l2' as 'dot' })).toThrow(/similarity must be one of 'dot', 'cos'/);
    expect(() => new ANCE(bert, { loss: 'triplet', inBatchNegatives: true })).toThrow(/inBatchNegatives needs loss 'nll'/);
    expect(() => new ANCE(bert, { temperature: -1 })).toThrow(/temperature must be a finite number > 0/);
    expect(() => new ANCE(bert, { pooling: 'max' as 'mean' })).toThrow(/pooling must be one of/);
    const method = new ANCE(bert);
    const b = batch();
    const info = stepInfo(0, { seed: 1 });
    expect(() => method.step({ ...b, positive: tok(['wabq']) }, info)).toThrow(/3 queries but 1 positives/);
    expect(() => method.step({ ...b, negatives: tok(['wabq', 'wbbq']) }, info)).toThrow(
      /2 negatives are not n >= 1 per query for 3 queries/,
    );
    expect(() => method.step({ query: b.query } as AnceBatch, info)).toThrow(/must be \{ query, positive, negatives \}/);
    method.dispose();
  });
});
