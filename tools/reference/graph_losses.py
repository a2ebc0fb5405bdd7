"""Reference values for @contrastive/graph losses: GraphCL (variant C, one direction and symmetric),
CG3 cross-view / semi-supervised / reconstruction, MoCL global (least squares, contrastive).
Direct transcriptions of the official code's formulas (exp/sum form, float64).
Writes packages/graph/src/__fixtures__/graph_losses.json. Run: /usr/bin/python3 tools/reference/graph_losses.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(1)
torch.set_default_dtype(torch.float64)
N, D = 6, 5
z1 = torch.randn(N, D)
z2 = torch.randn(N, D)


def graphcl(x, x_aug, T):  # GraphCL gsimclr.py loss_cal
    x_abs = x.norm(dim=1)
    x_aug_abs = x_aug.norm(dim=1)
    sim = torch.einsum('ik,jk->ij', x, x_aug) / torch.einsum('i,j->ij', x_abs, x_aug_abs)
    sim = torch.exp(sim / T)
    pos = sim[range(N), range(N)]
    return -torch.log(pos / (sim.sum(dim=1) - pos)).mean()


def graphcl_sym(x, x_aug, T):  # MoCL loss_cl: rows and columns
    return 0.5 * (graphcl(x, x_aug, T) + graphcl(x_aug, x, T))


def cg3_cross(zl, zg, T):
    s = torch.exp(zl @ zg.t() / T)
    d1 = -torch.log(s.diag() / s.mean(1)).mean()
    d2 = -torch.log(s.diag() / s.mean(0)).mean()
    return 0.5 * (d1 + d2)


labels = torch.tensor([0, 1, 0, 2, 1, 0])


def cg3_semi(zl, zg, T):
    n = zl.shape[0]
    same = (labels[:, None] == labels[None, :]).double()

    def one(s):
        e = torch.exp(s / T)
        pos = (e * same).sum(1) / same.sum(1)
        den = e.sum(1) / (n - 1)
        return -torch.log(pos / den).mean()
    s = zl @ zg.t()
    return 0.5 * (one(s) + one(s.t()))


tan = torch.rand(N, N)
tan = (tan + tan.t()) / 2
tan.fill_diagonal_(1.0)
nb = torch.tensor([[1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0],
                   [0, 0, 0, 1, 0, 1], [1, 0, 0, 0, 1, 0], [1, 1, 1, 1, 1, 1]], dtype=torch.bool)


def cos(z):
    zn = F.normalize(z, dim=1)
    return zn @ zn.t()


def mocl_sup(z):
    return ((cos(z) - tan) ** 2).mean()


def mocl_cl(z, T):
    e = torch.exp(cos(z) / T)
    valid = (nb.sum(1) > 0) & ((~nb).sum(1) > 0)
    num = (e * nb).sum(1)[valid]
    den = (e * (~nb)).sum(1)[valid]
    return -torch.log(num / den).mean()


def run(f, *args):
    xs = [a.clone().requires_grad_(True) for a in args]
    v = f(*xs)
    gs = torch.autograd.grad(v, xs)
    return {'value': v.item(), 'grads': [g.tolist() for g in gs]}


zl = F.normalize(torch.randn(N, 3), dim=1)
zg = F.normalize(torch.randn(N, 3), dim=1)
logits = torch.randn(10)
fixture = {
    'z1': z1.tolist(), 'z2': z2.tolist(), 'zl': zl.tolist(), 'zg': zg.tolist(), 'labels': labels.tolist(),
    'tanimoto': tan.tolist(), 'neighbours': nb.int().tolist(), 'logits': logits.tolist(),
    'graphcl_t02': run(lambda a, b: graphcl(a, b, 0.2), z1, z2),
    'graphcl_sym_t05': run(lambda a, b: graphcl_sym(a, b, 0.5), z1, z2),
    'cg3_cross_t05': run(lambda a, b: cg3_cross(a, b, 0.5), zl, zg),
    'cg3_semi_t05': run(lambda a, b: cg3_semi(a, b, 0.5), zl, zg),
    'cg3_recon': run(lambda l: -torch.log(torch.sigmoid(l)).mean(), logits),
    'mocl_sup': run(mocl_sup, z1),
    'mocl_cl_t05': run(lambda z: mocl_cl(z, 0.5), z1),
}
out = pathlib.Path(__file__).resolve().parents[2] / 'packages/graph/src/__fixtures__/graph_losses.json'
out.write_text(json.dumps(fixture, indent=1))
print('wrote', out)
