#!/usr/bin/python3
"""Golden fixtures for ContraD's contrastive losses (Jeong & Shin, "Training GANs with Stronger Augmentations
via Contrastive Discriminator", ICLR 2021) in @contrastive/gan.

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/gan_contrad.py

An independent port of the official code, jh-jeong/ContraD:
  - `training/criterion.py::nt_xent`  (L_con+, the two real views through projection head 1);
  - `training/gan/contrad.py::supcon_fake`  (L_con-, "fake" as the class through projection head 2);
fed the way `training/gan/contrad.py::loss_D_fn` feeds them: the raw head outputs are first L2-normalised
(`F.normalize`), then passed with `normalize=False`. The inputs here are the raw (un-normalised) head
outputs, so the gradients include the normalisation, as in the TypeScript losses (which normalise inside).

Differences from the files: no `distributed` gathering (single device); float64 instead of float32.

Inputs are drawn with a fixed seed, rounded to float32, and written with the loss values and the gradients
of the loss w.r.t. every input (`loss` names the TypeScript function) into
packages/gan/src/contrad/__fixtures__/contrad-losses.json.

It also writes packages/gan/src/augment/__fixtures__/resized-crop.json: the resampling of
`augment/spatial.py::RandomResizeCropLayer` for given crops (`affine_grid` + `grid_sample(bilinear,
padding_mode='reflection', align_corners=False)`), its output and the gradient of sum(out * weight) w.r.t.
the images, in NHWC, for the differentiable crop of `src/augment/resized-crop.ts`.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'gan', 'src', 'contrad', '__fixtures__')
GEN = torch.Generator().manual_seed(20210503)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def nt_xent(out1, out2, temperature=0.1, normalize=False):
    """training/criterion.py::nt_xent, line by line (distributed=False)."""
    assert out1.size(0) == out2.size(0)
    if normalize:
        out1 = F.normalize(out1)
        out2 = F.normalize(out2)
    N = out1.size(0)
    outputs = torch.cat([out1, out2], dim=0)
    sim_matrix = outputs @ outputs.t()
    sim_matrix = sim_matrix / temperature
    sim_matrix.fill_diagonal_(-5e4)
    sim_matrix = F.log_softmax(sim_matrix, dim=1)
    loss = -torch.sum(sim_matrix[:N, N:].diag() + sim_matrix[N:, :N].diag()) / (2 * N)
    return loss


def supcon_fake(out1, out2, others, temperature):
    """training/gan/contrad.py::supcon_fake, line by line (distributed=False)."""
    N = out1.size(0)
    outputs = torch.cat([out1, out2, others], dim=0)
    sim_matrix = outputs @ outputs.t()
    sim_matrix = sim_matrix / temperature
    sim_matrix.fill_diagonal_(-5e4)
    mask = torch.zeros_like(sim_matrix)
    mask[2 * N:, 2 * N:] = 1
    mask.fill_diagonal_(0)
    sim_matrix = sim_matrix[2 * N:]
    mask = mask[2 * N:]
    mask = mask / mask.sum(1, keepdim=True)
    lsm = F.log_softmax(sim_matrix, dim=1)
    lsm = lsm * mask
    d_loss = -lsm.sum(1).mean()
    return d_loss


def real_case(name, n, d, temperature, scale=1.0, duplicate=False):
    z1 = randn(n, d, scale=scale)
    z2 = randn(n, d, scale=scale)
    if duplicate:
        # Two images whose views coincide exactly (and a view equal to another image's view).
        z1[1] = z1[0]
        z2[1] = z2[0]
        z2[2] = z1[0] * 3.0
    z1.requires_grad_(True)
    z2.requires_grad_(True)
    # loss_D_fn: views = F.normalize(views); nt_xent(view1, view2, normalize=False)
    value = nt_xent(F.normalize(z1), F.normalize(z2), temperature=temperature, normalize=False)
    g1, g2 = torch.autograd.grad(value, [z1, z2])
    return {
        'name': name,
        'loss': 'contradRealLoss',
        'inputs': {'z1': tolist(z1), 'z2': tolist(z2)},
        'options': {'temperature': temperature},
        'value': value.item(),
        'grads': {'z1': tolist(g1), 'z2': tolist(g2)},
    }


def fake_case(name, n, n_fake, d, temperature, scale=1.0, duplicate=False):
    real = randn(2 * n, d, scale=scale)
    fake = randn(n_fake, d, scale=scale)
    if duplicate:
        # Mode collapse: two identical fakes, and a fake identical (up to scale) to a real view.
        fake[1] = fake[0]
        fake[2] = real[1] * 2.0
    real.requires_grad_(True)
    fake.requires_grad_(True)
    # loss_D_fn: reals = F.normalize(projection2); real1, real2, fakes = reals[:N], reals[N:2N], reals[2N:]
    r = F.normalize(real)
    value = supcon_fake(r[:n], r[n:], F.normalize(fake), temperature=temperature)
    gr, gf = torch.autograd.grad(value, [real, fake])
    return {
        'name': name,
        'loss': 'contradFakeLoss',
        'inputs': {'realProj': tolist(real), 'fakeProj': tolist(fake)},
        'options': {'temperature': temperature},
        'value': value.item(),
        'grads': {'realProj': tolist(gr), 'fakeProj': tolist(gf)},
    }


def crop_case(name, n, c, h, w, thetas):
    """augment/spatial.py::RandomResizeCropLayer.forward after its sampling: a given theta per image,
    affine_grid + grid_sample(bilinear, reflection, align_corners=False). Images NHWC in the fixture."""
    x = torch.rand(n, c, h, w, generator=GEN, dtype=torch.float32).to(torch.float64).requires_grad_(True)
    weight = randn(n, c, h, w)
    theta = torch.zeros(n, 2, 3)
    for i, (sx, sy, tx, ty) in enumerate(thetas):
        theta[i, 0, 0], theta[i, 1, 1], theta[i, 0, 2], theta[i, 1, 2] = sx, sy, tx, ty
    grid = F.affine_grid(theta, x.size(), align_corners=False)
    out = F.grid_sample(x, grid, padding_mode='reflection', align_corners=False)
    (g,) = torch.autograd.grad((out * weight).sum(), [x])
    nhwc = lambda t: tolist(t.permute(0, 2, 3, 1))
    return {
        'name': name,
        'inputs': {'x': nhwc(x), 'weight': nhwc(weight)},
        'options': {'transforms': [{'sx': sx, 'sy': sy, 'tx': tx, 'ty': ty} for sx, sy, tx, ty in thetas]},
        'value': nhwc(out),
        'grads': {'x': nhwc(g)},
    }


def main():
    real = [
        real_case('N=4, d=5, tau 0.1 (ContraD default)', 4, 5, 0.1),
        real_case('N=2, d=3, tau 0.5', 2, 3, 0.5),
        real_case('N=6, d=8, tau 0.07, unnormalised scale 3', 6, 8, 0.07, scale=3.0),
        real_case('N=4, d=4, tau 0.1, duplicate rows', 4, 4, 0.1, duplicate=True),
    ]
    fake = [
        fake_case('N=4 reals x2, 4 fakes, d=5, tau 0.1 (ContraD default)', 4, 4, 5, 0.1),
        fake_case('N=2 reals x2, 2 fakes (one positive each), d=3, tau 0.5', 2, 2, 3, 0.5),
        fake_case('N=5 reals x2, 5 fakes, d=8, tau 0.07, unnormalised scale 3', 5, 5, 8, 0.07, scale=3.0),
        fake_case('N=4 reals x2, 4 fakes, d=4, tau 0.1, duplicate rows', 4, 4, 4, 0.1, duplicate=True),
        fake_case('N=3 reals x2, 5 fakes (more fakes than reals), d=4, tau 0.2', 3, 5, 4, 0.2),
    ]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'contrad-losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/gan_contrad.py', 'torch': torch.__version__, 'cases': real + fake}, f)
    print(f'{path}: {len(real)} real cases, {len(fake)} fake cases')
    crops = [
        crop_case('square 6x6, RGB: a half-size crop, a full image, an off-centre crop', 3, 3, 6, 6,
                  [(0.5, 0.5, 0.0, 0.0), (1.0, 1.0, 0.0, 0.0), (2 / 3, 0.5, 1 / 6, -2 / 6)]),
        crop_case('non-square 5x7, gray: aspect-changing crops at the borders', 2, 1, 5, 7,
                  [(4 / 7, 1.0, 3 / 7, 0.0), (1.0, 0.6, 0.0, -0.4)]),
        crop_case('4x4, RGB: a crop reaching past the border (reflection) and a zoom-out', 2, 3, 4, 4,
                  [(0.75, 0.75, 0.5, -0.5), (1.25, 1.1, 0.1, 0.0)]),
    ]
    aug_out = os.path.join(OUT, '..', '..', 'augment', '__fixtures__')
    os.makedirs(aug_out, exist_ok=True)
    path = os.path.join(aug_out, 'resized-crop.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/gan_contrad.py', 'torch': torch.__version__, 'cases': crops}, f)
    print(f'{path}: {len(crops)} crop cases')


if __name__ == '__main__':
    main()
