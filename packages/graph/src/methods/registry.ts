import { createRegistry } from '@contrastive/core';
import type { RDKit } from '../chem/rdkit.js';
import type { Graph } from '../data/graph.js';
import type { CG3Options } from './cg3.js';
import { CG3 } from './cg3.js';
import type { GCNBaselineOptions } from './gcn-baseline.js';
import { GCNBaseline } from './gcn-baseline.js';
import type { GraphCLNodeOptions } from './graphcl-node.js';
import { GraphCLNode } from './graphcl-node.js';
import type { GraphLevelMethod, NodeMethod } from './graph-method.js';
import type { GraphCLOptions } from './graphcl.js';
import { GraphCL } from './graphcl.js';
import type { JOAOOptions } from './joao.js';
import { JOAO } from './joao.js';
import type { MoCLOptions } from './mocl.js';
import { MoCL } from './mocl.js';
import type { NodeTask } from './node-task.js';

/** Graph-level methods (batch: a list of graphs), in help order. */
export const GRAPH_LEVEL_METHODS = ['graphcl', 'joao', 'joaov2', 'mocl'] as const;
/** Full-graph node methods (batch: the {@link NodeTask}), in help order. */
export const NODE_METHODS = ['cg3', 'gcn', 'mlp', 'graphcl-node'] as const;
/** Every method {@link createMethod} builds (the names the `contrastive-graph` CLI takes). */
export const METHODS = [...GRAPH_LEVEL_METHODS, ...NODE_METHODS] as const;
export type GraphLevelMethodName = (typeof GRAPH_LEVEL_METHODS)[number];
export type NodeMethodName = (typeof NODE_METHODS)[number];
export type MethodName = (typeof METHODS)[number];

/** The training set of a graph-level method: its graphs (and, for MoCL, their SMILES). */
export interface GraphData {
  graphs: readonly Graph[];
  /** SMILES of each graph (MoCL: domain augmentation and fingerprints). */
  smiles?: readonly string[];
}

/**
 * Options of a graph-level method built by name: the data, plus any option of GraphCL, JOAO or MoCL
 * (each method reads its own and keeps its own default for the rest). `inputDim`/`edgeDim` default to
 * the widths of `data.graphs[0]`.
 */
export interface GraphLevelMethodOptions
  extends Omit<GraphCLOptions, 'inputDim' | 'edgeDim'>,
    Omit<JOAOOptions, 'inputDim' | 'edgeDim' | 'v2'>,
    MoCLOptions {
  /** The training graphs (MoCL: with their SMILES). */
  data: GraphData;
  /** The RDKit module (MoCL only; Node: `loadRDKit()` from `@contrastive/graph/node`). */
  rdkit?: RDKit;
  /** Node feature width. Default: `data.graphs[0].numFeatures`. */
  inputDim?: number;
  /** Edge feature width. Default: `data.graphs[0].numEdgeFeatures ?? 0`. */
  edgeDim?: number;
}

/**
 * Options of a node method built by name: the task, plus any option of CG3 or the GCN baseline. `hidden`
 * is the GCN width of both (CG3's `hiddenLocal` wins when given).
 */
export interface NodeMethodOptions extends CG3Options, GCNBaselineOptions, GraphCLNodeOptions {
  /** The graph, its training labels and the class count. */
  task: NodeTask;
}

function widths(options: GraphLevelMethodOptions, who: string): { inputDim: number; edgeDim: number } {
  const g0 = options.data?.graphs?.[0];
  if (g0 === undefined && options.inputDim === undefined)
    throw new TypeError(`${who} needs options.data with at least one graph (or inputDim)`);
  return { inputDim: options.inputDim ?? g0!.numFeatures, edgeDim: options.edgeDim ?? g0?.numEdgeFeatures ?? 0 };
}

function joao(options: GraphLevelMethodOptions, v2: boolean): JOAO {
  const { data: _data, rdkit: _rdkit, augmentations: _fixedPair, ...rest } = options;
  return new JOAO({ ...rest, ...widths(options, v2 ? 'joaov2' : 'joao'), v2 });
}

