#!/usr/bin/python3
"""Golden Bemis–Murcko scaffolds and scaffold split for @contrastive/graph (src/chem/scaffold.ts,
src/data/scaffold-split.ts).

Run with Debian's python3-rdkit (2022.09):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
    /usr/bin/python3 tools/reference/graph_scaffold.py
Writes packages/graph/src/__fixtures__/scaffold_chembl2321810.json:
- `molecules`: every SMILES of packages/graph/data/chembl2321810.csv with
  `MurckoScaffold.MurckoScaffoldSmiles(mol=Chem.MolFromSmiles(s), includeChirality=False)` — what deepchem's
  ScaffoldSplitter (`_generate_scaffold`) and OGB/chainer-chemistry compute;
- `edgeCases`: hand-picked SMILES (acyclic, salts, exocyclic double bonds, substituted aromatic N, charged
  rings, stereo, sulfonyl and phosphoryl linkers) with their scaffolds;
- `split`: deepchem's ScaffoldSplitter.split (0.8/0.1/0.1) of the 1,017 molecules, restated below from
  deepchem/splits/splitters.py (ScaffoldSplitter.split and generate_scaffolds; deepchem is not packaged
  for Debian).
"""
import csv
import json
import os

from rdkit import Chem, rdBase
from rdkit.Chem.Scaffolds import MurckoScaffold

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'graph')
DATA = os.path.join(ROOT, 'data', 'chembl2321810.csv')
OUT = os.path.join(ROOT, 'src', '__fixtures__', 'scaffold_chembl2321810.json')

EDGE_CASES = [
    'CCO', 'CC(C)(C)C(=O)O', 'C1CC1', 'O=C1CCCCC1', 'C=C1CCCCC1C', 'Cc1ccccc1.c1ccncc1CC', 'C1CC1.CCC',
    'Cn1cccc1', 'C[n+]1ccccc1', 'C[C@H]1CC[C@@H](C)N1C', 'c1ccccc1C(=C)c1ccccc1', 'C/C=C/c1ccccc1',
    'c1ccc2ccccc2c1CCCc1ccccc1', 'O=S(=O)(Nc1cccs1)c1ccccc1', '[2H]c1ccccc1', 'C1CC1C=NC1CC1',
    'O=[N+]([O-])c1ccccc1', 'c1ccccc1P(=O)(C)c1ccccc1', 'C[Si](C)(c1ccccc1)c1ccccc1', 'B1OC(C)C(C)O1',
    'O=C(O)[C@@H]1CCCN1C(=O)c1ccc(Cl)cc1', 'CC1=CC(=O)c2ccccc2C1=O', 'Oc1ccc2c(c1)C1CCC2C1',
    'c1ccc2c(c1)[nH]c1ccccc12', 'CC(=O)Oc1ccccc1C(=O)O', 'C1CCC2(CC1)CCCC2', 'c1ccc(cc1)C(c1ccccc1)(c1ccccc1)O',
    'O=C1NC(=O)C(=O)N1', 'CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21',
]


def scaffold(smiles):
    return MurckoScaffold.MurckoScaffoldSmiles(mol=Chem.MolFromSmiles(smiles), includeChirality=False)


def deepchem_scaffold_split(scaffolds, frac_train=0.8, frac_valid=0.1, frac_test=0.1):
    """deepchem.splits.ScaffoldSplitter.split (with generate_scaffolds), on precomputed scaffold keys."""
    assert abs(frac_train + frac_valid + frac_test - 1.0) < 1e-7
    groups = {}
    for ind, key in enumerate(scaffolds):
        groups.setdefault(key, []).append(ind)
    groups = {key: sorted(value) for key, value in groups.items()}
    scaffold_sets = [s for (_k, s) in sorted(groups.items(), key=lambda x: (len(x[1]), x[1][0]), reverse=True)]
    train_cutoff = frac_train * len(scaffolds)
    valid_cutoff = (frac_train + frac_valid) * len(scaffolds)
    train, valid, test = [], [], []
    for scaffold_set in scaffold_sets:
        if len(train) + len(scaffold_set) > train_cutoff:
            if len(train) + len(valid) + len(scaffold_set) > valid_cutoff:
                test += scaffold_set
            else:
                valid += scaffold_set
        else:
            train += scaffold_set
    return train, valid, test


def main():
    with open(DATA, newline='') as f:
        rows = list(csv.DictReader(f))
    molecules = [{'smiles': r['smiles'], 'scaffold': scaffold(r['smiles'])} for r in rows]
    edge = [{'smiles': s, 'scaffold': scaffold(s)} for s in EDGE_CASES]
    train, valid, test = deepchem_scaffold_split([m['scaffold'] for m in molecules])
    # A second split with other fractions, to check the cutoffs are applied as deepchem does.
    train2, valid2, test2 = deepchem_scaffold_split([m['scaffold'] for m in molecules], 0.7, 0.2, 0.1)
    out = {
        'generator': f'tools/reference/graph_scaffold.py (RDKit {rdBase.rdkitVersion}, MurckoScaffoldSmiles, includeChirality=False)',
        'rdkitVersion': rdBase.rdkitVersion,
        'molecules': molecules,
        'edgeCases': edge,
        'split': {'fractions': [0.8, 0.1, 0.1], 'train': train, 'valid': valid, 'test': test},
        'split721': {'fractions': [0.7, 0.2, 0.1], 'train': train2, 'valid': valid2, 'test': test2},
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    n_scaffolds = len({m['scaffold'] for m in molecules})
    print(f'wrote {OUT}: {len(molecules)} molecules, {n_scaffolds} scaffolds; split {len(train)}/{len(valid)}/{len(test)}')


if __name__ == '__main__':
    main()
