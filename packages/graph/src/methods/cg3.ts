import * as tf from '@tensorflow/tfjs';
import type { Checkpointable } from '@contrastive/core';
import { assertNonNegative, assertPositive, createRng, l2Normalize } from '@contrastive/core';
import { batchGraphs } from '../data/batch.js';
import type { Graph } from '../data/graph.js';
import { validateGraph } from '../data/graph.js';
import type { GraphTensors } from '../data/tensors.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';
import { GCNEncoder } from '../layers/gcn-encoder.js';
import { Linear } from '../layers/linear.js';
import { cg3CrossViewLoss, cg3ReconstructionLoss, cg3SemiSupervisedLoss } from '../losses/cg3-losses.js';
import { HierarchicalGCNView } from './hgcn-view.js';

/** Options of {@link CG3}; loss weights default to the official code's. */
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
  /** Adam learning rate. Default 0.01. */
  lr?: number;
  /** Initialisation / dropout seed. Default 0. */
  seed?: number;
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
 * `labels` are the node labels used for training (−1 = unlabelled); evaluation labels stay outside.
 */
export class CG3 implements Checkpointable {
  readonly local: GCNEncoder;
  readonly global: HierarchicalGCNView;
  readonly recon: Linear;
  readonly optimizer: tf.Optimizer;
  readonly numClasses: number;
  private readonly t: GraphTensors;
  private readonly labelledIdx: tf.Tensor1D;
  private readonly labelledY: tf.Tensor1D;
  private readonly labelledOneHot: tf.Tensor2D;
  private readonly o: Required<Omit<CG3Options, 'hiddenLocal' | 'hiddenGlobal' | 'levels' | 'lr' | 'seed'>>;
  private stepCount = 0;
  private readonly seed: number;
  constructor(graph: Graph, labels: Int32Array, numClasses: number, opts: CG3Options = {}) {
    validateGraph(graph, 'graph');
    if (labels.length !== graph.numNodes) throw new RangeError(`labels must have length numNodes = ${graph.numNodes}, got ${labels.length}`);
    const idx: number[] = [];
    labels.forEach((y, i) => {
      if (y >= numClasses) throw new RangeError(`labels[${i}] = ${y} is not < numClasses = ${numClasses}`);
      if (y >= 0) idx.push(i);
    });
    if (idx.length < 2) throw new RangeError(`CG3 needs at least 2 labelled nodes (labels >= 0), got ${idx.length}`);
    this.numClasses = numClasses;
    this.seed = opts.seed ?? 0;
    const rng = createRng(this.seed);
    this.o = {
      dropout: opts.dropout ?? 0.6,
      temperature: opts.temperature ?? 0.5,
      wUnsup: opts.wUnsup ?? 0.9,
      wSup: opts.wSup ?? 0.9,
      wRecon: opts.wRecon ?? 0.4,
      weightDecay: opts.weightDecay ?? 5e-4,
      alpha: opts.alpha ?? 0.6,
    };
    assertPositive(this.o.temperature, 'temperature');
    for (const k of ['wUnsup', 'wSup', 'wRecon', 'weightDecay', 'dropout'] as const) assertNonNegative(this.o[k], k);
    this.local = new GCNEncoder([graph.numFeatures, opts.hiddenLocal ?? 64, numClasses], rng, this.o.dropout, 'cg3/local');
    const levelOpts: { levels?: number } = {};
    if (opts.levels !== undefined) levelOpts.levels = opts.levels;
    this.global = new HierarchicalGCNView(graph, graph.numFeatures, opts.hiddenGlobal ?? 32, numClasses, rng, levelOpts);
    this.recon = new Linear(2 * numClasses, 1, rng, { name: 'cg3/recon' });
    this.optimizer = tf.train.adam(opts.lr ?? 0.01);
    this.t = toTensors(batchGraphs([graph]));
    this.labelledIdx = tf.tensor1d(idx, 'int32');
    const ys = idx.map((i) => labels[i]!);
    this.labelledY = tf.tensor1d(ys, 'int32');
    this.labelledOneHot = tf.tidy(() => tf.oneHot(this.labelledY, numClasses).toFloat() as tf.Tensor2D);
  }

  /** Both views, L2-normalised `[N, C]`. */
  views(training: boolean): { zL: tf.Tensor2D; zG: tf.Tensor2D } {
    return tf.tidy(() => {
      const seed = this.seed * 1000 + this.stepCount * 2;
      const zL = l2Normalize(this.local.apply(this.t, { training, seed }));
      const zG = l2Normalize(this.global.apply(this.t.x, { training, dropout: this.o.dropout, seed: seed + 1 }));
      return { zL, zG };
    });
  }

