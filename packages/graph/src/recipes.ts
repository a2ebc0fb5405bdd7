import type { Recipe } from '@contrastive/core';
import { findRecipe } from '@contrastive/core';
import type { GraphLevelMethodOptions, NodeMethodOptions } from './methods/registry.js';

/** What a graph recipe fixes: method options (no data, task or optimizer instance) and training settings. */
export interface GraphRecipeOptions
  extends Partial<Omit<GraphLevelMethodOptions, 'data' | 'rdkit' | 'optimizer'>>,
    Partial<Omit<NodeMethodOptions, 'task' | 'optimizer'>> {
  /** Epochs (node methods: full-batch steps). */
  epochs?: number;
  /** Graphs per step (graph-level methods). */
  batchSize?: number;
}

/** A named graph recipe (core's {@link Recipe} over {@link GraphRecipeOptions}). */
export type GraphRecipe = Recipe<GraphRecipeOptions>;

// This project's small-data defaults: what `contrastive-graph train` uses without --recipe. Sized for the
// shipped 1,017-molecule ChEMBL set and the 34-node karate club on 2 CPU cores (docs/results-graph.md).
const SMALL_MOLECULES = {
  hidden: 64,
  layers: 3,
  readout: 'mean',
  learningRate: 1e-3,
  augRatio: 0.2,
  epochs: 20,
  batchSize: 32,
} as const satisfies GraphRecipeOptions;

const SMALL_NODES = { hidden: 64, dropout: 0.6, weightDecay: 5e-4, learningRate: 0.01, epochs: 200 } as const satisfies GraphRecipeOptions;

// GraphCL's chem transfer-learning setting (pretrain_graphcl.py): 5-layer GIN, 300 wide, mean readout,
// Adam 1e-3, batch 256, 100 epochs, τ 0.1, node dropping + subgraph at 0.2.
const GRAPHCL_CHEM = {
  hidden: 300,
  layers: 5,
  jk: 'last',
  readout: 'mean',
  learningRate: 1e-3,
  temperature: 0.1,
  augmentations: ['nodeDrop', 'subgraph'],
  augRatio: 0.2,
  lossVariant: 'exclude-positive',
  epochs: 100,
  batchSize: 256,
} as const satisfies GraphRecipeOptions;

/**
 * Named recipes: each paper's defaults and this project's small-data defaults (`<method>-small`, the CLI's
 * defaults). A caller's options override a recipe's: `createMethod(r.method, { ...methodOptions(r), data })`.
 */
