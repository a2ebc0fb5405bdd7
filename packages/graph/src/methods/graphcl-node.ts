import * as tf from '@tensorflow/tfjs';
import type { Rng, StepInfo } from '@contrastive/core';
import { assertInt, assertNonNegative, assertPositive, createRng, linearProbe, ntXent } from '@contrastive/core';
import { disposeView, nodeView } from '../augment/node-views.js';
import { GCNEncoder } from '../layers/gcn-encoder.js';
import type { NodeInputs } from '../layers/node-inputs.js';
import { disposeNodeInputs, nodeInputs } from '../layers/node-inputs.js';
import { ProjectionHead } from '../layers/projection-head.js';
import type { NodeMethod } from './graph-method.js';
import type { NodeTask } from './node-task.js';
import { checkTaskBatch, labelledNodes } from './node-task.js';

/**
 * Options of {@link GraphCLNode}. Ownership: the method owns its encoder, head, optimizer and the task's
 * tensors; `dispose()` frees them.
 */
export interface GraphCLNodeOptions {
  /** Width of the encoder's hidden layer and of the node embedding. Default 64. */
  hidden?: number;
  /** τ of the node-level NT-Xent. Default 0.5 (GRACE on Cora/CiteSeer). */
  temperature?: number;
  /** Share of undirected edges each view drops. Default 0.2 (GraphCL's augmentation strength). */
  edgeDropRate?: number;
  /** Share of feature columns each view zeroes. Default 0.2. */
  featureMaskRate?: number;
  /** Most nodes contrasted per step (a uniform sample above it, exact below). Default 2048. */
  contrastNodes?: number;
  /** Adam learning rate. Default 1e-3. Ignored when `optimizer` is given. */
  learningRate?: number;
  /** L2 coefficient `wd·½‖θ‖²` over the encoder's weights. Default 1e-5 (GRACE). */
  weightDecay?: number;
  /** The optimizer (owned by the method). Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Initialisation seed. Default 0 (augmentations and samples come from each step's `info.rng`). */
  seed?: number;
}

/**
 * GraphCL-style self-supervised pre-training for node classification, as GRACE (Zhu et al., "Deep Graph
 * Contrastive Representation Learning", 2020) does it: per step two views of the whole graph (edges dropped,
 * feature columns masked — GraphCL's edge-perturbation and attribute-masking augmentations at node level),
 * a shared 2-layer GCN encoder, a 2-layer projection head, and NT-Xent between the two views of each node
 * (the other nodes of both views are the negatives) on a uniform sample of `contrastNodes` nodes. **No
 * label is used in training.**
 *
 * Evaluation is the linear protocol: {@link GraphCLNode.predict} fits core's `linearProbe` (logistic
 * regression on standardised frozen embeddings) on the task's labelled nodes and predicts every node.
 */
export class GraphCLNode implements NodeMethod {
  readonly name = 'graphcl-node';
  readonly task: NodeTask;
  readonly encoder: GCNEncoder;
  readonly head: ProjectionHead;
  readonly optimizer: tf.Optimizer;
  private readonly inputs: NodeInputs;
  private readonly labelled: number[];
  private readonly settings: Required<
    Pick<GraphCLNodeOptions, 'temperature' | 'edgeDropRate' | 'featureMaskRate' | 'contrastNodes' | 'weightDecay'>
  >;
  private disposed = false;
  constructor(task: NodeTask, options: GraphCLNodeOptions = {}) {
    this.labelled = labelledNodes(task, 2, 'GraphCLNode');
    this.task = task;
    this.settings = {
      temperature: options.temperature ?? 0.5,
      edgeDropRate: options.edgeDropRate ?? 0.2,
      featureMaskRate: options.featureMaskRate ?? 0.2,
      contrastNodes: options.contrastNodes ?? 2048,
      weightDecay: options.weightDecay ?? 1e-5,
    };
    assertPositive(this.settings.temperature, 'temperature');
    assertInt(this.settings.contrastNodes, 'contrastNodes', 2);
    assertNonNegative(this.settings.weightDecay, 'weightDecay');
    for (const k of ['edgeDropRate', 'featureMaskRate'] as const) {
      const v = this.settings[k];
      if (!(v >= 0 && v < 1)) throw new RangeError(`${k} must be in [0, 1), got ${v}`);
    }
    const hidden = options.hidden ?? 64;
    assertInt(hidden, 'hidden', 1);
    const learningRate = options.learningRate ?? 1e-3;
    assertPositive(learningRate, 'learningRate');
    const rng = createRng(options.seed ?? 0);
    this.encoder = new GCNEncoder([task.graph.numFeatures, hidden, hidden], rng, 0, 'graphcl-node/encoder');
    this.head = new ProjectionHead(hidden, hidden, hidden, rng, 'graphcl-node/head');
    this.optimizer = options.optimizer ?? tf.train.adam(learningRate);
    this.inputs = nodeInputs(task.graph);
  }

