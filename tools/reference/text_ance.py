#!/usr/bin/python3
"""Golden fixture for ANCE's loss in @contrastive/text (packages/text/src/__fixtures__/text_ance.json).

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/text_ance.py

Written from the paper and the official code, independently of the TypeScript:
  - ANCE (Xiong et al., "Approximate Nearest Neighbor Negative Contrastive Learning for Dense Text Retrieval",
    ICLR 2021), the paper's NLL over the positive and the retrieved negatives of one query:
        L(q) = -log( e^{f(q,d+)} / (e^{f(q,d+)} + sum_{d-} e^{f(q,d-)}) ),   mean over the queries,
    written here in probability space (exp, sum, log: float64 keeps it finite at these magnitudes).
    f is the raw dot product in ANCE (RobertaDot_NLL_LN: no normalisation, no temperature); the fixture
    also covers the cosine and a temperature (f = sim / tau), options of the TypeScript port.
  - The code's `--triplet` form (microsoft/ANCE model/models.py `NLL.forward`): one (q, d+, d-) per row,
        logit_matrix = cat([(q*a).sum(-1), (q*b).sum(-1)]); loss = (-log_softmax(logit_matrix)[:, 0]).mean()
    ported literally (torch's log_softmax) over every (query, negative) pair.
  - Optional in-batch negatives (DPR-style, not in ANCE's code): the other queries' positives join the
    denominator, i.e. the candidates of query i are [d+_0 .. d+_{B-1}, its own negatives], label i.
Inputs are drawn with a fixed seed and rounded to float32 (what the TypeScript side reads); the arithmetic is
float64. Gradients are of the mean loss w.r.t. q, pos and neg (neg as [B, n, d], or flattened [B*n, d] when
options.flat is set).
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'text', 'src', '__fixtures__')
GEN = torch.Generator().manual_seed(20200701)  # ANCE's arXiv date


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def sim(a, b, similarity):
    """f(a, b) of two rows."""
    if similarity == 'cos':
        return (a * b).sum() / (a.norm() * b.norm())
    return (a * b).sum()


def paper_nll(q, pos, neg, similarity='dot', temperature=1.0, in_batch=False):
    b, n = neg.shape[0], neg.shape[1]
    terms = []
    for i in range(b):
        num = torch.exp(sim(q[i], pos[i], similarity) / temperature)
        den = num
        for j in range(n):
            den = den + torch.exp(sim(q[i], neg[i, j], similarity) / temperature)
        if in_batch:
            for k in range(b):
                if k != i:
                    den = den + torch.exp(sim(q[i], pos[k], similarity) / temperature)
        terms.append(-torch.log(num / den))
    return torch.stack(terms).mean()


def code_triplet(q, pos, neg, similarity='dot', temperature=1.0):
    b, n = neg.shape[0], neg.shape[1]
    # One row per (query, negative), as ANCE's triplet data: the query and positive repeated n times.
    q_embs = q.repeat_interleave(n, 0)
    a_embs = pos.repeat_interleave(n, 0)
    b_embs = neg.reshape(b * n, -1)
    if similarity == 'cos':
        q_embs = q_embs / q_embs.norm(dim=1, keepdim=True)
        a_embs = a_embs / a_embs.norm(dim=1, keepdim=True)
        b_embs = b_embs / b_embs.norm(dim=1, keepdim=True)
    logit_matrix = torch.cat([(q_embs * a_embs).sum(-1).unsqueeze(1), (q_embs * b_embs).sum(-1).unsqueeze(1)], dim=1)
    lsm = F.log_softmax(logit_matrix / temperature, dim=1)
    loss = -1.0 * lsm[:, 0]
    return loss.mean()


def record(name, q, pos, neg, options):
    leaves = [t.clone().requires_grad_(True) for t in (q, pos, neg)]
    form = options.get('loss', 'nll')
    kw = {'similarity': options.get('similarity', 'dot'), 'temperature': options.get('temperature', 1.0)}
    if form == 'triplet':
        out = code_triplet(*leaves, **kw)
    else:
        out = paper_nll(*leaves, **kw, in_batch=options.get('inBatchNegatives', False))
    grads = torch.autograd.grad(out, leaves)
    flat = options.get('flat', False)
    b, n, d = neg.shape
    neg_in = neg.reshape(b * n, d) if flat else neg
    neg_grad = grads[2].reshape(b * n, d) if flat else grads[2]
    return {
        'name': name,
        'inputs': {'q': tolist(q), 'pos': tolist(pos), 'neg': tolist(neg_in)},
        'options': options,
        'value': out.item(),
        'grads': {'q': tolist(grads[0]), 'pos': tolist(grads[1]), 'neg': tolist(neg_grad)},
    }


def main():
    cases = []
    # 1. The paper's defaults: raw dot product, tau = 1, NLL over 1 positive + n negatives.
    for b, n, d in [(2, 1, 3), (3, 4, 5), (4, 2, 8)]:
        q, pos, neg = randn(b, d), randn(b, d), randn(b, n, d)
        cases.append(record(f'dot nll B={b} n={n} d={d}', q, pos, neg, {}))
        cases.append(record(f'dot triplet B={b} n={n} d={d}', q, pos, neg, {'loss': 'triplet'}))
    # 2. Large raw dot products (LayerNorm-scale vectors, |f| ~ d): the loss must stay finite and exact.
    q, pos, neg = randn(3, 16, scale=2.0), randn(3, 16, scale=2.0), randn(3, 3, 16, scale=2.0)
    cases.append(record('dot nll large logits B=3 n=3 d=16', q, pos, neg, {}))
    cases.append(record('dot triplet large logits B=3 n=3 d=16', q, pos, neg, {'loss': 'triplet'}))
    # 3. Options: cosine with a temperature, in-batch negatives, flattened negatives [B*n, d].
    q, pos, neg = randn(4, 6), randn(4, 6), randn(4, 3, 6)
    cases.append(record('cos nll tau=0.05', q, pos, neg, {'similarity': 'cos', 'temperature': 0.05}))
    cases.append(record('cos triplet tau=0.1', q, pos, neg, {'similarity': 'cos', 'temperature': 0.1, 'loss': 'triplet'}))
    cases.append(record('dot nll tau=2', q, pos, neg, {'temperature': 2.0}))
    cases.append(record('dot nll in-batch', q, pos, neg, {'inBatchNegatives': True}))
    cases.append(record('cos nll in-batch tau=0.1', q, pos, neg, {'similarity': 'cos', 'temperature': 0.1, 'inBatchNegatives': True}))
    cases.append(record('dot nll flat negatives [B*n, d]', q, pos, neg, {'flat': True}))
    cases.append(record('dot triplet flat negatives [B*n, d]', q, pos, neg, {'flat': True, 'loss': 'triplet'}))
    # 4. Non-normalised rows of very different norms under the cosine (only directions matter).
    q = (randn(3, 4) * torch.tensor([30.0, 0.02, 1.0])[:, None]).float().double()
    pos = (randn(3, 4) * torch.tensor([0.1, 12.0, 3.0])[:, None]).float().double()
    neg = (randn(3, 2, 4) * 5.0).float().double()
    cases.append(record('cos nll non-normalised rows tau=0.2', q, pos, neg, {'similarity': 'cos', 'temperature': 0.2}))
    # Sanity: with n = 1 the paper's NLL equals the code's triplet form.
    q, pos, neg = randn(3, 5), randn(3, 5), randn(3, 1, 5)
    assert math.isclose(paper_nll(q, pos, neg).item(), code_triplet(q, pos, neg).item(), rel_tol=1e-12)

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'text_ance.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/text_ance.py', 'torch': torch.__version__, 'cases': cases}, f)
        f.write('\n')
    print(f'{path}: {len(cases)} cases')


if __name__ == '__main__':
    main()
