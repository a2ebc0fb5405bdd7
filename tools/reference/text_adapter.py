#!/usr/bin/python3
"""Golden fixture for @contrastive/text's USE-lite adapter loss (packages/text/src/pretrained/adapter-loss.ts).

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/text_adapter.py

Written independently of the TypeScript, as PyTorch modules:
  - the adapter: `nn.Linear(d, d')` (linear), or `nn.Linear(d, d')(x) + nn.Sequential(nn.Linear(d, h), nn.ReLU(),
    nn.Linear(h, d'))(x)` (mlp: a linear map plus a residual MLP), the torch names `linear.*`, `mlp.0.*`, `mlp.2.*`
    being exactly the tensor names of adapter.safetensors;
  - the loss: supervised SimCSE / DPR in-batch InfoNCE (princeton-nlp/SimCSE simcse/models.py `cl_forward`):
    z = F.normalize(adapter(x)); logits = z_q @ z_p.T / tau, with hard negatives cat([z_q @ z_p.T, z_q @ z_n.T], 1) / tau;
    loss = F.cross_entropy(logits, arange(N)).
Inputs (tower vectors: unit rows, as USE-lite gives) and weights are drawn with a fixed seed and rounded to float32
(what the TypeScript reads); the arithmetic is float64. Records the loss and its gradient w.r.t. every weight (torch
layout) for the four cases {linear, mlp} x {pairs, triplets}, and the tower-vector gradients for one of them.
Writes packages/text/src/__fixtures__/text_adapter.json.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'text', 'src', '__fixtures__')
GEN = torch.Generator().manual_seed(20210416)  # SimCSE's arXiv date
TAU = 0.05
N, D, H, D_OUT = 4, 6, 5, 3


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def unit_rows(n, d):
    x = randn(n, d)
    return (x / x.norm(dim=1, keepdim=True)).to(torch.float32).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def adapter(params, x, layers):
    y = x @ params['linear.weight'].T + params['linear.bias']
    if layers == 'mlp':
        h = torch.relu(x @ params['mlp.0.weight'].T + params['mlp.0.bias'])
        y = y + h @ params['mlp.2.weight'].T + params['mlp.2.bias']
    return y


def loss_fn(params, q, p, n, layers):
    zq = F.normalize(adapter(params, q, layers), dim=1)
    zp = F.normalize(adapter(params, p, layers), dim=1)
    logits = zq @ zp.T
    if n is not None:
        zn = F.normalize(adapter(params, n, layers), dim=1)
        logits = torch.cat([logits, zq @ zn.T], dim=1)
    return F.cross_entropy(logits / TAU, torch.arange(q.shape[0]))


def case(layers, with_negative):
    params = {'linear.weight': randn(D_OUT, D, scale=0.5), 'linear.bias': randn(D_OUT, scale=0.1)}
    if layers == 'mlp':
        params.update({
            'mlp.0.weight': randn(H, D, scale=0.5),
            'mlp.0.bias': randn(H, scale=0.1),
            'mlp.2.weight': randn(D_OUT, H, scale=0.5),
            'mlp.2.bias': randn(D_OUT, scale=0.1),
        })
    vectors = {'query': unit_rows(N, D), 'positive': unit_rows(N, D)}
    if with_negative:
        vectors['negative'] = unit_rows(N, D)
    leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    xs = {k: v.clone().requires_grad_(True) for k, v in vectors.items()}
    loss = loss_fn(leaves, xs['query'], xs['positive'], xs.get('negative'), layers)
    grads = torch.autograd.grad(loss, list(leaves.values()) + list(xs.values()))
    k = len(leaves)
    return {
        'name': f'{layers} {"triplets" if with_negative else "pairs"}',
        'layers': layers,
        'dims': [D, D_OUT] if layers == 'linear' else [D, H, D_OUT],
        'temperature': TAU,
        'vectors': {name: tolist(v) for name, v in vectors.items()},
        'weights': {name: tolist(v) for name, v in params.items()},
        'value': loss.item(),
        'grads': {name: tolist(g) for name, g in zip(leaves, grads[:k])},
        'vectorGrads': {name: tolist(g) for name, g in zip(xs, grads[k:])},
    }


def main():
    cases = [case(layers, neg) for layers in ('linear', 'mlp') for neg in (False, True)]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'text_adapter.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/text_adapter.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{path}: {len(cases)} cases')


if __name__ == '__main__':
    main()
