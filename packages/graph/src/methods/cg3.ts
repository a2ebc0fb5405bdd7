import * as tf from '@tensorflow/tfjs';
import type { Rng, StepInfo } from '@contrastive/core';
import { assertInt, assertNonNegative, assertPositive, createRng } from '@contrastive/core';
import { GCNEncoder } from '../layers/gcn-encoder.js';
import type { NodeInputs } from '../layers/node-inputs.js';
import { disposeNodeInputs, nodeInputs } from '../layers/node-inputs.js';
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
  /**
   * Most nodes the cross-view loss L_uc contrasts per step. L_uc is N × N; on a larger graph each step
   * draws this many nodes uniformly (from the step's generator) and computes the same loss on their
   * sub-matrix — an unbiased sample of the anchors, with the mean over the sampled nodes as the
   * denominator's estimate (CG3's code computes the full matrix, which fits its Cora/CiteSeer graphs).
   * The semi-supervised loss samples the labelled nodes the same way. Default 2048: exact below it.
   */
  contrastNodes?: number;
}

/**
 * Rows scaled to unit length as CG3's code does (TensorFlow's `tf.nn.l2_normalize`, ε = 1e-12 on the
 * **squared** norm): `x / sqrt(max(Σx², 1e-12))`. Core's `l2Normalize` puts ε on the norm (PyTorch's
 * `F.normalize`), so an all-zero row — a node with no features and no neighbours, whose output is the
 * zero-initialised bias at step 0 — back-propagates 1/ε = 10¹²× its upstream gradient; summed over such rows
 * it overflows Adam's squared-gradient slot (measured: 5·10²¹ on the man-page graph). TensorFlow's ε bounds
 * that factor at 10⁶.
 */
function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12))) as tf.Tensor2D);
}

