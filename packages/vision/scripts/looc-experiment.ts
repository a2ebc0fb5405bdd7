/**
 * The LooC table of docs/results-vision.md: train one recipe on the bundled Fashion-MNIST subset, then score
 * its readouts with the class probe (kNN + linear probe, the CLI's `scoreEncoder`) and the rotation probe
 * (`rotationProbe`: predict k·90° of a rotated image from the frozen features).
 *   node --import tsx scripts/looc-experiment.ts RECIPE EPOCHS SEED OUT_JSON
 * RECIPE: `looc-small` (readouts backbone = LooC, concat = LooC++), `moco-v2-atomic-small` (the invariant
 * baseline: MoCo v2 with the same atomic augmentations, rotation included), or `random` (the untrained
 * LooC network: the shared random-init encoder and its random heads, no training).
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { defaultKnnK, initBackend, l2Normalize, type Encoder } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { openData, scoringSets } from '../src/cli/data.js';
import { scoreEncoder } from '../src/cli/evaluate.js';
import { rotationProbe } from '../src/eval/rotation-probe.js';
import { imageBatches } from '../src/io/dataset.js';
import { embedImages } from '../src/methods/common.js';
import { LooC } from '../src/methods/looc.js';
import { createMethodFromRecipe } from '../src/recipes.js';

const [recipeArg = 'looc-small', epochsArg = '3', seedArg = '0', out = '/tmp/looc-experiment.json'] = process.argv.slice(2);
const epochs = Number(epochsArg);
const seed = Number(seedArg);
const backend = await initBackend({ log: false });
const t0 = performance.now();
const ds = await openData('data', 'bundled', 'train', {});
const { train: trainDs, test } = await scoringSets(ds, { dataPath: 'bundled', seed, imageSize: ds.height, channels: ds.channels as 1 | 3 });
if (!trainDs.labels || !test?.labels) throw new Error('looc-experiment: needs labels');
const recipe = recipeArg === 'random' ? 'looc-small' : recipeArg;
const method = createMethodFromRecipe(recipe, { inputShape: [ds.height, ds.width, ds.channels], datasetSize: trainDs.size, seed });
const batchSize = 256;
const stepsPerEpoch = Math.floor(trainDs.size / batchSize);
const loadBefore = loadavg();
let trainSeconds = 0;
let epochLosses: number[] = [];
if (recipeArg !== 'random') {
  const t = performance.now();
  const result = await train({
    method,
    batches: (_epoch, rng) => imageBatches(trainDs, { batchSize, rng, dropLast: true }),
    epochs,
    stepsPerEpoch,
    seed,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  trainSeconds = (performance.now() - t) / 1000;
  epochLosses = result.epochLosses;
}
const loadAfterTrain = loadavg();
const readouts: Record<string, tf.LayersModel | Encoder<tf.Tensor4D>> =
  method instanceof LooC
    ? { backbone: method.readoutEncoder('backbone'), concat: method.readoutEncoder('concat'), ...spaceReadouts(method) }
    : { backbone: method.encoder };
const knnK = defaultKnnK(trainDs.labels);
const scores: Record<string, unknown> = {};
for (const [name, enc] of Object.entries(readouts)) {
  const s = await scoreEncoder(enc, trainDs, test, { seed, knnK });
  const dim = s.testEmbeddings.shape[1];
  s.testEmbeddings.dispose();
  const rot = await rotationProbe((x) => embedImages(enc, x), trainDs, test, { seed });
  scores[name] = {
    dim,
    knn: s.knnAccuracy,
    classProbe: s.linearProbeAccuracy,
    rotationProbe: rot.accuracy,
    rotationProbeTrain: rot.trainAccuracy,
  };
  process.stderr.write(`${recipeArg} ${name}: ${JSON.stringify(scores[name])}\n`);
}
method.dispose();
const summary = {
  recipe: recipeArg,
  epochs: recipeArg === 'random' ? 0 : epochs,
  seed,
  backend,
  batchSize,
  steps: recipeArg === 'random' ? 0 : epochs * stepsPerEpoch,
  trainImages: trainDs.size,
  testImages: test.size,
  knnK,
  epochLosses,
  trainSeconds,
  totalSeconds: (performance.now() - t0) / 1000,
  load: { beforeTrain: loadBefore, afterTrain: loadAfterTrain, end: loadavg() },
  scores,
};
await writeFile(out, `${JSON.stringify(summary, null, 1)}\n`);
console.log(JSON.stringify(summary));

/** Each head space alone (z_i = normalize(g_i(f(x))), inference mode): which space keeps what. */
function spaceReadouts(m: LooC): Record<string, Encoder<tf.Tensor4D>> {
  const names = ['invariant', ...m.views.augs];
  return Object.fromEntries(
    m.heads.map((g, i) => [
      `z${i}:${names[i]}`,
      {
        ...m.readoutEncoder('backbone'),
        name: `looc-z${i}`,
        apply: (x: tf.Tensor4D, training: boolean) =>
          tf.tidy(() => l2Normalize(g.apply(m.encoder.apply(x, { training }) as tf.Tensor2D, { training }) as tf.Tensor2D)),
      },
    ]),
  );
}
