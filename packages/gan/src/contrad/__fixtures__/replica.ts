// A small ContraD for the data-parallel tests: the tiny dense generator and discriminator of the unit tests
// (6×6×3 images), with spectrally normalised projection heads (their power iteration runs in every forward).
import * as tf from '@tensorflow/tfjs';
import { snProjectionHead } from '../../models/index.js';
import { ContraD } from '../contrad.js';
import { D, tinyEncoder, tinyGenerator } from '../test-utils/tiny-models.js';

export function createReplica(): ContraD {
  return new ContraD({
    generator: tinyGenerator(1),
    discriminator: tinyEncoder(2),
    projection: snProjectionHead({ featureDim: D, seed: 3 }),
    projection2: snProjectionHead({ featureDim: D, seed: 4 }),
    dOptimizer: tf.train.adam(1e-2, 0.5, 0.999),
    gOptimizer: tf.train.adam(1e-2, 0.5, 0.999),
    seed: 5,
  });
}
