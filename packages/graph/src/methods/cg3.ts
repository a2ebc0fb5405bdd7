import * as tf from '@tensorflow/tfjs';
import type { Rng, StepInfo } from '@contrastive/core';
import { assertNonNegative, assertPositive, createRng, l2Normalize } from '@contrastive/core';
import { batchGraphs } from '../data/batch.js';
import type { GraphTensors } from '../data/tensors.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';
import { GCNEncoder } from '../layers/gcn-encoder.js';

import { Linear } from '../layers/linear.js';
import { cg3CrossViewLoss, cg3ReconstructionLoss, cg3SemiSupervisedLoss } from '../losses/cg3-losses.js';
import type { NodeMethod } from './graph-method.js';
import { HierarchicalGCNView } from './hgcn-view.js';
import type { NodeTask } from './node-task.js';
import { checkTaskBatch, labelledNodes } from './node-task.js';

/**
 * Options of {@link CG3}; loss weights default to the official code's.
 *
 * Ownership: CG3 owns everything it builds (both views, the reconstruction layer, the task's tensors) and
 * the optimizer it is given or creates; `dispose()` frees them all.
 */
export interface CG3Options {
  /** Hidden width of the local GCN. Default 64 (CG3's code uses 1024 on citation graphs). */
  hiddenLocal?: number;
  /** Hidden width of the global (hierarchical) view. Default 32 (H-GCN / CG3). */
  hiddenGlobal?: number;
  /** Coarsening levels of the global view. Default 2 (CG3: 4, on graphs with thousands of nodes). */
  levels?: number;
  /** Dropout on layer inputs during training. Default 0.6 (CG3 local GCN). */
  dropout?: number;
  /** τ of both contrastive losses. Default 0.5. */
  temperature?: number;
  /** Weight of the cross-view unsupervised loss. Default 0.9. */
  wUnsup?: number;
  /** Weight of the semi-supervised contrastive loss. Default 0.9. */
  wSup?: number;
  /** Weight of the generative reconstruction loss. Default 0.4. */
  wRecon?: number;
  /** L2 coefficient `wd·½‖W‖²` on the local GCN's first layer. Default 5e-4 (Kipf & Welling; CG3's citeseer config uses 0.1). */
  weightDecay?: number;
  /** Local-view share of the prediction `ŷ = l2norm(α z^L + (1−α) z^G)`. Default 0.6. */
  alpha?: number;
  /** Adam learning rate. Default 0.01. Ignored when `optimizer` is given. */
  learningRate?: number;
  /** The optimizer (owned by the method). Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Initialisation seed. Default 0. (Dropout masks come from each step's `info.rng`.) */
  seed?: number;
}

/** The loss settings CG3 resolves from its options. */
interface CG3Settings {
  dropout: number;
  temperature: number;
  wUnsup: number;
  wSup: number;
  wRecon: number;
  weightDecay: number;
  alpha: number;
}

/**
 * CG3 (Wan et al., "Contrastive and Generative Graph Convolutional Networks for Graph-based
 * Semi-Supervised Learning", AAAI 2021) on one graph, full batch. Per step:
 *
 * 1. local view z^L = l2norm(GCN₂(X)) (2-layer GCN on Â, dropout), global view z^G = l2norm(HGCN(X));
 * 2. prediction ŷ = l2norm(0.6 z^L + 0.4 z^G), softmax cross-entropy on the labelled nodes;
 * 3. L_uc: cross-view contrast over all nodes (variant D); L_sc: supervised contrast over labelled nodes;
 * 4. L_g: reconstruct every edge of Â (self-loops included) from σ(Linear([z^L_i ; z^G_j])) and the
 *    view-swapped pair, observed edges only;
 * 5. L = CE(ŷ) + 0.9·L_uc + 0.9·L_sc + 0.4·L_g + wd·½‖W₁‖² + CE(z^G) (the H-GCN's own supervised term).
 *
 * The batch of every step is the {@link NodeTask} it was built with (`task.labels`: −1 = unlabelled;
 * evaluation labels stay outside). The dropout masks of a step are drawn from `info.rng`, so a resumed
 * run draws exactly the masks of an uninterrupted one.
 *
 * @example
 * const task = { graph: karateClub(), labels, numClasses: 2 };
 * const cg3 = new CG3(task, { seed: 0 });
 * await train({ method: cg3, batches: () => [task], epochs: 200 });
 * const accuracy = maskedAccuracy(cg3.predict(), truth, evalMask);
 */
