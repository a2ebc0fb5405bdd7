/**
 * Image domains for continual domain adaptation, built from one labelled image set (GRCL's experiments use
 * digit datasets in sequence; offline we shift Fashion-MNIST): each domain is a fixed, label-preserving
 * transformation of `[N, H, W, C]` images in [0, 1]. Pure and browser-safe; `noise` is seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '@contrastive/core';

/** The domains {@link applyDomain} knows, in the order `--help` lists them. */
export const DOMAIN_NAMES = ['upright', 'rot30', 'rot90', 'rot180', 'invert', 'light-noise', 'noise', 'blur'] as const;
export type DomainName = (typeof DOMAIN_NAMES)[number];

/** What each domain does (for `--help` and the run's notes). */
export const DOMAIN_DESCRIPTIONS: Record<DomainName, string> = {
  upright: 'the images as they are',
  rot30: 'rotated 30° counter-clockwise about the centre, corners filled with 0',
  rot90: 'rotated 90° clockwise (square images only)',
  rot180: 'rotated 180°',
  invert: 'intensities inverted, 1 − x',
  'light-noise': 'additive Gaussian noise, σ 0.2, clipped to [0, 1] (seeded)',
  noise: 'additive Gaussian noise, σ 0.4, clipped to [0, 1] (seeded)',
  blur: '5 × 5 box blur',
};

/**
 * The default sequence: a labelled source, then three unlabelled targets that a classifier trained on the
 * source still partly recognises (a small CNN trained on 5,000 upright Fashion-MNIST images: 0.62 upright, 0.35
 * rot30, 0.39 blur, 0.50 light-noise; rot90, invert and noise σ 0.4 are at chance, 0.07–0.15).
 */
export const DEFAULT_DOMAINS: readonly DomainName[] = ['upright', 'rot30', 'blur', 'light-noise'];

/** σ of the `noise` domain. */
export const NOISE_STD = 0.4;
/** σ of the `light-noise` domain. */
export const LIGHT_NOISE_STD = 0.2;

/**
 * Parses a comma-separated domain list (`upright,rot90,invert,noise`): at least two (a source and a target),
 * each known and named once. Throws a `RangeError` naming the bad entry.
 */
export function parseDomains(spec: string): DomainName[] {
  const names = spec.split(',').map((s) => s.trim());
  const out: DomainName[] = [];
  for (const name of names) {
    if (!(DOMAIN_NAMES as readonly string[]).includes(name))
      throw new RangeError(`unknown domain '${name}' (known: ${DOMAIN_NAMES.join(', ')})`);
    if (out.includes(name as DomainName)) throw new RangeError(`domain '${name}' is listed twice; each domain appears once`);
    out.push(name as DomainName);
  }
  if (out.length < 2) throw new RangeError(`need at least two domains (a labelled source, then targets), got ${out.length}`);
  return out;
}

/** `x` `[N, H, W, C]` in [0, 1] moved to domain `name`; `seed` draws `noise` (same seed, same images → same output). */
export function applyDomain(name: DomainName, x: tf.Tensor4D, seed = 0): tf.Tensor4D {
  return tf.tidy(() => {
    switch (name) {
      case 'upright':
        return x.clone();
      case 'rot90': {
        if (x.shape[1] !== x.shape[2]) throw new RangeError(`rot90 needs square images, got ${x.shape[1]} × ${x.shape[2]}`);
        // Clockwise: out[i][j] = in[H−1−j][i] — transpose, then reverse each row.
        return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2) as tf.Tensor4D;
      }
      case 'rot30':
        return tf.image.rotateWithOffset(x, Math.PI / 6, 0) as tf.Tensor4D;
      case 'rot180':
        return tf.reverse(x, [1, 2]) as tf.Tensor4D;
      case 'invert':
        return tf.sub(1, x) as tf.Tensor4D;
      case 'light-noise':
        return tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, LIGHT_NOISE_STD, 'float32', tfSeed(seed))), 0, 1) as tf.Tensor4D;
      case 'noise':
        return tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, NOISE_STD, 'float32', tfSeed(seed))), 0, 1) as tf.Tensor4D;
      case 'blur':
        return tf.avgPool(x, 5, 1, 'same') as tf.Tensor4D;
    }
  });
}
