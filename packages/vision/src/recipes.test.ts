import * as tf from '@tensorflow/tfjs';
import { createRng, getLearningRate, stepInfo } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { mocoV2Views, simclrViews } from './augment/presets.js';
import { buildEncoder } from './encoders/registry.js';
import { simclrProjector } from './heads/presets.js';
import type { BYOL } from './methods/byol.js';
import type { InstDisc } from './methods/instdisc.js';
import { MoCoV2 } from './methods/moco.js';
import { METHODS } from './methods/registry.js';
import { SimCLR } from './methods/simclr.js';
import type { VisionMethod } from './methods/common.js';
import {
  createMethodFromRecipe,
  findVisionRecipe,
  RECIPES,
  recipeBatchSize,
  recipeViews,
  smallDataBatchSize,
  smallDataNegatives,
  smallDataQueueSize,
  smallRecipe,
} from './recipes.js';

useCpuLeakCheck();

const inputShape: [number, number, number] = [8, 8, 1];
const images = () => tf.tidy(() => tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D);

/** Every weight's values and one step's loss: two methods built the same way agree on both. */
function fingerprint(m: VisionMethod): { names: string[]; values: number[][]; loss: number } {
  const state = m.stateTensors();
  const values = Object.values(state).map((v) => Array.from(v.dataSync()));
  const x = images();
  const batch = { images: x, indices: Int32Array.from({ length: 6 }, (_, i) => i) };
  const loss = m.step(batch, stepInfo(0, { seed: 4, totalSteps: 10 }));
  const out = { names: Object.keys(state), values, loss: loss.dataSync()[0]! };
  tf.dispose([x, loss]);
  m.dispose();
  return out;
}

