/**
 * A graph of images, end to end across two packages:
 *
 * 1. vision — SimCLR (`simclr-small` recipe) trains a small CNN on unlabelled training images;
 * 2. the trained encoder embeds the held-out images, and each becomes a node joined to its k nearest neighbours;
 * 3. graph — with only `labelsPerClass` labels per class, a 2-layer GCN and CG3 classify every other node;
 * 4. baselines on the same few labels without the graph: kNN and logistic regression on the embeddings.
 *
 * The question it answers: does the graph of images add anything over a classifier on the same labels?
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, knnAccuracy, linearProbe, train } from '@contrastive/core';
import { CG3, fromUndirectedEdges, GCNBaseline, type NodeTask, sampleLabels } from '@contrastive/graph';
import { createMethodFromRecipe, embedImages, imageBatches, limitDataset, readAll, type ImageBatch } from '@contrastive/vision';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '@contrastive/vision/node';
import { knnGraphEdges } from './knn-graph.js';

/** Settings of {@link runImageGraph}. */
export interface ImageGraphOptions {
  /** IDX folder (train + test files). Default: vision's bundled Fashion-MNIST subset. */
  data?: string;
  /** Training images SimCLR sees (first N). Default: all. */
  trainLimit?: number;
  /** Held-out images that become the graph's nodes (first N). Default: all. */
  nodes?: number;
  /** SimCLR epochs. Default 3. */
  epochs?: number;
  /** SimCLR batch size. Default 64. */
  batchSize?: number;
  /** Neighbours per node. Default 10. */
  k?: number;
  /** Labels per class given to the node classifiers. Default 5. */
  labelsPerClass?: number;
  /** Full-batch epochs of the GCN and CG3. Default 200. */
  graphEpochs?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** Accuracy on the unlabelled nodes of every classifier, and what was run. */
export interface ImageGraphResult {
  backend: string;
  nodes: number;
  edges: number;
  labelled: number;
  simclrFinalLoss: number;
  accuracy: { gcn: number; cg3: number; knnOnLabels: number; logisticOnLabels: number };
  seconds: number;
}

export async function runImageGraph(options: ImageGraphOptions = {}): Promise<ImageGraphResult> {
  const { data = BUNDLED_FASHION_MNIST, epochs = 3, batchSize = 64, k = 10, labelsPerClass = 5, graphEpochs = 200, seed = 0 } = options;
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const backend = await initBackend({ log });
  const trainAll = await loadIdxDataset(data, { split: 'train' });
  const testAll = await loadIdxDataset(data, { split: 'test' });
  const trainSet = limitDataset(trainAll, options.trainLimit);
  const nodeSet = limitDataset(testAll, options.nodes);

  // 1. SimCLR on the unlabelled training images.
  const method = createMethodFromRecipe('simclr-small', {
    inputShape: [trainSet.height, trainSet.width, trainSet.channels],
    datasetSize: trainSet.size,
    seed,
  });
  const stepsPerEpoch = Math.floor(trainSet.size / batchSize);
  const result = await train<ImageBatch>({
    method,
    batches: (_epoch, rng) => imageBatches(trainSet, { batchSize, rng, dropLast: true }),
    epochs,
    stepsPerEpoch,
    seed,
    progress: false,
    log,
  });

  // 2. Embed the held-out images; a node per image, edges to its k nearest neighbours.
  const images = await readAll(nodeSet);
  const embeddings = embedImages(method.encoder, images);
  images.dispose();
  method.dispose();
  const [n, dim] = embeddings.shape;
  // Standardised per dimension, as the logistic-regression baseline does (core's linearProbe): every classifier
  // sees the same features.
  const features = standardize(new Float32Array(await embeddings.data()), embeddings.shape[0], embeddings.shape[1]);
  const pairs = knnGraphEdges(features, n, dim, k);
  const graph = fromUndirectedEdges(n, pairs, { features, numFeatures: dim });
  log(`graph: ${n} image nodes, ${graph.edgeIndex.length / 2} directed edges (k = ${k}), ${dim}-d SimCLR features`);

  // 3. A few labels per class; every other node is scored.
  const truth = Int32Array.from(nodeSet.labels!);
  const labels = sampleLabels(truth, labelsPerClass, seed);
  const numClasses = Math.max(...new Set(truth)) + 1;
  const task: NodeTask = { graph, labels, numClasses };
  const unlabelled = Array.from(labels, (y) => y < 0);
  const accuracyOf = (pred: Int32Array) => {
    let hit = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!unlabelled[i]) continue;
      count++;
      if (pred[i] === truth[i]) hit++;
    }
    return hit / count;
  };
  const nodeAccuracy = async (nodeMethod: GCNBaseline | CG3) => {
    await train<NodeTask>({ method: nodeMethod, batches: () => [task], epochs: graphEpochs, seed, progress: false, disposeBatch: false });
    const acc = accuracyOf(nodeMethod.predict());
    nodeMethod.dispose();
    return acc;
  };
  const gcn = await nodeAccuracy(new GCNBaseline(task, { seed }));
  const cg3 = await nodeAccuracy(new CG3(task, { seed }));

  // 4. The same labels without the graph.
  const labelledIdx = Array.from(labels.keys()).filter((i) => labels[i]! >= 0);
  const unlabelledIdx = Array.from(labels.keys()).filter((i) => labels[i]! < 0);
  const trainEmb = tf.gather(embeddings, labelledIdx) as tf.Tensor2D;
  const testEmb = tf.gather(embeddings, unlabelledIdx) as tf.Tensor2D;
  const trainY = labelledIdx.map((i) => truth[i]!);
  const testY = unlabelledIdx.map((i) => truth[i]!);
  const knnOnLabels = knnAccuracy(trainEmb, trainY, testEmb, testY, { k: Math.min(labelsPerClass, 20) });
  const logisticOnLabels = linearProbe(trainEmb, trainY, testEmb, testY, { seed }).accuracy;
  tf.dispose([trainEmb, testEmb, embeddings]);

  return {
    backend,
    nodes: n,
    edges: graph.edgeIndex.length / 2,
    labelled: labelledIdx.length,
    simclrFinalLoss: result.epochLosses.at(-1)!,
    accuracy: { gcn, cg3, knnOnLabels, logisticOnLabels },
    seconds: (performance.now() - started) / 1000,
  };
}

/** Each column shifted to mean 0 and scaled to standard deviation 1 (constant columns become 0). */
function standardize(x: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let d = 0; d < dim; d++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * dim + d]!;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x[i * dim + d]! - mean) ** 2;
    const std = Math.sqrt(variance / n);
    for (let i = 0; i < n; i++) out[i * dim + d] = std > 0 ? (x[i * dim + d]! - mean) / std : 0;
  }
  return out;
}
