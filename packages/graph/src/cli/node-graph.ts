/** The graph of a node-method run: the karate club, or `--edges` + `--labels` (+ `--features`). */
import { UsageError } from '@contrastive/core/cli';
import { GraphDataError } from '../data/errors.js';
import { loadEdgeList } from '../data/edge-list-file.js';
import { loadNodeFeatures } from '../data/features/load.js';
import type { FeatureFormat } from '../data/features/types.js';
import { withNodeFeatures } from '../data/features/with-node-features.js';
import type { Graph } from '../data/graph.js';
import { karateClub } from '../data/karate-club.js';
import type { Settings } from './flags.js';

/** What {@link loadNodeGraph} returns. */
export interface NodeGraph {
  graph: Graph;
  /** The data's name for the summary (`karate` or the edge file). */
  name: string;
  numClasses: number;
  /** File id of each node (edge lists); `undefined`: the index is the id. */
  nodeIds?: readonly number[];
  /** The labels file's value of each class (edge lists). */
  classNames?: readonly number[];
}

/**
 * Reads the settings' graph (`--edges FILE --labels FILE [--features FILE]`, else `--dataset karate`);
 * refuses `--features` without `--edges`, labels of fewer than two classes, and (from the reader) a graph
 * over 5,000 nodes without features. Logs what was read.
 */
export async function loadNodeGraph(settings: Settings, log: (line: string) => void): Promise<NodeGraph> {
  const edges = settings.edges === undefined ? undefined : String(settings.edges);
  const featuresPath = settings.features === undefined ? undefined : String(settings.features);
  let graph: Graph;
  let name: string;
  let labelsFrom: string;
  let nodeIds: readonly number[] | undefined;
  let classValues: number[] | undefined;
  if (edges === undefined) {
    if (featuresPath !== undefined)
      throw new UsageError('--features needs --edges FILE (and --labels FILE): the karate club has its own features');
    graph = karateClub();
    name = String(settings.dataset ?? 'karate');
    labelsFrom = name;
  } else {
    if (settings.labels === undefined) throw new UsageError('--edges needs --labels FILE (node label lines, the evaluation truth)');
    labelsFrom = String(settings.labels);
    const read = loadEdgeList(edges, { labelsPath: labelsFrom, features: featuresPath === undefined ? 'identity' : 'none' });
    nodeIds = read.nodeIds;
    classValues = read.classValues;
    graph = read;
    name = edges;
    if (featuresPath !== undefined) {
      const features = await loadNodeFeatures(featuresPath, read.nodeIds, {
        format: String(settings['features-format'] ?? 'auto') as FeatureFormat,
      });
      if (features.kind === 'sparse' && features.missingRows > 0)
        log(`${featuresPath}: ${features.missingRows} of ${graph.numNodes} nodes have no features line (all-zero rows)`);
      graph = withNodeFeatures(read, features);
    }
  }
  const truth = graph.nodeLabels;
  if (!truth) throw new Error(`${name}: the graph has no node labels to evaluate against`);
  // Labels are numbered 0..C-1 by the reader (a label value of 1e6 is one class, not a million).
  const classes = new Map<number, number>();
  for (const y of truth) if (y >= 0) classes.set(y, (classes.get(y) ?? 0) + 1);
  if (classes.size < 2) {
    const only =
      classes.size === 0
        ? 'no labelled node'
        : `one class (label ${classValues?.[0] ?? [...classes.keys()][0]}, ${[...classes.values()][0]} node(s))`;
    throw new GraphDataError('ECLASSES', `${labelsFrom}: ${only}; node classification needs labelled nodes of at least two classes`, {
      file: labelsFrom,
    });
  }
  let numClasses = 0;
  for (const c of classes.keys()) numClasses = Math.max(numClasses, c + 1);
  const sparse = graph.xSparse ? `, sparse (${graph.xSparse.colIdx.length.toLocaleString('en-US')} non-zeros)` : '';
  log(
    `graph ${name}: ${graph.numNodes.toLocaleString('en-US')} nodes, ${(graph.edgeIndex.length / 4).toLocaleString('en-US')} undirected edges, ` +
      `${graph.numFeatures.toLocaleString('en-US')} features${sparse}, ${numClasses} classes`,
  );
  return {
    graph,
    name,
    numClasses,
    ...(nodeIds === undefined ? {} : { nodeIds }),
    ...(classValues === undefined ? {} : { classNames: classValues }),
  };
}
