import type * as tf from '@tensorflow/tfjs';
import { resnet18Encoder } from './resnet.js';
import { smallCnnEncoder } from './small-cnn.js';
import { vitTinyEncoder } from './vit.js';

/** Encoders the CLI and methods can build by name. */
export const ENCODERS = ['small-cnn', 'resnet18', 'vit-tiny'] as const;
export type EncoderName = (typeof ENCODERS)[number];

/** Options common to every named encoder. */
export interface EncoderSpec {
  name: EncoderName;
  inputShape: [number, number, number];
  seed?: number;
  /** resnet18 only: width multiplier (default 1). */
  widthMultiplier?: number;
  /** vit-tiny only: freeze the patch embedding at its random init (MoCo v3). */
  freezePatchEmbed?: boolean;
  /** Model name (so an online and a target copy get distinct layer names). */
  modelName?: string;
}

/** Builds an encoder by name; unknown names throw with the list of valid ones. */
export function buildEncoder(spec: EncoderSpec): tf.LayersModel {
  const { name, inputShape, seed = 0, modelName } = spec;
  switch (name) {
    case 'small-cnn':
      return smallCnnEncoder({ inputShape, seed, name: modelName });
    case 'resnet18':
      return resnet18Encoder({ inputShape, seed, widthMultiplier: spec.widthMultiplier, name: modelName });
    case 'vit-tiny': {
      // Pick the largest patch size ≤ 4 that divides the image (28 → 4, 32 → 4, 30 → 3).
      const p = [4, 3, 2, 1].find((q) => inputShape[0] % q === 0 && inputShape[1] % q === 0)!;
      return vitTinyEncoder({ inputShape, seed, patchSize: p, freezePatchEmbed: spec.freezePatchEmbed, name: modelName });
    }
    default:
      throw new RangeError(`encoder must be one of ${ENCODERS.map((e) => `'${e}'`).join(', ')}, got '${String(name)}'`);
  }
}
