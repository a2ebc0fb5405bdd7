import * as tf from '@tensorflow/tfjs';
import {
  applyGradientsTo,
  cosineSchedule,
  createRng,
  getLearningRate,
  l2Normalize,
  modelState,
  MoCoQueue,
  setLearningRate,
  stopGradient,
  trainableVariables,
  updateMomentum,
  type Encoder,
  type StepInfo,
} from '@contrastive/core';
import { ATOMIC_AUGMENTATIONS, atomicViews, parseAtomicAugs, type AtomicName, type AtomicViews } from '../augment/atomic.js';
import { loocViews } from '../augment/looc-views.js';
import { buildHead, type HeadBlock } from '../heads/mlp.js';
import { mocoV2Projector } from '../heads/presets.js';
import { checkStepInfo } from './base.js';
import {
  batchImages,
  cloneModel,
  embedImages,
  encoderModel,
  makeOptimizer,
  type MethodBaseOptions,
  type MethodBatch,
  type VisionMethod,
} from './common.js';
import { loocLoss, type LoocLossOptions } from './looc-loss.js';
import { groupedForward } from './shuffle-bn.js';

/** LooC's two frozen readouts: the shared backbone (LooC) or the concatenated head spaces (LooC++). */
export const LOOC_READOUTS = ['backbone', 'concat'] as const;
export type LoocReadout = (typeof LOOC_READOUTS)[number];

/** Options of {@link LooC}. */
export interface LoocOptions extends Omit<MethodBaseOptions, 'views'>, LoocLossOptions {
  /** Atomic augmentations, in head order (Zᵢ ↔ `augs[i − 1]`). Default `['color', 'rotation', 'blur']`. Ignored when `views` is given. */
  augs?: readonly AtomicName[];
  /** The explicit-parameter view maker (crop, flip, atomics); default `atomicViews({ augs })`. */
  views?: AtomicViews;
  /** Blocks of each of the n + 1 heads. Default MoCo v2's `Linear(D→D) → ReLU → Linear(D→min(128, D))`. */
  projector?: HeadBlock[];
  /** Queue size K of each space's queue. Default 4096. */
  queueSize?: number;
  /** Key-network momentum m. Default 0.999. */
  momentum?: number;
  /** BN sub-batches emulating per-GPU BN (as MoCo). Default 2. */
  bnGroups?: number;
  /** Shuffle each key view's sub-batches (shuffle BN). Default true. */
  shuffleBn?: boolean;
  /** Cosine LR decay over the run (MoCo v2 `--cos`). Default true. */
  cosineLr?: boolean;
}

/**
 * LooC, Leave-one-out Contrastive Learning (Xiao, Wang, Efros & Darrell, "What Should Not Be Contrastive
 * in Contrastive Learning", ICLR 2021), on MoCo's machinery (momentum key network, a queue per space from
 * core's `MoCoQueue`, core's `infoNCE`). Per step:
 * 1. views (`loocViews`): q and k₀ with independent atomic parameters; kᵢ reuses q's parameter of
 *    augmentation i and draws the rest; crop and flip always, per view;
 * 2. momentum update θ_k ← m·θ_k + (1−m)·θ_q of the backbone and all n + 1 heads;
 * 3. keys: each key view through the key backbone (shuffle BN, its own permutation) and every key head:
 *    `keys[i][j]` = normalize(g_k,i(f_k(k_j))), no gradient;
 * 4. q through the shared backbone f and each head gᵢ (n + 1 embeddings);
 * 5. L = Σᵢ Lᵢ (`loocLoss`): Z₀ has every key as positive (option `invariantPositives`), Zᵢ only kᵢ, with
 *    the other keys as extra negatives;
 * 6. optimizer step on f and the heads; queue i enqueues `keys[i][i]` (queue 0: k₀ in Z₀).
 *
 * Choices where the paper's text could not be checked here (no official code exists; the spec marks
 * them unverified): heads are MoCo v2's 2-layer MLP to 128 (LooC reports MoCo v2-style heads); τ, m, K
 * as MoCo v2; the loss is the unweighted sum over spaces; Z₀'s several positives are separate InfoNCE
 * terms averaged (so Z₀ weighs like one space); the other keys of the batch join the queue as negatives
 * (SeCo's layout, see `loocSpaceLosses`); LooC++ concatenates the L2-normalised head outputs z₀…zₙ.
 *
 * Readouts: `embed` is the backbone (LooC); `embedConcat` the concatenated spaces (LooC++, [N, (n+1)·d]).
 */
