import { readFileSync } from 'node:fs';
import type { Graph } from './graph.js';
import { parseEdgeList } from './edge-list.js';

/**
 * Reads an undirected edge list file (and optionally a `node label` file) with {@link parseEdgeList};
 * errors name the file and line. Node only (`@contrastive/graph/node`).
 */
export function loadEdgeList(path: string, opts: { numNodes?: number; labelsPath?: string } = {}): Graph {
  const text = readFileSync(path, 'utf8');
  return parseEdgeList(text, path, {
    ...(opts.numNodes === undefined ? {} : { numNodes: opts.numNodes }),
    ...(opts.labelsPath === undefined ? {} : { labels: { text: readFileSync(opts.labelsPath, 'utf8'), source: opts.labelsPath } }),
  });
}