/** The graph-level registry: `graphLevelMethods.register('my-method', factory)` adds one. */
export const graphLevelMethods = createRegistry<GraphLevelMethodOptions, GraphLevelMethod>('graph-level method', {
  graphcl: {
    description: 'GraphCL (You et al., NeurIPS 2020): two augmented views, GIN, projection head, contrastive loss',
    create: (options) => {
      const { data: _data, rdkit: _rdkit, ...rest } = options;
      return new GraphCL({ ...rest, ...widths(options, 'graphcl') });
    },
  },
  joao: {
    description: 'JOAO (You et al., ICML 2021): GraphCL with an adversarially learnt augmentation-pair distribution',
    create: (o) => joao(o, false),
  },
  joaov2: { description: 'JOAOv2: JOAO with one projection head per augmentation and one pair per epoch', create: (o) => joao(o, true) },
  mocl: {
    description: 'MoCL (Sun et al., KDD 2021): bioisostere views + dataset-level Tanimoto neighbours (needs SMILES and RDKit)',
    create: (options) => {
      const { data, rdkit, ...rest } = options;
      if (!rdkit) throw new TypeError('mocl needs options.rdkit (the RDKit module; Node: loadRDKit() from @contrastive/graph/node)');
      if (!data?.smiles) throw new TypeError('mocl needs options.data.smiles (one SMILES per graph)');
      return new MoCL(rdkit, { smiles: data.smiles, graphs: data.graphs }, rest);
    },
  },
});

/** The node-method registry. */
export const nodeMethods = createRegistry<NodeMethodOptions, NodeMethod>('node method', {
  cg3: {
    description: 'CG3 (Wan et al., AAAI 2021): local GCN + hierarchical global view, contrastive and generative losses',
    create: (options) => {
      const { task, hidden, ...rest } = options;
      const hiddenLocal = options.hiddenLocal ?? hidden;
      return new CG3(task, { ...rest, ...(hiddenLocal === undefined ? {} : { hiddenLocal }) });
    },
  },
  gcn: {
    description: 'plain 2-layer GCN (Kipf & Welling, ICLR 2017) on the labelled nodes: the CG3 baseline',
    create: (options) => {
      const { task, ...rest } = options;
      return new GCNBaseline(task, rest);
    },
  },
  mlp: {
    description: "2-layer MLP on the node features (the GCN without propagation): what the graph's edges add is GCN − MLP",
    create: (options) => {
      const { task, ...rest } = options;
      return new GCNBaseline(task, { ...rest, propagate: false });
    },
  },
  'graphcl-node': {
    description: 'GraphCL-style node pre-training (GRACE): edge-dropped, feature-masked views, node-level NT-Xent, then a linear probe',
    create: (options) => {
      const { task, ...rest } = options;
      return new GraphCLNode(task, rest);
    },
  },
});

/** True when `name` is a registered node method (its batch is a {@link NodeTask}). */
export function isNodeMethod(name: string): name is NodeMethodName {
  return nodeMethods.has(name);
}

/**
 * Builds a method by name (the names of {@link METHODS}, or one registered on {@link graphLevelMethods} /
 * {@link nodeMethods}). Unknown names throw with the valid ones.
 *
 * @example
 * const method = createMethod('graphcl', { data: { graphs }, learningRate: 1e-3 });
 * const cg3 = createMethod('cg3', { task: { graph, labels, numClasses: 2 } });
 */
export function createMethod(name: GraphLevelMethodName, options: GraphLevelMethodOptions): GraphLevelMethod;
export function createMethod(name: NodeMethodName, options: NodeMethodOptions): NodeMethod;
export function createMethod(name: string, options: GraphLevelMethodOptions | NodeMethodOptions): GraphLevelMethod | NodeMethod;
export function createMethod(name: string, options: GraphLevelMethodOptions | NodeMethodOptions): GraphLevelMethod | NodeMethod {
  if (graphLevelMethods.has(name)) return graphLevelMethods.create(name, options as GraphLevelMethodOptions);
  if (nodeMethods.has(name)) return nodeMethods.create(name, options as NodeMethodOptions);
  const valid = [...graphLevelMethods.names(), ...nodeMethods.names()].map((n) => `'${n}'`).join(', ');
  throw new RangeError(`unknown graph method '${String(name)}'; valid: ${valid}`);
}
