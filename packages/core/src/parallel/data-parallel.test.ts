import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@contrastive/test-utils';
import { WorkerGroup } from '../node/parallel/worker-group.js';
import { train } from '../node/train.js';
import type { createRng } from '../random/rng.js';
import { TrainingDivergedError } from '../errors.js';
import { DataParallelError } from './collective.js';
import { createReplica, type TinyArgs, type TinyMethod } from './__fixtures__/tiny-method.js';

// Data-parallel training over worker threads against the same run in one thread: same seed, same batches.
const tmp = useTempDir('data-parallel-');
const fixture = new URL('./__fixtures__/tiny-method.ts', import.meta.url).href;
const ROWS = 10;

function batches(_epoch: number, rng: ReturnType<typeof createRng>) {
  const out: tf.Tensor2D[] = [];
  for (let b = 0; b < 3; b++)
    out.push(
      tf.tensor2d(
        Array.from({ length: ROWS * 6 }, () => rng.normal()),
        [ROWS, 6],
      ),
    );
  return out;
}

async function run(args: TinyArgs, workers: number, extra: Record<string, unknown> = {}) {
  const method = createReplica(args);
  try {
    const result = await train({
      method,
      batches,
      epochs: 2,
      seed: 7,
      progress: false,
      workers,
      ...(workers > 1 ? { replica: { module: fixture, args } } : {}),
      ...extra,
    });
    return { losses: result.losses, weights: weightsOf(method), rows: method.rowsComputed };
  } finally {
    method.dispose();
  }
}

function weightsOf(m: TinyMethod): number[] {
  return Object.values(m.stateTensors()).flatMap((v) => Array.from(v.dataSync()));
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
  expect(worst).toBeLessThan(tol);
}

describe('data-parallel train (workers)', () => {
  it('two workers give the single-process losses and weights (no batch norm)', async () => {
    const single = await run({}, 1);
    const parallel = await run({}, 2);
    expect(parallel.losses).toHaveLength(6);
    // 6 steps × 2 views × 10 rows in one process; this thread computed its half of each.
    expect(single.rows).toBe(120);
    expect(parallel.rows).toBe(60);
    expectClose(parallel.losses, single.losses, 1e-5);
    expectClose(parallel.weights, single.weights, 1e-5);
  });

  it('what an epoch-end callback changes on the main thread reaches the workers before the next epoch', async () => {
    const scaleUp = (m: TinyMethod) => ({ onEpochEnd: () => void m.lossScale.assign(tf.scalar(3)) });
    const results = [];
    for (const workers of [1, 2]) {
      const method = createReplica({});
      try {
        const r = await train({
          method,
          batches,
          epochs: 2,
          seed: 7,
          progress: false,
          callbacks: scaleUp(method),
          workers,
          ...(workers > 1 ? { replica: { module: fixture, args: {} } } : {}),
        });
        results.push({ losses: r.losses, weights: weightsOf(method) });
      } finally {
        method.dispose();
      }
    }
    expectClose(results[1]!.losses, results[0]!.losses, 1e-5);
    expectClose(results[1]!.weights, results[0]!.weights, 1e-5);
  });

  it('a trained variable without a gradient (unused by the loss) is passed over, as in one process', async () => {
    const single = await run({ unusedVariable: true }, 1);
    const parallel = await run({ unusedVariable: true }, 2);
    expectClose(parallel.losses, single.losses, 1e-5);
    expectClose(parallel.weights, single.weights, 1e-5);
  });

  it('InfoNCE split by queries (in-batch and per-query negatives, a logit offset) equals one process', async () => {
    const single = await run({ loss: 'infonce' }, 1);
    const parallel = await run({ loss: 'infonce' }, 3);
    expectClose(parallel.losses, single.losses, 1e-5);
    expectClose(parallel.weights, single.weights, 1e-5);
  });

  it('three workers with synchronised batch norm equal one process, moving statistics included', async () => {
    const single = await run({ batchNorm: true }, 1);
    const synced = await run({ batchNorm: true }, 3, { syncBatchNorm: true });
    expectClose(synced.losses, single.losses, 1e-4);
    expectClose(synced.weights, single.weights, 1e-4);
  });

  it('per-shard batch norm (the default) is not the full-batch one', async () => {
    const single = await run({ batchNorm: true }, 1);
    const sharded = await run({ batchNorm: true }, 2);
    expect(Math.abs(sharded.losses[0]! - single.losses[0]!)).toBeGreaterThan(1e-4);
    expect(sharded.losses.every(Number.isFinite)).toBe(true);
  });

  it('exchanges in several rounds when the shared buffer is smaller than a gradient (train({ parallel }))', async () => {
    const single = await run({}, 1);
    const group = await WorkerGroup.start({ workers: 2, replica: { module: fixture, args: {} }, slotFloats: 16 });
    const method = createReplica({});
    try {
      const r = await train({ method, batches, epochs: 2, seed: 7, progress: false, parallel: group });
      expectClose(r.losses, single.losses, 1e-5);
      expectClose(weightsOf(method), single.weights, 1e-5);
    } finally {
      method.dispose();
      await group.close();
    }
  });

  it('resumes a data-parallel run from its checkpoint as an uninterrupted single-process run', async () => {
    const full = await run({}, 1);
    const dir = `${tmp()}/ck`;
    const method = createReplica({});
    const replica = { module: fixture, args: {} };
    try {
      await train({ method, batches, epochs: 1, seed: 7, progress: false, workers: 2, replica, checkpointDir: dir });
    } finally {
      method.dispose();
    }
    const again = createReplica({});
    try {
      const r = await train({
        method: again,
        batches,
        epochs: 2,
        seed: 7,
        progress: false,
        workers: 2,
        replica,
        checkpointDir: dir,
        resume: true,
      });
      expectClose(r.losses, full.losses, 1e-5);
      expectClose(weightsOf(again), full.weights, 1e-5);
    } finally {
      again.dispose();
    }
  });

  it('a worker that throws fails the run with its rank and message', async () => {
    await expect(run({ failAt: { rank: 1, globalStep: 1 } }, 2)).rejects.toThrow(/rank 1 failed: step 2 of epoch 1: tiny: planned failure/);
    await expect(run({ failAt: { rank: 1, globalStep: 1 } }, 2)).rejects.toBeInstanceOf(DataParallelError);
  });

  it('a failure on the main thread stops the workers too', async () => {
    await expect(run({ failAt: { rank: 0, globalStep: 2 } }, 2)).rejects.toThrow(/planned failure/);
  });

  it('NaN weights with a finite loss are reported as divergence, not as replicas that differ', async () => {
    const err = await run({ nanAfter: 1 }, 2, { checkpointDir: `${tmp()}/nan` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as Error).message).toMatch(/weights are not finite/);
  });

  it('replicas that drift apart are detected at the end of the epoch', async () => {
    await expect(run({ driftOnRank: 1 }, 2)).rejects.toThrow(/replicas diverged: .*rank\(s\) 1/);
  });

  it('refuses workers without a replica, or a replica module without the factory', async () => {
    const m = createReplica({});
    try {
      await expect(train({ method: m, batches, epochs: 1, progress: false, workers: 2 })).rejects.toThrow(/needs replica/);
      await expect(train({ method: m, batches, epochs: 1, progress: false, workers: 0 })).rejects.toThrow(
        /workers must be an integer >= 1/,
      );
      await expect(
        train({ method: m, batches, epochs: 1, progress: false, workers: 2, replica: { module: fixture, export: 'nope' } }),
      ).rejects.toThrow(/has no exported function 'nope'/);
    } finally {
      m.dispose();
    }
  });
});
