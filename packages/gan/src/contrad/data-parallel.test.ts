import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { createReplica } from './__fixtures__/replica.js';
import { C, H } from './test-utils/tiny-models.js';

// ContraD trained data-parallel over worker threads against the same run in one thread: same seed, same batches.
// The discriminator's rows are split (no batch norm in D); the generator, the augmentation, the heads and the
// losses run on the gathered rows, so the run must equal one process's.
const fixture = new URL('./__fixtures__/replica.ts', import.meta.url).href;
const ROWS = 8;

function batches(_epoch: number, rng: Rng): tf.Tensor4D[] {
  return Array.from({ length: 2 }, () =>
    tf.tensor4d(
      Array.from({ length: ROWS * H * H * C }, () => rng.uniform()),
      [ROWS, H, H, C],
    ),
  );
}

async function run(workers: number) {
  const method = createReplica();
  // Rows through the discriminator's encoder on this thread (D step: 3N views; G step: N fakes).
  let rows = 0;
  const apply = method.discriminator.apply.bind(method.discriminator);
  method.discriminator.apply = ((x: tf.Tensor, kwargs?: tf.serialization.ConfigDict) => {
    rows += (x as tf.Tensor).shape[0]!;
    return apply(x, kwargs);
  }) as typeof method.discriminator.apply;
  try {
    const result = await train({
      method,
      batches,
      epochs: 2,
      seed: 13,
      progress: false,
      workers,
      ...(workers > 1 ? { replica: { module: fixture } } : {}),
    });
    const weights = Object.values(method.stateTensors()).flatMap((v) => Array.from(v.dataSync()));
    return { losses: result.losses, weights, rows };
  } finally {
    method.dispose();
  }
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
  expect(worst).toBeLessThan(tol);
}

describe('data-parallel ContraD (workers)', () => {
  it('two workers give the single-process losses and weights, each computing half the discriminator rows', async () => {
    const single = await run(1);
    const parallel = await run(2);
    expect(parallel.losses).toHaveLength(4);
    // 4 steps × (3·8 + 8) rows in one process; the main thread computed half of each forward.
    expect(single.rows).toBe(128);
    expect(parallel.rows).toBe(64);
    expectClose(parallel.losses, single.losses, 1e-4);
    // Every weight, the heads' spectral-norm vectors included.
    expectClose(parallel.weights, single.weights, 1e-4);
  });
});