  /** Node embeddings `[N, hidden]` of the unaugmented graph (the encoder's output; what the probe reads). */
  embed(): tf.Tensor2D {
    return tf.tidy(() => this.encoder.apply(this.inputs));
  }

  /** The NT-Xent of two fresh views drawn from `rng` on a sample of nodes, plus weight decay. */
  loss(rng: Rng): tf.Scalar {
    const { edgeDropRate, featureMaskRate, contrastNodes, temperature, weightDecay } = this.settings;
    const rates = { edgeRate: edgeDropRate, featureRate: featureMaskRate };
    const v1 = nodeView(this.inputs, this.task.graph.edgeIndex, rates, rng);
    const v2 = nodeView(this.inputs, this.task.graph.edgeIndex, rates, rng);
    const n = this.task.graph.numNodes;
    const sample = n > contrastNodes ? Array.from(rng.permutation(n).subarray(0, contrastNodes)) : null;
    try {
      return tf.tidy(() => {
        const project = (v: NodeInputs): tf.Tensor2D => {
          const z = this.encoder.apply(v);
          return this.head.apply(sample ? tf.gather(z, tf.tensor1d(sample, 'int32')) : z);
        };
        const contrast = ntXent(project(v1), project(v2), { temperature }) as tf.Scalar;
        const decay = tf.mul(tf.addN(this.encoder.trainableWeights.map((w) => tf.sum(tf.square(w)))), weightDecay / 2);
        return tf.add(contrast, decay) as tf.Scalar;
      });
    } finally {
      disposeView(v1, this.inputs);
      disposeView(v2, this.inputs);
    }
  }

  /** One Adam step on two fresh views (augmentations and the node sample from `info.rng`). */
  step(task: NodeTask, info: StepInfo): tf.Scalar {
    checkTaskBatch(task, this.task, 'GraphCLNode');
    return this.optimizer.minimize(() => this.loss(info.rng), true, Object.values(this.stateTensors()))!;
  }

  /**
   * Predicted class of every node: a linear probe (core `linearProbe`, 100 epochs, standardised features,
   * seed 0) fitted on the task's labelled nodes over the frozen embeddings.
   */
  predict(): Int32Array {
    const emb = this.embed();
    const idx = tf.tensor1d(this.labelled, 'int32');
    const trainX = tf.gather(emb, idx);
    try {
      const n = emb.shape[0];
      const c = this.task.numClasses;
      const trainY = this.labelled.map((i) => this.task.labels[i]!);
      const probe = linearProbe(trainX, trainY, emb, new Int32Array(n), { numClasses: c, returnProbabilities: true });
      const p = probe.testProbabilities!;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < c; k++) if (p[i * c + k]! > p[i * c + best]!) best = k;
        out[i] = best;
      }
      return out;
    } finally {
      tf.dispose([emb, idx, trainX]);
    }
  }

  stateTensors(): Record<string, tf.Variable> {
    return { ...this.encoder.variables('encoder'), ...this.head.variables('head') };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }
  /** Frees the encoder, head, optimizer and task tensors. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    this.head.dispose();
    this.optimizer.dispose();
    disposeNodeInputs(this.inputs);
  }
}