export class CG3 implements NodeMethod {
  readonly name = 'cg3';
  readonly task: NodeTask;
  readonly local: GCNEncoder;
  readonly global: HierarchicalGCNView;
  readonly reconstruction: Linear;
  readonly optimizer: tf.Optimizer;
  readonly numClasses: number;
  private readonly graphTensors: GraphTensors;
  private readonly labelledIdx: tf.Tensor1D;
  private readonly labelledY: tf.Tensor1D;
  private readonly labelledOneHot: tf.Tensor2D;
  private readonly settings: CG3Settings;
  private disposed = false;
  constructor(task: NodeTask, options: CG3Options = {}) {
    const idx = labelledNodes(task, 2, 'CG3');
    const { graph, labels, numClasses } = task;
    this.task = task;
    this.numClasses = numClasses;
    const rng = createRng(options.seed ?? 0);
    this.settings = {
      dropout: options.dropout ?? 0.6,
      temperature: options.temperature ?? 0.5,
      wUnsup: options.wUnsup ?? 0.9,
      wSup: options.wSup ?? 0.9,
      wRecon: options.wRecon ?? 0.4,
      weightDecay: options.weightDecay ?? 5e-4,
      alpha: options.alpha ?? 0.6,
    };
    assertPositive(this.settings.temperature, 'temperature');
    for (const k of ['wUnsup', 'wSup', 'wRecon', 'weightDecay', 'dropout'] as const) assertNonNegative(this.settings[k], k);
    const learningRate = options.learningRate ?? 0.01;
    assertPositive(learningRate, 'learningRate');
    this.local = new GCNEncoder([graph.numFeatures, options.hiddenLocal ?? 64, numClasses], rng, this.settings.dropout, 'cg3/local');
    const levelOpts: { levels?: number } = {};
    if (options.levels !== undefined) levelOpts.levels = options.levels;
    this.global = new HierarchicalGCNView(graph, graph.numFeatures, options.hiddenGlobal ?? 32, numClasses, rng, levelOpts);
    this.reconstruction = new Linear(2 * numClasses, 1, rng, { name: 'cg3/recon' });
    this.optimizer = options.optimizer ?? tf.train.adam(learningRate);
    this.graphTensors = toTensors(batchGraphs([graph]));
    this.labelledIdx = tf.tensor1d(idx, 'int32');
    this.labelledY = tf.tensor1d(
      idx.map((i) => labels[i]!),
      'int32',
    );
    this.labelledOneHot = tf.tidy(() => tf.oneHot(this.labelledY, numClasses).toFloat() as tf.Tensor2D);
  }

  /**
   * Both views, L2-normalised `[N, C]`. With `dropoutRng` the views are in training mode and their
   * dropout masks are drawn from it; without, evaluation mode (no dropout).
   */
  views(dropoutRng?: Rng): { zL: tf.Tensor2D; zG: tf.Tensor2D } {
    const training = dropoutRng !== undefined;
    const localSeed = dropoutRng?.seed();
    const globalSeed = dropoutRng?.seed();
    return tf.tidy(() => {
      const zL = l2Normalize(this.local.apply(this.graphTensors, { training, ...(localSeed === undefined ? {} : { seed: localSeed }) }));
      const zG = l2Normalize(
        this.global.apply(this.graphTensors.x, {
          training,
          dropout: this.settings.dropout,
          ...(globalSeed === undefined ? {} : { seed: globalSeed }),
        }),
      );
      return { zL, zG };
    });
  }

  /** The full CG3 objective (see class doc); training mode with dropout from `dropoutRng`, else evaluation mode. */
  loss(dropoutRng?: Rng): tf.Scalar {
    const { alpha, temperature, wUnsup, wSup, wRecon, weightDecay } = this.settings;
    return tf.tidy(() => {
      const { zL, zG } = this.views(dropoutRng);
      const pred = l2Normalize(tf.add(tf.mul(zL, alpha), tf.mul(zG, 1 - alpha)) as tf.Tensor2D);
      const ce = tf.losses.softmaxCrossEntropy(this.labelledOneHot, tf.gather(pred, this.labelledIdx));
      const ceG = tf.losses.softmaxCrossEntropy(this.labelledOneHot, tf.gather(zG, this.labelledIdx));
      const crossView = cg3CrossViewLoss(zL, zG, temperature);
      const supervised = cg3SemiSupervisedLoss(
        tf.gather(zL, this.labelledIdx),
        tf.gather(zG, this.labelledIdx),
        this.labelledY,
        temperature,
      );
      const { src, dst } = this.graphTensors.gcn;
      const localGlobal = tf.concat([tf.gather(zL, src), tf.gather(zG, dst)], 1) as tf.Tensor2D;
      const globalLocal = tf.concat([tf.gather(zG, src), tf.gather(zL, dst)], 1) as tf.Tensor2D;
      const logits = tf
        .concat([this.reconstruction.apply(localGlobal), this.reconstruction.apply(globalLocal)], 0)
        .reshape([-1]) as tf.Tensor1D;
      const generative = cg3ReconstructionLoss(logits);
      const decay = tf.mul(tf.sum(tf.square(this.local.convs[0]!.lin.weight)), weightDecay / 2);
      return tf.addN([ce, ceG, tf.mul(crossView, wUnsup), tf.mul(supervised, wSup), tf.mul(generative, wRecon), decay]) as tf.Scalar;
    });
  }

  /** One full-batch Adam step on `task` (the task CG3 was built with); dropout masks from `info.rng`. */
  step(task: NodeTask, info: StepInfo): tf.Scalar {
    checkTaskBatch(task, this.task, 'CG3');
    const vars = Object.values(this.stateTensors());
    return this.optimizer.minimize(() => this.loss(info.rng), true, vars)!;
  }

  /** Predicted class of every node (eval mode, no dropout). */
  predict(): Int32Array {
    const { alpha } = this.settings;
    const p = tf.tidy(() => {
      const { zL, zG } = this.views();
      return tf.argMax(tf.add(tf.mul(zL, alpha), tf.mul(zG, 1 - alpha)), 1);
    });
    const out = Int32Array.from(p.dataSync());
    p.dispose();
    return out;
  }

  stateTensors(): Record<string, tf.Variable> {
    return { ...this.local.variables('local'), ...this.global.variables('global'), ...this.reconstruction.variables('recon') };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }
  /** Frees both views, the reconstruction layer, the optimizer and the task tensors. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.local.dispose();
    this.global.dispose();
    this.reconstruction.dispose();
    this.optimizer.dispose();
    disposeGraphTensors(this.graphTensors);
    tf.dispose([this.labelledIdx, this.labelledY, this.labelledOneHot]);
  }
}