export class LooC implements VisionMethod {
  readonly name = 'looc';
  readonly encoder: tf.LayersModel;
  /** Heads g₀ (invariant) … gₙ (sensitive to `views.augs[i − 1]`). */
  readonly heads: tf.LayersModel[];
  readonly keyEncoder: tf.LayersModel;
  readonly keyHeads: tf.LayersModel[];
  /** One queue per space. */
  readonly queues: MoCoQueue[];
  readonly views: AtomicViews;
  readonly momentum: number;
  readonly temperature: number;
  readonly bnGroups: number;
  readonly shuffleBn: boolean;
  readonly invariantPositives: 'all' | 'k0';
  private readonly optimizer: tf.Optimizer;
  private readonly baseLr: number;
  private readonly cosineLr: boolean;
  private disposed = false;

  constructor(opts: LoocOptions) {
    const {
      queueSize = 4096,
      momentum = 0.999,
      temperature = 0.2,
      bnGroups = 2,
      shuffleBn = true,
      cosineLr = true,
      invariantPositives = 'all',
    } = opts ?? ({} as LoocOptions);
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`LooC: momentum must be in [0, 1], got ${String(momentum)}`);
    if (!(temperature > 0) || !Number.isFinite(temperature))
      throw new RangeError(`LooC: temperature must be a finite number > 0, got ${String(temperature)}`);
    if (!Number.isInteger(bnGroups) || bnGroups < 1)
      throw new RangeError(`LooC: bnGroups must be an integer >= 1, got ${String(bnGroups)}`);
    if (!Number.isInteger(queueSize) || queueSize < 1)
      throw new RangeError(`LooC: queueSize must be an integer >= 1, got ${String(queueSize)}`);
    if (invariantPositives !== 'all' && invariantPositives !== 'k0')
      throw new RangeError(`LooC: invariantPositives must be 'all' or 'k0', got ${String(invariantPositives)}`);
    this.views = opts.views ?? atomicViews({ augs: parseAtomicAugs(opts.augs ?? ATOMIC_AUGMENTATIONS, 'LooC: augs') });
    this.encoder = encoderModel(opts.encoder);
    this.momentum = momentum;
    this.temperature = temperature;
    this.bnGroups = bnGroups;
    this.shuffleBn = shuffleBn;
    this.invariantPositives = invariantPositives;
    this.cosineLr = cosineLr;
    const initRng = createRng(opts.seed ?? 0);
    const d = this.encoder.outputs[0]!.shape[1];
    if (typeof d !== 'number')
      throw new RangeError(`LooC: encoder must output [N, D], got ${JSON.stringify(this.encoder.outputs[0]!.shape)}`);
    const blocks = opts.projector ?? mocoV2Projector({ hidden: d, out: Math.min(128, d) });
    const spaces = this.views.augs.length + 1;
    this.heads = Array.from({ length: spaces }, (_, i) => buildHead(blocks, { inDim: d, name: `looc_head${i}`, seed: initRng.seed() }));
    // θ_k starts as a copy of θ_q.
    this.keyEncoder = cloneModel(this.encoder);
    this.keyHeads = this.heads.map((h) => cloneModel(h));
    const dim = this.heads[0]!.outputs[0]!.shape[1] as number;
    this.queues = this.heads.map(() => new MoCoQueue({ size: queueSize, dim, seed: initRng.seed() }));
    this.optimizer = makeOptimizer(opts as MethodBaseOptions);
    this.baseLr = getLearningRate(this.optimizer);
  }

  get usesTotalSteps(): boolean {
    return this.cosineLr;
  }

  /** Keys `[space][view]`: every key view through the key backbone (shuffle BN when `perms` given) and every key head, normalised. */
  encodeKeys(keyViews: readonly tf.Tensor4D[], perms?: readonly Int32Array[]): tf.Tensor2D[][] {
    return tf.tidy(() => {
      const feats = keyViews.map((v, j) => groupedForward([this.keyEncoder], v, this.bnGroups, perms?.[j]));
      return this.keyHeads.map((h) => feats.map((f) => l2Normalize(h.apply(f, { training: true }) as tf.Tensor2D) as tf.Tensor2D));
    });
  }

  /** The differentiable loss of q against `keys` and the queues as they are now. Public so tests can check gradients. */
  loss(query: tf.Tensor4D, keys: readonly (readonly tf.Tensor2D[])[], queues: readonly tf.Tensor2D[]): tf.Scalar {
    const h = groupedForward([this.encoder], query, this.bnGroups);
    const qs = this.heads.map((g) => g.apply(h, { training: true }) as tf.Tensor2D);
    return loocLoss(
      qs,
      keys.map((row) => row.map((k) => stopGradient(k))),
      queues,
      { temperature: this.temperature, invariantPositives: this.invariantPositives },
    );
  }

  step(batch: MethodBatch, info: StepInfo): tf.Scalar {
    this.assertAlive();
    checkStepInfo(this.name, info, this.usesTotalSteps);
    const x = batchImages(batch, this.name);
    if (this.cosineLr && info.totalSteps) {
      setLearningRate(
        this.optimizer,
        cosineSchedule({ from: this.baseLr, to: 0, totalSteps: info.totalSteps })(Math.min(info.globalStep, info.totalSteps)),
      );
    }
    const views = loocViews(this.views, x, info.rng);
    const online = trainableVariables(this.encoder, ...this.heads);
    let keys: tf.Tensor2D[][] = [];
    let queues: tf.Tensor2D[] = [];
    try {
      updateMomentum(online, trainableVariables(this.keyEncoder, ...this.keyHeads), this.momentum);
      const perms = this.shuffleBn ? views.keys.map(() => info.rng.permutation(x.shape[0])) : undefined;
      keys = this.encodeKeys(views.keys, perms);
      queues = this.queues.map((q) => q.negatives());
      const { value, grads } = tf.variableGrads(() => this.loss(views.query, keys, queues), online);
      applyGradientsTo(this.optimizer, grads, online);
      tf.dispose(Object.values(grads));
      // Space i enqueues its positive key kᵢ (space 0: k₀), as MoCo enqueues its one key.
      this.queues.forEach((q, i) => q.update(keys[i]![i]!));
      return value;
    } finally {
      tf.dispose([views.query, ...views.keys, ...keys.flat(), ...queues]);
    }
  }

  /** LooC's readout: the backbone output `[N, D]` (inference-mode BN). */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    this.assertAlive();
    return embedImages(this.encoder, images);
  }

  /** LooC++'s readout: the L2-normalised head outputs z₀…zₙ concatenated, `[N, (n+1)·d]` (inference mode). */
  embedConcat(images: tf.Tensor4D): tf.Tensor2D {
    this.assertAlive();
    return embedImages(this.readoutEncoder('concat'), images);
  }

  /** A readout as core's `Encoder` over images (what the scorer embeds with); it shares this method's weights. */
  readoutEncoder(readout: LoocReadout): Encoder<tf.Tensor4D> {
    if (!(LOOC_READOUTS as readonly unknown[]).includes(readout))
      throw new RangeError(`LooC.readoutEncoder: readout must be one of ${LOOC_READOUTS.join(', ')}, got ${String(readout)}`);
    const apply = (x: tf.Tensor4D, training: boolean): tf.Tensor =>
      tf.tidy(() => {
        const h = this.encoder.apply(x, { training }) as tf.Tensor2D;
        if (readout === 'backbone') return h;
        return tf.concat(
          this.heads.map((g) => l2Normalize(g.apply(h, { training }) as tf.Tensor2D)),
          1,
        );
      });
    return {
      name: `looc-${readout}`,
      apply,
      trainableWeights: [],
      stateTensors: () => this.stateTensors(),
      save: () => Promise.reject(new Error('LooC.readoutEncoder: save the method (its checkpoint) instead of a readout')),
      dispose: () => undefined,
    };
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    const out: Record<string, tf.Variable> = { ...modelState('encoder', this.encoder), ...modelState('key_encoder', this.keyEncoder) };
    this.heads.forEach((h, i) => Object.assign(out, modelState(`head${i}`, h), modelState(`key_head${i}`, this.keyHeads[i]!)));
    this.queues.forEach((q, i) => Object.assign(out, q.stateTensors(`queue${i}`)));
    return out;
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of [this.encoder, this.keyEncoder, ...this.heads, ...this.keyHeads]) m.dispose();
    for (const q of this.queues) q.dispose();
    this.optimizer.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error(`${this.name} was disposed`);
  }
}
