import * as tf from '@tensorflow/tfjs';
import type { Rng, StepInfo } from '@contrastive/core';
import { assertPositive, createRng } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import type { AugmentationName } from '../augment/registry.js';
import { AUGMENTATION_NAMES, graphAugmentation } from '../augment/registry.js';
import { GINEncoder } from '../layers/gin-encoder.js';
import type { GINEncoderOptions } from '../layers/gin-encoder.js';
import { ProjectionHead } from '../layers/projection-head.js';
import type { GraphCLLossOptions } from '../losses/graphcl-loss.js';
import { graphclLoss } from '../losses/graphcl-loss.js';
import type { GraphLevelMethod } from './graph-method.js';
import { embedGraphs, projectGraphs } from './graph-views.js';

/**
 * Options of {@link GraphCL}.
 *
 * Ownership: GraphCL owns the encoder and head it builds and the optimizer it is given or creates;
 * `dispose()` frees them all (save `encoder` first to keep it).
 */
export interface GraphCLOptions extends GINEncoderOptions {
  /** Projection head widths (hidden = out). Default = encoder output width (GraphCL: 96→96→96, 300→300→300). */
  projDim?: number;
  /** The augmentation of view 1 and view 2. Default `['nodeDrop', 'subgraph']` (GraphCL's best pair for chem). */
  augmentations?: readonly [AugmentationName, AugmentationName];
  /** Augmentation strength. Default 0.2 (`aug_ratio`). */
  augRatio?: number;
  /** τ. Default 0.2 (unsupervised TU; chem 0.1). */
  temperature?: number;
  /** Loss variant: `'exclude-positive'` (GraphCL code, default) or `'nt-xent'` (standard). */
  lossVariant?: GraphCLLossOptions['variant'];
  /** Adam learning rate. Default 0.01 (TU; chem 1e-3). Ignored when `optimizer` is given. */
  learningRate?: number;
  /** The optimizer (owned by the method). Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
}

/**
 * GraphCL (You et al., "Graph Contrastive Learning with Augmentations", NeurIPS 2020).
 *
 * Per step: (1) two augmented views of every graph in the batch, (2) GIN encoder + graph readout,
 * (3) projection head, (4) GraphCL's contrastive loss (positive excluded from the denominator by
 * default), (5) one Adam step on encoder + head. `step(graphs, info)` draws the views from `info.rng` and
 * returns the loss scalar.
 *
 * @example
 * const method = new GraphCL({ inputDim: 27, edgeDim: 5, readout: 'mean' });
 * await train({ method, epochs: 10, batches: (_epoch, rng) => graphBatches(graphs, 32, rng) });
 */
export class GraphCL implements GraphLevelMethod {
  readonly name: string = 'graphcl';
  readonly encoder: GINEncoder;
  readonly head: ProjectionHead;
  readonly optimizer: tf.Optimizer;
  readonly temperature: number;
  readonly lossVariant: NonNullable<GraphCLLossOptions['variant']>;
  readonly augRatio: number;
  readonly augmentations: readonly [AugmentationName, AugmentationName];
  private disposed = false;
  constructor(opts: GraphCLOptions) {
    const rng = createRng(opts.seed ?? 0);
    this.encoder = new GINEncoder(opts, rng);
    const proj = opts.projDim ?? this.encoder.outDim;
    this.head = new ProjectionHead(this.encoder.outDim, proj, proj, rng);
    this.temperature = opts.temperature ?? 0.2;
    assertPositive(this.temperature, 'temperature');
    this.lossVariant = opts.lossVariant ?? 'exclude-positive';
    this.augRatio = opts.augRatio ?? 0.2;
    this.augmentations = opts.augmentations ?? ['nodeDrop', 'subgraph'];
    this.augmentations.forEach((a, i) => {
      if (!AUGMENTATION_NAMES.includes(a))
        throw new RangeError(`augmentations[${i}] must be one of ${AUGMENTATION_NAMES.join(', ')}, got '${a}'`);
    });
    const learningRate = opts.learningRate ?? 0.01;
    assertPositive(learningRate, 'learningRate');
    this.optimizer = opts.optimizer ?? tf.train.adam(learningRate);
  }

  /**
   * Projections `[N, proj]` of a list of graphs (views already made). In a data-parallel step each replica
   * encodes only its slice of the graphs ({@link projectGraphs}).
   */
  project(graphs: readonly Graph[]): tf.Tensor2D {
    return projectGraphs(graphs, (t) => this.head.apply(this.encoder.embed(t)));
  }

  /** The loss of one pair of view lists, without updating. */
  pairLoss(view1: readonly Graph[], view2: readonly Graph[]): tf.Scalar {
    return tf.tidy(
      () =>
        graphclLoss(this.project(view1), this.project(view2), { temperature: this.temperature, variant: this.lossVariant }) as tf.Scalar,
    );
  }

  /** Views of `graphs` under augmentation `a` (a fork of `rng` per graph). */
  protected views(graphs: readonly Graph[], a: AugmentationName, rng: Rng): Graph[] {
    const aug = graphAugmentation(a, this.augRatio);
    return graphs.map((g) => aug(g, rng));
  }

  /** One optimisation step on a batch of graphs (views from `info.rng`); returns the loss. */
  step(graphs: readonly Graph[], info: StepInfo): tf.Scalar {
    const v1 = this.views(graphs, this.augmentations[0], info.rng);
    const v2 = this.views(graphs, this.augmentations[1], info.rng);
    return this.minimize(() => this.pairLoss(v1, v2));
  }

  protected minimize(f: () => tf.Scalar): tf.Scalar {
    const vars = Object.values(this.trainableVariables());
    return this.optimizer.minimize(f, true, vars)!;
  }

  /** Encoder graph vectors `[N, outDim]` (for probes). */
  embed(graphs: readonly Graph[]): tf.Tensor2D {
    return embedGraphs(this.encoder, graphs);
  }

  trainableVariables(): Record<string, tf.Variable> {
    return { ...this.encoder.variables('encoder'), ...this.head.variables('head') };
  }
  stateTensors(): Record<string, tf.Variable> {
    return this.trainableVariables();
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }
  /** Frees the encoder, the head and the optimizer. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    this.head.dispose();
    this.optimizer.dispose();
  }
}
