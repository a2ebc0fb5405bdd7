/**
 * Named recipes: each method with its paper's settings (`<method>-paper`), and with this project's settings
 * for small images on CPU (`<method>-small`, what `contrastive-vision train` uses). The CLI, the examples
 * and users build methods from them with {@link createMethodFromRecipe} instead of keeping their own
 * defaults.
 *
 * A recipe's options are data-independent; what depends on the data (the views on the image size, the
 * projector on the encoder width, the MoCo queue and the InstDisc negatives on the data-set size) is a
 * function of it.
 */
import { findRecipe, type Recipe } from '@contrastive/core';
import { atomicViews, type AtomicName } from './augment/atomic.js';
import { invclrViews } from './augment/invclr-views.js';
import { byolViews, mocoV1Views, mocoV2Views, mocoV3Views, simclrViews, type PresetOptions, type ViewPair } from './augment/presets.js';
import { buildEncoder, type EncoderName } from './encoders/registry.js';
import type { HeadBlock } from './heads/mlp.js';
import { simclrProjector } from './heads/presets.js';
import type { shortRunMomentum } from './methods/short-run-momentum.js';
import type { VisionMethod } from './methods/common.js';
import { createMethod, type CreateMethodOptions, type MethodName } from './methods/registry.js';

/** What a vision recipe fixes. Absent fields fall back to the method class's default (its paper's). */
export interface VisionRecipeOptions {
  /** Encoder architecture. Default `'small-cnn'`. */
  encoder: EncoderName;
  /** ResNet-18 width multiplier (1 = the paper's 64..512). Default 1. */
  widthMultiplier: number;
  /** ViT: freeze the patch embedding at its random init (MoCo v3's `--stop-grad-conv1`). Default false. */
  freezePatchEmbed: boolean;
  /** Learning rate of the default Adam optimizer. Default 1e-3. */
  learningRate: number;
  /** Images per step, or a function of the training-set size (`--batch-size` replaces it). */
  batchSize: number | ((datasetSize: number) => number);
  /** Passes over the training data. */
  epochs: number;
  /** Loss temperature (methods that have one). */
  temperature: number;
  /** InstDisc objective. */
  objective: 'nce' | 'softmax';
  /** Target / key EMA rate (MoCo m, MoCo v3 m₀, BYOL τ_base). */
  momentum: number;
  /** BYOL: cap τ_base at 1 − h/K for a run of K steps ({@link shortRunMomentum}); absent = the paper's τ_base. */
  momentumHorizon: number;
  /** BYOL / SimSiam: the predictor's learning rate as a multiple of `learningRate` (papers: 1). */
  predictorLrScale: number;
  /** InstDisc bank momentum m of v ← normalize(m·v + (1−m)·f) (paper 0.5). */
  bankMomentum: number;
  /** The two views for square images of side `imageSize`. */
  views: (imageSize: number) => ViewPair;
  /** The projection head for an encoder of width `featureDim`. */
  projector: (featureDim: number) => HeadBlock[];
  /** MoCo queue size K for a training set of `datasetSize` images. */
  queueSize: (datasetSize: number) => number;
  /** InstDisc noise rows k per image for a training set of `datasetSize` images. */
  negatives: (datasetSize: number) => number;
  /** LooC's atomic augmentations (one sensitive head each). */
  loocAugs: readonly AtomicName[];
  /** InvCLR: λ, the weight of the gradient penalty. */
  gpWeight: number;
  /** InvCLR: K, resampled colour parameters α′ per image. */
  gpSamples: number;
  /** InvCLR: the clamp of the penalty. */
  gpUpperLimit: number;
}

/** A vision recipe: the method it builds and the options it fixes. */
export interface VisionRecipe extends Recipe<VisionRecipeOptions> {
  readonly method: MethodName;
}

/**
 * MoCo's queue on small data: K = the data-set size rounded down to a multiple of 256 (at least 1), at
 * most 4096. K ≤ n: a queue longer than the data set would hold stale copies of the same images as negatives.
 */
export function smallDataQueueSize(datasetSize: number): number {
  return Math.min(4096, Math.max(1, datasetSize - (datasetSize % 256)));
}

/**
 * InstDisc's k on small data: 1024 (not the paper's 4096), at most n − 1. Per-query negatives are
 * `[N, k, D]`; at N = 256, k = 4096 (D = 128) the wasm backend ran out of its 32-bit heap
 * ("memory access out of bounds").
 */
