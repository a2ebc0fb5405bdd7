import type { Rng, ViewMaker } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import { maskAttributes } from './attr-mask.js';
import { perturbEdges } from './edge-perturb.js';
import { dropNodes } from './node-drop.js';
import { subgraph } from './subgraph.js';

/** The augmentation pool in JOAO's order: A = [NodeDrop, Subgraph, EdgePert, AttrMask, Identity]. */
export const AUGMENTATION_NAMES = ['nodeDrop', 'subgraph', 'edgePert', 'attrMask', 'identity'] as const;
export type AugmentationName = (typeof AUGMENTATION_NAMES)[number];

/** A graph view maker `(graph, rng) => graph` for one named augmentation at strength `ratio` (default 0.2). */
export function graphAugmentation(name: AugmentationName, ratio = 0.2): ViewMaker<Graph> {
  switch (name) {
    case 'nodeDrop':
      return (g: Graph, rng: Rng) => dropNodes(g, rng, { ratio });
    case 'subgraph':
      return (g: Graph, rng: Rng) => subgraph(g, rng, { ratio });
    case 'edgePert':
      return (g: Graph, rng: Rng) => perturbEdges(g, rng, { ratio });
    case 'attrMask':
      return (g: Graph, rng: Rng) => maskAttributes(g, rng, { ratio });
    case 'identity':
      return (g: Graph) => g;
    default:
      throw new RangeError(`augmentation must be one of ${AUGMENTATION_NAMES.map((a) => `'${a}'`).join(', ')}, got '${String(name)}'`);
  }
}
