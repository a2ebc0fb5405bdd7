/** The GRCL of a `contrastive-losses continual` run, built from its resolved settings (the command and its data-parallel replicas). */
import * as tf from '@tensorflow/tfjs';
import { cloneModel, layersEncoder } from '@contrastive/core';
import { smallCnnEncoder } from '@contrastive/vision';
import { GRCL } from '../grcl/index.js';

/** What builds a continual run's method: plain data (a replica receives it through `postMessage`). */
export interface ContinualMethodArgs {
  method: 'grcl' | 'finetune';
  imageShape: [number, number, number];
  numClasses: number;
  /** Target domains (memory slots). */
  targets: number;
  memorySize: number;
  queueSize: number;
  temperature: number;
  sourceWeight: number;
  momentum: number;
  lr: number;
  seed: number;
}

/** The backbone (vision's small CNN, saved to model/) and the GRCL that trains it. */
export function buildGrcl(a: ContinualMethodArgs): { grcl: GRCL; backbone: tf.LayersModel } {
  const backbone = smallCnnEncoder({ inputShape: a.imageShape, seed: a.seed });
  const grcl = new GRCL({
    encoder: layersEncoder(backbone),
    keyEncoder: layersEncoder(cloneModel(backbone), 'key_encoder'),
    momentum: a.momentum,
    featureDim: backbone.outputs[0]!.shape[1] as number,
    numClasses: a.numClasses,
    inputShape: a.imageShape,
    domains: a.targets,
    memorySize: a.memorySize,
    queueSize: a.queueSize,
    temperature: a.temperature,
    sourceWeight: a.sourceWeight,
    project: a.method === 'grcl',
    optimizer: tf.train.momentum(a.lr, 0.9),
    seed: a.seed,
  });
  return { grcl, backbone };
}

/** The name of the accuracy-matrix variable the command checkpoints beside GRCL's state. */
export const ACCURACY_VARIABLE = 'eval/accuracy';

/** The accuracy matrix `[targets, domains]` (−1 until scored: the finite-state check refuses NaN). */
export function accuracyMatrix(targets: number, domains: number): tf.Variable {
  return tf.variable(tf.fill([targets, domains], -1), false, ACCURACY_VARIABLE);
}
