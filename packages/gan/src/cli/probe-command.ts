/** `contrastive-gan probe`: a run's discriminator scored as a representation (linear probe, kNN) beside baselines. */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, countNonFinite, initBackend, knnAccuracy, linearProbe } from '@contrastive/core';
import type { CliIo, RunSummary } from '@contrastive/core/cli';
import {
  finishRun,
  intFlag,
  oneOfFlag,
  replaceNonFinite,
  requiredFlag,
  resolveKnnK,
  roundSummaryNumbers,
  startCommand,
  stringFlag,
  UsageError,
} from '@contrastive/core/cli';
import { writeFileAtomic } from '@contrastive/core/node';
import { type ImageDataset, imageBatches } from '@contrastive/vision';
import { openIdxFlag } from './data.js';
import { PROBE_HELP, PROBE_SPEC, TOOL } from './help.js';
import { loadGanRun, readGanRun } from './trained-run.js';

/** The file probe writes into the run folder. */
export const PROBE_FILE = 'probe.json';

/** `f(images)` of a whole dataset, batch by batch (the images never all in memory at once). */
async function features(ds: ImageDataset, f: (x: tf.Tensor4D) => tf.Tensor2D): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  for await (const b of imageBatches(ds, { batchSize: 256 })) {
    parts.push(tf.tidy(() => f(b.images)));
    b.images.dispose();
  }
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** Refuses non-finite features (NaN ranks and classifies arbitrarily), naming what produced them. */
async function assertFinite(x: tf.Tensor2D, what: string): Promise<void> {
  const { nan, inf } = countNonFinite(await x.data());
  if (nan + inf > 0) throw new UsageError(`${what} has non-finite (NaN or ±Infinity) features; nothing was scored`);
}

export async function probeCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, PROBE_SPEC, PROBE_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const dir = requiredFlag(v, 'checkpoint', 'a run folder written by train --out');
  const limit = intFlag(v, 'limit', 2);
  const testLimit = intFlag(v, 'test-limit', 1);
  const probeEpochs = intFlag(v, 'probe-epochs', 1) ?? 100;
  const backendFlag = oneOfFlag(v, 'backend', BACKENDS);
  const { record, method, shape, seed } = await readGanRun(dir, 'checkpoint');
  const data = stringFlag(v, 'data') ?? String(record.config.data ?? 'bundled');
  const trainDs = await openIdxFlag('data', data, 'train', limit);
  const testDs = await openIdxFlag('data', data, 'test', testLimit);
  if (!trainDs.labels || !testDs.labels)
    throw new UsageError(`--data ${data}: the probe needs labels for the train and test splits (IDX *-labels-idx1-ubyte files)`);
  if (new Set(trainDs.labels).size < 2)
    throw new UsageError(`--data ${data}: the train split holds a single class; a probe over one class is trivially right`);
  const got = [trainDs.height, trainDs.width, trainDs.channels];
  if (got.join() !== shape.join())
    throw new UsageError(`--data ${data}: ${got.join('×')} images; ${dir}'s discriminator takes ${shape.join('×')}`);
  const knn = resolveKnnK(v, trainDs.labels);
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log: ctx.log });

  const score = async (name: string, f: (x: tf.Tensor4D) => tf.Tensor2D) => {
    ctx.log(`${name}: features of ${trainDs.size} train and ${testDs.size} test images`);
    const tr = await features(trainDs, f);
    const te = await features(testDs, f);
    try {
      await assertFinite(tr, name);
      await assertFinite(te, name);
      const knnAcc = knnAccuracy(tr, trainDs.labels!, te, testDs.labels!, { k: knn.k, temperature: 0.1 });
      const probe = linearProbe(tr, trainDs.labels!, te, testDs.labels!, { seed, epochs: probeEpochs });
      ctx.log(`${name}: linear probe ${(100 * probe.accuracy).toFixed(1)}%, kNN ${(100 * knnAcc).toFixed(1)}% (d = ${tr.shape[1]})`);
      return { linearProbeAccuracy: probe.accuracy, probeTrainAccuracy: probe.trainAccuracy, knnAccuracy: knnAcc, featureDim: tr.shape[1] };
    } finally {
      tf.dispose([tr, te]);
    }
  };
  const trained = await loadGanRun(dir, 'checkpoint');
  const init = await loadGanRun(dir, 'checkpoint', { initOnly: true });
  try {
    const dOf = (m: typeof trained) => (x: tf.Tensor4D) => m.model.discriminator.apply(x, { training: false }) as tf.Tensor2D;
    const disc = await score('discriminator', dOf(trained));
    const random = await score('discriminator at initialisation', dOf(init));
    const pixels = await score('raw pixels', (x) => tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D);
    const summary: RunSummary = {
      method,
      domain: 'gan',
      seed,
      epochs: trained.epochs,
      steps: trained.steps,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: 0,
      backend,
      out: dir,
      finalLoss: null,
      metrics: { ...disc, knnK: knn.k, knnKSource: knn.source, probeEpochs, trainImages: trainDs.size, testImages: testDs.size, data },
      baselines: { randomInit: random, rawPixels: pixels },
      notes: [
        "features: the discriminator's penultimate layer (its encoder's flattened last conv map), inference mode",
        `linear probe: core linearProbe (standardised features, Adam with cosine decay, ${probeEpochs} epochs, seed ${seed}); kNN: cosine, τ 0.1, k ${knn.k}`,
        `baselines.randomInit: the same discriminator at its seeded initialisation; baselines.rawPixels: the ${shape.join('×')} pixels`,
      ],
    };
    await writeFileAtomic(join(dir, PROBE_FILE), `${JSON.stringify(replaceNonFinite(roundSummaryNumbers(summary)).summary, null, 2)}\n`);
    return finishRun(summary, io, { json: ctx.json, tool: TOOL });
  } finally {
    trained.dispose();
    init.dispose();
  }
}
