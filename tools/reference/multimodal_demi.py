#!/usr/bin/python3
"""Golden fixtures for the DEMI estimators of @contrastive/multimodal (src/demi/).

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/multimodal_demi.py

Written from the formulas, in probability space (exp, weighted sums, log), independently of the log-space
TypeScript. Scores are critic matrices S[i, j] = critic(x_i, y_j), row i an anchor, y_i its positive.
  - InfoNCE lower bound (van den Oord et al. 2018; Poole et al. 2019, eq. I_NCE):
        I_NCE = mean_i log( e^{S_ii} / ((1/N) sum_k e^{S_ik}) )  (<= log N)
  - DEMI's importance-sampled conditional term (Sordoni et al., "Decomposed Mutual Information Estimation for
    Contrastive Representation Learning", ICML 2021, arXiv 2106.13401): the conditional InfoNCE
    I(x''; y | x') >= E log e^{psi(x,y)} / ((1/K) sum_k e^{psi(x,y_k)}), y_2..y_K ~ p(y | x'), with the
    negatives' sum estimated from in-batch samples of p(y) by self-normalised importance sampling, weights
    w_ik = e^{phi_ik} / sum_{k' != i} e^{phi_ik'} from the unconditional critic phi(x', y):
        I_IS = mean_i log( e^{psi_ii} / ((1/N) (e^{psi_ii} + (N - 1) sum_{k != i} w_ik e^{psi_ik})) )
    The weights are detached (stop-gradient) unless `stopWeightGradient` is false.
  - DEMI total = I_NCE(phi) + I_IS(psi, phi).
  - Correlated Gaussians x, y in R^d, per-dimension correlation rho (y = rho x + sqrt(1 - rho^2) e): the expected
    value of the estimators with the closed-form optimal critics log p(y|x)/p(y) (InfoNCE on x; phi on x' = the
    first d/2 dims) and log p(y|x)/p(y|x') (psi), over many batches: what a perfect critic would reach at this N,
    for a statistical comparison (mean, sd per batch) with the TypeScript on its own samples.
Writes packages/multimodal/src/demi/__fixtures__/demi-bounds.json and gaussian-optimal-critics.json.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'multimodal', 'src', 'demi', '__fixtures__')
GEN = torch.Generator().manual_seed(21061340)  # arXiv 2106.13401


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def info_nce_bound(scores):
    n = scores.shape[0]
    e = torch.exp(scores)
    return torch.stack([torch.log(e[i, i] / (e[i].sum() / n)) for i in range(n)]).mean()


def demi_conditional(psi, phi, stop_weight_gradient=True):
    n = psi.shape[0]
    ph = phi.detach() if stop_weight_gradient else phi
    terms = []
    for i in range(n):
        negs = [k for k in range(n) if k != i]
        ew = torch.stack([torch.exp(ph[i, k]) for k in negs])
        w = ew / ew.sum()
        neg_sum = (w * torch.stack([torch.exp(psi[i, k]) for k in negs])).sum()
        denom = (torch.exp(psi[i, i]) + (n - 1) * neg_sum) / n
        terms.append(torch.log(torch.exp(psi[i, i]) / denom))
    return torch.stack(terms).mean()


def info_nce_bound_fast(scores):
    """info_nce_bound without the Python loop (same probability-space formula), for the many Gaussian batches."""
    n = scores.shape[0]
    e = torch.exp(scores)
    return torch.log(e.diag() / (e.sum(1) / n)).mean().item()


def demi_conditional_fast(psi, phi):
    """demi_conditional without the Python loop, weights over k != i only."""
    n = psi.shape[0]
    off = 1 - torch.eye(n)
    ew = torch.exp(phi) * off
    w = ew / ew.sum(1, keepdim=True)
    neg_sum = (w * torch.exp(psi)).sum(1)
    denom = (torch.exp(psi.diag()) + (n - 1) * neg_sum) / n
    return torch.log(torch.exp(psi.diag()) / denom).mean().item()


def record(name, fn, tensors, options, extra=None):
    leaves = {k: v.clone().requires_grad_(True) for k, v in tensors.items()}
    out = fn(**leaves)
    grads = torch.autograd.grad(out, list(leaves.values()), allow_unused=True)
    rec = {
        'name': name,
        'inputs': {k: tolist(v) for k, v in tensors.items()},
        'options': options,
        'value': out.item(),
        'grads': {k: tolist(g if g is not None else torch.zeros_like(tensors[k])) for k, g in zip(leaves, grads)},
    }
    if extra:
        rec.update(extra)
    return rec


def gen_bounds():
    cases = []
    for n, scale in [(1, 1.0), (2, 1.0), (4, 2.0), (8, 5.0), (16, 10.0)]:
        s = randn(n, n, scale=scale)
        cases.append(record(f'infoNceBound N={n} scale={scale}', lambda scores: info_nce_bound(scores),
                            {'scores': s}, {}, {'fn': 'infoNceBound'}))
    # A confident critic: a large diagonal, the bound near its ceiling log N.
    s = randn(8, 8) + 12 * torch.eye(8)
    cases.append(record('infoNceBound N=8 confident diagonal', lambda scores: info_nce_bound(scores),
                        {'scores': s}, {}, {'fn': 'infoNceBound'}))
    for n, scale in [(2, 1.0), (4, 2.0), (8, 4.0), (16, 8.0)]:
        psi, phi = randn(n, n, scale=scale), randn(n, n, scale=scale)
        for stop in [True, False]:
            cases.append(record(f'demiConditionalBound N={n} scale={scale} stopWeightGradient={stop}',
                                lambda psiScores, phiScores: demi_conditional(psiScores, phiScores, stop),
                                {'psiScores': psi, 'phiScores': phi}, {'stopWeightGradient': stop},
                                {'fn': 'demiConditionalBound'}))
            cases.append(record(f'demiBound total N={n} scale={scale} stopWeightGradient={stop}',
                                lambda psiScores, phiScores: info_nce_bound(phiScores) + demi_conditional(psiScores, phiScores, stop),
                                {'psiScores': psi, 'phiScores': phi}, {'stopWeightGradient': stop},
                                {'fn': 'demiBound',
                                 'terms': {'unconditional': info_nce_bound(phi).item(),
                                           'conditional': demi_conditional(psi, phi, stop).item()}}))
    write('demi-bounds.json', cases)


def gaussian_optimal(d, mi, n, batches, gen):
    rho = math.sqrt(1 - math.exp(-2 * mi / d))
    a, b = rho / (1 - rho ** 2), rho ** 2 / (2 * (1 - rho ** 2))
    h = d // 2

    def crit(x, y):  # sum over dims of log p(y_k|x_k)/p(y_k), up to a function of x (cancels per row)
        return a * x @ y.t() - b * (y ** 2).sum(1)[None, :]

    vals = []
    for _ in range(batches):
        x = torch.randn(n, d, generator=gen)
        y = rho * x + math.sqrt(1 - rho ** 2) * torch.randn(n, d, generator=gen)
        phi = crit(x[:, :h], y[:, :h])
        psi = crit(x[:, h:], y[:, h:])  # log p(y|x)/p(y|x') = the dims of x'' only
        vals.append([info_nce_bound_fast(crit(x, y)), info_nce_bound_fast(phi), demi_conditional_fast(psi, phi)])
    v = torch.tensor(vals)
    demi = v[:, 1] + v[:, 2]
    return {
        'd': d, 'mutualInformation': mi, 'rho': rho, 'n': n, 'batches': batches,
        'infoNce': {'mean': v[:, 0].mean().item(), 'sd': v[:, 0].std().item()},
        'unconditional': {'mean': v[:, 1].mean().item(), 'sd': v[:, 1].std().item()},
        'conditional': {'mean': v[:, 2].mean().item(), 'sd': v[:, 2].std().item()},
        'demi': {'mean': demi.mean().item(), 'sd': demi.std().item()},
    }


def gen_gaussian():
    # The fast forms agree with the loop forms (checked here, on one Gaussian-like batch).
    psi, phi = randn(64, 64, scale=3.0), randn(64, 64, scale=3.0)
    assert abs(demi_conditional_fast(psi, phi) - demi_conditional(psi, phi).item()) < 1e-10
    assert abs(info_nce_bound_fast(psi) - info_nce_bound(psi).item()) < 1e-10
    gen = torch.Generator().manual_seed(2021)
    configs = [gaussian_optimal(20, 9.0, 64, 4000, gen), gaussian_optimal(4, 1.0, 64, 4000, gen)]
    for c in configs:
        print(f"  d={c['d']} MI={c['mutualInformation']} N={c['n']}: InfoNCE {c['infoNce']['mean']:.4f} "
              f"DEMI {c['demi']['mean']:.4f} = {c['unconditional']['mean']:.4f} + {c['conditional']['mean']:.4f}")
    path = os.path.join(OUT, 'gaussian-optimal-critics.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/multimodal_demi.py', 'torch': torch.__version__, 'cases': configs}, f, indent=1)
    print(f'{path}: {len(configs)} configs')


def write(fname, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, fname)
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/multimodal_demi.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{path}: {len(cases)} cases')


if __name__ == '__main__':
    gen_bounds()
    gen_gaussian()
