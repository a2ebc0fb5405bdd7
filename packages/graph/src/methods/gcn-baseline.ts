import * as tf from '@tensorflow/tfjs';
import type { StepInfo } from '@contrastive/core';
import { assertNonNegative, assertPositive, createRng } from '@contrastive/core';
import { GCNEncoder } from '../layers/gcn-encoder.js';
import type { NodeInputs } from '../layers/node-inputs.js';
import { disposeNodeInputs, nodeInputs } from '../layers/node-inputs.js';
import { identityOperand } from '../layers/sparse-operand.js';
import type { NodeMethod } from './graph-method.js';
import type { NodeTask } from './node-task.js';
import { checkTaskBatch, labelledNodes } from './node-task.js';

/**
 * Options of {@link GCNBaseline} (defaults = CG3's local view, so the comparison changes one thing).
 *
 * Ownership: the baseline owns its GCN, the task's tensors and the optimizer it is given or creates;
 * `dispose()` frees them all.
 */
export interface GCNBaselineOptions {
  /** Hidden width. Default 64 (Kipf & Welling: 16). */
  hidden?: number;
  /** Dropout on layer inputs during training. Default 0.6 (Kipf & Welling: 0.5). */
  dropout?: number;
  /** L2 coefficient `wd·½‖W₁‖²` on the first layer. Default 5e-4. */
  weightDecay?: number;
  /** Adam learning rate. Default 0.01. Ignored when `optimizer` is given. */
  learningRate?: number;
  /** The optimizer (owned by the method). Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Initialisation seed. Default 0. (Dropout masks come from each step's `info.rng`.) */
  seed?: number;
  /**
   * `false`: no propagation (Â replaced by the identity), i.e. a 2-layer MLP on the node features with the
   * same widths, dropout, weight decay and optimiser — the "features only" baseline. Default `true`.
   */
  propagate?: boolean;
}

/**
 * The CG3 baseline: a plain 2-layer GCN (Kipf & Welling, ICLR 2017) trained with softmax cross-entropy on
 * the labelled nodes of its {@link NodeTask}, full batch, with weight decay on the first layer. Dropout
 * masks of a step come from `info.rng`.
 */
export class GCNBaseline implements NodeMethod {
  /** `'gcn'`, or `'mlp'` when built with `propagate: false`. */
  readonly name: 'gcn' | 'mlp';
  readonly task: NodeTask;
  readonly gcn: GCNEncoder;
  readonly optimizer: tf.Optimizer;
  readonly weightDecay: number;
  private readonly inputs: NodeInputs;
  private readonly labelledIdx: tf.Tensor1D;
  private readonly labelledOneHot: tf.Tensor2D;
  private disposed = false;
  constructor(task: NodeTask, options: GCNBaselineOptions = {}) {
    const idx = labelledNodes(task, 1, 'GCNBaseline');
    const { graph, labels, numClasses } = task;
    this.task = task;
    this.weightDecay = options.weightDecay ?? 5e-4;
    assertNonNegative(this.weightDecay, 'weightDecay');
    const dropout = options.dropout ?? 0.6;
    assertNonNegative(dropout, 'dropout');
    const learningRate = options.learningRate ?? 0.01;
    assertPositive(learningRate, 'learningRate');
    const propagate = options.propagate ?? true;
    this.name = propagate ? 'gcn' : 'mlp';
    this.gcn = new GCNEncoder([graph.numFeatures, options.hidden ?? 64, numClasses], createRng(options.seed ?? 0), dropout, 'baseline');
    this.optimizer = options.optimizer ?? tf.train.adam(learningRate);
    const inputs = nodeInputs(graph);
    this.inputs = propagate ? inputs : { ...inputs, gcn: identityOperand(graph.numNodes) };
    this.labelledIdx = tf.tensor1d(idx, 'int32');
    this.labelledOneHot = tf.tidy(
      () =>
        tf
          .oneHot(
            tf.tensor1d(
              idx.map((i) => labels[i]!),
              'int32',
            ),
            numClasses,
          )
          .toFloat() as tf.Tensor2D,
    );
  }

  /** One full-batch Adam step on `task` (the task it was built with); dropout masks from `info.rng`. */
  step(task: NodeTask, info: StepInfo): tf.Scalar {
    checkTaskBatch(task, this.task, 'GCNBaseline');
    const seed = info.rng.seed();
    return this.optimizer.minimize(
      () =>
        tf.tidy(() => {
          const logits = tf.gather(this.gcn.apply(this.inputs, { training: true, seed }), this.labelledIdx);
          const decay = tf.mul(tf.sum(tf.square(this.gcn.convs[0]!.lin.weight)), this.weightDecay / 2);
          return tf.add(tf.losses.softmaxCrossEntropy(this.labelledOneHot, logits), decay) as tf.Scalar;
        }),
      true,
      Object.values(this.stateTensors()),
    )!;
  }
  /** Predicted class of every node (eval mode, no dropout). */
  predict(): Int32Array {
    const p = tf.tidy(() => tf.argMax(this.gcn.apply(this.inputs), 1));
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
  /** Frees the GCN, the optimizer and the task tensors. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gcn.dispose();
    this.optimizer.dispose();
    disposeNodeInputs(this.inputs);
    tf.dispose([this.labelledIdx, this.labelledOneHot]);
  }
}
