import * as tf from '@tensorflow/tfjs';
import { AdamW, createRng, stepInfo, type TrainCallbacks } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { evaluateRetrieval } from '../eval/evaluate.js';
import { AdapterEncoder } from './adapter-encoder.js';
import { adapterBatches, adapterStepsPerEpoch, adapterTexts } from './adapter-batches.js';
import { AdapterMethod } from './adapter-method.js';
import { rotatedPairs } from './test-utils/synthetic-tower.js';
import { TowerCache } from './tower-cache.js';

useCpuLeakCheck();
const tmp = useTempDir('contrastive-text-adapter-');

async function values(method: AdapterMethod): Promise<number[][]> {
  return Promise.all(method.adapter.trainableVariables().map(async (v) => Array.from(await v.data())));
}

describe('AdapterMethod (InfoNCE on precomputed tower vectors, core Method contract)', () => {
  for (const negatives of [false, true]) {
    it(`a few AdamW steps lower the loss on fixed batches and change the weights (${negatives ? 'triplets' : 'pairs'})`, async () => {
      const { tower, examples } = rotatedPairs(32, 8, 1, { negatives });
      const cache = new TowerCache(tower);
      await cache.add(adapterTexts(examples));
      const method = AdapterMethod.forTower(cache, { learningRate: 0.05 });
      const batch = adapterBatches(examples, cache, { batchSize: 16 })(0, createRng(0)).next().value!;
      const start = await values(method);
      const lossAt = async (): Promise<number> => {
        const l = method.loss(batch);
        const v = (await l.data())[0]!;
        l.dispose();
        return v;
      };
      const before = await lossAt();
      for (let k = 0; k < 15; k++) method.step(batch, stepInfo(k)).dispose();
      const after = await lossAt();
      expect(after).toBeLessThan(before * 0.7);
      const end = await values(method);
      expect(end[0]).not.toEqual(start[0]);
      tf.dispose([batch.query, batch.positive, ...(batch.negative ? [batch.negative] : [])]);
      method.dispose();
      method.dispose(); // idempotent
      expect(() => method.step(batch, stepInfo(0))).toThrow(/after dispose/);
    });
  }

  it("core's train() runs it, and a run resumed from its checkpoint ends with exactly the weights of an uninterrupted one", async () => {
    const { tower, examples } = rotatedPairs(40, 8, 2);
    const cache = new TowerCache(tower);
    await cache.add(adapterTexts(examples));
    const batches = adapterBatches(examples, cache, { batchSize: 8 });
    const stepsPerEpoch = adapterStepsPerEpoch(examples.length, 8);
    expect(stepsPerEpoch).toBe(5);
    const run = async (epochs: number, dir: string, resume: boolean, seed: number, callbacks: TrainCallbacks = {}) => {
      const method = AdapterMethod.forTower(cache, { learningRate: 0.02, layers: 'mlp', hiddenDim: 6, seed });
      try {
        const result = await train({
          method,
          batches,
          epochs,
          stepsPerEpoch,
          seed: 7,
          checkpointDir: dir,
          resume,
          progress: false,
          callbacks,
        });
        return { w: await values(method), result };
      } finally {
        method.dispose();
      }
    };
    const straight = await run(3, tmp('straight'), false, 3);
    expect(straight.result.globalStep).toBe(15);
    expect(straight.result.epochLosses[2]!).toBeLessThan(straight.result.epochLosses[0]!);
    // Interrupted in epoch 2 (after the checkpoint of epoch 1), then resumed from a differently seeded adapter.
    const crash: TrainCallbacks = {
      onStepEnd: (g) => {
        if (g === 7) throw new Error('crash in epoch 2');
      },
    };
    await expect(run(3, tmp('resumed'), false, 3, crash)).rejects.toThrow('crash in epoch 2');
    const resumed = await run(3, tmp('resumed'), true, 99);
    expect(resumed.result.globalStep).toBe(15);
    expect(resumed.result.losses).toEqual(straight.result.losses);
    expect(resumed.w).toEqual(straight.w);
  });

  it('training the adapter raises retrieval (MRR@10) of the synthetic tower, which the identity adapter scores at chance', async () => {
    const { tower, examples } = rotatedPairs(64, 16, 4);
    const cache = new TowerCache(tower);
    await cache.add(adapterTexts(examples));
    const method = AdapterMethod.forTower(cache, { learningRate: 0.05 });
    const encoder = new AdapterEncoder(cache, method.adapter, { owns: false });
    const pairs = examples.map((e) => ({ query: e.query, document: e.positive }));
    const untrained = await evaluateRetrieval(encoder, pairs);
    await train({ method, batches: adapterBatches(examples, cache, { batchSize: 32 }), epochs: 30, stepsPerEpoch: 2, progress: false });
    const trained = await evaluateRetrieval(encoder, pairs);
    expect(untrained.mrrAt10).toBeLessThan(0.15); // 64 documents: chance is ~0.07
    expect(trained.mrrAt10).toBeGreaterThan(0.7);
    encoder.dispose(); // owns: false — the adapter is still the method's
    expect(method.adapter.trainableVariables()).toHaveLength(2);
    method.dispose();
  });

  it('uses a linear warm-up/decay over the run when train() gives the total, and refuses bad options', () => {
    const { tower } = rotatedPairs(2, 4, 0);
    expect(() => AdapterMethod.forTower(tower, { temperature: 0 })).toThrow(/temperature must be a number > 0, got 0/);
    expect(() => AdapterMethod.forTower(tower, { learningRate: -1 })).toThrow(/learningRate must be a number >= 0/);
    expect(() => AdapterMethod.forTower(tower, { warmupRatio: 2 })).toThrow(/warmupRatio must be in \[0, 1\]/);
    expect(() => AdapterMethod.forTower(tower, { totalSteps: 1.5 })).toThrow(/totalSteps must be an integer >= 1/);
    const m = AdapterMethod.forTower(tower, { totalSteps: 10 });
    expect(m.optimizerSettings).toEqual({ learningRate: 1e-3, weightDecay: 0.01, warmupRatio: 0, maxGradNorm: 0 });
    expect(m.optimizers().optimizer).toBeInstanceOf(AdamW);
    expect(m.temperature).toBe(0.05);
    const x = tf.ones([2, 4]) as tf.Tensor2D;
    expect(() => m.step({ query: x, positive: x }, stepInfo(0, { totalSteps: 20 }))).toThrow(
      /options.totalSteps is 10 but train\(\) runs 20/,
    );
    expect(() => m.step({ query: x, positive: x }, undefined as never)).toThrow(/info must be a StepInfo/);
    x.dispose();
    m.dispose();
  });
});
