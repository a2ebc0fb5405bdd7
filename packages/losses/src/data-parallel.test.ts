import * as tf from '@tensorflow/tfjs';
import type { Encoder, Method, Rng } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import type { GRCLBatch } from './grcl/index.js';
import { type Batch, CLASSES, createReplica, type ReplicaArgs, SIZE } from './__fixtures__/replicas.js';

// PaCo and JCL trained data-parallel over worker threads against the same runs in one thread: same seed, same
// batches. The backbone has batch norm, so the row-split runs synchronise it (JCL's BN sub-batches are dealt out
// whole and need no synchronisation).
const fixture = new URL('./__fixtures__/replicas.ts', import.meta.url).href;
const ROWS = 12;

function batches(_epoch: number, rng: Rng): Batch[] {
  return Array.from({ length: 2 }, () => ({
    x: tf.tensor4d(
      Array.from({ length: ROWS * SIZE * SIZE }, () => rng.uniform()),
      [ROWS, SIZE, SIZE, 1],
    ),
    labels: Int32Array.from({ length: ROWS }, (_, i) => i % CLASSES),
  }));
}

/** Counts the rows `encoder.apply` sees on this thread. */
function countRows(encoder: Encoder, counter: { rows: number }): void {
  const apply = encoder.apply.bind(encoder);
  encoder.apply = ((x: tf.Tensor, training: boolean) => {
    counter.rows += x.shape[0]!;
    return apply(x, training);
  }) as Encoder['apply'];
}

/** GRCL's batches: two noisy views of a target batch, a labelled source batch; epoch 1 opens by closing domain 0. */
function grclBatches(epoch: number, rng: Rng): GRCLBatch[] {
  const image = () =>
    tf.tensor4d(
      Array.from({ length: ROWS * SIZE * SIZE }, () => rng.uniform()),
      [ROWS, SIZE, SIZE, 1],
    );
  return Array.from({ length: 2 }, (_, s) => {
    const x = image();
    const views: [tf.Tensor, tf.Tensor] = [tf.add(x, 0.05), tf.sub(x, 0.05)];
    x.dispose();
    const source = { x: image(), labels: Int32Array.from({ length: ROWS }, (_, i) => i % CLASSES) };
    const finish = epoch === 1 && s === 0 ? { finish: { domain: 0, samples: tf.slice(image(), 0, 6) } } : {};
    return { views, source, ...finish };
  });
}

async function run(args: ReplicaArgs, workers: number, syncBatchNorm = false) {
  const method = createReplica(args) as Method<Batch> & { encoder: Encoder; keyEncoder: Encoder };
  const projected: number[] = [];
  const query = { rows: 0 };
  const key = { rows: 0 };
  countRows(method.encoder, query);
  countRows(method.keyEncoder, key);
  try {
    const result = await train({
      method,
      batches: (args.method === 'grcl' ? grclBatches : batches) as unknown as typeof batches,
      epochs: 2,
      seed: 11,
      progress: false,
      workers,
      ...(workers > 1 ? { replica: { module: fixture, args }, syncBatchNorm } : {}),
      callbacks: { onEpochEnd: (_e, logs) => void projected.push(Number(logs.projected ?? 0)) },
    });
    const state = Object.values(method.stateTensors());
    const weights = state.flatMap((v) => Array.from(v.dataSync()));
    const trainable = state.filter((v) => v.trainable).flatMap((v) => Array.from(v.dataSync()));
    return { losses: result.losses, weights, trainable, query: query.rows, key: key.rows, projected };
  } finally {
    method.dispose();
  }
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
  expect(worst).toBeLessThan(tol);
}

describe('data-parallel PaCo and JCL (workers)', () => {
  it('PaCo on two workers with synchronised batch norm equals one process, each worker encoding half the rows', async () => {
    const single = await run({ method: 'paco' }, 1);
    const parallel = await run({ method: 'paco' }, 2, true);
    expect(parallel.losses).toHaveLength(4);
    // 4 steps × 12 rows through each backbone in one process; the main thread encoded its 6 of each batch.
    expect([single.query, single.key]).toEqual([48, 48]);
    expect([parallel.query, parallel.key]).toEqual([24, 24]);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.weights, single.weights, 1e-4);
  });

  it('PaCo with per-worker batch norm (the default) trains, but is not the full-batch run', async () => {
    const single = await run({ method: 'paco' }, 1);
    const sharded = await run({ method: 'paco' }, 2);
    expect(sharded.losses.every(Number.isFinite)).toBe(true);
    expect(Math.abs(sharded.losses[0]! - single.losses[0]!)).toBeGreaterThan(1e-4);
  });

  it("JCL's two BN sub-batches dealt to two workers equal one process (each sub-batch keeps its own statistics under --sync-bn)", async () => {
    const single = await run({ method: 'jcl', bnGroups: 2 }, 1);
    const parallel = await run({ method: 'jcl', bnGroups: 2 }, 2, true);
    // Queries: 12 rows per step; keys: 2 views × 12 rows. The main thread encoded one sub-batch of each.
    expect([single.query, single.key]).toEqual([48, 96]);
    expect([parallel.query, parallel.key]).toEqual([24, 48]);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.trainable, single.trainable, 1e-4);
    // The moving BN statistics are another matter: one process folds both sub-batches into them, the main
    // thread only its own (PyTorch DDP keeps rank 0's too).
    expect(Math.max(...parallel.weights.map((v, i) => Math.abs(v - single.weights[i]!)))).toBeGreaterThan(1e-4);
  });

  it('GRCL on two workers (synchronised batch norm) equals one process: memories, constraints and projections', async () => {
    const single = await run({ method: 'grcl' }, 1);
    const parallel = await run({ method: 'grcl' }, 2, true);
    // The projection ran (in a share of the steps of each epoch): the replicas must project the full gradients.
    expect(single.projected.every((p) => p > 0)).toBe(true);
    // 4 steps × (12 query + 12 source rows), 2 steps × 6 memory rows, and the 6 pseudo-labelled memory images
    // (encoded whole by every worker); the main thread encoded half of every split forward.
    expect(single.query).toBe(4 * 24 + 2 * 6 + 6);
    expect(parallel.query).toBe(4 * 12 + 2 * 3 + 6);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.weights, single.weights, 1e-4);
  });
});
