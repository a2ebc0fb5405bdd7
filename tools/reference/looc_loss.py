"""Reference values for @contrastive/vision's LooC loss (loocSpaceLosses / loocLoss), in PyTorch.

LooC (Xiao, Wang, Efros & Darrell, ICLR 2021) on MoCo: n atomic augmentations, n + 1 embedding spaces.
Written from the definition (not from the TypeScript), in the logits layout of MoCo's builder.py:
  space 0 (invariant):  for each positive key k_j (all j, or only k_0):
                        logits = [q.k_j, q.queue_0^T] / T, CE against index 0; averaged over the positives
  space i >= 1:         logits = [q.k_i, q.queue_i^T, q.k_j^T for j != i (every row of the batch)] / T,
                        CE against index 0 (SeCo's layout: the other key views join the queue as negatives)
  total = sum over spaces. q, keys and queues are L2-normalised first; keys and queues carry no gradient.
Writes packages/vision/src/methods/__fixtures__/looc-loss.json with the inputs, the per-space losses, the
total and d total / d q_i for both choices of the invariant space's positives.
Run with Debian's PyTorch:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tools/reference/looc_loss.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(26)
N, D, K, n = 4, 5, 6, 2  # batch, dim, queue size, atomic augmentations (3 spaces)
T = 0.2
S = n + 1
queries = [torch.randn(N, D, dtype=torch.float64) for _ in range(S)]
keys = [[torch.randn(N, D, dtype=torch.float64) for _ in range(S)] for _ in range(S)]  # keys[space][view]
queues = [torch.randn(K, D, dtype=torch.float64) for _ in range(S)]


def ce0(logits):
    return F.cross_entropy(logits, torch.zeros(logits.shape[0], dtype=torch.long))


def space_losses(qs, positives0):
    qs = [F.normalize(q, dim=1) for q in qs]
    ks = [[F.normalize(k, dim=1) for k in row] for row in keys]
    qu = [F.normalize(x, dim=1) for x in queues]
    out = []
    terms = []
    for j in positives0:
        pos = (qs[0] * ks[0][j]).sum(1, keepdim=True)
        terms.append(ce0(torch.cat([pos, qs[0] @ qu[0].t()], 1) / T))
    out.append(torch.stack(terms).mean())
    for i in range(1, S):
        pos = (qs[i] * ks[i][i]).sum(1, keepdim=True)
        negs = torch.cat([qu[i]] + [ks[i][j] for j in range(S) if j != i], 0)
        out.append(ce0(torch.cat([pos, qs[i] @ negs.t()], 1) / T))
    return torch.stack(out)


result = {
    "temperature": T,
    "inputs": {
        "queries": [q.tolist() for q in queries],
        "keys": [[k.tolist() for k in row] for row in keys],
        "queues": [x.tolist() for x in queues],
    },
}
for name, pos0 in [("all", list(range(S))), ("k0", [0])]:
    qs = [q.clone().requires_grad_(True) for q in queries]
    per = space_losses(qs, pos0)
    total = per.sum()
    total.backward()
    result[name] = {"perSpace": per.tolist(), "total": total.item(), "gradQueries": [q.grad.tolist() for q in qs]}

path = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "vision", "src", "methods", "__fixtures__", "looc-loss.json")
with open(path, "w") as f:
    json.dump(result, f, indent=1)
print("wrote", os.path.normpath(path))
