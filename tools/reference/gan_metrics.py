#!/usr/bin/python3
"""Golden fixtures for @contrastive/gan's image-quality metrics (src/metrics), independent of the TypeScript code.

Run with Debian's PyTorch/numpy (scipy is not installed):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tools/reference/gan_metrics.py

Ports, in float64:
  - Fréchet distance: pytorch-fid `calculate_frechet_distance` (mseitzer/pytorch-fid src/pytorch_fid/fid_score.py)
    with scipy.linalg.sqrtm replaced by numpy's eigh: Tr((S1^1/2 S2 S1^1/2)^1/2). As an independent check the
    trace is also computed from the eigenvalues of the non-symmetric product S1 S2 (np.linalg.eigvals, real
    parts, sqrt) and the two must agree to 1e-8 relative; statistics as pytorch-fid (mean, np.cov rowvar=False).
  - KID: torch-fidelity `mmd2` (unbiased) with the polynomial kernel (x.y/d + 1)^3 (torch-fidelity
    metric_kid.py `polynomial_kernel`, gamma = 1/d, coef0 = 1, degree 3), on full sets (one subset = everything,
    so no random draw has to match the TypeScript RNG), computed with torch matmuls.
  - Inception Score: torch-fidelity metric_isc.py per-split formula on given probabilities (no shuffling):
    split k = rows [k*N//S, (k+1)*N//S), exp(mean_x sum_y p (log p - log mean p)), mean and std (ddof 0).

Writes packages/gan/src/metrics/__fixtures__/metrics.json.
"""
import json
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'gan', 'src', 'metrics', '__fixtures__')
RNG = np.random.default_rng(20181001)


def f32(x):
    """Round to float32 values (what the TypeScript side can be fed exactly), held as float64."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def stats(x):
    return x.mean(axis=0), np.cov(x, rowvar=False)


def psd_sqrt(a):
    w, v = np.linalg.eigh((a + a.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fid(mu1, s1, mu2, s2):
    r = psd_sqrt(s1)
    w = np.linalg.eigvalsh(r @ s2 @ r)
    tr = np.sqrt(np.clip(w, 0, None)).sum()
    # independent route: eigenvalues of the non-symmetric product
    tr2 = np.sqrt(np.clip(np.linalg.eigvals(s1 @ s2).real, 0, None)).sum()
    assert abs(tr - tr2) <= 1e-6 * max(1.0, abs(tr)), (tr, tr2)
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * tr)


def poly_mmd2(x, y):
    x = torch.tensor(x)
    y = torch.tensor(y)
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    m = x.shape[0]
    kt_xx = kxx.sum() - kxx.diagonal().sum()
    kt_yy = kyy.sum() - kyy.diagonal().sum()
    return float((kt_xx + kt_yy) / (m * (m - 1)) - 2 * kxy.sum() / (m * m))


def isc(p, splits):
    p = torch.tensor(p)
    n = p.shape[0]
    scores = []
    for k in range(splits):
        chunk = p[k * n // splits:(k + 1) * n // splits]
        q = chunk.mean(dim=0, keepdim=True)
        kl = torch.special.xlogy(chunk, chunk) - torch.special.xlogy(chunk, q.expand_as(chunk))
        scores.append(float(kl.sum(dim=1).mean().exp()))
    return float(np.mean(scores)), float(np.std(scores))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


cases = []
# Fréchet distance: features -> stats -> distance.
for name, n1, n2, d, shift, scale in [
    ('fid-small', 12, 9, 4, 0.5, 1.5),
    ('fid-rank-deficient', 5, 7, 8, 0.2, 1.0),  # N < D: singular covariances, PSD clamping matters
    ('fid-identical-sets', 10, 10, 3, 0.0, 1.0),
    ('fid-d16', 40, 30, 16, 0.3, 0.7),
]:
    a = f32(RNG.standard_normal((n1, d)))
    b = f32(RNG.standard_normal((n2, d)) * scale + shift) if name != 'fid-identical-sets' else a.copy()
    if name == 'fid-d16':
        b = f32(np.maximum(b @ RNG.standard_normal((d, d)) * 0.5, 0))  # correlated, ReLU-like
    mu1, s1 = stats(a)
    mu2, s2 = stats(b)
    cases.append({
        'name': name, 'kind': 'fid',
        'inputs': {'features1': a.tolist(), 'features2': b.tolist()},
        'options': {},
        'value': fid(mu1, s1, mu2, s2),
        'grads': {},
        'mu1': mu1.tolist(), 'sigma1': s1.tolist(), 'mu2': mu2.tolist(), 'sigma2': s2.tolist(),
    })

for name, m, d, shift in [('kid-small', 6, 3, 0.0), ('kid-shifted', 20, 8, 0.8), ('kid-d32', 50, 32, 0.1)]:
    a = f32(np.abs(RNG.standard_normal((m, d))))
    b = f32(np.abs(RNG.standard_normal((m, d)) + shift))
    cases.append({
        'name': name, 'kind': 'kid',
        'inputs': {'features1': a.tolist(), 'features2': b.tolist()},
        'options': {}, 'value': poly_mmd2(a, b), 'grads': {},
    })

for name, n, c, splits, temp in [('is-sharp', 30, 10, 3, 0.1), ('is-flat', 25, 5, 4, 5.0), ('is-one-split', 8, 4, 1, 1.0)]:
    p = f32(softmax(RNG.standard_normal((n, c)) / temp))
    p = p / p.sum(axis=1, keepdims=True)
    mean, std = isc(p, splits)
    cases.append({
        'name': name, 'kind': 'is',
        'inputs': {'probs': p.tolist()},
        'options': {'splits': splits}, 'value': [mean, std], 'grads': {},
    })

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'metrics.json'), 'w') as f:
    json.dump({'generator': 'tools/reference/gan_metrics.py', 'cases': cases}, f, indent=1)
print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}/metrics.json')
