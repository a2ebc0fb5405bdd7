import * as tf from '@tensorflow/tfjs';
import type { Rng, StepInfo, TrainCallbacks } from '@contrastive/core';
import { assertNonNegative, assertPositive, createRng } from '@contrastive/core';
import type { AugmentationName } from '../augment/registry.js';
import { AUGMENTATION_NAMES, graphAugmentation } from '../augment/registry.js';
import type { Graph } from '../data/graph.js';
import { makeVariable } from '../layers/linear.js';
import { ProjectionHead } from '../layers/projection-head.js';
import { graphclLoss } from '../losses/graphcl-loss.js';
import type { GraphCLOptions } from './graphcl.js';
import { GraphCL } from './graphcl.js';
import { projectGraphs } from './graph-views.js';
import { shareFromMain } from './share-from-main.js';
import { projectSimplex } from './simplex.js';

/** Augmentation types (5); pair n = AUGMENTATION_COUNT·i + j. */
const AUGMENTATION_COUNT = AUGMENTATION_NAMES.length;
const PAIRS = AUGMENTATION_COUNT * AUGMENTATION_COUNT;

/**
 * Options of {@link JOAO} (GraphCL options minus the fixed augmentation pair).
 *
 * Ownership: JOAO owns the encoder and heads it builds, p, and the optimizer it is given or creates;
 * `dispose()` frees them all.
 */
export interface JOAOOptions extends Omit<GraphCLOptions, 'augmentations'> {
  /** γ of the regulariser −(γ/2)‖p − 1/25‖². Default 0.1 (code default; the README examples use 0.01). */
  gamma?: number;
  /** Ascent step size β. Default 1. */
  beta?: number;
  /** JOAOv2: one projection head per augmentation type and one pair per epoch. Default false. */
  v2?: boolean;
}

/**
 * JOAO (You et al., "Graph Contrastive Learning Automated", ICML 2021): GraphCL whose augmentation pair is
 * drawn from a distribution p over the 25 ordered pairs of A = [NodeDrop, Subgraph, EdgePert, AttrMask,
 * Identity] and optimised adversarially,
 *
 *   min_θ max_{p∈Δ} Σ_n p_n·L(θ; pair n) − (γ/2)‖p − 1/25‖²,
 *
 * by alternating (code, `pretrain_joao.py`): one epoch of θ steps with every graph drawing its pair from p
 * (`step`), then (`updateDistribution`, called at epoch end by `callbacks()`) ℓ_n for each pair on about
 * 10 % of the data without gradients, `b = p + β(ℓ − γ(p − 1/25))` and p ← projection of b onto Δ.
 *
 * JOAOv2 (`v2: true`): five projection heads, one per augmentation; each view goes through the head of
 * its augmentation; as in `pretrain_joaov2.py` a single pair is drawn per epoch (not per graph).
 */
export class JOAO extends GraphCL {
  override readonly name: string;
  /** p over the 25 ordered pairs, index n = 5·i + j ↔ (A[i], A[j]). Saved in checkpoints as `joao/p`. */
  readonly pairProbabilities: tf.Variable;
  readonly gamma: number;
  readonly beta: number;
  readonly v2: boolean;
  readonly heads: ProjectionHead[] = [];
  private readonly seed: number;
  constructor(opts: JOAOOptions) {
    super(opts);
    this.gamma = opts.gamma ?? 0.1;
    this.beta = opts.beta ?? 1;
    assertNonNegative(this.gamma, 'gamma');
    assertPositive(this.beta, 'beta');
    this.v2 = opts.v2 ?? false;
    this.name = this.v2 ? 'joaov2' : 'joao';
    this.seed = opts.seed ?? 0;
    this.pairProbabilities = makeVariable(() => tf.fill([PAIRS], 1 / PAIRS), 'joao/p', false);
    if (this.v2) {
      const rng = createRng(this.seed + 1);
      const proj = opts.projDim ?? this.encoder.outDim;
      for (let a = 0; a < AUGMENTATION_COUNT; a++) this.heads.push(new ProjectionHead(this.encoder.outDim, proj, proj, rng, `head${a}`));
    }
  }