export function smallDataNegatives(datasetSize: number): number {
  return Math.min(1024, datasetSize - 1);
}

/**
 * Batch size of the non-contrastive small recipes for a training set of `datasetSize` images: the power of two
 * nearest n/20 (about 20 steps per epoch), within [32, 256]. BYOL, SimSiam and InstDisc have no in-batch
 * negatives, so a smaller batch costs them nothing per image, while each optimizer step counts: 1,300 images at
 * batch 256 give 5 steps per epoch, 50 in a 10-epoch run (docs/results-vision.md, "BYOL, SimSiam and InstDisc on
 * small data"). 1,300 → 64; 3,000 → 128; ≥ 5,120 → 256 (the full-size setting).
 */
export function smallDataBatchSize(datasetSize: number): number {
  if (!(Number.isInteger(datasetSize) && datasetSize >= 1))
    throw new RangeError(`smallDataBatchSize: datasetSize must be an integer >= 1, got ${String(datasetSize)}`);
  return Math.min(256, Math.max(32, 2 ** Math.round(Math.log2(datasetSize / 20))));
}

/** A recipe's batch size for a training set of `datasetSize` images (256 when the recipe has none). */
export function recipeBatchSize(recipe: VisionRecipe | string, datasetSize: number): number {
  const r = typeof recipe === 'string' ? findVisionRecipe(recipe) : recipe;
  const b = r.options.batchSize;
  return b === undefined ? 256 : typeof b === 'number' ? b : b(datasetSize);
}

/**
 * Views for 28–32 px images: each paper's preset with the crop's minimum area raised to 0.2 (an 8% crop of
 * a 28 px image keeps a few pixels) and blur only from 64 px up (SimCLR's CIFAR recipe drops it).
 */
function smallViews(preset: (o: PresetOptions & { strength?: number }) => ViewPair, extra: { strength?: number } = {}) {
  return (imageSize: number): ViewPair => preset({ scale: [0.2, 1], blur: imageSize >= 64, ...extra });
}

/** This project's CPU settings shared by every `*-small` recipe (docs/results-vision.md). */
const SMALL = {
  encoder: 'small-cnn',
  widthMultiplier: 0.25,
  freezePatchEmbed: false,
  learningRate: 1e-3,
  batchSize: 256,
  epochs: 10,
} as const;

/** SimCLR heads of the small recipes: `mlp` D → D → 64 with BN (SimCLR v1's layout, narrower output), `linear` D → 64. */
export const SIMCLR_HEADS = ['mlp', 'linear'] as const;
export type SimclrHead = (typeof SIMCLR_HEADS)[number];

const SMALL_NOTE = "this project's small-image CPU settings (Adam 1e-3, batch 256, 10 epochs, small CNN; crop ≥ 20 %, blur from 64 px)";
const ADAM_NOTE = 'the papers train with SGD/LARS; the classes default to Adam 1e-3 (their rates do not transfer)';