/** The loss settings CG3 resolves from its options. */
interface CG3Settings {
  contrastNodes: number;
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
  private readonly inputs: NodeInputs;
  /** Row (target) and column (source) of every non-zero of Â, self-loops included: the reconstructed pairs. */
  private readonly pairDst: tf.Tensor1D;
  private readonly pairSrc: tf.Tensor1D;
  private readonly labelledIdx: tf.Tensor1D;
  private readonly labelledList: number[];
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
      contrastNodes: options.contrastNodes ?? 2048,
      dropout: options.dropout ?? 0.6,
      temperature: options.temperature ?? 0.5,
      wUnsup: options.wUnsup ?? 0.9,
      wSup: options.wSup ?? 0.9,
      wRecon: options.wRecon ?? 0.4,
      weightDecay: options.weightDecay ?? 5e-4,
      alpha: options.alpha ?? 0.6,
    };
    assertPositive(this.settings.temperature, 'temperature');
    assertInt(this.settings.contrastNodes, 'contrastNodes', 2);
    for (const k of ['wUnsup', 'wSup', 'wRecon', 'weightDecay', 'dropout'] as const) assertNonNegative(this.settings[k], k);
    const learningRate = options.learningRate ?? 0.01;
    assertPositive(learningRate, 'learningRate');
    this.local = new GCNEncoder([graph.numFeatures, options.hiddenLocal ?? 64, numClasses], rng, this.settings.dropout, 'cg3/local');
    const levelOpts: { levels?: number } = {};
    if (options.levels !== undefined) levelOpts.levels = options.levels;
    this.global = new HierarchicalGCNView(graph, graph.numFeatures, options.hiddenGlobal ?? 32, numClasses, rng, levelOpts);
    this.reconstruction = new Linear(2 * numClasses, 1, rng, { name: 'cg3/recon' });
    this.optimizer = options.optimizer ?? tf.train.adam(learningRate);
    this.inputs = nodeInputs(graph);
    const a = this.inputs.gcn.matrix;
    const rows = new Int32Array(a.colIdx.length);
    for (let i = 0; i < a.numRows; i++) rows.fill(i, a.rowPtr[i]!, a.rowPtr[i + 1]!);
    this.pairDst = tf.tensor1d(rows, 'int32');
    this.pairSrc = tf.tensor1d(a.colIdx, 'int32');
    this.labelledList = idx;
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
      const zL = unitRows(this.local.apply(this.inputs, { training, ...(localSeed === undefined ? {} : { seed: localSeed }) }));
      const zG = unitRows(
        this.global.apply(this.inputs.x, {
          training,
          dropout: this.settings.dropout,
          ...(globalSeed === undefined ? {} : { seed: globalSeed }),
        }),
      );
      return { zL, zG };
    });
  }

  /**
   * Which of `count` items a step contrasts: `null` (all) when there are at most `contrastNodes`, else that
   * many indices drawn without replacement by `rng`, ascending (evaluation mode, no `rng`: evenly spaced ones).
   */
  private contrastSample(count: number, rng?: Rng): number[] | null {
    const k = this.settings.contrastNodes;
    if (count <= k) return null;
    if (!rng) return Array.from({ length: k }, (_, i) => Math.floor((i * count) / k));
    return Array.from(rng.permutation(count).subarray(0, k)).sort((p, q) => p - q);
  }

  /** The full CG3 objective (see class doc); training mode with dropout from `dropoutRng`, else evaluation mode. */
  loss(dropoutRng?: Rng): tf.Scalar {
    const { alpha, temperature, wUnsup, wSup, wRecon, weightDecay } = this.settings;
    const n = this.task.graph.numNodes;
    // Drawn before the views so the dropout seeds of a step do not depend on the graph size.
    const nodeSample = this.contrastSample(n, dropoutRng);
    const labelledSample = this.contrastSample(this.labelledList.length, dropoutRng)?.map((i) => this.labelledList[i]!) ?? null;
    return tf.tidy(() => {
      const { zL, zG } = this.views(dropoutRng);
      const pred = unitRows(tf.add(tf.mul(zL, alpha), tf.mul(zG, 1 - alpha)) as tf.Tensor2D);
      const ce = tf.losses.softmaxCrossEntropy(this.labelledOneHot, tf.gather(pred, this.labelledIdx));
      const ceG = tf.losses.softmaxCrossEntropy(this.labelledOneHot, tf.gather(zG, this.labelledIdx));
      const rowsOf = (z: tf.Tensor2D, sample: number[] | null): tf.Tensor2D => (sample ? tf.gather(z, tf.tensor1d(sample, 'int32')) : z);
      const crossView = cg3CrossViewLoss(rowsOf(zL, nodeSample), rowsOf(zG, nodeSample), temperature);
      const supIdx = labelledSample ? tf.tensor1d(labelledSample, 'int32') : this.labelledIdx;
      const supY = labelledSample
        ? tf.tensor1d(
            labelledSample.map((i) => this.task.labels[i]!),
            'int32',
          )
        : this.labelledY;
      const supervised = cg3SemiSupervisedLoss(tf.gather(zL, supIdx), tf.gather(zG, supIdx), supY, temperature);
      // Linear_{2C→1}([z^L_i ; z^G_j]) = z^L_i·w₁ + z^G_j·w₂ + b: two [N, 1] projections and E gathers of a
      // scalar, instead of E concatenated [2C] rows (identical values, O(E) memory).
      const c = this.numClasses;
      const w1 = this.reconstruction.weight.slice([0, 0], [c, 1]);
      const w2 = this.reconstruction.weight.slice([c, 0], [c, 1]);
      const bias = this.reconstruction.bias!;
      const edgeScore = (left: tf.Tensor2D, right: tf.Tensor2D): tf.Tensor =>
        tf.add(tf.add(tf.gather(tf.matMul(left, w1), this.pairSrc), tf.gather(tf.matMul(right, w2), this.pairDst)), bias);
      const logits = tf.concat([edgeScore(zL, zG), edgeScore(zG, zL)], 0).reshape([-1]) as tf.Tensor1D;
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
    disposeNodeInputs(this.inputs);
    tf.dispose([this.pairSrc, this.pairDst, this.labelledIdx, this.labelledY, this.labelledOneHot]);
  }
}