  /** Current augmentation-pair distribution (25 numbers). Reads the variable (not for the hot path). */
  distribution(): number[] {
    return Array.from(this.pairProbabilities.dataSync());
  }

  /** Draws a pair index from `probs`. */
  private drawPair(probs: readonly number[], rng: Rng): number {
    let u = rng.uniform();
    for (let n = 0; n < PAIRS; n++) {
      u -= probs[n]!;
      if (u < 0) return n;
    }
    return PAIRS - 1;
  }

  /** Projections of views made with per-graph augmentations `augs` (v2: each through its augmentation's head). */
  private projectMixed(views: readonly Graph[], augs: readonly number[]): tf.Tensor2D {
    if (!this.v2) return this.project(views);
    // v2 uses one augmentation per view list (one pair per epoch), so one head serves the whole list.
    const head = this.heads[augs[0]!]!;
    return projectGraphs(views, (t) => head.apply(this.encoder.embed(t)));
  }

  /** Loss of `graphs` when view 1 uses A[i] and view 2 uses A[j] for each graph's pair (i, j). */
  private lossFor(graphs: readonly Graph[], pairs: readonly number[], rng: Rng): tf.Scalar {
    const a1 = pairs.map((n) => Math.floor(n / AUGMENTATION_COUNT));
    const a2 = pairs.map((n) => n % AUGMENTATION_COUNT);
    const v1 = graphs.map((g, k) => graphAugmentation(AUGMENTATION_NAMES[a1[k]!]!, this.augRatio)(g, rng));
    const v2 = graphs.map((g, k) => graphAugmentation(AUGMENTATION_NAMES[a2[k]!]!, this.augRatio)(g, rng));
    return tf.tidy(
      () =>
        graphclLoss(this.projectMixed(v1, a1), this.projectMixed(v2, a2), {
          temperature: this.temperature,
          variant: this.lossVariant,
        }) as tf.Scalar,
    );
  }

  /**
   * One θ step. JOAO: each graph draws its pair from p with `info.rng`. JOAOv2: the one pair of epoch
   * `info.epoch`, drawn from p (checkpointed) with a generator seeded by (options seed, epoch) — the same
   * for every step of the epoch, and the same again in a resumed run.
   */
  override step(graphs: readonly Graph[], info: StepInfo): tf.Scalar {
    // p is updated at epoch end on the main thread only: every data-parallel replica takes rank 0's.
    const probs = shareFromMain(PAIRS, () => this.distributionCached());
    if (this.cached === null || probs.some((v, n) => v !== this.cached![n])) this.adopt(probs);
    let pairs: number[];
    if (this.v2) {
      const n = this.drawPair(probs, createRng(this.seed * 7919 + info.epoch));
      pairs = graphs.map(() => n);
    } else {
      pairs = graphs.map(() => this.drawPair(probs, info.rng));
    }
    return this.minimize(() => this.lossFor(graphs, pairs, info.rng));
  }

  private cached: number[] | null = null;
  /** Takes `p` (a data-parallel worker receiving the main thread's distribution). */
  private adopt(p: readonly number[]): void {
    tf.tidy(() => this.pairProbabilities.assign(tf.tensor1d(p as number[])));
    this.cached = [...p];
  }
  /** p as numbers, read once per update (p only changes in `updateDistribution`/restore). */
  private distributionCached(): number[] {
    if (this.cached === null) this.cached = this.distribution();
    return this.cached;
  }
  /** Forgets the cached p (re-read at the next step). {@link stateTensors} already does this, so a restore through core's checkpoint I/O needs no call. */
  invalidate(): void {
    this.cached = null;
  }

