/**
 * Small-data sweep for BYOL / SimSiam / InstDisc (issue 26): trains named variants of the `*-small` recipes on one
 * data set and seed and scores them as `contrastive-vision train` does (kNN with k = min(200, smallest class),
 * linear probe, same seed), next to the same-seed random-init encoder. Prints one JSON line per variant.
 *   node --import tsx scripts/small-data-sweep.ts <fm|clip> <seed> <variant> [variant…]
 * `fm`: the bundled Fashion-MNIST subset, first 1,300 training images, 32 px (as `--data bundled --limit 1300
 * --image-size 32`); `clip`: the OpenClipArt folder of `make-clipart-folder.ts` (train/ and test/ under
 * $CLIPART, default /work/runs/v26/clipart). Variants: see VARIANTS below (`list` prints them).
 * Diagnostics per run: epoch losses; BYOL: how far the target moved from its init relative to the online
 * network (‖ξ_T − ξ_0‖ / ‖θ_T − θ_0‖ over the encoder weights) and the cosine of online and target projections.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultKnnK, initBackend, l2Normalize, train } from '@contrastive/core';
import { byolViews, mocoV1Views, mocoV2Views, simclrViews } from '../src/augment/presets.js';
import { openData, scoringSets } from '../src/cli/data.js';
import { scoreEncoder } from '../src/cli/evaluate.js';
import { imageBatches, limitDataset, type ImageDataset } from '../src/io/dataset.js';
import { BYOL } from '../src/methods/byol.js';
import { buildEncoder } from '../src/encoders/registry.js';
import { createMethodFromRecipe, findVisionRecipe, recipeBatchSize, type VisionRecipe, type VisionRecipeOptions } from '../src/recipes.js';

type Variant = { base: string; batchSize?: number; options?: Partial<VisionRecipeOptions> & Record<string, unknown> };
const crop = { scale: [0.2, 1] as [number, number], blur: false };

const VARIANTS: Record<string, Variant> = {
  simclr: { base: 'simclr-small' },
  // The three recipes as they were before issue 26's small-data change (batch 256, τ_base 0.99, one LR, τ 0.07).
  'old-byol': { base: 'byol-small', batchSize: 256, options: { momentumHorizon: 0, predictorLrScale: 1 } },
  'old-simsiam': { base: 'simsiam-small', batchSize: 256, options: { predictorLrScale: 1 } },
  'old-instdisc': { base: 'instdisc-small', batchSize: 256, options: { temperature: 0.07 } },
  byol: { base: 'byol-small' },
  'byol-tau0.9': { base: 'byol-small', options: { momentum: 0.9 } },
  'byol-tau0.8': { base: 'byol-small', options: { momentum: 0.8 } },
  'byol-tau0.5': { base: 'byol-small', options: { momentum: 0.5 } },
  'byol-tau0': { base: 'byol-small', options: { momentum: 0 } },
  'byol-b64': { base: 'byol-small', batchSize: 64 },
  'byol-b64-tau0.9': { base: 'byol-small', batchSize: 64, options: { momentum: 0.9 } },
  'byol-lr3e-3': { base: 'byol-small', options: { learningRate: 3e-3 } },
  'byol-simclrviews': { base: 'byol-small', options: { views: () => simclrViews({ ...crop, strength: 0.5 }) } },
  'byol-h10': { base: 'byol-small', options: { momentumHorizon: 10 } },
  'byol-h10-b64': { base: 'byol-small', batchSize: 64, options: { momentumHorizon: 10 } },
  'byol-h10-plr10': { base: 'byol-small', options: { momentumHorizon: 10, predictorLrScale: 10 } },
  'byol-plr10': { base: 'byol-small', options: { predictorLrScale: 10 } },
  simsiam: { base: 'simsiam-small' },
  'simsiam-b64-plr10': { base: 'simsiam-small', batchSize: 64, options: { predictorLrScale: 10 } },
  'byol-b64-h10-plr10': { base: 'byol-small', batchSize: 64, options: { momentumHorizon: 10, predictorLrScale: 10 } },
  'byol-b64-h10': { base: 'byol-small', batchSize: 64, options: { momentumHorizon: 10 } },
  'instdisc-b64-m0': { base: 'instdisc-small', batchSize: 64, options: { bankMomentum: 0 } },
  'simsiam-plr10': { base: 'simsiam-small', options: { predictorLrScale: 10 } },
  'simsiam-2layer': {
    base: 'simsiam-small',
    options: {
      projector: (d: number) => [
        { units: d, bias: false, bn: 'affine', relu: true },
        { units: d, bias: false, bn: 'plain' },
      ],
    },
  },
  'simsiam-2layer-plr10': {
    base: 'simsiam-small',
    options: {
      predictorLrScale: 10,
      projector: (d: number) => [
        { units: d, bias: false, bn: 'affine', relu: true },
        { units: d, bias: false, bn: 'plain' },
      ],
    },
  },
  'simsiam-b64': { base: 'simsiam-small', batchSize: 64 },
  'simsiam-lr3e-3': { base: 'simsiam-small', options: { learningRate: 3e-3 } },
  'simsiam-simclrviews': { base: 'simsiam-small', options: { views: () => simclrViews({ ...crop, strength: 0.5 }) } },
  'simsiam-byolviews': { base: 'simsiam-small', options: { views: () => byolViews(crop) } },
  instdisc: { base: 'instdisc-small' },
  'instdisc-b64': { base: 'instdisc-small', batchSize: 64 },
  'instdisc-m0': { base: 'instdisc-small', options: { bankMomentum: 0 } },
  'instdisc-m0-b64': { base: 'instdisc-small', batchSize: 64, options: { bankMomentum: 0 } },
  'instdisc-b64-t0.1': { base: 'instdisc-small', batchSize: 64, options: { temperature: 0.1 } },
  'instdisc-t0.2': { base: 'instdisc-small', options: { temperature: 0.2 } },
  'instdisc-mocov2views': { base: 'instdisc-small', options: { views: () => mocoV2Views(crop) } },
  'instdisc-v1views': { base: 'instdisc-small', options: { views: () => mocoV1Views(crop) } },
};

function extraOptions(v: Variant): Record<string, unknown> {
  const { views, momentum, learningRate, temperature, momentumHorizon, bankMomentum, predictorLrScale, projector, ...rest } =
    v.options ?? {};
  return rest;
}

async function openSets(which: string): Promise<{ train: ImageDataset; test: ImageDataset }> {
  if (which === 'fm') {
    const opened = await openData('data', 'bundled', 'train', { imageSize: 32 });
    const s = await scoringSets(limitDataset(opened, 1300), { dataPath: 'bundled', seed: 0, imageSize: 32, channels: 1 });
    return { train: s.train, test: s.test! };
  }
  const root = process.env.CLIPART ?? '/work/runs/v26/clipart';
  const opened = await openData('data', `${root}/train`, 'train', { imageSize: 32, channels: 3 });
  const s = await scoringSets(opened, { dataPath: `${root}/train`, evalData: `${root}/test`, seed: 0, imageSize: 32, channels: 3 });
  return { train: s.train, test: s.test! };
}

function flatWeights(m: tf.LayersModel): Float32Array[] {
  return m.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
}
function dist(a: Float32Array[], b: Float32Array[]): number {
  let s = 0;
  a.forEach((x, i) => x.forEach((v, j) => (s += (v - b[i]![j]!) ** 2)));
  return Math.sqrt(s);
}

const [which = 'fm', seedArg = '1', ...names] = process.argv.slice(2);
if (names[0] === 'list' || names.length === 0) {
  console.log(Object.keys(VARIANTS).join('\n'));
  process.exit(0);
}
const seed = Number(seedArg);
const backend = await initBackend({});
const { train: trainDs, test: testDs } = await openSets(which);
const k = defaultKnnK(trainDs.labels!);
const channels = trainDs.channels as 1 | 3;
const t0 = performance.now();
const enc0 = buildEncoder({ name: 'small-cnn', inputShape: [32, 32, channels], seed, widthMultiplier: 0.25 });
const r0 = await scoreEncoder(enc0, trainDs, testDs, { seed, knnK: k });
r0.testEmbeddings.dispose();
enc0.dispose();
console.log(
  JSON.stringify({
    data: which,
    seed,
    variant: 'random-init',
    knn: r0.knnAccuracy,
    probe: r0.linearProbeAccuracy,
    seconds: (performance.now() - t0) / 1000,
  }),
);

for (const name of names) {
  const v = VARIANTS[name];
  if (!v) throw new Error(`unknown variant ${name}; try 'list'`);
  const base = findVisionRecipe(v.base);
  const recipe: VisionRecipe = { ...base, name: `${v.base}+${name}`, options: { ...base.options, ...(v.options ?? {}) } };
  const batchSize = Math.min(v.batchSize ?? recipeBatchSize(recipe, trainDs.size), Math.floor(trainDs.size / 2));
  const method = createMethodFromRecipe(recipe, { inputShape: [32, 32, channels], datasetSize: trainDs.size, seed });
  if (Object.keys(extraOptions(v)).length > 0)
    throw new Error(`variant ${name}: options the recipe cannot pass: ${Object.keys(extraOptions(v))}`);
  const encInit = flatWeights(method.encoder);
  const started = performance.now();
  const stepsPerEpoch = Math.floor(trainDs.size / batchSize);
  const result = await train({
    method,
    batches: (_e, rng) => imageBatches(trainDs, { batchSize, rng, dropLast: true }),
    epochs: 10,
    stepsPerEpoch,
    seed,
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const diag: Record<string, number> = {};
  if (method instanceof BYOL)
    try {
      const online = dist(flatWeights(method.encoder), encInit);
      const target = dist(flatWeights(method.targetEncoder), encInit);
      diag.targetDriftRatio = target / online;
      const imgs = await testDs.read(Int32Array.from({ length: 256 }, (_, i) => i));
      diag.onlineTargetCos = tf.tidy(() => {
        const a = l2Normalize(method.projector.apply(method.encoder.apply(imgs, { training: true }), { training: true }) as tf.Tensor2D);
        const b = l2Normalize(method.targetProject(imgs));
        return tf.mean(tf.sum(tf.mul(a, b), -1)).dataSync()[0]!;
      });
      diag.lastMomentum = method.lastMomentum;
      imgs.dispose();
    } catch (e) {
      console.error(`diagnostics failed: ${(e as Error).message}`);
    }
  const r = await scoreEncoder(method.encoder, trainDs, testDs, { seed, knnK: k });
  r.testEmbeddings.dispose();
  method.dispose();
  console.log(
    JSON.stringify({
      data: which,
      seed,
      variant: name,
      batchSize,
      steps: result.globalStep,
      knn: r.knnAccuracy,
      probe: r.linearProbeAccuracy,
      losses: result.epochLosses.map((l) => Number(l.toFixed(4))),
      trainSeconds: Number(trainSeconds.toFixed(1)),
      backend,
      ...diag,
    }),
  );
}
