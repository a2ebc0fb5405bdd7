import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tfSeed } from './tf-seed.js';

describe('tfSeed', () => {
  it('tfjs draws normals with seed 0 unseeded (the reason for tfSeed); tfSeed(0) reproduces and differs from seed 1', () => {
    const draw = (seed: number) => tf.tidy(() => Array.from(tf.randomNormal([64], 0, 1, 'float32', seed).dataSync()));
    // If tfjs ever honours 0, this first expectation fails and tfSeed can be retired.
    expect(draw(0)).not.toEqual(draw(0));
    expect(draw(tfSeed(0))).toEqual(draw(tfSeed(0)));
    expect(draw(tfSeed(0))).not.toEqual(draw(tfSeed(1)));
    const init = () =>
      tf.tidy(() =>
        Array.from(
          tf.initializers
            .truncatedNormal({ seed: tfSeed(0) })
            .apply([8, 8])
            .dataSync(),
        ),
      );
    expect(init()).toEqual(init());
  });

  it('leaves other seeds and undefined unchanged', () => {
    expect([tfSeed(1), tfSeed(7919), tfSeed(undefined), tfSeed(-3)]).toEqual([1, 7919, undefined, -3]);
  });
});