/** Every recipe, paper ones first. */
export const RECIPES: readonly VisionRecipe[] = [
  {
    name: 'simclr-paper',
    method: 'simclr',
    description: `SimCLR (Chen et al. 2020), CIFAR-10 settings: τ 0.5, colour strength 0.5, no blur, MLP head to 128; ${ADAM_NOTE}`,
    options: { temperature: 0.5, views: () => simclrViews({ strength: 0.5, blur: false }) },
  },
  {
    name: 'moco-v1-paper',
    method: 'moco-v1',
    description: `MoCo v1 (He et al. 2020): K 65,536, m 0.999, τ 0.07, batch 256; ${ADAM_NOTE}`,
    options: { temperature: 0.07, momentum: 0.999, queueSize: () => 65536, batchSize: 256 },
  },
  {
    name: 'moco-v2-paper',
    method: 'moco-v2',
    description: `MoCo v2 (Chen et al. 2020): K 65,536, m 0.999, τ 0.2, aug+ with blur, cosine LR, batch 256; ${ADAM_NOTE}`,
    options: { temperature: 0.2, momentum: 0.999, queueSize: () => 65536, batchSize: 256 },
  },
  {
    name: 'moco-v3-paper',
    method: 'moco-v3',
    description: `MoCo v3 (Chen, Xie & He 2021), ViT settings: τ 0.2, m₀ 0.99, frozen patch embedding; ${ADAM_NOTE}`,
    options: { temperature: 0.2, momentum: 0.99, freezePatchEmbed: true },
  },
  {
    name: 'byol-paper',
    method: 'byol',
    description: `BYOL (Grill et al. 2020): τ_base 0.99 (0.996 for 1000 epochs), asymmetric views; ${ADAM_NOTE}`,
    options: { momentum: 0.99 },
  },
  {
    name: 'simsiam-paper',
    method: 'simsiam',
    description: `SimSiam (Chen & He 2021): aug+ views, predictor LR fixed, the rest cosine; ${ADAM_NOTE}`,
    options: {},
  },
  {
    name: 'instdisc-paper',
    method: 'instdisc',
    description: `InstDisc (Wu et al. 2018): NCE with Z fixed on the first batch, k 4096, τ 0.07, batch 256; ${ADAM_NOTE}`,
    options: { objective: 'nce', temperature: 0.07, negatives: () => 4096, batchSize: 256 },
  },
  {
    name: 'looc-paper',
    method: 'looc',
    description: `LooC (Xiao et al. 2021) on MoCo, ImageNet-100 in the paper: colour, rotation and (here) blur as the texture stand-in, τ 0.2, m 0.999, K 16,384, batch 256, 500 epochs — [unverified]: no official code; K and the epochs follow a public reimplementation's script; ${ADAM_NOTE}`,
    options: {
      temperature: 0.2,
      momentum: 0.999,
      queueSize: () => 16384,
      batchSize: 256,
      epochs: 500,
      loocAugs: ['color', 'rotation', 'blur'],
    },
  },
  {
    name: 'invclr-paper',
    method: 'invclr',
    description: `InvCLR (Foster et al. 2021), CIFAR settings of ae-foster/invclr: τ 0.5, colour strength 0.5 (fixed order, differentiable), λ 0.1, K 100, clamp 1, head D → D → 128; ${ADAM_NOTE}`,
    options: { temperature: 0.5, gpWeight: 0.1, gpSamples: 100, gpUpperLimit: 1, views: () => invclrViews({ strength: 0.5 }) },
  },
  {
    name: 'simclr-small',
    method: 'simclr',
    description: `SimCLR, ${SMALL_NOTE}; τ 0.2 (the best small-batch value measured), colour strength 0.5, head D → D → 64 with BN`,
    options: {
      ...SMALL,
      temperature: 0.2,
      views: smallViews(simclrViews, { strength: 0.5 }),
      projector: (d) => simclrProjector({ hidden: d, out: 64 }),
    },
  },
  {
    name: 'simclr-small-linear',
    method: 'simclr',
    description: `SimCLR, ${SMALL_NOTE}; τ 0.2, colour strength 0.5, linear head D → 64 (with bias)`,
    options: {
      ...SMALL,
      temperature: 0.2,
      views: smallViews(simclrViews, { strength: 0.5 }),
      projector: () => [{ units: 64, bias: true }],
    },
  },
  {
    name: 'invclr-small',
    method: 'invclr',
    description: `InvCLR, ${SMALL_NOTE}; simclr-small (τ 0.2, colour strength 0.5, head D → D → 64 with BN) + the gradient penalty (λ 0.1, K 100, clamp 1)`,
    options: {
      ...SMALL,
      temperature: 0.2,
      gpWeight: 0.1,
      gpSamples: 100,
      gpUpperLimit: 1,
      views: smallViews(invclrViews, { strength: 0.5 }),
      projector: (d) => simclrProjector({ hidden: d, out: 64 }),
    },
  },
  {
    name: 'moco-v1-small',
    method: 'moco-v1',
    description: `MoCo v1, ${SMALL_NOTE}; τ 0.07, K = n rounded down to 256 (≤ 4096)`,
    options: { ...SMALL, temperature: 0.07, views: smallViews(mocoV1Views), queueSize: smallDataQueueSize },
  },
  {
    name: 'moco-v2-small',
    method: 'moco-v2',
    description: `MoCo v2, ${SMALL_NOTE}; τ 0.2, K = n rounded down to 256 (≤ 4096)`,
    options: { ...SMALL, temperature: 0.2, views: smallViews(mocoV2Views), queueSize: smallDataQueueSize },
  },
  {
    name: 'moco-v3-small',
    method: 'moco-v3',
    description: `MoCo v3, ${SMALL_NOTE}; τ 0.2, frozen ViT patch embedding`,
    options: { ...SMALL, temperature: 0.2, freezePatchEmbed: true, views: smallViews(mocoV3Views) },
  },
  // BYOL and SimSiam on small data (docs/results-vision.md, "BYOL, SimSiam and InstDisc on small data"): at batch
  // 256 a 1,300-image, 10-epoch run is 50 steps, too few for a method without negatives — the batch follows the
  // data-set size (smallDataBatchSize: 64 there, 200 steps); BYOL's target EMA is capped so the target forgets its
  // random init within the run (τ_base ≤ 1 − 10/K: 0.95 at 200 steps; at 50 steps the paper's 0.99 left the target
  // 78 % random init and it moved 11–14 % as far as the online encoder); the predictor learns 10× faster (it is
  // random at the start and everything is pulled through it; SimSiam on Fashion-MNIST: +2.4 kNN / +1.1 probe points).
  {
    name: 'byol-small',
    method: 'byol',
    description: `BYOL, ${SMALL_NOTE}; batch from the data-set size (≈ 20 steps per epoch, 32–256), τ_base ≤ 1 − 10/K for K steps, predictor LR 10×`,
    options: { ...SMALL, batchSize: smallDataBatchSize, momentumHorizon: 10, predictorLrScale: 10, views: smallViews(byolViews) },
  },
  {
    name: 'simsiam-small',
    method: 'simsiam',
    description: `SimSiam, ${SMALL_NOTE}; batch from the data-set size (≈ 20 steps per epoch, 32–256), predictor LR 10× (fixed)`,
    options: { ...SMALL, batchSize: smallDataBatchSize, predictorLrScale: 10, views: smallViews(mocoV2Views) },
  },
  // InstDisc on small data: the batch from the data-set size as BYOL / SimSiam (its negatives come from the bank,
  // not the batch) and τ 0.1, lemniscate's CIFAR value (`cifar.py --nce-t 0.1`; 0.07 is its ImageNet one). Fashion-MNIST,
  // 1,300 images: 0.606 / 0.760 → 0.618 / 0.776 kNN / probe (docs/results-vision.md, "BYOL, SimSiam and InstDisc on small data").
  {
    name: 'instdisc-small',
    method: 'instdisc',
    description: `InstDisc, ${SMALL_NOTE}; softmax objective (NCE diverges on small data, docs/results-vision.md), τ 0.1 (lemniscate's CIFAR value), k ≤ 1024, batch from the data-set size (≈ 20 steps per epoch, 32–256)`,
    options: {
      ...SMALL,
      batchSize: smallDataBatchSize,
      objective: 'softmax',
      temperature: 0.1,
      views: smallViews(mocoV1Views),
      negatives: smallDataNegatives,
    },
  },
  {
    name: 'looc-small',
    method: 'looc',
    description: `LooC, ${SMALL_NOTE}; MoCo v2's settings (τ 0.2, m 0.999, cosine LR, MLP heads to 128, K = n rounded down to 256), atomic augmentations colour, rotation (k·90°), blur (σ 0.1–2, the texture stand-in); crop ≥ 20 % and flip on every view`,
    options: {
      ...SMALL,
      temperature: 0.2,
      loocAugs: ['color', 'rotation', 'blur'],
      // Used for scoring alignment / uniformity only: LooC draws its own views (loocViews).
      views: () => atomicPair(['color', 'rotation', 'blur']),
      queueSize: smallDataQueueSize,
    },
  },
  {
    name: 'moco-v2-atomic-small',
    method: 'moco-v2',
    description: `MoCo v2 with LooC's atomic augmentations on both views (colour, rotation k·90°, blur; crop ≥ 20 %, flip) — LooC's invariant baseline; otherwise moco-v2-small`,
    options: { ...SMALL, temperature: 0.2, views: () => atomicPair(['color', 'rotation', 'blur']), queueSize: smallDataQueueSize },
  },
];

