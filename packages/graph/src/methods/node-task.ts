import type { Graph } from '../data/graph.js';
import { validateGraph } from '../data/graph.js';

/**
 * Semi-supervised node classification on one graph: the batch of the full-graph node methods (CG3, the
 * GCN baseline). Such a method trains full-batch — one step sees the whole graph — so an epoch is one
 * step on its task: `train({ method, batches: () => [task], epochs })`.
 */
export interface NodeTask {
  /** The graph: node features, edges. */
  graph: Graph;
  /** Training label of every node, `-1` = unlabelled. Evaluation labels stay outside the task. */
  labels: Int32Array;
  /** Number of classes C; labels are in `[0, C)`. */
  numClasses: number;
}

/**
 * Checks `task` and returns the labelled node ids (ascending). Errors name the field: a graph that does
 * not validate, labels of the wrong length, a label `>= numClasses`, fewer than `minLabelled` labels, fewer
 * than two classes (in `numClasses` or among the labelled nodes: one class is no classification task).
 */
export function labelledNodes(task: NodeTask, minLabelled: number, who: string): number[] {
  const { graph, labels, numClasses } = task;
  validateGraph(graph, 'task.graph');
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new RangeError(`task.numClasses must be an integer >= 1, got ${String(numClasses)}`);
  if (labels.length !== graph.numNodes) throw new RangeError(`labels must have length numNodes = ${graph.numNodes}, got ${labels.length}`);
  const idx: number[] = [];
  labels.forEach((y, i) => {
    if (y >= numClasses) throw new RangeError(`labels[${i}] = ${y} is not < numClasses = ${numClasses}`);
    if (y >= 0) idx.push(i);
  });
  if (idx.length < minLabelled)
    throw new RangeError(`${who} needs at least ${minLabelled} labelled nodes (labels >= 0), got ${idx.length}`);
  if (numClasses < 2) throw new RangeError(`${who}: node classification needs at least two classes, got task.numClasses = ${numClasses}`);
  const seen = new Set(idx.map((i) => labels[i]!));
  if (seen.size < 2)
    throw new RangeError(
      `${who} needs labelled nodes of at least two classes, got ${idx.length} labelled node(s) all of class ${[...seen][0]}`,
    );
  return idx;
}

/**
 * Refuses a step batch that is not the task a full-graph method was built for: its tensors (and CG3's
 * coarsening hierarchy) were made from that graph and those labels once, in the constructor.
 */
export function checkTaskBatch(batch: NodeTask, task: NodeTask, who: string): void {
  if (batch === task) return;
  if (batch === null || typeof batch !== 'object' || batch.graph !== task.graph || batch.labels !== task.labels) {
    throw new TypeError(
      `${who}.step: the batch must be the NodeTask the method was built with (full-batch training: batches: () => [task])`,
    );
  }
}