  /** The full CG3 objective (see class doc). */
  loss(training = true): tf.Scalar {
    return tf.tidy(() => {
      const { zL, zG } = this.views(training);
      const pred = l2Normalize(tf.add(tf.mul(zL, this.o.alpha), tf.mul(zG, 1 - this.o.alpha)) as tf.Tensor2D);
      const ce = tf.losses.softmaxCrossEntropy(this.labelledOneHot, tf.gather(pred, this.labelledIdx));
      const ceG = tf.losses.softmaxCrossEntropy(this.labelledOneHot, tf.gather(zG, this.labelledIdx));
      const uc = cg3CrossViewLoss(zL, zG, this.o.temperature);
      const sc = cg3SemiSupervisedLoss(tf.gather(zL, this.labelledIdx), tf.gather(zG, this.labelledIdx), this.labelledY, this.o.temperature);
      const { src, dst } = this.t.gcn;
      const a = tf.concat([tf.gather(zL, src), tf.gather(zG, dst)], 1) as tf.Tensor2D;
      const b = tf.concat([tf.gather(zG, src), tf.gather(zL, dst)], 1) as tf.Tensor2D;
      const logits = tf.concat([this.recon.apply(a), this.recon.apply(b)], 0).reshape([-1]) as tf.Tensor1D;
      const g = cg3ReconstructionLoss(logits);
      const wd = tf.mul(tf.sum(tf.square(this.local.convs[0]!.lin.w)), this.o.weightDecay / 2);
      return tf.addN([ce, ceG, tf.mul(uc, this.o.wUnsup), tf.mul(sc, this.o.wSup), tf.mul(g, this.o.wRecon), wd]) as tf.Scalar;
    });
  }

  /** One full-batch Adam step (the batch argument is ignored: CG3 trains on the whole graph). */
  step(): tf.Scalar {
    const vars = Object.values(this.stateTensors());
    const l = this.optimizer.minimize(() => this.loss(true), true, vars)!;
    this.stepCount++;
    return l;
  }

  /** Predicted class of every node (eval mode, no dropout). */
  predict(): Int32Array {
    const p = tf.tidy(() => {
      const { zL, zG } = this.views(false);
      return tf.argMax(tf.add(tf.mul(zL, this.o.alpha), tf.mul(zG, 1 - this.o.alpha)), 1);
    });
    const out = Int32Array.from(p.dataSync());
    p.dispose();
    return out;
  }

  stateTensors(): Record<string, tf.Variable> {
    return { ...this.local.variables('local'), ...this.global.variables('global'), ...this.recon.variables('recon') };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }
  dispose(): void {
    this.local.dispose();
    this.global.dispose();
    this.recon.dispose();
    this.optimizer.dispose();
    disposeGraphTensors(this.t);
    tf.dispose([this.labelledIdx, this.labelledY, this.labelledOneHot]);
  }
}

/**
 * The CG3 baseline: a plain 2-layer GCN (Kipf & Welling) trained with softmax cross-entropy on the same
 * labelled nodes, same hidden width, dropout, weight decay and optimiser.
 */
export class GCNBaseline implements Checkpointable {
  readonly gcn: GCNEncoder;
  readonly optimizer: tf.Optimizer;
  private readonly t: GraphTensors;
  private readonly idx: tf.Tensor1D;
  private readonly oneHot: tf.Tensor2D;
  private stepCount = 0;
  constructor(
    graph: Graph,
    labels: Int32Array,
    numClasses: number,
    private readonly opts: { hidden?: number; dropout?: number; weightDecay?: number; lr?: number; seed?: number } = {},
  ) {
    validateGraph(graph, 'graph');
    const idx: number[] = [];
    labels.forEach((y, i) => y >= 0 && idx.push(i));
    this.gcn = new GCNEncoder([graph.numFeatures, opts.hidden ?? 64, numClasses], createRng(opts.seed ?? 0), opts.dropout ?? 0.6, 'baseline');
    this.optimizer = tf.train.adam(opts.lr ?? 0.01);
    this.t = toTensors(batchGraphs([graph]));
    this.idx = tf.tensor1d(idx, 'int32');
    this.oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map((i) => labels[i]!), 'int32'), numClasses).toFloat() as tf.Tensor2D);
  }
  step(): tf.Scalar {
    const seed = (this.opts.seed ?? 0) * 1000 + this.stepCount++;
    return this.optimizer.minimize(
      () =>
        tf.tidy(() => {
          const logits = tf.gather(this.gcn.apply(this.t, { training: true, seed }), this.idx);
          const wd = tf.mul(tf.sum(tf.square(this.gcn.convs[0]!.lin.w)), (this.opts.weightDecay ?? 5e-4) / 2);
          return tf.add(tf.losses.softmaxCrossEntropy(this.oneHot, logits), wd) as tf.Scalar;
        }),
      true,
      Object.values(this.stateTensors()),
    )!;
  }
  predict(): Int32Array {
    const p = tf.tidy(() => tf.argMax(this.gcn.apply(this.t), 1));
    const out = Int32Array.from(p.dataSync());
    p.dispose();
    return out;
  }
  stateTensors(): Record<string, tf.Variable> {
    return this.gcn.variables('gcn');
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }
  dispose(): void {
    this.gcn.dispose();
    this.optimizer.dispose();
    disposeGraphTensors(this.t);
    tf.dispose([this.idx, this.oneHot]);
  }
}

/** Accuracy of `pred` against `truth` over the nodes where `mask[i]` is true. */
export function maskedAccuracy(pred: Int32Array, truth: ArrayLike<number>, mask: ArrayLike<boolean | number>): number {
  let hit = 0;
  let n = 0;
  for (let i = 0; i < pred.length; i++) {
    if (!mask[i]) continue;
    n++;
    if (pred[i] === truth[i]) hit++;
  }
  return n === 0 ? 0 : hit / n;
}