export const RECIPES: readonly GraphRecipe[] = [
  {
    name: 'graphcl-small',
    method: 'graphcl',
    description: 'this project: 3-layer GIN (64, mean readout), node dropping + subgraph at 0.2, τ 0.2, Adam 1e-3, batch 32, 20 epochs',
    options: { ...SMALL_MOLECULES, temperature: 0.2, augmentations: ['nodeDrop', 'subgraph'], lossVariant: 'exclude-positive' },
  },
  {
    name: 'graphcl-tu-paper',
    method: 'graphcl',
    description:
      'GraphCL unsupervised TU (gsimclr.py, README command): 3-layer GIN (32, sum readout, layers concatenated → 96), τ 0.2, Adam 0.01, batch 128, 20 epochs',
    options: {
      hidden: 32,
      layers: 3,
      jk: 'concat',
      readout: 'sum',
      temperature: 0.2,
      augmentations: ['nodeDrop', 'subgraph'],
      augRatio: 0.2,
      learningRate: 0.01,
      epochs: 20,
      batchSize: 128,
    },
  },
  {
    name: 'graphcl-chem-paper',
    method: 'graphcl',
    description:
      'GraphCL chem transfer (pretrain_graphcl.py): 5-layer GIN (300, mean readout), τ 0.1, node dropping + subgraph at 0.2, Adam 1e-3, batch 256, 100 epochs',
    options: GRAPHCL_CHEM,
  },
  {
    name: 'joao-small',
    method: 'joao',
    description: 'this project: graphcl-small with a learnt pair distribution, γ 0.1, β 1',
    options: { ...SMALL_MOLECULES, temperature: 0.2, lossVariant: 'exclude-positive', gamma: 0.1, beta: 1 },
  },
  {
    name: 'joao-chem-paper',
    method: 'joao',
    description:
      'JOAO chem (pretrain_joao.py): the GraphCL chem encoder and schedule, γ 0.1 (the script default; its README examples use 0.01), β 1',
    options: { ...omitAugmentations(GRAPHCL_CHEM), gamma: 0.1, beta: 1 },
  },
  {
    name: 'joaov2-small',
    method: 'joaov2',
    description: 'this project: joao-small with one projection head per augmentation and one pair per epoch',
    options: { ...SMALL_MOLECULES, temperature: 0.2, lossVariant: 'exclude-positive', gamma: 0.1, beta: 1 },
  },
  {
    name: 'joaov2-chem-paper',
    method: 'joaov2',
    description: 'JOAOv2 chem (pretrain_joaov2.py): as joao-chem-paper with five projection heads',
    options: { ...omitAugmentations(GRAPHCL_CHEM), gamma: 0.1, beta: 1 },
  },
  {
    name: 'mocl-small',
    method: 'mocl',
    description:
      'this project: 3-layer GIN (64, mean readout), DK1 bioisostere views, global `cl` over 50 Tanimoto neighbours, λ 5, τ 0.5, Adam 1e-3, batch 32, 20 epochs',
    options: { ...SMALL_MOLECULES, temperature: 0.5, lambda: 5, globalLoss: 'cl', neighbours: 50, dk: 1, localAug: 'domain', projDim: 128 },
  },
  {
    name: 'mocl-paper',
    method: 'mocl',
    description:
      'MoCL (Sun et al., KDD 2021): 3-layer GIN 512 wide, head 512→128→128, DK1, global `cl`, λ 5, n_nb 50, τ 0.5, ECFP6, Adam 1e-3 (training length: the small defaults)',
    options: {
      hidden: 512,
      layers: 3,
      readout: 'mean',
      projDim: 128,
      temperature: 0.5,
      lambda: 5,
      globalLoss: 'cl',
      neighbours: 50,
      dk: 1,
      localAug: 'domain',
      fpRadius: 3,
      learningRate: 1e-3,
    },
  },
  {
    name: 'cg3-small',
    method: 'cg3',
    description:
      'this project: local GCN 64 wide, H-GCN-style global view 32 wide over 2 levels, dropout 0.6, τ 0.5, weights 0.9/0.9/0.4, wd 5e-4, Adam 0.01, 200 epochs',
    options: { ...SMALL_NODES, hiddenGlobal: 32, levels: 2, temperature: 0.5, wUnsup: 0.9, wSup: 0.9, wRecon: 0.4, alpha: 0.6 },
  },
  {
    name: 'cg3-paper',
    method: 'cg3',
    description:
      "CG3's code on citation graphs: local GCN 1024 wide, 4 coarsening levels (H-GCN), dropout 0.6, τ 0.5, weights 0.9/0.9/0.4, wd 5e-4 (citeseer: 0.1), Adam 0.01",
    options: {
      hidden: 1024,
      hiddenGlobal: 32,
      levels: 4,
      dropout: 0.6,
      temperature: 0.5,
      wUnsup: 0.9,
      wSup: 0.9,
      wRecon: 0.4,
      weightDecay: 5e-4,
      alpha: 0.6,
      learningRate: 0.01,
    },
  },
  {
    name: 'gcn-small',
    method: 'gcn',
    description: "this project: CG3's baseline, a 2-layer GCN with cg3-small's width, dropout, weight decay, optimiser and epochs",
    options: SMALL_NODES,
  },
  {
    name: 'mlp-small',
    method: 'mlp',
    description: "this project: a 2-layer MLP on the node features with gcn-small's width, dropout, weight decay, optimiser and epochs",
    options: SMALL_NODES,
  },
  {
    name: 'graphcl-node-small',
    method: 'graphcl-node',
    description:
      'this project (GRACE-style): 2-layer GCN 64 wide + projection head, edge drop 0.2 and feature mask 0.2 per view, τ 0.5, 2,048 nodes contrasted per step, Adam 1e-3, wd 1e-5, 200 epochs; linear probe',
    options: {
      hidden: 64,
      temperature: 0.5,
      edgeDropRate: 0.2,
      featureMaskRate: 0.2,
      contrastNodes: 2048,
      learningRate: 1e-3,
      weightDecay: 1e-5,
      epochs: 200,
    },
  },
  {
    name: 'gcn-paper',
    method: 'gcn',
    description: 'Kipf & Welling (ICLR 2017): 2-layer GCN 16 wide, dropout 0.5, wd 5e-4, Adam 0.01, 200 epochs',
    options: { hidden: 16, dropout: 0.5, weightDecay: 5e-4, learningRate: 0.01, epochs: 200 },
  },
];

function omitAugmentations(options: GraphRecipeOptions): GraphRecipeOptions {
  const { augmentations: _pairIsLearnt, ...rest } = options;
  return rest;
}

/** Looks a graph recipe up by name (throws with the valid names). */
export function findGraphRecipe(name: string): GraphRecipe {
  return findRecipe(RECIPES, name, 'graph recipe');
}

/** This project's small-data recipe of `method` (`<method>-small`): the CLI's defaults. */
export function defaultRecipe(method: string): GraphRecipe {
  return findGraphRecipe(`${method}-small`);
}

/** A recipe's method options and its training settings, apart. */
export function splitRecipe(recipe: GraphRecipe): {
  methodOptions: Omit<GraphRecipeOptions, 'epochs' | 'batchSize'>;
  epochs?: number;
  batchSize?: number;
} {
  const { epochs, batchSize, ...methodOptions } = recipe.options;
  return { methodOptions, ...(epochs === undefined ? {} : { epochs }), ...(batchSize === undefined ? {} : { batchSize }) };
}
