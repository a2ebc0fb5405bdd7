#!/usr/bin/python3
"""Golden fixtures for spectral normalisation (Miyato et al., ICLR 2018) in @contrastive/gan.

Run with Debian's PyTorch (not the pyenv python on PATH):

    /usr/bin/python3 tools/reference/gan_spectral_norm.py

The reference is `torch.nn.utils.spectral_norm` itself (torch 1.13, `torch/nn/utils/spectral_norm.py`), the
function ContraD's `models/gan/sndcgan.py` wraps every Conv2d / Linear of its discriminator with:

  - weight_mat = weight.reshape(out, -1)   (Conv2d weight layout [out, in, kh, kw]; Linear [out, in])
  - training-mode forward, one power iteration, under no_grad:
        v = normalize(weight_matᵀ u),  u = normalize(weight_mat v)        normalize: x / max(‖x‖, 1e-12)
  - sigma = u · (weight_mat v), weight = weight_orig / sigma, u and v treated as constants in backward;
  - eval-mode forward: the stored u and v, no update.

For each case the module's weight_orig, weight_u and weight_v are set to seeded values, the module runs
`calls` training-mode forwards on x (NCHW for convs), and the fixture records after each call the updated u
and v, sigma, the normalised weight, and the gradients of sum(y ⊙ r) of the last call w.r.t. weight_orig,
the bias and x. Everything is float64; inputs are rounded to float32 first. Layouts in the JSON are PyTorch's
(the TypeScript test maps them to tfjs's [in, out] / [kh, kw, in, out] / NHWC itself).
Writes packages/gan/src/layers/__fixtures__/spectral-norm.json.
"""
import json
import os

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'gan', 'src', 'layers', '__fixtures__')
GEN = torch.Generator().manual_seed(20180216)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def unit(x):
    return x / x.norm()


def case(name, module, x_shape, calls=1):
    module = nn.utils.spectral_norm(module)
    w0 = randn(*module.weight_orig.shape, scale=0.5)
    b0 = randn(*module.bias.shape, scale=0.1)
    u0 = unit(randn(module.weight_u.shape[0]))
    v0 = unit(randn(module.weight_v.shape[0]))
    with torch.no_grad():
        module.weight_orig.copy_(w0)
        module.bias.copy_(b0)
        module.weight_u.copy_(u0)
        module.weight_v.copy_(v0)
    x = randn(*x_shape).requires_grad_(True)
    module.train()
    steps = []
    for _ in range(calls):
        module.zero_grad()
        if x.grad is not None:
            x.grad = None
        y = module(x)
        r = torch.linspace(-1.0, 1.0, y.numel()).reshape(y.shape)
        loss = (y * r).sum()
        loss.backward()
        wmat = module.weight_orig.reshape(module.weight_orig.shape[0], -1)
        sigma = torch.dot(module.weight_u, wmat @ module.weight_v)
        steps.append({
            'u': module.weight_u.tolist(),
            'v': module.weight_v.tolist(),
            'sigma': sigma.item(),
            'weight': (module.weight_orig / sigma).tolist(),
        })
    grads = {'weight': module.weight_orig.grad.tolist(), 'bias': module.bias.grad.tolist(), 'x': x.grad.tolist()}
    # Eval mode: no update; the output equals weight_orig / sigma(stored u, v).
    module.eval()
    with torch.no_grad():
        y_eval = module(x)
    return {
        'name': name,
        'inputs': {'weight': w0.tolist(), 'bias': b0.tolist(), 'u0': u0.tolist(), 'v0': v0.tolist(), 'x': x.detach().tolist(),
                   'r': r.tolist()},
        'options': {'calls': calls},
        'steps': steps,
        'grads': grads,
        'yLast': y.detach().tolist(),
        'yEval': y_eval.tolist(),
        'value': steps[-1]['sigma'],
    }


cases = [
    case('dense 7→5, one call', nn.Linear(7, 5), (3, 7)),
    case('dense 4→6, three calls', nn.Linear(4, 6), (2, 4), calls=3),
    case('conv 2→3 k3 s1 p1, one call', nn.Conv2d(2, 3, 3, 1, 1), (2, 2, 5, 5)),
    case('conv 3→4 k4 s2 p1, two calls', nn.Conv2d(3, 4, 4, 2, 1), (2, 3, 4, 4), calls=2),
]
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'spectral-norm.json'), 'w') as f:
    json.dump({'source': 'tools/reference/gan_spectral_norm.py', 'cases': cases}, f)
print('wrote', len(cases), 'cases')
