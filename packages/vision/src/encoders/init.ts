import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '@contrastive/core';

type Init = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Seeded weight initialisers: every layer of an encoder draws its own seed from one generator, so the
 * same `seed` builds the same network (the random-init baseline is then reproducible).
 */
export class InitSeeds {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = createRng(seed);
  }
  /** Kaiming normal, fan-out, for ReLU convolutions (torchvision's ResNet init). */
  heConv(): Init {
    return tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: this.rng.seed() });
  }
  /** Glorot uniform (Keras default) for dense layers. */
  glorot(): Init {
    return tf.initializers.glorotUniform({ seed: this.rng.seed() });
  }
  /** Truncated normal with std 0.02 (ViT / timm). */
  truncNormal(): Init {
    return tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.rng.seed() });
  }
  /** A raw 31-bit seed. */
  next(): number {
    return this.rng.seed();
  }
}

/** Validates `[H, W, C]` with C = 1 or 3. */
export function assertInputShape(shape: readonly number[], name: string): asserts shape is [number, number, number] {
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    shape.some((d) => !Number.isInteger(d) || d < 1) ||
    (shape[2] !== 1 && shape[2] !== 3)
  ) {
    throw new RangeError(`${name}: inputShape must be [height, width, channels] with channels 1 or 3, got ${JSON.stringify(shape)}`);
  }
}