/** Both views from one explicit-parameter atomic view maker (every parameter drawn independently per view). */
function atomicPair(augs: readonly AtomicName[]): ViewPair {
  const m = atomicViews({ augs }).maker;
  return [m, m];
}

/** Looks a recipe up by name, throwing with the valid names. */
export function findVisionRecipe(name: string): VisionRecipe {
  return findRecipe(RECIPES, name, 'vision recipe') as VisionRecipe;
}

/** The recipe `contrastive-vision train` uses for `method` (and, for SimCLR, `--projector`). */
export function smallRecipe(method: MethodName, simclrHead: SimclrHead = 'mlp'): VisionRecipe {
  return findVisionRecipe(method === 'simclr' && simclrHead === 'linear' ? 'simclr-small-linear' : `${method}-small`);
}

/** What {@link createMethodFromRecipe} needs besides the recipe. */
export interface RecipeBuildContext {
  /** `[height, width, channels]` of the training images (square: the views are sized by the height). */
  inputShape: [number, number, number];
  /** Number of training images (MoCo queue, InstDisc bank). */
  datasetSize: number;
  /** Seed of the encoder and the method's initialisers. Default 0. */
  seed?: number;
  /** Values replacing the recipe's (command-line flags, a run's recorded settings). */
  overrides?: Partial<
    Pick<
      VisionRecipeOptions,
      | 'encoder'
      | 'widthMultiplier'
      | 'learningRate'
      | 'temperature'
      | 'objective'
      | 'momentum'
      | 'loocAugs'
      | 'gpWeight'
      | 'gpSamples'
      | 'gpUpperLimit'
      | 'momentumHorizon'
      | 'predictorLrScale'
    >
  >;
}

