import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '@contrastive/core';

/** Options shared by the generator / discriminator factories. */
export interface GanModelOptions {
  /** Image side: 28 (Fashion-MNIST) or 32 (CIFAR). Default 28. */
  imageSize?: 28 | 32;
  /** Image channels: 1 (grayscale) or 3 (RGB). Default 1. */
  channels?: 1 | 3;
  /** Width of the latent z. Default 128 (ContraD's `nz`). */
  zDim?: number;
  /**
   * Width multiplier of every layer: `ngf = ndf = round(64 · width)` (ContraD's `ngf = ndf = 64`). Default 1.
   * Tests use 0.25.
   */
  width?: number;
  /** Seed of the initialisers (layer k uses `seed + 10·k`). Default unseeded. */
  seed?: number;
}

/** Resolved {@link GanModelOptions}. */
export interface ResolvedGanModelOptions {
  imageSize: 28 | 32;
  channels: 1 | 3;
  zDim: number;
  base: number;
  seed: number | undefined;
}

export function resolveModelOptions(fn: string, o: GanModelOptions): ResolvedGanModelOptions {
  const imageSize = o.imageSize ?? 28;
  const channels = o.channels ?? 1;
  const zDim = o.zDim ?? 128;
  const width = o.width ?? 1;
  if (imageSize !== 28 && imageSize !== 32) throw new RangeError(`${fn}: imageSize must be 28 or 32, got ${String(o.imageSize)}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`${fn}: channels must be 1 or 3, got ${String(o.channels)}`);
  if (!Number.isInteger(zDim) || zDim < 1) throw new RangeError(`${fn}: zDim must be a positive integer, got ${String(o.zDim)}`);
  if (!(Number.isFinite(width) && width > 0)) throw new RangeError(`${fn}: width must be a positive number, got ${String(o.width)}`);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new RangeError(`${fn}: seed must be an integer, got ${String(o.seed)}`);
  return { imageSize, channels, zDim, base: Math.max(1, Math.round(64 * width)), seed: o.seed };
}

/**
 * A seed sequence: each call returns the next seed, `seed + 10·k` (a spectral-norm layer also uses its
 * seed + 1 and + 2 for u and v), or undefined when unseeded.
 */
export function seeds(seed: number | undefined): () => number | undefined {
  let k = 0;
  return () => (seed === undefined ? undefined : seed + 10 * k++);
}

/** N(0, 0.02), the DCGAN / ContraD `reset_parameters` initialiser. */
export function normal002(seed: number | undefined): ReturnType<typeof tf.initializers.randomNormal> {
  return tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: tfSeed(seed) });
}

/**
 * A batch of latents `[n, zDim]` drawn uniformly from [−1, 1] (ContraD's `G_SNDCGAN.sample_latent`), seeded.
 */
export function sampleLatent(n: number, zDim: number, seed?: number): tf.Tensor2D {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sampleLatent: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(zDim) || zDim < 1) throw new RangeError(`sampleLatent: zDim must be a positive integer, got ${zDim}`);
  return tf.randomUniform([n, zDim], -1, 1, 'float32', seed) as tf.Tensor2D;
}
