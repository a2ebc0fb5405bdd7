import * as tf from '@tensorflow/tfjs';
import type { createRng } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import type { Clip } from '../methods/clip.js';
import { createReplica, type TrainMethodArgs } from './replica.js';
import type { BertTower } from './towers.js';

// The train command's methods, built by its replica factory (vision's small CNN with batch norm, BERT-tiny with
// dropout: both split by rows), trained data-parallel over worker threads against the same run in one thread: same
// seed, same batches.
const REPLICA = new URL('./replica.ts', import.meta.url).href;
const ROWS = 12;
const VOCAB = 24;
const LENGTH = 6;
/** The command's default learning rate (Adam). */
const LR = 1e-3;

const args = (method: TrainMethodArgs['method']): TrainMethodArgs => ({
  method,
  imageSize: 8,
  channels: 3,
  embedDim: 8,
  learningRate: LR,
  seed: 3,
  text: { kind: 'bert-tiny', vocabSize: VOCAB, maxLength: LENGTH, seed: 3 },
  textDim: 128,
  cropScale: method === 'demi' ? [0.3, 0.6] : null,
});

/** A token batch of `rows` sequences of random lengths 3…LENGTH (padded to the longest), like the tokenizer's. */
function tokens(rows: number, rng: ReturnType<typeof createRng>) {
  const lengths = Array.from({ length: rows }, () => 3 + Math.floor(rng.uniform() * (LENGTH - 2)));
  const L = Math.max(...lengths);
  const inputIds = new Int32Array(rows * L);
  const attentionMask = new Int32Array(rows * L);
  lengths.forEach((n, r) => {
    for (let j = 0; j < n; j++) {
      inputIds[r * L + j] = j === 0 ? 2 : j === n - 1 ? 3 : 5 + Math.floor(rng.uniform() * (VOCAB - 5));
      attentionMask[r * L + j] = 1;
    }
  });
  return { batch: rows, length: L, inputIds, attentionMask, tokenTypeIds: new Int32Array(rows * L), truncated: [] as number[] };
}

function batches(_epoch: number, rng: ReturnType<typeof createRng>) {
  return [0, 1].map(() => ({
    images: tf.tensor4d(
      Array.from({ length: ROWS * 8 * 8 * 3 }, () => rng.uniform()),
      [ROWS, 8, 8, 3],
    ),
    texts: tokens(ROWS, rng),
    // cmcl: each image's caption is its positive (the other methods ignore the mask).
    positiveMask: Array.from({ length: ROWS }, (_, i) => Array.from({ length: ROWS }, (_, j) => (i === j ? 1 : 0))),
  }));
}

/** Trains 2 steps × 2 epochs; counts the rows this thread pushes through the image tower and through BERT. */
async function run(a: TrainMethodArgs, workers: number) {
  const method = createReplica(a);
  let rows = 0;
  let textRows = 0;
  const apply = method.imageTower.apply.bind(method.imageTower);
  (method.imageTower as { apply: typeof apply }).apply = (x, training) => {
    rows += x.shape[0];
    return apply(x, training);
  };
  const { bert } = method.textTower as BertTower;
  const forward = bert.forward.bind(bert);
  bert.forward = (inputs, options) => {
    textRows += inputs.inputIds.shape[0];
    return forward(inputs, options);
  };
  try {
    const result = await train({
      method,
      batches,
      epochs: 2,
      seed: 11,
      progress: false,
      workers,
      ...(workers > 1 ? { replica: { module: REPLICA, args: a }, syncBatchNorm: true } : {}),
    });
    return { losses: result.losses, weights: weightsOf(method), rows, textRows };
  } finally {
    method.dispose();
  }
}

function weightsOf(m: Clip<tf.Tensor4D, unknown>): number[] {
  return Object.values(m.stateTensors()).flatMap((v) => Array.from(v.dataSync()));
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  expect(worst).toBeLessThan(tol);
}

/**
 * The weights of two runs agree: on average to 1e-7, all but 1 in 10,000 entries to 1e-5, every entry to half a
 * learning rate. Synchronised batch norm sums its statistics in another order than one thread, and Adam turns that
 * float32 noise into up to a step of lr on an entry whose gradient is itself mostly noise (a nearly dead GELU unit):
 * measured 2–6e-9 on average, 2 (clip) and 8 (demi) of ~515,000 entries above 1e-5, at most 1.6e-4, at lr 1e-3. A
 * shard computed from the wrong rows, masks or statistics moves most entries by ~lr and fails the first two.
 */
function expectSameWeights(a: number[], b: number[], lr: number): void {
  expect(a.length).toBe(b.length);
  let sum = 0;
  let above = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > 1e-5) above++;
    worst = Math.max(worst, d);
  }
  expect(sum / a.length).toBeLessThan(1e-7);
  expect(above).toBeLessThanOrEqual(a.length / 10_000);
  expect(worst).toBeLessThan(lr / 2);
}

describe('data-parallel train (the train command’s methods)', () => {
  it('clip: two workers with synchronised batch norm give the single-thread losses and weights; this thread computes half the images and captions', async () => {
    const single = await run(args('clip'), 1);
    const parallel = await run(args('clip'), 2);
    expect(parallel.losses).toHaveLength(4);
    // 4 steps × 12 pairs in one thread; with two workers this thread's shard of each: 6 images and 6 captions.
    expect([single.rows, single.textRows]).toEqual([48, 48]);
    expect([parallel.rows, parallel.textRows]).toEqual([24, 24]);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectSameWeights(parallel.weights, single.weights, LR);
    // The run moved the weights (a comparison of two untrained models would prove nothing).
    const fresh = createReplica(args('clip'));
    try {
      const w0 = weightsOf(fresh);
      let moved = 0;
      for (let i = 0; i < w0.length; i++) moved = Math.max(moved, Math.abs(w0[i]! - single.weights[i]!));
      expect(moved).toBeGreaterThan(1e-3);
    } finally {
      fresh.dispose();
    }
  }, 180_000);

  it('demi: both image passes (whole image and crop) and the captions are split, and the run equals one thread', async () => {
    const single = await run(args('demi'), 1);
    const parallel = await run(args('demi'), 2);
    expect([single.rows, single.textRows]).toEqual([96, 48]);
    expect([parallel.rows, parallel.textRows]).toEqual([48, 24]);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectSameWeights(parallel.weights, single.weights, LR);
  }, 180_000);

  it('cmcl (UNIMO): both towers are split and the multi-positive loss over the gathered batch equals one thread', async () => {
    const single = await run(args('cmcl'), 1);
    const parallel = await run(args('cmcl'), 2);
    expect([single.rows, single.textRows]).toEqual([48, 48]);
    expect([parallel.rows, parallel.textRows]).toEqual([24, 24]);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectSameWeights(parallel.weights, single.weights, LR);
  }, 180_000);
});
