import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { WorkerGroup } from '@contrastive/core/node';
import type { BenchMethodArgs } from './dp-methods.js';
import type { WorkloadInstance } from './types.js';

/** Workers asked for with `pnpm bench --workers N` (env BENCH_WORKERS), or 1. */
export function benchWorkers(): number {
  const n = Number(process.env['BENCH_WORKERS'] ?? '1');
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * A workload step run data-parallel on `workers` threads through core's `WorkerGroup` (what
 * `train({ workers })` uses): this thread and `workers − 1` workers each build the method of
 * `dp-methods.ts` from `args` and split every step's rows.
 */
export async function parallelInstance(
  args: BenchMethodArgs,
  workers: number,
  o: { perStep: number; steps: number; warmup: number },
): Promise<WorkloadInstance> {
  const { createBenchMethod } = await import('./dp-methods.js');
  const method = await createBenchMethod(args);
  const group = await WorkerGroup.start({
    workers,
    replica: { module: new URL('./dp-methods.ts', import.meta.url).href, export: 'createBenchMethod', args },
  });
  await group.sync(method);
  let k = 0;
  return {
    ...o,
    workers,
    step() {
      const where = { epoch: 0, step: k, globalStep: k, totalSteps: undefined };
      const info = { ...where, rng: createRng(k) };
      const loss = tf.tidy(() => group.step(null, where, k, () => method.step(null, info)) as tf.Scalar);
      k++;
      loss.dataSync();
      loss.dispose();
    },
    dispose() {
      method.dispose();
      void group.close();
    },
  };
}