  /**
   * The max step: estimate ℓ_n for all 25 pairs on `batches` (no gradients), ascend and project onto Δ.
   * Returns the per-pair losses and the new p.
   */
  updateDistribution(batches: readonly (readonly Graph[])[], rng: Rng): { losses: number[]; p: number[] } {
    const losses = new Array<number>(PAIRS).fill(0);
    for (let n = 0; n < PAIRS; n++) {
      for (const b of batches) {
        const l = this.lossFor(
          b,
          b.map(() => n),
          rng,
        );
        losses[n]! += l.dataSync()[0]! / batches.length;
        l.dispose();
      }
    }
    const p = this.distribution();
    const b = p.map((pn, n) => pn + this.beta * (losses[n]! - this.gamma * (pn - 1 / PAIRS)));
    const next = projectSimplex(b);
    tf.tidy(() => this.pairProbabilities.assign(tf.tensor1d(next)));
    // Draw from p as stored (float32), as a resumed run reading the checkpoint and a data-parallel worker do.
    this.cached = Array.from(Float32Array.from(next));
    return { losses, p: [...this.cached] };
  }

  /**
   * Train-loop hooks: after every epoch run {@link updateDistribution} on `ceil(len/(bs·10))` random
   * batches of `data` (JOAO's `len/(bs·10)+1`), seeded by the epoch.
   */
  callbacks(data: readonly Graph[], batchSize: number, log?: (line: string) => void): TrainCallbacks {
    return {
      onEpochEnd: (epoch) => {
        const rng = createRng(this.seed * 104729 + epoch);
        const count = Math.floor(data.length / (batchSize * 10)) + 1;
        const perm = rng.permutation(data.length);
        const batches: Graph[][] = [];
        for (let k = 0; k < count && k * batchSize < data.length; k++) {
          batches.push(Array.from(perm.subarray(k * batchSize, (k + 1) * batchSize), (i) => data[i]!));
        }
        const { p } = this.updateDistribution(batches, rng);
        const top = p
          .map((v, n) => [v, n] as const)
          .sort((a, b) => b[0] - a[0])
          .slice(0, 3);
        log?.(
          `joao p top: ${top.map(([v, n]) => `${AUGMENTATION_NAMES[Math.floor(n / AUGMENTATION_COUNT)]}+${AUGMENTATION_NAMES[n % AUGMENTATION_COUNT]}=${v.toFixed(3)}`).join(' ')}`,
        );
      },
    };
  }

  override trainableVariables(): Record<string, tf.Variable> {
    const out = super.trainableVariables();
    if (this.v2) {
      for (const k of Object.keys(out)) if (k.startsWith('head/')) delete out[k];
      this.heads.forEach((h, a) => Object.assign(out, h.variables(`heads/${AUGMENTATION_NAMES[a]}`)));
    }
    return out;
  }
  /**
   * Also forgets the cached p: whoever takes the variables may assign them (a checkpoint restore, e.g. core
   * `train({ resume: true })` on an instance that has already stepped), so the next step re-reads p.
   */
  override stateTensors(): Record<string, tf.Variable> {
    this.cached = null;
    return { ...this.trainableVariables(), 'joao/p': this.pairProbabilities };
  }
  /** Frees the encoder, every head, p and the optimizer. Idempotent. */
  override dispose(): void {
    if (this.pairProbabilities.isDisposed) return;
    super.dispose();
    this.heads.forEach((h) => h.dispose());
    this.pairProbabilities.dispose();
  }
}

/** Pair names, index n = 5·i + j. */
export const AUGMENTATION_PAIRS: readonly string[] = Array.from(
  { length: PAIRS },
  (_, n) => `${AUGMENTATION_NAMES[Math.floor(n / AUGMENTATION_COUNT)]}+${AUGMENTATION_NAMES[n % AUGMENTATION_COUNT]}`,
);
export type { AugmentationName };
