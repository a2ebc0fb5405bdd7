#!/usr/bin/python3
"""Golden fixtures for @contrastive/core evaluation (packages/core/src/eval).

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/core_eval.py
Writes packages/core/src/eval/__fixtures__/core_eval.json.

- kNN: a verbatim port of lightly's `knn_predict` (lightly/utils/benchmarking/knn.py, the weighted kNN
  of Wu et al. 2018) on L2-normalised features (lightly's KNN benchmark normalises with F.normalize).
- Linear probe: sklearn LogisticRegression (multinomial, lbfgs) on standardised features.
- PCA: numpy SVD of the centred data, signs fixed so each component's largest |loading| is positive.
- collapse std: lightly's std_of_l2_normalized (torch.std, unbiased, over dim 0, then mean).
- alignment / uniformity: Wang & Isola's reference code (SsnL/align_uniform) on L2-normalised inputs.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'eval', '__fixtures__',
                   'core_eval.json')


def knn_predict(feature, feature_bank, feature_labels, num_classes, knn_k=200, knn_t=0.1):
    """lightly.utils.benchmarking.knn_predict (feature: B x D, feature_bank: D x N)."""
    sim_matrix = torch.mm(feature, feature_bank)
    sim_weight, sim_indices = sim_matrix.topk(k=knn_k, dim=-1)
    sim_labels = torch.gather(feature_labels.expand(feature.size(0), -1), dim=-1, index=sim_indices)
    sim_weight = (sim_weight / knn_t).exp()
    one_hot_label = torch.zeros(feature.size(0) * knn_k, num_classes, device=sim_labels.device)
    one_hot_label = one_hot_label.scatter(dim=-1, index=sim_labels.view(-1, 1), value=1.0)
    pred_scores = torch.sum(one_hot_label.view(feature.size(0), -1, num_classes) * sim_weight.unsqueeze(dim=-1),
                            dim=1)
    pred_labels = pred_scores.argsort(dim=-1, descending=True)
    return pred_labels


def r4(x):
    # Inputs are rounded to 4 decimals so the JSON stays small; outputs are computed from the rounded values.
    return np.round(np.asarray(x, dtype=np.float64), 4).astype(np.float32)


def js(x):
    # Short decimal form of 4-decimal inputs (float32 reprs would be ~18 characters each).
    return np.round(np.asarray(x, dtype=np.float64), 4).tolist()


def knn_case(rng, n_train, n_test, d, c, spread, k, t):
    centers = rng.normal(size=(c, d))
    ytr = rng.integers(0, c, size=n_train)
    yte = rng.integers(0, c, size=n_test)
    xtr = r4(centers[ytr] + spread * rng.normal(size=(n_train, d)))
    xte = r4(centers[yte] + spread * rng.normal(size=(n_test, d)))
    ftr = F.normalize(torch.from_numpy(xtr), dim=1)
    fte = F.normalize(torch.from_numpy(xte), dim=1)
    kk = min(k, n_train)  # lightly would raise for k > N; our API clips k to the train size
    pred = knn_predict(fte, ftr.t().contiguous(), torch.from_numpy(ytr), c, kk, t)[:, 0].numpy()
    acc = float((pred == yte).mean())
    return {
        'k': k, 'temperature': t, 'numClasses': c,
        'trainEmb': js(xtr), 'trainLabels': ytr.tolist(),
        'testEmb': js(xte), 'testLabels': yte.tolist(),
        'predictions': pred.tolist(), 'accuracy': acc,
    }


def main():
    rng = np.random.default_rng(20260601)
    knn = [
        knn_case(rng, 300, 120, 16, 4, 1.6, 200, 0.1),
        knn_case(rng, 300, 120, 16, 4, 1.6, 5, 0.5),
        knn_case(rng, 150, 80, 8, 3, 1.2, 500, 0.07),  # k > N: clipped to 150
        knn_case(rng, 300, 100, 16, 10, 2.0, 20, 0.1),
    ]

    # Linear probe: 5 overlapping Gaussian classes with different per-feature scales (so standardising matters).
    d, c = 20, 5
    centers = rng.normal(size=(c, d)) * 0.45
    scales = np.exp(rng.normal(size=d))
    offset = rng.normal(size=d) * 3
    def sample(n):
        y = rng.integers(0, c, size=n)
        x = (centers[y] + rng.normal(size=(n, d))) * scales + offset
        return r4(x), y
    xtr, ytr = sample(600)
    xte, yte = sample(300)
    scaler = StandardScaler().fit(xtr)
    clf = LogisticRegression(C=1.0, max_iter=5000).fit(scaler.transform(xtr), ytr)
    probe = {
        'trainX': js(xtr), 'trainY': ytr.tolist(), 'testX': js(xte), 'testY': yte.tolist(),
        'sklearnAccuracy': float(clf.score(scaler.transform(xte), yte)),
        'sklearnTrainAccuracy': float(clf.score(scaler.transform(xtr), ytr)),
    }

    # PCA (two components).
    xp = rng.normal(size=(60, 8)) * np.array([5, 3, 1, 0.5, 0.3, 0.2, 0.1, 0.1])
    xp = r4(xp @ np.linalg.qr(rng.normal(size=(8, 8)))[0] + 1.5)
    xc = xp.astype(np.float64) - xp.astype(np.float64).mean(axis=0)
    _, _, vt = np.linalg.svd(xc, full_matrices=False)
    comps = vt[:2]
    for i in range(2):
        if comps[i][np.argmax(np.abs(comps[i]))] < 0:
            comps[i] = -comps[i]
    pca = {'x': js(xp), 'components': comps.tolist(), 'coords': (xc @ comps.T).tolist()}

    # collapse std (lightly std_of_l2_normalized), healthy and collapsed.
    zh = torch.from_numpy(r4(rng.normal(size=(128, 16))))
    base = rng.normal(size=(1, 16))
    zc = torch.from_numpy(r4(base + 0.01 * rng.normal(size=(128, 16))))
    collapse = [
        {'z': js(zh.numpy()), 'std': float(torch.std(F.normalize(zh, dim=1), dim=0).mean())},
        {'z': js(zc.numpy()), 'std': float(torch.std(F.normalize(zc, dim=1), dim=0).mean())},
    ]

    # alignment / uniformity on L2-normalised pairs (Wang & Isola reference code).
    xa = torch.from_numpy(r4(rng.normal(size=(64, 16))))
    ya = torch.from_numpy(r4(xa.numpy() + 0.3 * rng.normal(size=(64, 16))))
    xn, yn = F.normalize(xa, dim=1), F.normalize(ya, dim=1)
    align = float((xn - yn).norm(p=2, dim=1).pow(2).mean())
    unif = float(torch.pdist(xn, p=2).pow(2).mul(-2).exp().mean().log())
    au = {'x': js(xa.numpy()), 'y': js(ya.numpy()), 'alignment': align, 'uniformity': unif}

    with open(OUT, 'w') as f:
        json.dump({'knn': knn, 'probe': probe, 'pca': pca, 'collapse': collapse, 'alignUniform': au}, f)
    print('wrote', os.path.normpath(OUT))
    for case in knn:
        print('knn k=%d t=%g acc=%.4f' % (case['k'], case['temperature'], case['accuracy']))
    print('probe sklearn acc=%.4f train=%.4f' % (probe['sklearnAccuracy'], probe['sklearnTrainAccuracy']))
    print('collapse std', [c['std'] for c in collapse], 'align/unif', align, unif)


if __name__ == '__main__':
    main()
