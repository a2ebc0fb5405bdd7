import { statSync } from 'node:fs';
import { GraphDataError } from '../errors.js';
import { forEachLine } from './line-stream.js';
import { featureReader } from './parse.js';
import type { NodeFeatures, NodeFeaturesOptions } from './types.js';

/**
 * Reads a node features file aligned to a graph's nodes: `loadNodeFeatures(path, graph.nodeIds)` gives row
 * `i` = node `i` (the file's ids are names, as in the edge list). Formats, detection and errors are those of
 * `parseNodeFeatures` (`opts.format`, default `'auto'`); the file is streamed line by line (a 1 GB file never
 * becomes a 1 GB string), and a dense `N × F` float32 matrix over `opts.maxBytes` (2 GB) is refused before
 * it is allocated, suggesting the sparse form. Node only (`@contrastive/graph/node`).
 *
 * @example
 * const g = loadEdgeList('cites.edges', { labelsPath: 'cites.labels' });
 * const graph = withNodeFeatures(g, await loadNodeFeatures('cites.features', g.nodeIds));
 */
export async function loadNodeFeatures(
  path: string,
  nodeIds: readonly number[] | number,
  opts: NodeFeaturesOptions = {},
): Promise<NodeFeatures> {
  const stat = statSync(path);
  if (stat.isDirectory()) throw new GraphDataError('EBADROW', `${path}: a folder, not a node features file`, { file: path });
  const reader = featureReader(path, nodeIds, opts, stat.size);
  await forEachLine(path, (text, lineNo) => reader.line(text, lineNo));
  return reader.finish();
}