/**
 * Builds the recipe's encoder and method for data of `inputShape` and `datasetSize`: the encoder from
 * `encoder` / `widthMultiplier` / `freezePatchEmbed`, then `createMethod(recipe.method, …)` with the views,
 * head, queue size and negatives the recipe derives from the data, and `overrides` over everything. The
 * method owns the encoder.
 *
 * @example
 * const method = createMethodFromRecipe('simclr-small', { inputShape: [28, 28, 1], datasetSize: 3000, seed: 0 });
 */
export function createMethodFromRecipe(recipe: VisionRecipe | string, ctx: RecipeBuildContext): VisionMethod {
  const r = typeof recipe === 'string' ? findVisionRecipe(recipe) : recipe;
  const o = { ...r.options, ...definedOnly(ctx.overrides ?? {}) };
  const seed = ctx.seed ?? 0;
  const encoder = buildEncoder({
    name: o.encoder ?? 'small-cnn',
    inputShape: ctx.inputShape,
    seed,
    ...(o.widthMultiplier === undefined ? {} : { widthMultiplier: o.widthMultiplier }),
    ...(o.freezePatchEmbed ? { freezePatchEmbed: true } : {}),
  });
  const featureDim = encoder.outputs[0]!.shape[1] as number;
  const options: CreateMethodOptions = {
    encoder,
    seed,
    datasetSize: ctx.datasetSize,
    ...(o.learningRate === undefined ? {} : { learningRate: o.learningRate }),
    ...(o.temperature === undefined ? {} : { temperature: o.temperature }),
    ...(o.momentum === undefined ? {} : { momentum: o.momentum }),
    ...(o.momentumHorizon === undefined ? {} : { momentumHorizon: o.momentumHorizon }),
    ...(o.bankMomentum === undefined ? {} : { bankMomentum: o.bankMomentum }),
    ...(o.predictorLrScale === undefined ? {} : { predictorLrScale: o.predictorLrScale }),
    ...(o.objective === undefined ? {} : { objective: o.objective }),
    ...(o.views === undefined ? {} : { views: o.views(ctx.inputShape[0]) }),
    ...(o.projector === undefined ? {} : { projector: o.projector(featureDim) }),
    ...(o.queueSize === undefined ? {} : { queueSize: o.queueSize(ctx.datasetSize) }),
    ...(o.negatives === undefined ? {} : { negatives: o.negatives(ctx.datasetSize) }),
    ...(o.loocAugs === undefined ? {} : { loocAugs: o.loocAugs }),
    ...(o.gpWeight === undefined ? {} : { gpWeight: o.gpWeight }),
    ...(o.gpSamples === undefined ? {} : { gpSamples: o.gpSamples }),
    ...(o.gpUpperLimit === undefined ? {} : { gpUpperLimit: o.gpUpperLimit }),
  };
  try {
    return createMethod(r.method, options);
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}

/** The recipe's views for images of side `imageSize` (scoring alignment / uniformity on the views a run trained with), or `undefined` for the class's preset. */
export function recipeViews(recipe: VisionRecipe | string, imageSize: number): ViewPair | undefined {
  const r = typeof recipe === 'string' ? findVisionRecipe(recipe) : recipe;
  return r.options.views?.(imageSize);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
