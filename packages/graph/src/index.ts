// @contrastive/graph public API (re-exports by name). Browser-safe: no `node:` module and no RDKit loader
// is reachable from here; file readers and `loadRDKit` live in '@contrastive/graph/node'.
export type { Graph } from './data/graph.js';
export { validateGraph, numEdges, fromUndirectedEdges, checkIdentityFeatures, MAX_IDENTITY_NODES } from './data/graph.js';
export type { GraphDataErrorCode } from './data/errors.js';
export { GraphDataError } from './data/errors.js';
export type { GraphBatch } from './data/batch.js';
export { batchGraphs, unbatch, singleGraphBatch } from './data/batch.js';
export type { GraphTensors } from './data/tensors.js';
export { toTensors, disposeGraphTensors } from './data/tensors.js';
export { karateClub, KARATE_EDGES, KARATE_FACTIONS } from './data/karate-club.js';
export type { MoleculeDataset, LoadMoleculesOptions } from './data/molecules.js';
export { parseMolecules } from './data/molecules.js';
export type { EdgeListGraph, ParseEdgeListOptions } from './data/edge-list.js';
export { parseEdgeList } from './data/edge-list.js';
export { sampleLabels } from './data/sample-labels.js';
export type { CsrMatrix } from './data/csr.js';
export { csrFromCoo, denseToCsr, csrToDense, transposeCsr, validateCsr, nnz } from './data/csr.js';
export type { NodeSplit, PlanetoidSplit, PlanetoidSplitOptions } from './data/node-split.js';
export { planetoidSplit, trainingLabels } from './data/node-split.js';
export type { SelectionState } from './eval/best-of-validation.js';
export { BestOfValidation, accuracyOn } from './eval/best-of-validation.js';
export type { FeatureFormat, NodeFeatures, NodeFeaturesOptions } from './data/features/types.js';
export { FEATURE_FORMATS, MAX_FEATURE_BYTES } from './data/features/types.js';
export { parseNodeFeatures } from './data/features/parse.js';
export type { CooFeatures, DenseFeatures, NodeFeaturesInput } from './data/features/with-node-features.js';
export { withNodeFeatures } from './data/features/with-node-features.js';

export type { SparseAdjacency } from './layers/gcn-norm.js';
export { gcnNorm } from './layers/gcn-norm.js';
export { propagate } from './layers/propagate.js';
export { SparseOperand, identityOperand } from './layers/sparse-operand.js';
export type { NodeInputs } from './layers/node-inputs.js';
export { nodeInputs, disposeNodeInputs, gcnMatrix, dropoutInput } from './layers/node-inputs.js';
export { Linear } from './layers/linear.js';
export type { GcnAdjacency } from './layers/gcn.js';
export { GCNConv } from './layers/gcn.js';
export { GINConv } from './layers/gin.js';
export type { GINEncoderOptions } from './layers/gin-encoder.js';
export { GINEncoder, ginEncoder } from './layers/gin-encoder.js';
export type { GCNApplyOptions, GCNInput } from './layers/gcn-encoder.js';
export { GCNEncoder } from './layers/gcn-encoder.js';
export type { GraphEncoderClass, GraphEncoderTopology } from './layers/encoder-io.js';
export { loadGraphEncoder } from './layers/load-encoder.js';
export { ProjectionHead } from './layers/projection-head.js';
export type { Readout } from './layers/readout.js';
export { readout, READOUTS } from './layers/readout.js';
export type { GinWorkloadOptions } from './layers/gin-workload.js';
export { ginWorkload } from './layers/gin-workload.js';

export { dropNodes } from './augment/node-drop.js';
export { subgraph } from './augment/subgraph.js';
export { perturbEdges } from './augment/edge-perturb.js';
export { maskAttributes } from './augment/attr-mask.js';
export { inducedSubgraph } from './augment/subset.js';
export type { AugmentationName } from './augment/registry.js';
export { AUGMENTATION_NAMES, graphAugmentation } from './augment/registry.js';

export type { GraphCLLossOptions } from './losses/graphcl-loss.js';
export { graphclLoss } from './losses/graphcl-loss.js';
export { cg3CrossViewLoss, cg3SemiSupervisedLoss, cg3ReconstructionLoss } from './losses/cg3-losses.js';
export { moclGlobalLeastSquares, moclGlobalContrastive } from './losses/mocl-global.js';

export type { GraphLevelMethod, NodeMethod } from './methods/graph-method.js';
export type { NodeTask } from './methods/node-task.js';
export type { GraphCLOptions } from './methods/graphcl.js';
export { GraphCL } from './methods/graphcl.js';
export type { JOAOOptions } from './methods/joao.js';
export { JOAO, AUGMENTATION_PAIRS } from './methods/joao.js';
export { projectSimplex, projectSimplexExact } from './methods/simplex.js';
export type { CG3Options } from './methods/cg3.js';
export { CG3 } from './methods/cg3.js';
export type { GraphCLNodeOptions } from './methods/graphcl-node.js';
export { GraphCLNode } from './methods/graphcl-node.js';
export { dropUndirectedEdges, featureColumnMask, nodeView, disposeView } from './augment/node-views.js';
export type { GCNBaselineOptions } from './methods/gcn-baseline.js';
export { GCNBaseline } from './methods/gcn-baseline.js';
export type { CoarseLevel } from './methods/coarsen.js';
export { coarsenOnce, coarsenHierarchy } from './methods/coarsen.js';
export { HierarchicalGCNView } from './methods/hgcn-view.js';
export type { MoCLOptions } from './methods/mocl.js';
export { MoCL } from './methods/mocl.js';
export { embedGraphs, projectGraphs, withBatch } from './methods/graph-views.js';
export type {
  GraphData,
  GraphLevelMethodName,
  GraphLevelMethodOptions,
  MethodName,
  NodeMethodName,
  NodeMethodOptions,
} from './methods/registry.js';
export {
  createMethod,
  isNodeMethod,
  graphLevelMethods,
  nodeMethods,
  METHODS,
  GRAPH_LEVEL_METHODS,
  NODE_METHODS,
} from './methods/registry.js';
export type { GraphRecipe, GraphRecipeOptions } from './recipes.js';
export { RECIPES, findGraphRecipe, defaultRecipe, splitRecipe } from './recipes.js';

export { maskedAccuracy } from './eval/masked-accuracy.js';

export type { RDKit } from './chem/rdkit.js';
export {
  moleculeGraph,
  canonicalSmiles,
  countSmilesAtoms,
  ATOM_FEATURES,
  BOND_FEATURES,
  ELEMENTS,
  MAX_SMILES_ATOMS,
} from './chem/featurize.js';
export { morganFingerprint, tanimoto, tanimotoMatrix, topNeighbours } from './chem/fingerprints.js';
export type { BioisostereRule } from './chem/bioisosteres.js';
export { BIOISOSTERE_RULES } from './chem/bioisosteres.js';
export { DomainAugmenter, applyRule } from './chem/domain-augment.js';
export { murckoScaffold, scaffoldAtoms } from './chem/scaffold.js';
export type { ScaffoldSplit } from './data/scaffold-split.js';
export { scaffoldSplit } from './data/scaffold-split.js';
