import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { infoNCE } from '../losses/info-nce.js';
import { MoCoQueue } from '../negatives/moco-queue.js';
import type { Rng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';
import { updateMomentum } from './momentum.js';
import { stopGradient } from './stop-gradient.js';
import { train } from '../node/train.js';
import type { TrainCallbacks } from './train-types.js';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';

// End to end through the pieces of this folder and negatives/: a linear MoCo (InfoNCE + queue +
// momentum encoder + stop-gradient) trained by train(), interrupted, and resumed from its checkpoint.

useCpuLeakCheck();
const tmp = useTempDir('moco-resume-');

class LinearMoCo implements Checkpointable {
  readonly wq: tf.Variable;
  readonly wk: tf.Variable;
  // Queue of 12 with batches of 5: the ring wraps at a different offset every step.
  readonly queue = new MoCoQueue({ size: 12, dim: 4, seed: 3 });
  readonly opt = tf.train.momentum(0.1, 0.9);
  constructor(seed: number) {
    this.wq = tf.tidy(() => tf.variable(tf.randomNormal([8, 4], 0, 0.5, 'float32', seed)));
    this.wk = tf.tidy(() => tf.variable(this.wq.clone(), false));
  }
  stateTensors(): Record<string, tf.Variable> {
    return { 'online/w': this.wq, 'target/w': this.wk, ...this.queue.stateTensors('queue') };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { sgd: this.opt };
  }
  step(x: tf.Tensor2D, rng: Rng): tf.Scalar {
    updateMomentum([this.wq], [this.wk], 0.9); // before the keys, as in MoCo
    const jitter = (s: number): tf.Tensor2D => tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', s)) as tf.Tensor2D;
    const x1 = jitter(rng.seed());
    const x2 = jitter(rng.seed());
    const k = stopGradient(tf.matMul(x2, this.wk) as tf.Tensor2D);
    const negatives = this.queue.negatives();
    const loss = this.opt.minimize(
      () => infoNCE(tf.matMul(x1, this.wq) as tf.Tensor2D, k, { negatives, temperature: 0.2 }) as tf.Scalar,
      true,
      [this.wq],
    )!;
    this.queue.update(k); // after the loss
    return loss;
  }
  dispose(): void {
    tf.dispose([this.wq, this.wk]);
    this.queue.dispose();
    this.opt.dispose();
    // tfjs 4.22 MomentumOptimizer.dispose() forgets its parent's learning-rate scalar `c`.
    tf.dispose((this.opt as unknown as { c?: tf.Tensor }).c);
  }
}

function* batches(_epoch: number, rng: Rng): Generator<tf.Tensor2D> {
  for (let i = 0; i < 4; i++) yield tf.randomNormal([5, 8], 0, 1, 'float32', rng.seed()) as tf.Tensor2D;
}

async function run(dir: string, opts: { resume?: boolean; callbacks?: TrainCallbacks; init?: number } = {}) {
  const model = new LinearMoCo(opts.init ?? 1);
  try {
    const r = await train({
      epochs: 3,
      seed: 11,
      state: model,
      checkpointDir: dir,
      resume: opts.resume,
      callbacks: opts.callbacks,
      progress: false,
      batches,
      step: (x, info) => model.step(x, info.rng),
    });
    const q = model.queue.negatives();
    const out = {
      losses: r.losses,
      wq: await model.wq.array(),
      wk: await model.wk.array(),
      queue: await q.array(),
      ptr: model.queue.pointer,
    };
    q.dispose();
    return out;
  } finally {
    model.dispose();
  }
}

describe('MoCo-style training with train()', () => {
  it('resumes with queue, pointer, target encoder and optimizer state to the identical run', async () => {
    const full = await run(tmp('full'));
    expect(full.ptr).toBe((3 * 4 * 5) % 12);
    const dir = tmp('crashed');
    const crash: TrainCallbacks = {
      onStepEnd: (g) => {
        if (g === 9) throw new Error('crash in epoch 3');
      },
    };
    await expect(run(dir, { callbacks: crash })).rejects.toThrow('crash in epoch 3');
    const resumed = await run(dir, { resume: true, init: 77 });
    expect(resumed.losses).toEqual(full.losses);
    expect(resumed.wq).toEqual(full.wq);
    expect(resumed.wk).toEqual(full.wk);
    expect(resumed.queue).toEqual(full.queue);
    expect(resumed.ptr).toBe(full.ptr);
    expect(full.losses.every(Number.isFinite)).toBe(true);
  });
});
