#!/usr/bin/python3
"""Golden fixtures for jclLoss (@contrastive/losses, src/jcl).

Run with Debian's PyTorch (not the pyenv python on PATH):

    /usr/bin/python3 tools/reference/losses_jcl.py

An independent re-implementation of JCL (Cai et al., NeurIPS 2020) written the way the official code
computes it (caiqi/Joint-Contrastive-Learning, moco/moco_unlimit_key_default.py, forward(), and
main_moco.py, train()): keys laid out [M, N, D] as the code's k.view(k_tryies, N, -1), the mean over views,
the explicit D x D biased covariance per sample by bmm, sigma * ratio / T, l_pos = q . (mu + 0.5 sigma q),
logits / T, cross-entropy with the positive at index 0, plus jcl_loss = 0.5 q^T sigma q / T. Every case also
computes the paper's bound L-bar directly and asserts that CE + jcl_loss equals it (value and gradients).

float64, inputs rounded to float32. Output: packages/losses/src/jcl/__fixtures__/jcl.json with, per case, the
inputs (keys as [N, M, D], the TypeScript layout), options, the value, the gradients of the reduced loss (of
the sum for 'none') w.r.t. query, keys and negatives, and the two terms (cross-entropy, covariance) reduced.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'losses', 'src', 'jcl', '__fixtures__')
GEN = torch.Generator().manual_seed(20201206)


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=torch.float32).to(torch.float64)


def reduce(per, reduction):
    if reduction == 'mean':
        return per.mean()
    if reduction == 'sum':
        return per.sum()
    return per


def code_terms(query, keys, negatives, T, ratio):
    """Per-sample cross-entropy and jcl term, following forward() line by line (keys given as [N, M, D])."""
    q = F.normalize(query, dim=1)
    n = q.shape[0]
    k = F.normalize(keys, dim=2).permute(1, 0, 2).reshape(-1, q.shape[1])  # cat of the M key crops: [M*N, D]
    k_tryies = int(k.shape[0] / n)
    k_new_shape = k.view(k_tryies, n, -1)
    k_means = torch.mean(k_new_shape, dim=0, keepdim=True)
    value_minus_mean = k_new_shape - k_means
    part_1 = value_minus_mean.permute(1, 0, 2)
    part_2 = value_minus_mean.permute(1, 2, 0)
    k_sigma = torch.bmm(part_2, part_1) / k_tryies
    k_sigma = k_sigma * ratio / T
    k_means = k_means.squeeze(dim=0)
    l_pos = torch.einsum('nc,nc->n', [q, k_means + 0.5 * torch.bmm(k_sigma, q.unsqueeze(dim=-1)).squeeze(dim=-1)]).unsqueeze(-1)
    l_neg = torch.einsum('nc,ck->nk', [q, negatives.T])  # the queue as stored (no normalisation)
    logits = torch.cat([l_pos, l_neg], dim=1) / T
    labels = torch.zeros(n, dtype=torch.long)
    ce = F.cross_entropy(logits, labels, reduction='none')
    c = q.shape[1]
    jcl = 0.5 * torch.bmm(torch.bmm(q.reshape(n, 1, c), k_sigma), q.reshape(n, c, 1)).reshape(n) / T
    return ce, jcl


def paper_bound(query, keys, negatives, T, lam):
    """L-bar = -log[ exp(q.mu/T) / (exp(q.mu/T + lam/(2T^2) q^T Sigma q) + sum_j exp(q.n_j/T)) ] per sample."""
    q = F.normalize(query, dim=1)
    k = F.normalize(keys, dim=2)  # [N, M, D]
    mu = k.mean(dim=1)
    diff = k - mu.unsqueeze(1)
    sigma = torch.einsum('nmi,nmj->nij', diff, diff) / k.shape[1]
    qsq = torch.einsum('ni,nij,nj->n', q, sigma, q)
    qmu = (q * mu).sum(1)
    num = qmu / T
    den = torch.logsumexp(torch.cat([(qmu / T + lam / (2 * T * T) * qsq).unsqueeze(1), q @ negatives.T / T], 1), 1)
    return den - num


def case(name, n, m, d, k, temperature, lam, reduction, neg_scale=1.0, normalize_negatives=True, key_spread=1.0):
    query = randn(n, d)
    center = randn(n, 1, d)
    keys = (center + key_spread * randn(n, m, d)).to(torch.float32).to(torch.float64)
    negatives = randn(k, d)
    if normalize_negatives:
        negatives = F.normalize(negatives, dim=1)
    negatives = (negatives * neg_scale).to(torch.float32).to(torch.float64)
    inputs = {'query': query, 'keys': keys, 'negatives': negatives}
    leaves = {key: v.clone().requires_grad_(True) for key, v in inputs.items()}
    ce, jcl = code_terms(leaves['query'], leaves['keys'], leaves['negatives'], temperature, lam)
    out = reduce(ce + jcl, reduction)
    target = out if out.dim() == 0 else out.sum()
    grads = torch.autograd.grad(target, list(leaves.values()))
    # The paper's bound: equal to the code's CE + jcl_loss, value and gradient.
    leaves2 = {key: v.clone().requires_grad_(True) for key, v in inputs.items()}
    bound = reduce(paper_bound(leaves2['query'], leaves2['keys'], leaves2['negatives'], temperature, lam), reduction)
    target2 = bound if bound.dim() == 0 else bound.sum()
    grads2 = torch.autograd.grad(target2, list(leaves2.values()))
    assert torch.allclose(out, bound, atol=1e-9, rtol=1e-9), (name, out, bound)
    for g1, g2 in zip(grads, grads2):
        assert torch.allclose(g1, g2, atol=1e-9, rtol=1e-9), name
    if m == 1:
        assert torch.all(jcl.abs() < 1e-12), name
    options = {'temperature': temperature, 'lambda': lam, 'reduction': reduction}
    return {
        'name': name,
        'inputs': {key: v.tolist() for key, v in inputs.items()},
        'options': options,
        'value': out.detach().tolist(),
        'grads': {key: g.tolist() for key, g in zip(inputs.keys(), grads)},
        'terms': {'crossEntropy': reduce(ce, reduction).detach().tolist(), 'covariance': reduce(jcl, reduction).detach().tolist()},
        'bound': bound.detach().tolist(),
    }


def main():
    cases = [
        case('M = 4 views (k_crops 5), tau 0.2, lambda 2 (the script), mean', 4, 4, 6, 8, 0.2, 2.0, 'mean'),
        case('M = 3, tau 0.07, lambda 0.25 (argparse default), sum', 5, 3, 4, 6, 0.07, 0.25, 'sum'),
        case('M = 1: Sigma = 0, plain InfoNCE against the queue, none', 3, 1, 5, 7, 0.5, 2.0, 'none'),
        case('M = 2, queue of unnormalised mus (norm 0.7), lambda 1, none', 4, 2, 3, 5, 0.1, 1.0, 'none', neg_scale=0.7),
        case('tight keys (small Sigma), tau 0.05, lambda 2, mean', 3, 5, 4, 9, 0.05, 2.0, 'mean', key_spread=0.1),
        case('lambda 0 (no covariance term), M = 3, mean', 3, 3, 4, 4, 0.2, 0.0, 'mean'),
        case('N = 1, K = 1, M = 6, lambda 4, sum', 1, 6, 3, 1, 0.3, 4.0, 'sum'),
    ]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'jcl.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/losses_jcl.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{path}: {len(cases)} cases')


if __name__ == '__main__':
    main()
