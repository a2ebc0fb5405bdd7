#!/usr/bin/python3
"""Golden ROC-AUC values for @contrastive/core's `rocAuc` (packages/core/src/eval/roc-auc.ts).

Run with Debian's python3-sklearn:  /usr/bin/python3 tools/reference/core_roc_auc.py
Writes packages/core/src/eval/__fixtures__/roc_auc.json: cases of (scores, labels, sklearn roc_auc_score).
Cases cover continuous scores, heavy ties (scores rounded to one decimal, and a few constant runs),
a perfect and an inverted ranking, and class imbalance.
"""
import json
import os

import numpy as np
from sklearn.metrics import roc_auc_score

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'eval', '__fixtures__',
                   'roc_auc.json')


def main():
    rng = np.random.default_rng(23)
    cases = []

    def add(name, scores, labels):
        scores = [float(s) for s in scores]
        labels = [int(y) for y in labels]
        cases.append({'name': name, 'scores': scores, 'labels': labels, 'auc': float(roc_auc_score(labels, scores))})

    y = rng.integers(0, 2, 200)
    add('continuous', rng.normal(size=200) + 0.8 * y, y)
    y = rng.integers(0, 2, 150)
    add('ties (one decimal)', np.round(rng.normal(size=150) + 0.5 * y, 1), y)
    y = rng.integers(0, 2, 60)
    add('ties (4 levels)', rng.integers(0, 4, 60) + 0.0, y)
    add('all tied', [0.3] * 10, [0, 1] * 5)
    add('perfect', [0.1, 0.2, 0.3, 0.8, 0.9], [0, 0, 0, 1, 1])
    add('inverted', [0.9, 0.8, 0.3, 0.2, 0.1], [0, 0, 0, 1, 1])
    y = (rng.random(300) < 0.1).astype(int)
    add('imbalanced (10% positive)', rng.normal(size=300) + 1.0 * y, y)
    add('negative and large scores', [-1e6, -3.5, 0.0, 2.5, 1e6, -3.5], [0, 1, 0, 1, 1, 0])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'generator': 'tools/reference/core_roc_auc.py (sklearn.metrics.roc_auc_score)', 'cases': cases}, f)
        f.write('\n')
    print(f'wrote {OUT}: {len(cases)} cases')


if __name__ == '__main__':
    main()
