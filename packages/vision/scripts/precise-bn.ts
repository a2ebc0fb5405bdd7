/**
 * Diagnostic: how much do a run's batch-norm inference statistics cost its scores? Recomputes them
 * "precisely" (Wu & Johnson 2021, "Rethinking 'Batch' in BatchNorm"): the final weights are run in training
 * mode over `--batches` batches of the run's own first augmented view of its training images, and every BN
 * layer's moving mean / variance becomes the exact average of those batch statistics (momentum k/(k+1) at
 * batch k); then the same kNN + linear probe as `contrastive-vision eval`. The run folder is not modified.
 *
 *   node --import tsx scripts/precise-bn.ts --checkpoint DIR --data PATH [--batches 100] [--batch-size 256]
 *
 * Prints one JSON line: the run's recorded summary scores (if any) beside the precise-BN ones.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend } from '@contrastive/core';
import { defaultKnnK } from '@contrastive/core/cli';
import { openData, scoringSets } from '../src/cli/data.js';
import { scoreEncoder } from '../src/cli/evaluate.js';
import { readVisionRun } from '../src/cli/run-config.js';
import { loadTrainedRun } from '../src/cli/trained-run.js';
import { recipeViews } from '../src/recipes.js';
import { imageBatches } from '../src/io/dataset.js';

const { values: v } = parseArgs({
  options: { checkpoint: { type: 'string' }, data: { type: 'string' }, batches: { type: 'string' }, 'batch-size': { type: 'string' } },
});
if (!v.checkpoint || !v.data) throw new Error('usage: precise-bn.ts --checkpoint DIR --data PATH [--batches N] [--batch-size N]');
const dir = v.checkpoint;
const batches = Number(v.batches ?? 100);
const batchSize = Number(v['batch-size'] ?? 256);
const started = performance.now();
await initBackend({ log: false });
const { config: cfg } = await readVisionRun(dir, 'checkpoint');
const data = await openData('data', v.data, 'train', { imageSize: cfg.imageSize, channels: cfg.channels });
const { train, test } = await scoringSets(data, {
  dataPath: v.data,
  evalSplit: cfg.evalSplit,
  seed: cfg.seed,
  imageSize: cfg.imageSize,
  channels: cfg.channels,
});
if (!test) throw new Error('needs a labeled test set (IDX t10k files or the run evalSplit)');
const { method: m } = await loadTrainedRun(dir, cfg);
const bns = m.encoder.layers.filter((l: tf.layers.Layer) => l.getClassName() === 'BatchNormalization') as unknown as { momentum: number }[];
const view = recipeViews(cfg.recipe, cfg.imageSize)![0];
const rng = createRng(cfg.seed + 12345);
let k = 0;
for await (const b of imageBatches(train, { batchSize, rng, dropLast: true })) {
  if (k >= batches) {
    b.images.dispose();
    break;
  }
  for (const l of bns) l.momentum = k / (k + 1);
  tf.tidy(() => {
    m.encoder.apply(view(b.images, rng), { training: true });
  });
  b.images.dispose();
  k++;
}
const s = await scoreEncoder(m.encoder, train, test, { seed: cfg.seed, knnK: defaultKnnK(train.labels!), progress: process.stderr });
s.testEmbeddings.dispose();
m.dispose();
const recorded = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8').catch(() => '{}')) as Record<string, unknown>;
console.log(
  JSON.stringify({
    checkpoint: dir,
    method: cfg.method,
    encoder: cfg.encoder,
    bnLayers: bns.length,
    batches: k,
    batchSize,
    // summary.json keeps the scores under metrics (core's RunSummary); runs before it kept them at the top level.
    recordedKnnAccuracy: (recorded['metrics'] as Record<string, unknown> | undefined)?.['knnAccuracy'] ?? recorded['knnAccuracy'] ?? null,
    recordedLinearProbeAccuracy:
      (recorded['metrics'] as Record<string, unknown> | undefined)?.['linearProbeAccuracy'] ?? recorded['linearProbeAccuracy'] ?? null,
    preciseBnKnnAccuracy: s.knnAccuracy,
    preciseBnLinearProbeAccuracy: s.linearProbeAccuracy,
    seconds: Math.round((performance.now() - started) / 1000),
  }),
);
