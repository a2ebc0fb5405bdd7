/**
 * Named recipes: each method with its paper's settings (`<method>-paper`, from the official code's scripts) and
 * with the settings `contrastive-losses` trains it with on small images on CPU (`<method>-small`). The CLI reads
 * its defaults from the `-small` recipes; users building a method by hand start from either. Settings that depend
 * on the data (a queue no longer than the data set) are functions of the training-set size.
 */
import { findRecipe, type Recipe } from '@contrastive/core';

/** What a losses recipe fixes (absent: the method class's default). */
export interface LossesRecipeOptions {
  /** Loss temperature τ. */
  temperature: number;
  /** MoCo queue size K for a training set of `datasetSize` images. */
  queueSize: (datasetSize: number) => number;
  /** Key-encoder momentum m. */
  momentum: number;
  /** Projection width. */
  projectionDim: number;
  /** JCL: key views per image M. */
  keyViews: number;
  /** JCL: λ (reached at the last epoch). */
  lambda: number;
  /** PaCo: α, the sample-positive weight. */
  alpha: number;
  /** GRCL: λ of the source cross-entropy in the proposed update. */
  sourceWeight: number;
  /** GRCL: samples per finished domain's memory. */
  memorySize: number;
  /** Optimizer and its learning rate. */
  optimizer: 'sgd-momentum' | 'adam';
  learningRate: number;
  /** Cosine decay of the learning rate over the run. */
  cosineLr: boolean;
  /** BatchNorm sub-batches (shuffle-BN emulation); 1 = off. */
  bnGroups: number;
  /** Images per step. */
  batchSize: number;
  /** Passes over the training data (GRCL: per target domain). */
  epochs: number;
}

/** A losses recipe: the method it configures and its options. */
export interface LossesRecipe extends Recipe<LossesRecipeOptions> {
  readonly method: 'jcl' | 'paco' | 'grcl';
}

/** K = n rounded down to a multiple of 256, at least 1, at most 4096 (vision's `smallDataQueueSize`: no stale duplicates). */
export function smallQueueSize(datasetSize: number): number {
  return Math.min(4096, Math.max(1, datasetSize - (datasetSize % 256)));
}

const fixed = (k: number) => (): number => k;

/** Every recipe, paper ones first. */
export const RECIPES: readonly LossesRecipe[] = [
  {
    name: 'jcl-paper',
    method: 'jcl',
    description:
      'JCL (Cai et al. 2020), scripts/main_pretrain.sh: M 4 (k_crops 5), λ 2, τ 0.2, K 65,536, m 0.999, SGD 0.03 momentum 0.9 with cosine decay, batch 256, 200 epochs, shuffle BN over 8 GPUs',
    options: {
      temperature: 0.2,
      queueSize: fixed(65536),
      momentum: 0.999,
      projectionDim: 128,
      keyViews: 4,
      lambda: 2,
      optimizer: 'sgd-momentum',
      learningRate: 0.03,
      cosineLr: true,
      bnGroups: 8,
      batchSize: 256,
      epochs: 200,
    },
  },
  {
    name: 'paco-cifar-lt',
    method: 'paco',
    description:
      'PaCo (Cui et al. 2021), CIFAR-100-LT scripts: α 0.01, τ 0.05, K 1024, projection 32, m 0.999, SGD 0.05 momentum 0.9, 400 epochs (weight decay, warm-up + cosine and RandAugment not in the recipe)',
    options: {
      temperature: 0.05,
      queueSize: fixed(1024),
      momentum: 0.999,
      projectionDim: 32,
      alpha: 0.01,
      optimizer: 'sgd-momentum',
      learningRate: 0.05,
      epochs: 400,
    },
  },
  {
    name: 'paco-imagenet-lt',
    method: 'paco',
    description:
      'PaCo, ImageNet-LT ResNet-50 scripts: α 0.05, τ 0.2, K 8192, projection 128, m 0.999, SGD 0.02 momentum 0.9, batch 128, 400 epochs',
    options: {
      temperature: 0.2,
      queueSize: fixed(8192),
      momentum: 0.999,
      projectionDim: 128,
      alpha: 0.05,
      optimizer: 'sgd-momentum',
      learningRate: 0.02,
      batchSize: 128,
      epochs: 400,
    },
  },
  {
    name: 'grcl-paper',
    method: 'grcl',
    description:
      "GRCL (Tang et al. 2021; no official code — reconstructed): MoCo's τ 0.07, K 4096, m 0.999, λ 1, GEM's memories; SGD 0.03 momentum 0.9",
    options: {
      temperature: 0.07,
      queueSize: fixed(4096),
      momentum: 0.999,
      sourceWeight: 1,
      memorySize: 64,
      optimizer: 'sgd-momentum',
      learningRate: 0.03,
    },
  },
  {
    name: 'jcl-small',
    method: 'jcl',
    description:
      "JCL as `contrastive-losses train --method jcl` trains it: vision's moco-v2-small settings (Adam 1e-3 with cosine decay, batch 256, shuffle BN over 2 sub-batches, K = n rounded down to 256, at most 4096), the paper's M 4, λ 2, τ 0.2",
    options: {
      temperature: 0.2,
      queueSize: smallQueueSize,
      momentum: 0.999,
      projectionDim: 128,
      keyViews: 4,
      lambda: 2,
      optimizer: 'adam',
      learningRate: 1e-3,
      cosineLr: true,
      bnGroups: 2,
      batchSize: 256,
      epochs: 10,
    },
  },
  {
    name: 'paco-small',
    method: 'paco',
    description:
      'PaCo as `contrastive-losses train --method paco` trains it: the CIFAR-LT loss settings (α 0.01, τ 0.05, K 1024, projection 32) with SGD 0.02 momentum 0.9, batch 64, 10 epochs',
    options: {
      temperature: 0.05,
      queueSize: fixed(1024),
      momentum: 0.999,
      projectionDim: 32,
      alpha: 0.01,
      optimizer: 'sgd-momentum',
      learningRate: 0.02,
      batchSize: 64,
      epochs: 10,
    },
  },
  {
    name: 'grcl-small',
    method: 'grcl',
    description:
      'GRCL as `contrastive-losses continual` trains it: τ 0.2, m 0.99 (short runs), K = images per domain rounded down to 256 (≤ 4096), λ 1, 64-image memories, SGD 0.03 momentum 0.9, batch 64, 2 epochs per domain',
    options: {
      temperature: 0.2,
      queueSize: smallQueueSize,
      momentum: 0.99,
      sourceWeight: 1,
      memorySize: 64,
      optimizer: 'sgd-momentum',
      learningRate: 0.03,
      batchSize: 64,
      epochs: 2,
    },
  },
];

/** Looks a recipe up by name, throwing with the valid names. */
export function findLossesRecipe(name: string): LossesRecipe {
  return findRecipe(RECIPES, name, 'losses recipe') as LossesRecipe;
}
