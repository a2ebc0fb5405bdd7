import type { FaultCase } from '@contrastive/test-utils';

/** The graph package's rows of docs/reliability.md; each is proven by a test that names its id. */
export const FAULT_CASES: FaultCase[] = [
  {
    id: 'graph/cg3-isolated-node',
    surface: 'contrastive-graph train --method cg3 --edges --labels',
    input: "the karate club as an edge list plus a line '34 34' (an isolated node)",
    outcome:
      "trains to a finite loss, exit 0, accuracy within 0.1 of the connected graph's (was finalLoss null, accuracy 0.52): CG3's L2 normalisation no longer has a NaN gradient at an all-zero row (an isolated node whose only one-hot feature was dropped out)",
    issueItem: 3,
  },
  {
    id: 'graph/cg3-second-component',
    surface: 'contrastive-graph train --method cg3 --edges --labels',
    input: "the karate club as an edge list plus an edge '34 35' (a second component)",
    outcome: 'trains to a finite loss, exit 0, accuracy comparable to the connected graph (was finalLoss null, accuracy 0.50)',
    issueItem: 3,
  },
  {
    id: 'graph/degree-normalisation-isolated',
    surface: 'gcnNorm, coarsenHierarchy, HierarchicalGCNView, GCNBaseline',
    input: 'graphs with isolated nodes and several components',
    outcome:
      'finite propagation weights (every node has its self-loop, degree >= 1), every node in one coarse group, finite outputs and gradients',
    issueItem: 3,
  },
  {
    id: 'graph/edge-ids-are-names',
    surface: 'parseEdgeList / contrastive-graph train --edges',
    input: 'a 2-line edge file using node id 30000 (and one using 4000000000)',
    outcome:
      'a 3-node graph (ids are names, numbered 0..N-1 in ascending order; nodeIds maps back), trained in a child process with peak RSS under 600 MB (was 7 GB / > 8 GB of one-hot features)',
    issueItem: 4,
  },
  {
    id: 'graph/cg3-large-graph-memory',
    surface: 'contrastive-graph train --method cg3 --features (sparse)',
    input:
      'a 20,000-node graph with ~100,000 undirected edges and 500 sparse bag-of-words features (20 per node), 2 epochs, with the GCN baseline',
    outcome:
      'trained in a child process with peak RSS under 1,200 MB: sparse features and Â as CSR products, the cross-view loss on 2,048 sampled nodes (the N × N matrix would be 1.6 GB); the full-size WordNet run (117,659 nodes) is measured in docs/results-graph.md',
    issueItem: 4,
  },
  {
    id: 'graph/identity-features-bound',
    surface: 'parseEdgeList, fromUndirectedEdges',
    input: 'a featureless graph of 5,001 nodes, or numNodes 30001 in index mode',
    outcome:
      'GraphDataError ETOOLARGE naming the file, the size in GB and the 5,000-node bound of one-hot features, before allocating; suggests giving node features',
    issueItem: 4,
  },
  {
    id: 'graph/label-1e6',
    surface: 'parseEdgeList labels / contrastive-graph train --labels',
    input: 'a labels file with the label value 1000000',
    outcome: 'labels are names too: two classes, not a million (was 3.8 GB); classValues maps back',
    issueItem: 4,
  },
  {
    id: 'graph/labels-unknown-node',
    surface: 'parseEdgeList labels',
    input: 'a labels line naming a node that is in no edge',
    outcome: "GraphDataError ERANGE naming the labels file and line, and how to declare an isolated node ('v v')",
    issueItem: 4,
  },
  {
    id: 'graph/text-file-bound',
    surface: 'loadEdgeList, loadMolecules',
    input: 'an edge list or SMILES table over 500 MB (sparse file)',
    outcome: 'GraphDataError ETOOLARGE naming the file and the bound, before reading (was a raw V8 string-length error)',
    issueItem: 4,
  },
  {
    id: 'graph/features-nan',
    surface: 'loadNodeFeatures / parseNodeFeatures (dense, sparse, Matrix Market); withNodeFeatures',
    input:
      "a features file whose line 3 holds 'NaN' (also '-inf', '1e39' and 'NaN' in the sparse and Matrix Market forms); a tensor with a NaN",
    outcome:
      "GraphDataError EBADROW naming FILE:3 and the column ('column 4: 'NaN' is not finite; features must be finite numbers'); withNodeFeatures: RangeError naming the node, its file id and the feature",
  },
  {
    id: 'graph/features-missing-node',
    surface: 'loadNodeFeatures (dense) on an edge list whose ids are names',
    input: "a dense features file with no line for 2 of the edge list's nodes (ids 20 and 30000)",
    outcome:
      "GraphDataError ERANGE naming the file, how many nodes have no line and their ids ('2 of the graph's 4 nodes have no line (ids 20, 30000)'); the same rows in the sparse form are all-zero rows, counted in missingRows",
  },
  {
    id: 'graph/features-wrong-width',
    surface: 'loadNodeFeatures (dense)',
    input: 'a dense features file whose line 3 has 2 values where line 1 has 3',
    outcome: "GraphDataError EBADROW naming FILE:3 and line 1 ('node 20 has 2 values, but line 1 has 3: every row needs the same number')",
  },
  {
    id: 'graph/features-memory-bounds',
    surface: 'loadNodeFeatures in a child process',
    input:
      'a dense row of 600 values for a graph of 1,000,000 nodes (2.4 GB of float32); a 1 GB sparse file of NUL bytes with no line break',
    outcome:
      'GraphDataError ETOOLARGE before allocating: the first names FILE:1, the size and the 2 GB bound and suggests the sparse form; the second names FILE:1 and the 100 M-character line bound (the file is streamed, never read whole); peak RSS < 400 MB',
  },
  {
    id: 'graph/fuzz-node-features',
    surface: 'parseNodeFeatures, all formats (fast-check, child process)',
    input:
      "1,000 random features files (seeded) in the dense, sparse and Matrix Market forms, mostly well-formed rows mixed with hostile cells (NaN, 1e39, -1, 2^53+1, '', 'x:y', repeated nodes and indices, headers, comments, CRLF), on a graph with named ids",
    outcome:
      'dense features of N × F finite values or a valid N-row CSR matrix, or a GraphDataError naming the file; no hang (30 s), child peak RSS < 400 MB',
  },
  {
    id: 'graph/smiles-1000-atom-chain',
    surface: 'parseMolecules / contrastive-graph train --data',
    input: 'a SMILES table whose row 3 is a 1,000-atom carbon chain',
    outcome:
      "refused before RDKit sees it: exit 1, GraphDataError ETOOLARGE naming FILE:3, the atom count and the 500-atom bound (was RDKit's wasm 'memory access out of bounds', leaving RDKit broken); RDKit still parses afterwards. Policy: a bad row refuses the file",
    issueItem: 9,
  },
  {
    id: 'graph/flag-ranges',
    surface: 'contrastive-graph train flags',
    input: '--temperature 0, --aug-ratio 2, --dropout 1.5',
    outcome: 'exit 2 before anything loads, naming the flag, the value and the range (> 0, [0, 1), [0, 1))',
    issueItem: 9,
  },
  {
    id: 'graph/one-class-labels',
    surface: 'contrastive-graph train --method cg3 --labels; CG3 / GCNBaseline constructors',
    input: 'a labels file with one class only',
    outcome:
      "exit 1: 'labels.txt: one class (label 0, …); node classification needs labelled nodes of at least two classes' (was 'needs at least 2 labelled nodes')",
    issueItem: 10,
  },
  {
    id: 'graph/one-class-probe',
    surface: 'contrastive-graph train --method graphcl --threshold',
    input: 'a --threshold above every value (the probe task has one class)',
    outcome: 'no probe is scored: the summary has no probeAccuracy and says why (note and a stderr warning); was scored 1.0',
    issueItem: 10,
  },
  {
    id: 'graph/train-existing-run',
    surface: 'contrastive-graph train --out',
    input: 'train again into a finished run (no --resume / --overwrite)',
    outcome: 'exit 2 before training, naming --resume and --overwrite; the checkpoint and run files byte-identical',
    issueItem: 2,
  },
  {
    id: 'graph/diverging-lr-graphcl',
    surface: 'contrastive-graph train --method graphcl --resume',
    input: '--lr 1e9: a finished 1-step run, resumed for more epochs',
    outcome:
      "exit 1 'training diverged: the loss is NaN at step … (global step 2)', no model/ written, the step-1 checkpoint byte-identical, no summary claiming a score",
    issueItem: 5,
  },
  {
    id: 'graph/diverging-lr-cg3',
    surface: 'contrastive-graph train --method cg3 --resume',
    input: '--lr 1e9: a finished 1-epoch run, resumed for more epochs',
    outcome: 'exit 1 naming the diverged step, the epoch-1 checkpoint byte-identical',
    issueItem: 5,
  },
  {
    id: 'graph/fuzz-edge-list',
    surface: 'parseEdgeList (fast-check, child process)',
    input:
      "1,000 random edge files (seeded), mostly `u v` rows mixed with hostile tokens: huge (4e9, 2^53+1), negative, non-integer ids, mixed separators, comments, CRLF; in name and index mode; plus the issue's 30000 / 4e9 / 5,001-node files",
    outcome:
      'a valid Graph of <= 5,000 nodes, or a GraphDataError naming the file (and line); no hang (30 s), child peak RSS < 400 MB (V8 heap capped at 256 MB)',
  },
  {
    id: 'graph/fuzz-labels',
    surface: 'parseEdgeList labels (fast-check, child process)',
    input: '1,000 random labels files (seeded) on a fixed graph: labels 1e6 and -1, unknown, huge and non-integer nodes and labels',
    outcome:
      'labels in [0, C) with C distinct values, or a GraphDataError naming the labels file and line; no hang (30 s), child peak RSS < 400 MB',
  },
  {
    id: 'graph/fuzz-smiles-table',
    surface: 'parseMolecules with RDKit (fast-check, child process)',
    input:
      '300 random SMILES tables (seeded): valid molecules mixed with SMILES fragments, chains of 400-1,200 atoms, bad or missing values, with and without a header',
    outcome:
      'molecule graphs, or a GraphDataError naming the file and line; RDKit still parses after every input (no wasm trap); no hang (60 s), child peak RSS < 600 MB',
  },
];
