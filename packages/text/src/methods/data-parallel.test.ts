import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import type { Rng } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { textReplica, createReplica, type TextReplicaArgs } from '../cli/replica.js';
import { bertConfig } from '../encoders/bert-config.js';
import type { BertInputs } from '../encoders/bert.js';
import { batchTensors, disposeInputs } from '../encoders/token-tensors.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';

// SimCSE over two worker threads against the same run in one thread: same seed, same batches. Its only
// augmentation is BERT's dropout, so this holds only if each shard draws exactly its rows of the whole
// batch's masks.
const VOCAB = 40;
const ROWS = 7; // split 4 + 3
const LENGTH = 6;
const bert = bertConfig('tiny', VOCAB, { hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32, maxPositions: 16 });

/** A token batch of `rows` sentences of 2…LENGTH tokens ([CLS] … [SEP], right-padded). */
function tokenBatch(rng: Rng, rows: number): TokenBatch {
  const inputIds = new Int32Array(rows * LENGTH);
  const attentionMask = new Int32Array(rows * LENGTH);
  for (let r = 0; r < rows; r++) {
    const n = 2 + rng.int(LENGTH - 1);
    for (let t = 0; t < n; t++) {
      inputIds[r * LENGTH + t] = t === 0 ? 2 : t === n - 1 ? 3 : 5 + rng.int(VOCAB - 5);
      attentionMask[r * LENGTH + t] = 1;
    }
  }
  return { batch: rows, length: LENGTH, inputIds, attentionMask, tokenTypeIds: new Int32Array(rows * LENGTH), truncated: [] };
}

function batches(_epoch: number, rng: Rng): TokenBatch[] {
  return [tokenBatch(rng, ROWS), tokenBatch(rng, ROWS)];
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
  expect(worst).toBeLessThan(tol);
}

async function run(args: TextReplicaArgs, workers: number) {
  const method = createReplica(args);
  // Rows this thread pushed through BERT (a shard's, in a data-parallel step).
  let rows = 0;
  const forward = method.encoder.forward.bind(method.encoder);
  method.encoder.forward = (inputs, options) => {
    rows += inputs.inputIds.shape[0];
    return forward(inputs, options);
  };
  try {
    const result = await train<TokenBatch>({
      method: method as never,
      batches,
      epochs: 2,
      seed: 11,
      progress: false,
      workers,
      ...(workers > 1 ? { replica: textReplica('createReplica', args) } : {}),
    });
    const weights = Object.values(method.stateTensors()).flatMap((v) => Array.from(v.dataSync()));
    return { losses: result.losses, weights, rows };
  } finally {
    method.dispose();
  }
}

describe('BERT dropout of a shard of rows', () => {
  it('gives each row the mask of the whole batch (same seed), and differs without rows', () => {
    const method = createReplica({ method: 'simcse', bert, options: {} });
    const t = batchTensors(tokenBatch(createRng(3), ROWS));
    const before = tf.memory().numTensors;
    try {
      const slice = (s: number, n: number): BertInputs => ({
        inputIds: t.inputIds.slice(s, n),
        attentionMask: t.attentionMask.slice(s, n),
        tokenTypeIds: t.tokenTypeIds.slice(s, n),
      });
      const last = (inputs: BertInputs, rows?: { start: number; total: number }): Float32Array =>
        tf.tidy(() => {
          const out = method.encoder.forward(inputs, { training: true, rng: createRng(9), ...(rows ? { rows } : {}) });
          return out.lastHiddenState.dataSync() as Float32Array;
        });
      const full = last(t);
      const rowSize = LENGTH * bert.hiddenSize;
      // The first, a middle and the last rows of the batch.
      for (const [start, count] of [
        [0, 4],
        [2, 3],
        [4, 3],
      ] as const) {
        const part = slice(start, count);
        const expected = Array.from(full.subarray(start * rowSize, (start + count) * rowSize));
        expectClose(Array.from(last(part, { start, total: ROWS })), expected, 1e-5);
        // The same rows with their own masks: not what the whole batch computes for them (except the first rows,
        // whose masks are the first values drawn either way).
        const own = last(part);
        const apart = Math.max(...Array.from(own, (v, i) => Math.abs(v - expected[i]!)));
        if (start > 0) expect(apart).toBeGreaterThan(1e-2);
        else expect(apart).toBeLessThan(1e-5);
        if (start === 4) expect(() => last(part, { start: 5, total: ROWS })).toThrow(/rows \{start: 5, total: 7\}/);
        tf.dispose(Object.values(part));
      }
      // Rows covering the whole batch are tf.dropout itself.
      expect(Array.from(last(t, { start: 0, total: ROWS }))).toEqual(Array.from(full));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      disposeInputs(t);
      method.dispose();
    }
  });
});

describe('data-parallel SimCSE (workers)', () => {
  it('two workers give the single-thread losses and weights, each encoding its shard', async () => {
    const args: TextReplicaArgs = { method: 'simcse', bert, options: { learningRate: 1e-3 } };
    const single = await run(args, 1);
    const parallel = await run(args, 2);
    expect(parallel.losses).toHaveLength(4);
    // 4 steps × 2 dropout views × 7 rows in one thread; the main thread of two encoded rows 0–3 of each.
    expect(single.rows).toBe(56);
    expect(parallel.rows).toBe(32);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.weights, single.weights, 1e-4);
    // Training moved the weights (the comparison is not of two untouched initialisations).
    const fresh = createReplica(args);
    try {
      const init = Object.values(fresh.stateTensors()).flatMap((v) => Array.from(v.dataSync()));
      expect(Math.max(...init.map((v, i) => Math.abs(v - single.weights[i]!)))).toBeGreaterThan(1e-4);
    } finally {
      fresh.dispose();
    }
  });
});
