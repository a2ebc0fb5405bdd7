import type * as tf from '@tensorflow/tfjs';
import { createRegistry, layersEncoder, type LayersEncoder, type Registry } from '@contrastive/core';
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

const FACTORIES: Record<EncoderName, { create: (spec: EncoderSpec) => tf.LayersModel; description: string }> = {
  'small-cnn': {
    create: ({ inputShape, seed = 0, modelName }) => smallCnnEncoder({ inputShape, seed, name: modelName }),
    description: 'conv-BN-ReLU blocks (32-64-128), global average pooling, 128-d',
  },
  resnet18: {
    create: ({ inputShape, seed = 0, widthMultiplier, modelName }) =>
      resnet18Encoder({ inputShape, seed, widthMultiplier, name: modelName }),
    description: 'ResNet-18 (CIFAR stem), widthMultiplier scales 64..512',
  },
  'vit-tiny': {
    create: ({ inputShape, seed = 0, freezePatchEmbed, modelName }) => {
      // Pick the largest patch size ≤ 4 that divides the image (28 → 4, 32 → 4, 30 → 3).
      const p = [4, 3, 2, 1].find((q) => inputShape[0] % q === 0 && inputShape[1] % q === 0)!;
      return vitTinyEncoder({ inputShape, seed, patchSize: p, freezePatchEmbed, name: modelName });
    },
    description: 'ViT-tiny: 2-D sin-cos positions, class token',
  },
};

/** The encoders by name (core's `createRegistry`); `encoderRegistry.register(name, factory)` adds your own. */
export const encoderRegistry: Registry<EncoderSpec, tf.LayersModel> = createRegistry('encoder', FACTORIES);

/** Builds an encoder (a `tf.LayersModel`) by name; unknown names throw with the list of valid ones. */
export function buildEncoder(spec: EncoderSpec): tf.LayersModel {
  return encoderRegistry.create(spec.name, spec);
}

/**
 * Builds an encoder by name as core's `Encoder` (`layersEncoder`): the tower interface a multimodal or GAN
 * method takes (`apply(x, training)`, `trainableWeights`, `stateTensors()`, `save`, `dispose`). Vision methods
 * accept it too (`new SimCLR({ encoder: createEncoder({ … }) })`).
 */
export function createEncoder(spec: EncoderSpec): LayersEncoder {
  return layersEncoder(buildEncoder(spec), spec.name);
}
