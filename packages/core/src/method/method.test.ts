import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ntXent } from '../losses/nt-xent.js';
import { train } from '../node/train.js';
import { createRng, type Rng } from '../random/rng.js';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { deriveSeed } from '../train/seed.js';
import type { EpochLogs } from '../train/train-types.js';
import type { Method, StepInfo } from './method.js';
import { applyGradientsTo } from './optimizers.js';
import { stepInfo } from './step-info.js';

// The contract end to end: a method with two optimizers updated in turn (a "critic" and an "encoder", as a
// GAN alternates D and G) plus a learnable temperature with its own rate, returning { loss, logs }, trained
// by train(), interrupted mid-epoch and resumed — the resumed run must equal the uninterrupted one.

useCpuLeakCheck();
const tmp = useTempDir('method-contract-');

class TwoOptimizerMethod implements Method<tf.Tensor2D> {
  readonly name = 'two-optimizer';
  readonly encoder: tf.Variable;
  readonly critic: tf.Variable;
  readonly logTemperature: tf.Variable;
  readonly encoderOpt = tf.train.adam(0.05);
  readonly criticOpt = tf.train.sgd(0.1);
  readonly temperatureOpt = tf.train.adam(0.01);
  readonly seenTotalSteps: (number | undefined)[] = [];
  constructor(seed: number) {
    this.encoder = tf.tidy(() => tf.variable(tf.randomNormal([6, 4], 0, 0.5, 'float32', seed), true, 'encoder'));
    this.critic = tf.tidy(() => tf.variable(tf.randomNormal([4, 1], 0, 0.5, 'float32', seed + 1), true, 'critic'));
    this.logTemperature = tf.tidy(() => tf.variable(tf.scalar(Math.log(0.5)), true, 'logTemperature'));
  }
  step(x: tf.Tensor2D, info: StepInfo) {
    this.seenTotalSteps.push(info.totalSteps);
    const jitter = (rng: Rng) => tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', rng.seed())) as tf.Tensor2D;
    const v1 = jitter(info.rng);
    const v2 = jitter(info.rng);
    // 1) critic update on detached features (the "discriminator" step).
    const criticLoss = this.criticOpt.minimize(
      () => tf.mean(tf.square(tf.matMul(tf.matMul(v1, this.encoder), this.critic))) as tf.Scalar,
      true,
      [this.critic],
    )!;
    // 2) encoder + temperature from one backward pass, each with its own optimizer.
    const { value, grads } = tf.variableGrads(() => {
      const temperature = tf.exp(this.logTemperature) as tf.Scalar;
      return ntXent(tf.matMul(v1, this.encoder) as tf.Tensor2D, tf.matMul(v2, this.encoder) as tf.Tensor2D, { temperature });
    }, [this.encoder, this.logTemperature]);
    applyGradientsTo(this.encoderOpt, grads, [this.encoder]);
    applyGradientsTo(this.temperatureOpt, grads, [this.logTemperature]);
    tf.dispose(Object.values(grads));
    return { loss: value, logs: { criticLoss, temperature: tf.exp(this.logTemperature) as tf.Scalar, constant: 2 } };
  }
  stateTensors(): Record<string, tf.Variable> {
    return { encoder: this.encoder, critic: this.critic, logTemperature: this.logTemperature };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { encoder: this.encoderOpt, critic: this.criticOpt, temperature: this.temperatureOpt };
  }
  dispose(): void {
    tf.dispose([this.encoder, this.critic, this.logTemperature]);
    for (const o of [this.encoderOpt, this.criticOpt, this.temperatureOpt]) o.dispose();
    // tfjs 4.22 SGDOptimizer.dispose() forgets its learning-rate scalar `c`.
    tf.dispose((this.criticOpt as unknown as { c?: tf.Tensor }).c);
  }
}

function* batches(_epoch: number, rng: Rng): Generator<tf.Tensor2D> {
  for (let i = 0; i < 4; i++) yield tf.randomNormal([5, 6], 0, 1, 'float32', rng.seed()) as tf.Tensor2D;
}

