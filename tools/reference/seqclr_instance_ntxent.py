"""Reference values for @contrastive/vision's SeqCLR instance mappings and instance NT-Xent, in PyTorch.

SeqCLR (Aberdam et al., CVPR 2021, arXiv 2012.10873) maps the frame sequences R in R^{N x T x F} of the two
views to instances and applies NT-Xent over all 2 * N * T' instances: instance t of image i in view a is the
positive of instance t of image i in view b, every other instance of the batch is a negative. The mappings:
  - all-to-instance:    mean over the T frames (T' = 1; SimCLR-like)
  - frame-to-instance:  identity (T' = T)
  - window-to-instance: torch.nn.functional.adaptive_avg_pool1d over time to T' windows
    (the unofficial reimplementation marcodiri/s2s-contrastive-text-recognition uses nn.AdaptiveAvgPool2d((T', None))
    on [N, T, F], which is the same pooling over T).
The loss is the reimplementation's: L2-normalise, sim / tau, self masked, cross-entropy averaged over the
2 * N * T' anchors (the SimCLR paper's 1/(2N) normalisation, with N * T' instances).

Writes packages/vision/src/sequence/__fixtures__/seqclr-instance-ntxent.json:
  - "pooling": adaptive_avg_pool1d of x [N, T, F] for several (T, T'), including T not divisible by T' and T' > T;
  - "cases": value and gradients (w.r.t. the frame maps r1, r2) of mapping + NT-Xent for each mapping.
Run with Debian's PyTorch:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tools/reference/seqclr_instance_ntxent.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(2612)


def window(r, t_out):
    # [N, T, F] -> [N, F, T] -> pool over T -> [N, T', F]
    return F.adaptive_avg_pool1d(r.transpose(1, 2), t_out).transpose(1, 2)


def mapping(name, r, t_out):
    if name == "all":
        return r.mean(dim=1, keepdim=True)
    if name == "frame":
        return r
    return window(r, t_out)


def instance_nt_xent(z1, z2, tau):
    a = F.normalize(z1.reshape(-1, z1.shape[-1]), dim=1)
    b = F.normalize(z2.reshape(-1, z2.shape[-1]), dim=1)
    z = torch.cat([a, b], 0)
    m = a.shape[0]
    sim = z @ z.t() / tau
    sim = sim.masked_fill(torch.eye(2 * m, dtype=torch.bool), float("-inf"))
    labels = torch.cat([torch.arange(m, 2 * m), torch.arange(0, m)])
    return F.cross_entropy(sim, labels)


pooling = []
for n, t, f, t_out in [(2, 10, 3, 5), (2, 7, 3, 5), (1, 7, 2, 3), (1, 3, 2, 5), (2, 13, 2, 4)]:
    x = torch.randn(n, t, f, dtype=torch.float64)
    pooling.append({"T": t, "windows": t_out, "x": x.tolist(), "y": window(x, t_out).tolist()})

cases = []
N, T, Fdim = 3, 7, 4
r1 = torch.randn(N, T, Fdim, dtype=torch.float64)
r2 = r1 + 0.5 * torch.randn(N, T, Fdim, dtype=torch.float64)
for name, t_out, tau in [("all", 1, 0.5), ("frame", T, 0.5), ("window", 3, 0.5), ("window", 5, 0.1), ("window", 8, 0.2)]:
    a = r1.clone().requires_grad_(True)
    b = r2.clone().requires_grad_(True)
    loss = instance_nt_xent(mapping(name, a, t_out), mapping(name, b, t_out), tau)
    loss.backward()
    cases.append(
        {
            "name": f"{name}-to-instance T'={t_out} tau={tau}",
            "mapping": name,
            "options": {"windows": t_out, "temperature": tau},
            "inputs": {"r1": r1.tolist(), "r2": r2.tolist()},
            "value": loss.item(),
            "grads": {"r1": a.grad.tolist(), "r2": b.grad.tolist()},
        }
    )

path = os.path.join(
    os.path.dirname(__file__), "..", "..", "packages", "vision", "src", "sequence", "__fixtures__", "seqclr-instance-ntxent.json"
)
with open(path, "w") as fh:
    json.dump({"source": "tools/reference/seqclr_instance_ntxent.py (torch " + torch.__version__ + ")", "pooling": pooling, "cases": cases}, fh, indent=1)
print("wrote", os.path.normpath(path))
