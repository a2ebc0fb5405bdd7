"""Reference values for @contrastive/vision's InvCLR gradient penalty, written independently in PyTorch.

Follows ae-foster/invclr: data/augmentation.py (TensorColorJitter: brightness -> contrast -> saturation -> hue in
a fixed order, each clamped to [0, 1] except hue; TensorRandomApply mixing y*apply + x*(1-apply); grayscale after)
and invclr.py::train (h = f(t(x, a)) / ||.||, s = sum(v * h) with Rademacher v, g = d s / d a with
create_graph=True, R = mean_{k,b} (g_b . (a'_{k,b} - a_b))^2 clamped at gp_upper_limit).

The encoder is a tiny copy of the project's small CNN: per width conv3x3 (padding 1, no bias) -> BatchNorm
(training mode, batch statistics, eps 1e-3 as Keras) -> ReLU, 2x2 max-pool between blocks, global average pool.
Writes packages/vision/src/methods/__fixtures__/invclr-penalty.json: inputs (NHWC images, alpha, masks, v,
alpha'), the weights in TF layout, and the expected R, g and dR/dweights. Run with Debian's PyTorch:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tools/reference/invclr_penalty.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

T_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.321], [0.211, -0.523, 0.311]])
T_RGB = torch.tensor([[1, 0.956, 0.621], [1, -0.272, -0.647], [1, -1.107, 1.705]])


def luma(img):  # NCHW -> N1HW (a 1-channel image is its own luma)
    if img.shape[1] == 1:
        return img
    return 0.299 * img[:, 0:1] + 0.587 * img[:, 1:2] + 0.114 * img[:, 2:3]


def hue(img, h):
    theta = 2 * math.pi * h
    B = img.shape[0]
    one, zero = torch.ones(B), torch.zeros(B)
    rot = torch.stack([one, zero, zero, zero, torch.cos(theta), -torch.sin(theta), zero, torch.sin(theta), torch.cos(theta)], -1).reshape(B, 3, 3)
    m = T_RGB @ rot @ T_YIQ  # [B, 3, 3]
    pix = img.permute(0, 2, 3, 1)  # NHWC
    return torch.einsum('bij,bhwj->bhwi', m, pix).permute(0, 3, 1, 2)


def color(img, a, apply, gray):
    y = (img * a[:, 0].view(-1, 1, 1, 1)).clamp(0, 1)
    c = a[:, 1].view(-1, 1, 1, 1)
    y = (y * c + luma(y).mean(dim=[-1, -2], keepdim=True) * (1 - c)).clamp(0, 1)
    if img.shape[1] == 3:
        s = a[:, 2].view(-1, 1, 1, 1)
        y = (y * s + luma(y) * (1 - s)).clamp(0, 1)
        y = hue(y, a[:, 3])
    on = apply.view(-1, 1, 1, 1)
    out = y * on + img * (1 - on)
    if img.shape[1] == 3:
        g = gray.view(-1, 1, 1, 1)
        out = out * (1 - g) + luma(out).expand_as(out) * g
    return out


def bn(x, gamma, beta, eps=1e-3):
    mean = x.mean(dim=[0, 2, 3], keepdim=True)
    var = ((x - mean) ** 2).mean(dim=[0, 2, 3], keepdim=True)  # biased, as in training-mode BN
    return (x - mean) / torch.sqrt(var + eps) * gamma.view(1, -1, 1, 1) + beta.view(1, -1, 1, 1)


def encoder(x, w):
    h = F.relu(bn(F.conv2d(x, w['conv0'], padding=1), w['bn0_gamma'], w['bn0_beta']))
    h = F.max_pool2d(h, 2)
    h = F.relu(bn(F.conv2d(h, w['conv1'], padding=1), w['bn1_gamma'], w['bn1_beta']))
    return h.mean(dim=[2, 3])


def case(name, seed, channels, apply, gray, upper_limit, K=5, N=4, H=8):
    g = torch.Generator().manual_seed(seed)
    P = 4 if channels == 3 else 2
    x = 0.05 + 0.9 * torch.rand(N, channels, H, H, generator=g)
    lo = [0.6, 0.6, 0.6, -0.1][:P]  # strength 0.5: factors U[0.6, 1.4], hue U[-0.1, 0.1]
    hi = [1.4, 1.4, 1.4, 0.1][:P]
    lo_t, hi_t = torch.tensor(lo), torch.tensor(hi)
    alpha = lo_t + (hi_t - lo_t) * torch.rand(N, P, generator=g)
    alpha_prime = lo_t + (hi_t - lo_t) * torch.rand(K, N, P, generator=g)
    v = torch.randint(0, 2, (N, 8), generator=g).double() * 2 - 1
    w = {
        'conv0': torch.randn(4, channels, 3, 3, generator=g) * math.sqrt(2 / (9 * channels)),
        'bn0_gamma': 1 + 0.2 * torch.randn(4, generator=g),
        'bn0_beta': 0.1 * torch.randn(4, generator=g),
        'conv1': torch.randn(8, 4, 3, 3, generator=g) * math.sqrt(2 / 36),
        'bn1_gamma': 1 + 0.2 * torch.randn(8, generator=g),
        'bn1_beta': 0.1 * torch.randn(8, generator=g),
    }
    for t in w.values():
        t.requires_grad_(True)
    a = alpha.clone().requires_grad_(True)
    apply_t, gray_t = torch.tensor(apply, dtype=torch.float64), torch.tensor(gray, dtype=torch.float64)
    rep = encoder(color(x, a, apply_t, gray_t), w)
    h = rep / rep.norm(p=2, dim=-1, keepdim=True)
    s = (v * h).sum()
    grad_a = torch.autograd.grad(s, a, create_graph=True, retain_graph=True, only_inputs=True)[0]
    r_raw = (grad_a * (alpha_prime - a)).sum(-1).pow(2).mean()
    r = r_raw.clamp(max=upper_limit)
    names = list(w.keys())
    grads = torch.autograd.grad(r, [w[k] for k in names], allow_unused=True)

    def tf_layout(k, t):
        return t.permute(2, 3, 1, 0) if k.startswith('conv') else t  # OIHW -> HWIO

    return {
        'name': name,
        'inputs': {
            'x': x.permute(0, 2, 3, 1).tolist(),
            'alpha': alpha.tolist(),
            'apply': apply,
            'gray': gray,
            'v': v.tolist(),
            'alphaPrime': alpha_prime.tolist(),
        },
        'weights': {k: tf_layout(k, t.detach()).tolist() for k, t in w.items()},
        'options': {'channels': channels, 'upperLimit': upper_limit},
        'representation': rep.detach().tolist(),
        'gradAlpha': grad_a.detach().tolist(),
        'unclamped': r_raw.item(),
        'value': r.item(),
        'grads': {k: (torch.zeros_like(w[k]) if gr is None else tf_layout(k, gr)).tolist() for k, gr in zip(names, grads)},
    }


cases = [
    case('grayscale', 11, 1, [1, 1, 0, 1], [0, 0, 0, 0], 1.0),
    case('rgb', 12, 3, [1, 0, 1, 1], [0, 0, 1, 0], 1.0),
    case('rgb-clamped', 12, 3, [1, 0, 1, 1], [0, 0, 1, 0], 1e-6),
]
for c in cases:
    print(c['name'], 'R =', c['value'], '(unclamped', c['unclamped'], ')')
out = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'vision', 'src', 'methods', '__fixtures__', 'invclr-penalty.json')
with open(out, 'w') as f:
    json.dump({'generator': 'tools/reference/invclr_penalty.py', 'cases': cases}, f)
print('wrote', os.path.normpath(out))
