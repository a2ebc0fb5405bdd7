"""Reference values for @contrastive/vision's method losses, from the official formulas in PyTorch.

Writes packages/vision/src/methods/__fixtures__/method-losses.json with deterministic inputs, the loss
and the gradients with respect to the online outputs (p / q), for:
  - BYOL   (deepmind-research/byol: loss = mean_batch[ l(p1, sg z'2) + l(p2, sg z'1) ], l = 2 - 2cos)
  - SimSiam (facebookresearch/simsiam: L = 0.5*D(p1, sg z2) + 0.5*D(p2, sg z1), D = -cos mean)
  - MoCo v3 (facebookresearch/moco-v3 builder.py: ctr(q,k) = CE(q^ k^T / T, arange) * 2T; L = ctr(q1,k2)+ctr(q2,k1))
Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/vision_method_losses.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
N, D = 6, 5
q1 = torch.randn(N, D, dtype=torch.float64)
q2 = torch.randn(N, D, dtype=torch.float64)
k1 = torch.randn(N, D, dtype=torch.float64)
k2 = torch.randn(N, D, dtype=torch.float64)


def byol(p1, p2, t1, t2):
    def l(p, z):
        return 2 - 2 * (F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(1)
    return (l(p1, t2.detach()) + l(p2, t1.detach())).mean()


def simsiam(p1, p2, z1, z2):
    cos = torch.nn.CosineSimilarity(dim=1)
    return -(cos(p1, z2.detach()).mean() + cos(p2, z1.detach()).mean()) * 0.5


def mocov3(q1, q2, k1, k2, T):
    def ctr(q, k):
        q = F.normalize(q, dim=1)
        k = F.normalize(k, dim=1)
        logits = q @ k.t() / T
        labels = torch.arange(q.shape[0])
        return F.cross_entropy(logits, labels) * (2 * T)
    return ctr(q1, k2.detach()) + ctr(q2, k1.detach())


out = {"inputs": {"a1": q1.tolist(), "a2": q2.tolist(), "b1": k1.tolist(), "b2": k2.tolist()}}
for name, fn in [("byol", byol), ("simsiam", simsiam), ("mocov3", lambda a, b, c, d: mocov3(a, b, c, d, 0.2))]:
    a1 = q1.clone().requires_grad_(True)
    a2 = q2.clone().requires_grad_(True)
    loss = fn(a1, a2, k1, k2)
    loss.backward()
    out[name] = {"loss": loss.item(), "grad_a1": a1.grad.tolist(), "grad_a2": a2.grad.tolist()}

path = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "vision", "src", "methods", "__fixtures__", "method-losses.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
