// Small PaCo and JCL runs for the data-parallel tests: vision's small CNN (batch norm in every block) on 16×16
// images, views drawn from the step's rng over the whole batch (so every row is the one a single process draws).
import * as tf from '@tensorflow/tfjs';
import { cloneModel, layersEncoder, type Method, type Rng } from '@contrastive/core';
import { smallCnnEncoder } from '@contrastive/vision';
import { GRCL } from '../grcl/index.js';
import { JCL } from '../jcl/index.js';
import { PaCo } from '../paco/index.js';

export const SIZE = 16;
export const CLASSES = 3;

export interface ReplicaArgs {
  method: 'paco' | 'jcl' | 'grcl';
  /** JCL's BN sub-batches. Default 1. */
  bnGroups?: number;
}

export interface Batch {
  x: tf.Tensor4D;
  labels: Int32Array;
}

const noisy = (x: tf.Tensor4D, rng: Rng): tf.Tensor4D =>
  tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', rng.seed())), 0, 1) as tf.Tensor4D);

export function createReplica(args: ReplicaArgs): Method<Batch> {
  const encoder = smallCnnEncoder({ inputShape: [SIZE, SIZE, 1], widths: [4, 8], seed: 5 });
  if (args.method === 'grcl') {
    return new GRCL({
      encoder: layersEncoder(encoder),
      keyEncoder: layersEncoder(cloneModel(encoder), 'key_encoder'),
      momentum: 0.9,
      featureDim: encoder.outputs[0]!.shape[1] as number,
      numClasses: CLASSES,
      inputShape: [SIZE, SIZE, 1],
      domains: 2,
      memorySize: 6,
      queueSize: 16,
      // No source term in the proposed update, so the constraints bind often and the projection runs.
      sourceWeight: 0,
      optimizer: tf.train.momentum(0.05, 0.9),
      seed: 3,
    }) as unknown as Method<Batch>;
  }
  if (args.method === 'paco') {
    return new PaCo<tf.Tensor4D>({
      encoder,
      numClasses: CLASSES,
      classCounts: [6, 4, 2],
      views: (x, rng) => [noisy(x, rng), noisy(x, rng)],
      queueSize: 16,
      projectionDim: 8,
      momentum: 0.9,
      temperature: 0.2,
      optimizer: tf.train.momentum(0.05, 0.9),
      seed: 3,
    }) as unknown as Method<Batch>;
  }
  return new JCL<Batch>({
    encoder,
    views: (b, rng) => noisy(b.x, rng),
    keyViews: 2,
    queueSize: 16,
    projectionDim: 8,
    momentum: 0.9,
    epochs: 2,
    bnGroups: args.bnGroups ?? 1,
    optimizer: tf.train.adam(0.01),
    seed: 3,
  });
}
