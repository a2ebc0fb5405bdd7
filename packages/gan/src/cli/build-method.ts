/** The method a `contrastive-gan` run trains, built from its settings (train, and probe / sample on a saved run). */
import * as tf from '@tensorflow/tfjs';
import type { Checkpointable, Method, Rng } from '@contrastive/core';
import type { RunSettings } from '@contrastive/core/cli';
import { contradAugment } from '../augment/index.js';
import { ContraD } from '../contrad/index.js';
import { GAN_LOSSES, r1Penalty } from '../losses/index.js';
import { GAN } from '../methods/index.js';
import { dcganDiscriminator, dcganGenerator, snProjectionHead, sndcganDiscriminator, sndcganGenerator } from '../models/index.js';
import type { LOSSES, MethodName } from './help.js';

/** Rows of the checkpointed score history (epoch, fid, kid, is): evaluations a run can hold. */
export const MAX_EVALS = 1024;
/** Name of the score-history variable in checkpoint/. */
export const SCORES_VARIABLE = 'eval/scores';

export type GanMethod = (GAN | ContraD) & Method<tf.Tensor4D>;

export function buildMethod(method: MethodName, s: RunSettings, shape: [number, number, number], seed: number): GanMethod {
  const opts = { imageSize: shape[0] as 28 | 32, channels: shape[2] as 1 | 3, width: Number(s.width), seed };
  const sn = s.arch === 'sndcgan';
  const generator = sn ? sndcganGenerator(opts) : dcganGenerator(opts);
  const d = sn ? sndcganDiscriminator({ ...opts, seed: seed + 1 }) : dcganDiscriminator({ ...opts, seed: seed + 1 });
  const lr = Number(s.lr);
  const adam = () => tf.train.adam(lr, 0.5, 0.999);
  if (method === 'contrad') {
    return new ContraD({
      generator,
      discriminator: d.encoder,
      disHead: d.head,
      // ContraD's SNDCGAN spectrally normalises its projection heads too.
      ...(sn
        ? {
            projection: snProjectionHead({ featureDim: d.featureDim, seed: seed + 2 }),
            projection2: snProjectionHead({ featureDim: d.featureDim, seed: seed + 3 }),
          }
        : {}),
      lambdaCon: Number(s['lambda-con']),
      temperature: Number(s.temperature),
      dOptimizer: adam(),
      gOptimizer: adam(),
      seed: seed + 4,
    });
  }
  const loss = GAN_LOSSES[s.loss as (typeof LOSSES)[number]];
  const gamma = Number(s.r1);
  return new GAN({
    name: method,
    generator,
    discriminator: d.encoder,
    head: d.head,
    dLoss: (r, f) => loss.d(r, f) as tf.Scalar,
    gLoss: (f) => loss.g(f) as tf.Scalar,
    ...(gamma > 0 ? { penalty: (score, real) => r1Penalty((x) => score(x as tf.Tensor4D), real, { gamma }) as tf.Scalar } : {}),
    ...(method === 'gan-diffaug' ? { augment: contradAugment() } : {}),
    dOptimizer: adam(),
    gOptimizer: adam(),
  });
}

/** `n` generated images in chunks of 500 (inference mode), concatenated. */
export function generate(m: GanMethod, n: number, rng: Rng): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < n; i += 500) parts.push(m.sample(Math.min(500, n - i), rng));
  const out = tf.concat(parts, 0) as tf.Tensor4D;
  tf.dispose(parts);
  return out;
}

/** The score history `[MAX_EVALS, 4]` (rows of −1 until written) that train checkpoints beside the method. */
export function scoreHistory(): tf.Variable {
  return tf.variable(tf.fill([MAX_EVALS, 4], -1), false, SCORES_VARIABLE);
}

/** What train checkpoints: the method's state plus the score history. */
export function runState(m: GanMethod, scores: tf.Variable): Checkpointable {
  return {
    stateTensors: () => ({ ...m.stateTensors(), [SCORES_VARIABLE]: scores }),
    optimizers: () => m.optimizers(),
  };
}
