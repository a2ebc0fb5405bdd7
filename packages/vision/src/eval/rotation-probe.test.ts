import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../io/dataset.js';
import { rotationProbe } from './rotation-probe.js';

useCpuLeakCheck();

/** n noisy 8×8 images with a bright bar along the top row: which way is up is visible in the pixels. */
function barImages(n: number, seed: number): ImageDataset {
  const all = tf.tidy(() => {
    const noise = tf.randomUniform([n, 8, 8, 1], 0, 0.3, 'float32', seed);
    const bar = tf.concat([tf.ones([1, 1, 8, 1]), tf.zeros([1, 7, 8, 1])], 1);
    return tf.clipByValue(noise.add(bar), 0, 1) as tf.Tensor4D;
  });
  return {
    size: n,
    height: 8,
    width: 8,
    channels: 1,
    labels: new Int32Array(n),
    classNames: null,
    source: 'bars',
    read: async (idx) => tf.tidy(() => tf.gather(all, tf.tensor1d(idx, 'int32')) as tf.Tensor4D),
    dispose: () => all.dispose(),
  } as ImageDataset & { dispose(): void };
}

describe('rotationProbe', () => {
  it('finds the rotation from pixels, not from a rotation-invariant summary, with seeded turns', async () => {
    const train = barImages(80, 1) as ImageDataset & { dispose(): void };
    const test = barImages(40, 2) as ImageDataset & { dispose(): void };
    const pixels = (x: tf.Tensor4D) => x.reshape([x.shape[0], -1]) as tf.Tensor2D;
    // Mean and mean square of the image: unchanged by any rotation.
    const invariant = (x: tf.Tensor4D) => tf.concat([x.mean([1, 2]), x.square().mean([1, 2])], 1) as tf.Tensor2D;
    const a = await rotationProbe(pixels, train, test, { seed: 3, probeEpochs: 60 });
    const b = await rotationProbe(invariant, train, test, { seed: 3, probeEpochs: 60 });
    expect(a.accuracy).toBeGreaterThan(0.9);
    expect(b.accuracy).toBeLessThan(0.5);
    expect(b.testTurns).toEqual(a.testTurns); // same seed, same rotations
    expect(new Set(a.trainTurns)).toEqual(new Set([0, 1, 2, 3]));
    await expect(rotationProbe(pixels, train, test, { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer >= 1, got 0/);
    train.dispose();
    test.dispose();
  });
});
