export const HELP = `contrastive-graph — graph contrastive learning (GraphCL, JOAO, JOAOv2, MoCL, CG3) on TensorFlow.js

Usage:
  contrastive-graph train --method graphcl|joao|joaov2|mocl [molecule options] [training options]
  contrastive-graph train --method cg3 [node-graph options] [training options]
  contrastive-graph eval  --method graphcl|joao|joaov2|mocl --checkpoint DIR [same options as train]

Molecule input (graph-level methods):
  --data FILE            SMILES table: CSV/TSV with a header, or a whitespace .smi file ('SMILES name').
                         Default: the shipped ChEMBL2321810 set (1,017 molecules, pIC50; BSD, see data/NOTICE.md).
  --smiles-column C      column name or 0-based index (default: 'smiles', else column 0)
  --value-column C       property column used for the probe (default 'pIC50' for the shipped set)
  --threshold T          class = value >= T (default: the median value)
  --limit N              use the first N molecules
  Bad SMILES are reported as FILE:LINE.

Node-graph input (cg3):
  --dataset karate       Zachary's karate club (default), or
  --edges FILE           undirected edge list, one 'u v' pair per line (0-based ids, '#' comments)
  --labels FILE          'node label' lines (the evaluation truth)
  --labels-per-class K   labelled nodes per class used for training (default 1; chosen by --seed)
  --repeats R            repeat with seeds seed..seed+R-1 and report the mean (default 1)

Training options:
  --epochs N (default 20; cg3 200)   --batch-size B (32)   --lr LR (graphcl/joao/mocl 1e-3 as the chem code, cg3 0.01)
  --hidden H (64)  --layers L (3)    --temperature T (graphcl/joao 0.2, mocl/cg3 0.5)
  --loss-variant exclude-positive|nt-xent (graphcl/joao; default exclude-positive, GraphCL's code)
  --aug1 A --aug2 A      graphcl views: nodeDrop|subgraph|edgePert|attrMask|identity (default nodeDrop, subgraph)
  --aug-ratio R (0.2)    --gamma G (joao, 0.1)
  --lambda L (mocl, 5)   --global cl|ls (mocl, cl)  --neighbours K (mocl, 50)  --dk K (mocl, 1)
  --local-aug domain|nodeDrop|subgraph|edgePert|attrMask (mocl, domain)
  --dropout P (cg3 0.6)  --levels N (cg3 coarsening levels, 2)  --weight-decay W (cg3 5e-4)
  --test-fraction F (0.2)  --seed S (0)  --backend wasm|cpu|tensorflow (auto)
  --checkpoint DIR       save a checkpoint every epoch (train) / load it (eval)  --resume (continue from it)
  --checkpoint-every N   graphcl/joao/joaov2/mocl: also save every N steps inside an epoch, so a run killed
                         mid-epoch resumes part-way (default 100 with --checkpoint; 0 = epoch ends only)
  --loss-curve FILE.png  --no-progress  --json (print one JSON summary line on stdout)

The summary compares the method with a baseline that does not use it: the same encoder at its random
initialisation (graph methods, linear probe on frozen embeddings) or a plain GCN trained on the same
labels (cg3).`;
