#!/usr/bin/python3
"""Golden fixtures for the GAN losses and the R1 penalty in @contrastive/gan.

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/gan_losses.py

Independent of the TypeScript, written from the formulas:
  - non-saturating (Goodfellow et al. 2014; ContraD `training/gan/*.py` loss_D_fn / loss_G_fn):
        L_D = mean softplus(−d_real) + mean softplus(d_fake),  L_G = mean softplus(−d_fake)
  - hinge (Lim & Ye 2017; Miyato et al. 2018):
        L_D = mean relu(1 − d_real) + mean relu(1 + d_fake),   L_G = −mean d_fake
  - reductions: 'mean' as above, 'sum' sums every term, 'none' returns the terms ([real terms, fake terms]
    concatenated for L_D). Gradients are of the sum of the returned tensor.
  - R1 (Mescheder et al., "Which Training Methods for GANs do actually Converge?", ICML 2018):
        R1 = γ/2 · mean_i ‖∇_x D(x)_i‖²,  ∇_x from torch.autograd.grad(D(x).sum(), x, create_graph=True)
    and its gradient w.r.t. D's weights by backward through that graph (a gradient of a gradient), for
      (a) a dense D: x → Dense(softplus) → Dense → logit (weights in tfjs layout: y = x W + b). Not tanh:
          tfjs-core 4.22 drops the second-order term through a kernel's saved output (Tanh, Sigmoid, Exp
          save y and differentiate as a function of y), so a tanh D's R1 gradient is wrong in tfjs on every
          backend; softplus's gradient sigmoid(x) is recomputed from the input, so its second order is exact;
      (b) an SN conv D as in SNDCGAN: spectral_norm(Conv2d k4 s2 p1) → LeakyReLU(0.1) → flatten →
          spectral_norm(Linear) → logit, in training mode (one power iteration per forward, u0/v0 given).
          Conv weights are in torch layout [out, in, kh, kw], x in NCHW; the linear weight and its v are
          permuted to tfjs's NHWC flatten order, so the TS test loads them directly.
Writes packages/gan/src/losses/__fixtures__/gan-losses.json and r1-penalty.json.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'gan', 'src', 'losses', '__fixtures__')
GEN = torch.Generator().manual_seed(20180801)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def unit(x):
    return x / x.norm()


def reduce(terms_real, terms_fake, reduction):
    if reduction == 'mean':
        out = terms_fake.mean() if terms_real is None else terms_real.mean() + terms_fake.mean()
    elif reduction == 'sum':
        out = terms_fake.sum() if terms_real is None else terms_real.sum() + terms_fake.sum()
    else:
        out = terms_fake if terms_real is None else torch.cat([terms_real, terms_fake])
    return out


LOSSES = {
    'nonSaturatingDLoss': lambda r, f: (F.softplus(-r), F.softplus(f)),
    'nonSaturatingGLoss': lambda r, f: (None, F.softplus(-f)),
    'hingeDLoss': lambda r, f: (F.relu(1 - r), F.relu(1 + f)),
    'hingeGLoss': lambda r, f: (None, -f),
}

loss_cases = []
for shape_name, real_shape, fake_shape in [('[N]', (5,), (4,)), ('[N,1]', (3, 1), (3, 1))]:
    d_real0 = randn(*real_shape, scale=2.0)
    d_fake0 = randn(*fake_shape, scale=2.0)
    # Put a few logits near the hinge corners' neighbourhoods but not on them (relu' is ambiguous at 0).
    for fn, f in LOSSES.items():
        for reduction in ['mean', 'sum', 'none']:
            d_real = d_real0.clone().requires_grad_(True)
            d_fake = d_fake0.clone().requires_grad_(True)
            tr, tf_ = f(d_real.reshape(-1), d_fake.reshape(-1))
            out = reduce(tr, tf_, reduction)
            out.sum().backward()
            grads = {'dFake': d_fake.grad.tolist()}
            if fn.endswith('DLoss'):
                grads['dReal'] = d_real.grad.tolist()
            loss_cases.append({
                'name': f'{fn} {shape_name} {reduction}',
                'fn': fn,
                'inputs': {'dReal': d_real0.tolist(), 'dFake': d_fake0.tolist()},
                'options': {'reduction': reduction},
                'value': out.tolist() if reduction == 'none' else out.item(),
                'grads': grads,
            })


def grad_of(p):
    # A parameter outside the graph of ∇_x D (the last bias; a bias before a piecewise-linear activation) has
    # no gradient in torch: 0.
    return (p.grad if p.grad is not None else torch.zeros_like(p)).tolist()


def r1(d_fn, x, gamma):
    x = x.clone().requires_grad_(True)
    d = d_fn(x)
    (g,) = torch.autograd.grad(d.sum(), x, create_graph=True)
    return gamma / 2 * g.pow(2).reshape(g.shape[0], -1).sum(1).mean()


r1_cases = []
# (a) dense D
for gamma in [10.0, 0.5]:
    x = randn(3, 4)
    w1 = randn(4, 5, scale=0.7).requires_grad_(True)
    b1 = randn(5, scale=0.1).requires_grad_(True)
    w2 = randn(5, 1, scale=0.7).requires_grad_(True)
    b2 = randn(1, scale=0.1).requires_grad_(True)
    pen = r1(lambda z: F.softplus(z @ w1 + b1) @ w2 + b2, x, gamma)
    pen.backward()
    r1_cases.append({
        'name': f'dense softplus D, gamma {gamma}',
        'kind': 'dense',
        'inputs': {'x': x.tolist(), 'w1': w1.tolist(), 'b1': b1.tolist(), 'w2': w2.tolist(), 'b2': b2.tolist()},
        'options': {'gamma': gamma},
        'value': pen.item(),
        'grads': {'w1': grad_of(w1), 'b1': grad_of(b1), 'w2': grad_of(w2), 'b2': grad_of(b2)},
    })

# (b) SN conv D, training mode
C_IN, C_OUT, H = 2, 3, 4
conv = nn.utils.spectral_norm(nn.Conv2d(C_IN, C_OUT, 4, 2, 1))
lin = nn.utils.spectral_norm(nn.Linear(C_OUT * (H // 2) ** 2, 1))
with torch.no_grad():
    conv.weight_orig.copy_(randn(C_OUT, C_IN, 4, 4, scale=0.3))
    conv.bias.copy_(randn(C_OUT, scale=0.1))
    conv.weight_u.copy_(unit(randn(C_OUT)))
    conv.weight_v.copy_(unit(randn(C_IN * 16)))
    lin.weight_orig.copy_(randn(1, C_OUT * (H // 2) ** 2, scale=0.3))
    lin.bias.copy_(randn(1, scale=0.1))
    lin.weight_u.copy_(unit(randn(1)))
    lin.weight_v.copy_(unit(randn(C_OUT * (H // 2) ** 2)))
init = {
    'convW': conv.weight_orig.detach().clone(), 'convB': conv.bias.detach().clone(),
    'convU': conv.weight_u.clone(), 'convV': conv.weight_v.clone(),
    'linW': lin.weight_orig.detach().clone(), 'linB': lin.bias.detach().clone(),
    'linU': lin.weight_u.clone(), 'linV': lin.weight_v.clone(),
}
conv.train()
lin.train()
x = randn(2, C_IN, H, H)
gamma = 10.0


def sn_d(z):
    return lin(F.leaky_relu(conv(z), 0.1).flatten(1))


pen = r1(sn_d, x, gamma)
pen.backward()
hw = H // 2


def lin_to_tfjs(t):
    # torch flatten order (c, h, w) → tfjs NHWC flatten order (h, w, c)
    return t.reshape(C_OUT, hw, hw).permute(1, 2, 0).reshape(-1)


r1_cases.append({
    'name': f'SN conv D (k4 s2 p1, LeakyReLU 0.1, flatten, SN linear), training mode, gamma {gamma}',
    'kind': 'snconv',
    'inputs': {
        'x': x.tolist(), 'convW': init['convW'].tolist(), 'convB': init['convB'].tolist(),
        'convU': init['convU'].tolist(), 'convV': init['convV'].tolist(),
        'linKernel': lin_to_tfjs(init['linW'][0]).reshape(-1, 1).tolist(), 'linB': init['linB'].tolist(),
        'linU': init['linU'].tolist(), 'linV': lin_to_tfjs(init['linV']).tolist(),
    },
    'options': {'gamma': gamma},
    'value': pen.item(),
    'grads': {
        'convW': grad_of(conv.weight_orig), 'convB': grad_of(conv.bias),
        'linKernel': lin_to_tfjs(lin.weight_orig.grad[0]).reshape(-1, 1).tolist(), 'linB': grad_of(lin.bias),
    },
    'after': {'convU': conv.weight_u.tolist(), 'linV': lin_to_tfjs(lin.weight_v).tolist()},
})

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'gan-losses.json'), 'w') as f:
    json.dump({'source': 'tools/reference/gan_losses.py', 'cases': loss_cases}, f)
with open(os.path.join(OUT, 'r1-penalty.json'), 'w') as f:
    json.dump({'source': 'tools/reference/gan_losses.py', 'cases': r1_cases}, f)
print('wrote', len(loss_cases), 'loss cases and', len(r1_cases), 'R1 cases')
