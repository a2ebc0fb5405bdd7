import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { createReplica, type ReplicaArgs } from './__fixtures__/replicas.js';

// Data-parallel training (worker threads) against the same run in one thread: same seed, same batches.
const fixture = new URL('./__fixtures__/replicas.ts', import.meta.url).href;
const BATCH = 12;

function batches(_epoch: number, rng: Rng) {
  return Array.from({ length: 2 }, () =>
    tf.tensor4d(
      Array.from({ length: BATCH * 16 * 16 }, () => rng.uniform()),
      [BATCH, 16, 16, 1],
    ),
  );
}

async function run(args: ReplicaArgs, workers: number, syncBatchNorm = false) {
  const method = createReplica(args);
  let rows = 0;
  const encoder = method.encoder;
  const apply = encoder.apply.bind(encoder);
  // Counts the images this thread's online encoder saw in training mode (a worker's shard under workers).
  encoder.apply = ((x: tf.Tensor, kw?: { training?: boolean }) => {
    if (kw?.training) rows += x.shape[0]!;
    return apply(x, kw);
  }) as typeof encoder.apply;
  try {
    const result = await train({
      method,
      batches,
      epochs: 2,
      stepsPerEpoch: 2,
      seed: 11,
      progress: false,
      workers,
      syncBatchNorm,
      ...(workers > 1 ? { replica: { module: fixture, args } } : {}),
    });
    const byName = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    return { losses: result.losses, byName, rows };
  } finally {
    method.dispose();
  }
}

/** The worst relative difference over the variables whose names pass `keep`. */
function worstOver(a: Record<string, number[]>, b: Record<string, number[]>, keep: (name: string) => boolean): number {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  return Math.max(
    ...Object.keys(a)
      .filter(keep)
      .map((k) => worstRelative(a[k]!, b[k]!)),
  );
}

// The projector's first dense bias sits before a batch norm: its true gradient is 0, its computed one float
// noise (~1e-9) that Adam turns into ±lr steps, different in two summation orders — and the BN's moving mean
// records the bias. Compared loosely; every other variable strictly.
const noiseOnly = (k: string) => k === 'projector/001_bias' || k === 'projector/007_moving_mean';
const movingStat = (k: string) => k.includes('moving_');

function worstRelative(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
}

describe('vision methods data-parallel', () => {
  it('SimCLR on 2 workers with synchronised batch norm equals one thread (losses, every weight and BN statistic)', async () => {
    const single = await run({ method: 'simclr', seed: 3 }, 1);
    const parallel = await run({ method: 'simclr', seed: 3 }, 2, true);
    expect(worstRelative(parallel.losses, single.losses)).toBeLessThan(1e-4);
    expect(worstOver(parallel.byName, single.byName, (k) => !noiseOnly(k))).toBeLessThan(1e-4);
    expect(worstOver(parallel.byName, single.byName, noiseOnly)).toBeLessThan(1e-2);
    // 4 steps × 2 views × 12 images in one thread; this thread computed half of each view.
    expect(single.rows).toBe(96);
    expect(parallel.rows).toBe(48);
  });

  it('MoCo v2 on 2 workers (queue, momentum encoder, shuffle BN over 2 groups = one group per worker) equals one thread', async () => {
    const single = await run({ method: 'moco-v2', seed: 4 }, 1);
    const parallel = await run({ method: 'moco-v2', seed: 4 }, 2);
    expect(worstRelative(parallel.losses, single.losses)).toBeLessThan(1e-4);
    // Every trainable weight, the key network and the queue; BN moving statistics are this worker's own
    // groups' (one process updates them with every group in turn), as in PyTorch DDP.
    expect(worstOver(parallel.byName, single.byName, (k) => !noiseOnly(k) && !movingStat(k))).toBeLessThan(1e-4);
    expect(Object.keys(single.byName).some((k) => k.startsWith('queue'))).toBe(true);
    expect(parallel.rows).toBe(single.rows / 2);
  });
});