async function run(dir: string | undefined, opts: { resume?: boolean; stopAfter?: number; stepsPerEpoch?: number } = {}) {
  const method = new TwoOptimizerMethod(1);
  const epochLogs: EpochLogs[] = [];
  const stepLogs: Record<string, number>[] = [];
  let steps = 0;
  try {
    const result = await train({
      method,
      batches,
      epochs: 3,
      seed: 7,
      progress: false,
      ...(opts.stepsPerEpoch === undefined ? {} : { stepsPerEpoch: opts.stepsPerEpoch }),
      ...(dir === undefined ? {} : { checkpointDir: dir, checkpointEverySteps: 2, resume: opts.resume ?? false }),
      callbacks: {
        onStepEnd: (_g, logs) => {
          stepLogs.push(logs.logs ?? {});
          if (opts.stopAfter !== undefined && ++steps === opts.stopAfter) throw new Error('interrupted');
        },
        onEpochEnd: (_e, logs) => void epochLogs.push(logs),
      },
    }).catch((err: Error) => {
      if (err.message !== 'interrupted') throw err;
      return null;
    });
    const weights = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    return { result, weights, epochLogs, stepLogs, totalSteps: method.seenTotalSteps };
  } finally {
    method.dispose();
  }
}

describe('Method contract through train()', () => {
  it('reads { loss, logs }: scalar and number logs per step, their epoch means in the epoch logs, all tensors freed', async () => {
    const { result, epochLogs, stepLogs } = await run(undefined);
    expect(result!.losses).toHaveLength(12);
    expect(stepLogs).toHaveLength(12);
    for (const l of stepLogs) {
      expect(Object.keys(l).sort()).toEqual(['constant', 'criticLoss', 'temperature']);
      expect(l.constant).toBe(2);
      expect(l.criticLoss).toBeGreaterThanOrEqual(0);
    }
    // The learnable temperature moved (its own optimizer ran) and the epoch log is the mean of the step logs.
    expect(stepLogs[11]!.temperature).not.toBeCloseTo(0.5, 6);
    const mean = stepLogs.slice(4, 8).reduce((a, l) => a + l.temperature!, 0) / 4;
    expect(epochLogs[1]!.temperature as number).toBeCloseTo(mean, 6);
  });

  it('passes totalSteps = epochs × stepsPerEpoch, and undefined without stepsPerEpoch', async () => {
    expect((await run(undefined, { stepsPerEpoch: 3 })).totalSteps).toEqual(Array(9).fill(9));
    expect((await run(undefined)).totalSteps).toEqual(Array(12).fill(undefined));
  });

  it('a run interrupted mid-epoch and resumed equals the uninterrupted run (all three optimizers checkpointed)', async () => {
    const full = await run(tmp('full'));
    await run(tmp('cut'), { stopAfter: 7 }); // checkpoint at step 2 of epoch 2 (global step 6)
    const resumed = await run(tmp('cut'), { resume: true });
    expect(resumed.result!.losses).toEqual(full.result!.losses);
    expect(resumed.weights).toEqual(full.weights);
    expect(resumed.stepLogs.map((l) => l.temperature)).toEqual(full.stepLogs.slice(6).map((l) => l.temperature));
  });

  it('refuses method together with step, and a method without step()', async () => {
    const method = new TwoOptimizerMethod(2);
    try {
      await expect(train({ method, step: () => tf.scalar(0), batches, epochs: 1, progress: false })).rejects.toThrow(
        /either method or step/,
      );
      await expect(train({ method: {} as Method<tf.Tensor2D>, batches, epochs: 1, progress: false })).rejects.toThrow(
        /must implement Method/,
      );
    } finally {
      method.dispose();
    }
  });
});

describe('stepInfo', () => {
  it('seeds its rng exactly like train() does for (seed, epoch, step)', () => {
    const info = stepInfo(3, { seed: 7, epoch: 1, totalSteps: 10 });
    expect(info).toMatchObject({ epoch: 1, step: 3, globalStep: 3, totalSteps: 10 });
    expect(info.rng.seed()).toBe(createRng(deriveSeed(7, 1, 3)).seed());
    expect(() => stepInfo(-1)).toThrow(/globalStep/);
  });
});