describe('recipes', () => {
  it('one paper and one small recipe per method, each building its method', () => {
    for (const method of METHODS) {
      expect(RECIPES.filter((r) => r.method === method).map((r) => r.name)).toEqual(
        expect.arrayContaining([`${method}-paper`, `${method}-small`]),
      );
    }
    for (const r of RECIPES) {
      const m = createMethodFromRecipe(r, { inputShape, datasetSize: 40, seed: 1, overrides: { encoder: 'small-cnn' } });
      expect(m.name).toBe(r.method);
      m.dispose();
    }
    expect(() => findVisionRecipe('swav-small')).toThrow(/unknown vision recipe 'swav-small'; valid: 'simclr-paper'/);
  });

  it('simclr-small is exactly what the CLI built before recipes: views, head D → D → 64, τ 0.2, Adam 1e-3, seed', () => {
    const oldConstruction = () => {
      const encoder = buildEncoder({ name: 'small-cnn', inputShape, seed: 2, widthMultiplier: 0.25 });
      const d = encoder.outputs[0]!.shape[1] as number;
      const views = simclrViews({ scale: [0.2, 1], blur: false, strength: 0.5 });
      return new SimCLR({
        encoder,
        views,
        learningRate: 1e-3,
        seed: 2,
        temperature: 0.2,
        projector: simclrProjector({ hidden: d, out: 64 }),
      });
    };
    const recipe = createMethodFromRecipe('simclr-small', { inputShape, datasetSize: 40, seed: 2 }) as SimCLR;
    expect(recipe.temperature).toBe(0.2);
    expect(fingerprint(recipe)).toEqual(fingerprint(oldConstruction()));
    const linear = createMethodFromRecipe(smallRecipe('simclr', 'linear'), { inputShape, datasetSize: 40 }) as SimCLR;
    expect(linear.projector.layers.map((l) => l.getClassName())).toEqual(['Dense']);
    linear.dispose();
  });

  it('moco-v2-small and instdisc-small keep the small-data queue and negatives rules', () => {
    expect([smallDataQueueSize(100), smallDataQueueSize(3000), smallDataQueueSize(60000)]).toEqual([1, 2816, 4096]);
    expect([smallDataNegatives(40), smallDataNegatives(3000)]).toEqual([39, 1024]);
    const oldConstruction = () =>
      new MoCoV2({
        encoder: buildEncoder({ name: 'small-cnn', inputShape, seed: 0 }),
        views: mocoV2Views({ scale: [0.2, 1], blur: false }),
        learningRate: 1e-3,
        seed: 0,
        queueSize: 512,
      });
    const recipe = createMethodFromRecipe('moco-v2-small', { inputShape, datasetSize: 700 }) as MoCoV2;
    expect(recipe.queue.size).toBe(512);
    expect(recipe.temperature).toBe(0.2);
    expect(fingerprint(recipe)).toEqual(fingerprint(oldConstruction()));
    const inst = createMethodFromRecipe('instdisc-small', { inputShape, datasetSize: 40 }) as InstDisc;
    expect({ objective: inst.objective, k: inst.negatives, temperature: inst.temperature }).toEqual({
      objective: 'softmax',
      k: 39,
      temperature: 0.1,
    });
    inst.dispose();
    const nce = createMethodFromRecipe('instdisc-small', {
      inputShape,
      datasetSize: 40,
      overrides: { objective: 'nce', temperature: 0.1 },
    }) as InstDisc;
    expect({ objective: nce.objective, temperature: nce.temperature }).toEqual({ objective: 'nce', temperature: 0.1 });
    nce.dispose();
  });

  it('BYOL / SimSiam / InstDisc small recipes: batch from the data-set size, BYOL τ_base capped by the run length, predictors 10× faster', () => {
    expect([50, 640, 1272, 1300, 3000, 5120, 60000].map(smallDataBatchSize)).toEqual([32, 32, 64, 64, 128, 256, 256]);
    expect(() => smallDataBatchSize(0)).toThrow(/datasetSize must be an integer >= 1, got 0/);
    for (const name of ['byol-small', 'simsiam-small', 'instdisc-small']) expect(recipeBatchSize(name, 1300)).toBe(64);
    // The contrastive recipes keep batch 256 (their negatives come from the batch); the paper recipes theirs.
    for (const name of ['simclr-small', 'moco-v2-small', 'moco-v3-small', 'instdisc-paper']) expect(recipeBatchSize(name, 1300)).toBe(256);
    const byol = createMethodFromRecipe('byol-small', { inputShape, datasetSize: 40 }) as BYOL;
    expect({ h: byol.momentumHorizon, tau: byol.momentum, at200: byol.startMomentum(200), at1e5: byol.startMomentum(100_000) }).toEqual({
      h: 10,
      tau: 0.99,
      at200: 0.95,
      at1e5: 0.99,
    });
    expect(getLearningRate(byol.optimizers().predictor_optimizer!)).toBeCloseTo(1e-2, 12);
    byol.dispose();
    const paper = createMethodFromRecipe('byol-paper', { inputShape, datasetSize: 40 }) as BYOL;
    expect({ h: paper.momentumHorizon, optimizers: Object.keys(paper.optimizers()) }).toEqual({ h: 0, optimizers: ['optimizer'] });
    paper.dispose();
    const siam = createMethodFromRecipe('simsiam-small', { inputShape, datasetSize: 40, overrides: { learningRate: 2e-3 } });
    expect(getLearningRate(siam.optimizers().predictor_optimizer!)).toBeCloseTo(2e-2, 12);
    siam.dispose();
  });

  it('small views: the paper preset with crops from 20 %, blur only from 64 px; the paper recipes keep the class presets', () => {
    for (const size of [28, 64]) {
      const x = tf.tidy(() => tf.randomUniform([2, size, size, 3], 0, 1, 'float32', 5) as tf.Tensor4D);
      const [a] = recipeViews('simclr-small', size)!;
      const [b] = simclrViews({ scale: [0.2, 1], blur: size >= 64, strength: 0.5 });
      const [ya, yb] = [a(x, createRng(1)), b(x, createRng(1))];
      expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
      tf.dispose([x, ya, yb]);
    }
    expect(recipeViews('byol-paper', 28)).toBeUndefined();
  });
});
