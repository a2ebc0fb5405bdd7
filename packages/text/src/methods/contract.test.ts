import * as tf from '@tensorflow/tfjs';
import { stepInfo } from '@contrastive/core';
import type { AdamW } from '@contrastive/core';
import type { EpochLogs, Method, Rng } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { ConSERT } from './consert.js';
import { SimCSE } from './simcse.js';
import type { TextMethod } from './text-method.js';

// The text methods on core's Method contract: info is required, every random draw comes from info.rng, the
// schedule length comes from train()'s StepInfo, the method owns its encoder, and a run interrupted
// mid-epoch and resumed from its checkpoint equals the uninterrupted run.

useCpuLeakCheck();
const tmp = useTempDir('text-contract-');
const fixtureDir = decodeURIComponent(new URL('../__fixtures__/tiny-bert', import.meta.url).pathname);

function tokenBatch(rows: number[][]): TokenBatch {
  const length = Math.max(...rows.map((r) => r.length));
  const inputIds = new Int32Array(rows.length * length);
  const attentionMask = new Int32Array(rows.length * length);
  rows.forEach((r, i) => {
    inputIds.set(r, i * length);
    attentionMask.fill(1, i * length, i * length + r.length);
  });
  return { batch: rows.length, length, inputIds, attentionMask, tokenTypeIds: new Int32Array(rows.length * length), truncated: [] };
}

const sentences = [
  [2, 5, 9, 17, 3],
  [2, 11, 12, 13, 14, 15, 3],
  [2, 7, 8, 3],
  [2, 20, 21, 22, 23, 3],
  [2, 6, 10, 3],
  [2, 16, 18, 19, 3],
];

/** Three batches of 4 of the 6 sentences per epoch, drawn from the epoch's rng (as the CLI does). */
function* batches(_epoch: number, rng: Rng): Generator<TokenBatch> {
  for (let i = 0; i < 3; i++) yield tokenBatch(Array.from(rng.permutation(sentences.length).slice(0, 4), (j) => sentences[j]!));
}

async function run(make: () => TextMethod<TokenBatch>, dir: string, opts: { resume?: boolean; stopAfter?: number } = {}) {
  const method = make();
  let steps = 0;
  const epochs: EpochLogs[] = [];
  try {
    const result = await train({
      method,
      batches,
      epochs: 2,
      stepsPerEpoch: 3,
      seed: 11,
      progress: false,
      checkpointDir: dir,
      checkpointEverySteps: 1,
      resume: opts.resume ?? false,
      callbacks: {
        onStepEnd: () => {
          if (opts.stopAfter !== undefined && ++steps === opts.stopAfter) throw new Error('interrupted');
        },
        onEpochEnd: (_e, logs) => void epochs.push(logs),
      },
    }).catch((err: Error) => {
      if (err.message !== 'interrupted') throw err;
      return null;
    });
    const weights = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    const lr = (method.optimizers().optimizer as AdamW).currentLearningRate();
    return { result, weights, lr };
  } finally {
    method.dispose();
  }
}

describe('text methods on the Method contract', () => {
  it('implement core Method: a name, step(batch, info) with info required, state and optimizers', () => {
    const m: Method<TokenBatch> = new SimCSE(loadBertCheckpoint(fixtureDir), { learningRate: 1e-2 });
    try {
      expect(m.name).toBe('simcse');
      const b = tokenBatch(sentences.slice(0, 4));
      expect(() => m.step(b, undefined as never)).toThrow(/info must be a StepInfo with an rng/);
      // The same StepInfo gives the same dropout masks: no hidden counter advances between calls.
      const first = (m as SimCSE).loss(b, stepInfo(3, { seed: 5 }).rng);
      const second = (m as SimCSE).loss(b, stepInfo(3, { seed: 5 }).rng);
      expect(second.dataSync()[0]).toBe(first.dataSync()[0]);
      tf.dispose([first, second]);
    } finally {
      m.dispose();
    }
  });

  it('reads the schedule length from StepInfo.totalSteps (HF linear warm-up/decay) and refuses a contradicting options.totalSteps', () => {
    const c = new ConSERT(loadBertCheckpoint(fixtureDir), { learningRate: 1e-2 });
    const opt = c.optimizers().optimizer as AdamW;
    try {
      expect(opt.currentLearningRate()).toBe(1e-2); // no total known yet: a constant rate
      const b = tokenBatch(sentences.slice(0, 4));
      // 10 steps, ceil(0.1 · 10) = 1 warm-up step: the first update runs at 0, the second at the peak.
      c.step(b, stepInfo(0, { totalSteps: 10 })).dispose();
      expect(opt.currentLearningRate()).toBeCloseTo(1e-2, 12);
      c.step(b, stepInfo(1, { totalSteps: 10 })).dispose();
      expect(opt.currentLearningRate()).toBeCloseTo(1e-2 * (8 / 9), 12);
    } finally {
      c.dispose();
    }
    const fixed = new ConSERT(loadBertCheckpoint(fixtureDir), { totalSteps: 4 });
    try {
      expect(() => fixed.step(tokenBatch(sentences.slice(0, 4)), stepInfo(0, { totalSteps: 6 }))).toThrow(
        /options.totalSteps is 4 but train\(\) runs 6 steps/,
      );
    } finally {
      fixed.dispose();
    }
  });

  it('owns its encoder: dispose() frees the BERT and the optimizer, and is idempotent', () => {
    const before = tf.memory().numTensors;
    const bert = loadBertCheckpoint(fixtureDir);
    const m = new SimCSE(bert, { learningRate: 1e-2 });
    m.step(tokenBatch(sentences.slice(0, 4)), stepInfo(0)).dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    expect(() => m.step(tokenBatch(sentences.slice(0, 4)), stepInfo(1))).toThrow(/after dispose/);
  });

  it('a run interrupted mid-epoch and resumed through train() equals the uninterrupted run (dropout, schedule, AdamW slots)', async () => {
    const make = () => new SimCSE(loadBertCheckpoint(fixtureDir), { learningRate: 1e-2, warmupRatio: 0.5 });
    const full = await run(make, tmp('full'));
    await run(make, tmp('cut'), { stopAfter: 4 }); // checkpoint after step 1 of epoch 2 (global step 4)
    const resumed = await run(make, tmp('cut'), { resume: true });
    expect(resumed.result!.losses).toEqual(full.result!.losses);
    expect(resumed.weights).toEqual(full.weights);
    expect(resumed.lr).toBe(full.lr);
    expect(full.result!.globalStep).toBe(6);
  });
});
