import type * as tf from '@tensorflow/tfjs';
import type { Method, TrainCallbacks } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import type { GINEncoder } from '../layers/gin-encoder.js';
import type { NodeTask } from './node-task.js';

/**
 * A graph-level self-supervised method (GraphCL, JOAO, JOAOv2, MoCL): a core `Method` whose batch is a
 * list of graphs, with a GIN encoder whose frozen embeddings are probed afterwards.
 */
export interface GraphLevelMethod extends Method<readonly Graph[]> {
  /** The GIN encoder being trained (a core `Encoder`; save it with `encoder.save`). */
  readonly encoder: GINEncoder;
  /** Encoder graph vectors `[N, outDim]` of `graphs` (no augmentation), computed in chunks; the caller owns them. */
  embed(graphs: readonly Graph[]): tf.Tensor2D;
  /**
   * Train-loop hooks the method needs besides its steps (JOAO's per-epoch update of the augmentation
   * distribution), given the training set and batch size; absent when it needs none.
   */
  callbacks?(data: readonly Graph[], batchSize: number, log?: (line: string) => void): TrainCallbacks;
}

/**
 * A full-graph semi-supervised node method (CG3, the GCN baseline): a core `Method` whose batch is the
 * {@link NodeTask} it was built for (one step per epoch), and a prediction for every node.
 */
export interface NodeMethod extends Method<NodeTask> {
  /** The task the method was built for (yield it once per epoch). */
  readonly task: NodeTask;
  /** Predicted class of every node (evaluation mode: no dropout). */
  predict(): Int32Array;
}
