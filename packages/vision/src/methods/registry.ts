import { createRegistry, type Registry } from '@contrastive/core';
import { BYOL, type BYOLOptions } from './byol.js';
import type { MethodBaseOptions, VisionMethod } from './common.js';
import { InstDisc } from './instdisc.js';
import { LooC, type LoocOptions } from './looc.js';
import { InvCLR, type InvCLROptions } from './invclr.js';
import { MoCoV1, MoCoV2, type MoCoOptions } from './moco.js';
import { MoCoV3, type MoCoV3Options } from './moco-v3.js';
import { SimCLR, type SimCLROptions } from './simclr.js';
import { SimSiam, type SimSiamOptions } from './simsiam.js';

/** Method names the CLI and {@link createMethod} accept, in registration order. */
export const METHODS = ['simclr', 'moco-v1', 'moco-v2', 'moco-v3', 'byol', 'simsiam', 'instdisc', 'looc', 'invclr'] as const;
export type MethodName = (typeof METHODS)[number];

/**
 * Options of {@link createMethod}: the common ones plus each method's own. An option a method does not have
 * is ignored by it (e.g. `queueSize` for SimCLR); every other default is the class's (its paper's) — this
 * project's small-image settings are the `*-small` recipes in `recipes.ts`.
 */
export interface CreateMethodOptions
  extends MethodBaseOptions,
    Pick<SimCLROptions, 'projector' | 'temperature'>,
    Pick<MoCoOptions, 'queueSize' | 'bnGroups' | 'shuffleBn' | 'cosineLr'>,
    Pick<MoCoV3Options, 'predictor' | 'momentum'>,
    Pick<BYOLOptions, 'predictor' | 'momentumHorizon' | 'predictorLrScale'>,
    Pick<SimSiamOptions, 'predictor'>,
    Pick<InvCLROptions, 'gpWeight' | 'gpSamples' | 'gpUpperLimit'> {
  /** Training-set size: InstDisc's memory bank has one row per image (required for `'instdisc'`). */
  datasetSize?: number;
  /** InstDisc: k, noise rows per image (paper 4096, capped at n − 1). */
  negatives?: number;
  /** InstDisc objective, `'nce'` (paper, the class default) or `'softmax'`. */
  objective?: 'nce' | 'softmax';
  /** InstDisc bank momentum. Default 0.5. */
  bankMomentum?: number;
  /** LooC: the atomic augmentations, one sensitive head each (`LoocOptions.augs`). */
  loocAugs?: LoocOptions['augs'];
  /** LooC: positives of the invariant space Z₀ (`LoocOptions.invariantPositives`). */
  invariantPositives?: LoocOptions['invariantPositives'];
}

const FACTORIES: Record<MethodName, { create: (options: CreateMethodOptions) => VisionMethod; description: string }> = {
  simclr: { create: (o) => new SimCLR(o), description: 'SimCLR (Chen et al. 2020): NT-Xent over two views, MLP projector' },
  'moco-v1': { create: (o) => new MoCoV1(o), description: 'MoCo v1 (He et al. 2020): momentum key encoder + queue, linear head, τ 0.07' },
  'moco-v2': { create: (o) => new MoCoV2(o), description: 'MoCo v2 (Chen et al. 2020): MoCo + MLP head, τ 0.2, blur, cosine LR' },
  'moco-v3': {
    create: (o) => new MoCoV3(o),
    description: 'MoCo v3 (Chen, Xie & He 2021): no queue, predictor, symmetric in-batch InfoNCE',
  },
  byol: { create: (o) => new BYOL(o), description: 'BYOL (Grill et al. 2020): predictor + EMA target, no negatives' },
  simsiam: { create: (o) => new SimSiam(o), description: 'SimSiam (Chen & He 2021): predictor + stop-gradient, no EMA, no negatives' },
  instdisc: {
    create: ({ datasetSize, ...o }) => {
      if (!datasetSize) throw new RangeError('instdisc needs datasetSize (the number of training images, one memory-bank row each)');
      return new InstDisc({ ...o, datasetSize });
    },
    description: 'InstDisc (Wu et al. 2018): memory bank + NCE (or softmax) instance discrimination',
  },
  looc: {
    // LooC makes its own n + 2 views from explicit atomic parameters; a recipe's view pair only scores alignment.
    create: ({ views: _pairForScoring, loocAugs, ...o }) => new LooC({ ...o, ...(loocAugs ? { augs: loocAugs } : {}) }),
    description: 'LooC (Xiao et al. 2021): MoCo with n + 1 heads, each space invariant to all augmentations but one',
  },
  invclr: {
    create: (o) => new InvCLR(o),
    description: 'InvCLR (Foster et al. 2021): SimCLR + λ·gradient penalty on the representation w.r.t. colour parameters',
  },
};

/** The vision methods by name (core's `createRegistry`): `methodRegistry.register(name, factory)` adds your own. */
export const methodRegistry: Registry<CreateMethodOptions, VisionMethod> = createRegistry('vision method', FACTORIES);

/**
 * Builds a method by name with its paper defaults (the class defaults) and `options` over them; unknown
 * names throw with the valid list. The method owns `options.encoder` (and a given optimizer) from then on.
 *
 * @example const method = createMethod('moco-v2', { encoder: smallCnnEncoder({ inputShape: [28, 28, 1] }), queueSize: 2048 });
 */
export function createMethod(name: MethodName | (string & {}), options: CreateMethodOptions): VisionMethod {
  return methodRegistry.create(name, options);
}
