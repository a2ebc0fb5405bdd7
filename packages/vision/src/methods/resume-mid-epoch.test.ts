import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type TrainCallbacks } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BYOL, InstDisc, MoCoV1, MoCoV2, MoCoV3, SimCLR, SimSiam } from './index.js';
import type { TwoViewMethod } from './base.js';
import { imageBatches, type ImageBatch, type ImageDataset } from '../io/dataset.js';
import { images, tinyEncoder } from './test-utils/helpers.js';

// A run interrupted inside an epoch and resumed from core train()'s step checkpoint must end exactly
// like the uninterrupted run: every piece of method state (key/target encoders, BN statistics, queue and
// its pointer, memory bank, optimizer slots) is in the checkpoint, and the epoch's remaining batches
// and views are the same ones.

let before = 0;
let root: string;
let pool: tf.Tensor4D;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
  root = await mkdtemp(join(tmpdir(), 'vision-mid-epoch-'));
  pool = images(24, 11);
});
afterAll(async () => {
  pool.dispose();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

const dataset = (): ImageDataset => ({
  size: 24,
  height: 8,
  width: 8,
  channels: 1,
  labels: null,
  classNames: null,
  source: 'memory',
  read: async (indices) => tf.gather(pool, Array.from(indices)),
});

// Every method: encoder + head + Adam (SimCLR), queue and key encoder (MoCo v1; v2 also with cosine LR), EMA with
// cosine momentum (MoCo v3, BYOL), stop-gradient predictor with cosine LR (SimSiam), memory bank (InstDisc).
const makers: Record<string, () => TwoViewMethod> = {
  simclr: () => new SimCLR({ encoder: tinyEncoder(), seed: 1 }),
  'moco-v1': () => new MoCoV1({ encoder: tinyEncoder(), seed: 1, queueSize: 16 }),
  'moco-v2': () => new MoCoV2({ encoder: tinyEncoder(), seed: 1, queueSize: 16 }),
  'moco-v3': () => new MoCoV3({ encoder: tinyEncoder(), seed: 1 }),
  byol: () => new BYOL({ encoder: tinyEncoder(), seed: 1 }),
  simsiam: () => new SimSiam({ encoder: tinyEncoder(), seed: 1 }),
  instdisc: () => new InstDisc({ encoder: tinyEncoder(), seed: 1, datasetSize: 24, negatives: 8 }),
};

async function run(name: string, dir: string, opts: { resume?: boolean; callbacks?: TrainCallbacks } = {}) {
  const m = makers[name]!();
  const epochs = 2;
  const stepsPerEpoch = 4; // 24 images, batch 6
  try {
    const result = await train<ImageBatch>({
      epochs,
      stepsPerEpoch,
      seed: 3,
      method: m,
      checkpointDir: dir,
      checkpointEverySteps: 3,
      resume: opts.resume,
      callbacks: opts.callbacks,
      progress: false,
      batches: (_e, rng) => imageBatches(dataset(), { batchSize: 6, rng, dropLast: true }),
    });
    const state = Object.fromEntries(Object.entries(m.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    return { losses: result.losses, state };
  } finally {
    m.dispose();
  }
}

describe('a method interrupted inside an epoch', () => {
  for (const name of Object.keys(makers)) {
    it(`${name}: resumes from the step checkpoint to exactly the uninterrupted losses and state`, async () => {
      const full = await run(name, join(root, `${name}-full`));
      const dir = join(root, `${name}-cut`);
      // Saves follow step 3 of each epoch and each epoch end; a crash in the last step of epoch 2
      // (global step 7) leaves the save after its step 3 as the checkpoint.
      const crash: TrainCallbacks = {
        onStepEnd: (g) => {
          if (g === 7) throw new Error('simulated crash');
        },
      };
      await expect(run(name, dir, { callbacks: crash })).rejects.toThrow('simulated crash');
      const saved = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as { meta: { epoch: number; stepInEpoch: number } };
      expect([saved.meta.epoch, saved.meta.stepInEpoch]).toEqual([1, 3]);
      const resumed = await run(name, dir, { resume: true });
      expect(resumed.losses).toEqual(full.losses);
      expect(Object.keys(resumed.state)).toEqual(Object.keys(full.state));
      for (const k of Object.keys(full.state)) expect({ k, v: resumed.state[k] }).toEqual({ k, v: full.state[k] });
    });
  }
});
