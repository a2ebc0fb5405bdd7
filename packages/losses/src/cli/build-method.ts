/** The method a `contrastive-losses train` run trains, built from its settings (the command and its data-parallel replicas). */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { RunSettings } from '@contrastive/core/cli';
import { compose, horizontalFlip, mocoV2Views, randomResizedCrop } from '@contrastive/vision';
import { JCL } from '../jcl/index.js';
import { PaCo } from '../paco/index.js';
import { findLossesRecipe } from '../recipes.js';
import { type LabelledBatch, SupervisedBaseline } from './baselines.js';
import type { LoadedData } from './data.js';
import type { MethodName } from './flags.js';

/** The CLI's defaults: the `-small` recipes (SupCon's τ is SupCon's paper value). */
const JCL_SMALL = findLossesRecipe('jcl-small').options;
const PACO_SMALL = findLossesRecipe('paco-small').options;
export const SUPCON_TEMPERATURE = 0.1;

/** The augmentation every method uses (PaCo's query and key views, SupCon's two views, CE's one). */
function augmentation(height: number, width: number): (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D {
  return compose(randomResizedCrop({ size: [height, width], scale: [0.2, 1] }), horizontalFlip({ p: 0.5 }));
}

/** What a method needs to know of the data (the loaded data, or a replica's copy of it). */
export type MethodData = Pick<LoadedData, 'imageShape' | 'numClasses' | 'classCounts'>;

/** The method `name` on `encoder`, with the run's resolved settings `s` (the train command, and each data-parallel replica). */
export function buildMethod(name: MethodName, data: MethodData, s: RunSettings, seed: number, encoder: tf.LayersModel) {
  const aug = augmentation(data.imageShape[0], data.imageShape[1]);
  if (name === 'jcl') {
    // vision's moco-v2-small settings (JCL is MoCo v2 + the Gaussian term): its views, Adam with cosine decay,
    // two shuffled BN sub-batches — so `contrastive-vision train --method moco-v2` is the same-settings baseline.
    const [view] = mocoV2Views({ size: [data.imageShape[0], data.imageShape[1]], scale: [0.2, 1], blur: data.imageShape[0] >= 64 });
    return new JCL<LabelledBatch>({
      encoder,
      views: (b, rng) => view(b.x, rng),
      keyViews: Number(s['key-views']),
      queueSize: Number(s['queue-size']),
      temperature: Number(s.temperature),
      lambda: Number(s.lambda),
      epochs: Number(s.epochs),
      optimizer: tf.train.adam(Number(s.lr)),
      cosineLr: JCL_SMALL.cosineLr!,
      bnGroups: JCL_SMALL.bnGroups!,
      seed,
    });
  }
  const optimizer = tf.train.momentum(Number(s.lr), 0.9);
  if (name === 'paco') {
    return new PaCo<tf.Tensor4D>({
      encoder,
      numClasses: data.numClasses,
      classCounts: data.classCounts,
      views: (x, rng) => [aug(x, rng), aug(x, rng)],
      queueSize: Number(s['queue-size']),
      projectionDim: PACO_SMALL.projectionDim!,
      alpha: Number(s.alpha),
      temperature: Number(s.temperature),
      optimizer,
      seed,
    });
  }
  return new SupervisedBaseline({
    loss: name,
    encoder,
    numClasses: data.numClasses,
    classCounts: data.classCounts,
    views: aug,
    ...(name === 'supcon' ? { temperature: Number(s.temperature) } : {}),
    optimizer,
    seed,
  });
}
