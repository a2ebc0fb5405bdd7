import type { EdgeListGraph } from './edge-list.js';
import { parseEdgeList } from './edge-list.js';
import { readTextFile } from './read-text.js';

/**
 * Reads an undirected edge list file (and optionally a `node label` file) with {@link parseEdgeList};
 * errors name the file and line (node ids are names, see {@link parseEdgeList}). Node only (`@contrastive/graph/node`).
 */
export function loadEdgeList(
  path: string,
  opts: { numNodes?: number; labelsPath?: string; features?: 'identity' | 'none' } = {},
): EdgeListGraph {
  const text = readTextFile(path, 'edge list');
  return parseEdgeList(text, path, {
    ...(opts.numNodes === undefined ? {} : { numNodes: opts.numNodes }),
    ...(opts.features === undefined ? {} : { features: opts.features }),
    ...(opts.labelsPath === undefined ? {} : { labels: { text: readTextFile(opts.labelsPath, 'labels file'), source: opts.labelsPath } }),
  });
}
