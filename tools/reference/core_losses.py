#!/usr/bin/python3
"""Golden fixtures for the losses of @contrastive/core.

Run with Debian's PyTorch (not the pyenv python on PATH):

    /usr/bin/python3 tools/reference/core_losses.py

Each loss is re-implemented here *independently* of the TypeScript code, following the official code of
its paper (the file is named beside each function). Where the official code works in probability space
(exp then log), so does this script; it runs in float64 so that tau = 0.01 does not overflow, which makes
it an independent check of the log-space float32 TypeScript implementations.

Inputs are drawn with a fixed seed, rounded to float32 (the precision the TypeScript side reads), and
written together with the expected loss value and the gradients of the reduced loss w.r.t. every tensor
input. One JSON file per loss lands in packages/core/src/losses/__fixtures__/.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'losses', '__fixtures__')
GEN = torch.Generator().manual_seed(20240611)


def randn(*shape, gen=None):
    """Normal inputs, rounded to float32 so both sides see identical numbers."""
    return torch.randn(*shape, generator=GEN if gen is None else gen, dtype=torch.float32).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def reduce(per, reduction):
    if reduction == 'mean':
        return per.mean()
    if reduction == 'sum':
        return per.sum()
    return per


def case(name, fn, tensors, options, reduction, extra=None):
    """Evaluates fn(**tensors) (per-anchor vector, or a scalar) and records value and gradients."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in tensors.items()}
    out = fn(**leaves)
    red = reduce(out, reduction) if out.dim() == 1 else out
    # Gradients of the reduced value; for 'none' the gradient of the sum of the vector.
    target = red if red.dim() == 0 else red.sum()
    grads = torch.autograd.grad(target, list(leaves.values()), allow_unused=True)
    rec = {
        'name': name,
        'inputs': {k: tolist(v) for k, v in tensors.items()},
        'options': dict(options, reduction=reduction) if reduction is not None else dict(options),
        'value': tolist(red),
        'grads': {k: (tolist(g) if g is not None else tolist(torch.zeros_like(tensors[k])))
                  for k, g in zip(leaves.keys(), grads)},
    }
    if extra:
        rec.update(extra)
    return rec


def write(fname, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, fname)
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/core_losses.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{path}: {len(cases)} cases')


# ---------------------------------------------------------------------------------------------------------
# 1. SimCLR NT-Xent, google-research/simclr objective.py (add_contrastive_loss): logits_ab / logits_aa with
#    -1e9 on the diagonal, CE per direction. The official loss is loss_a.mean() + loss_b.mean(); the paper's
#    1/(2N) form (what @contrastive/core returns for 'mean') is half of that, i.e. the mean of cat(a, b).
def nt_xent(z1, z2, temperature):
    h1, h2 = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    n = h1.shape[0]
    labels = torch.arange(n)
    masks = torch.eye(n) * 1e9
    logits_aa = h1 @ h1.t() / temperature - masks
    logits_bb = h2 @ h2.t() / temperature - masks
    logits_ab = h1 @ h2.t() / temperature
    logits_ba = h2 @ h1.t() / temperature
    loss_a = F.cross_entropy(torch.cat([logits_ab, logits_aa], 1), labels, reduction='none')
    loss_b = F.cross_entropy(torch.cat([logits_ba, logits_bb], 1), labels, reduction='none')
    return torch.cat([loss_a, loss_b])


def gen_nt_xent():
    cases = []
    for n, d in [(1, 4), (2, 3), (4, 5), (8, 6)]:
        for t in [0.5, 0.1, 0.01]:
            z1, z2 = randn(n, d), randn(n, d)
            for r in ['mean', 'sum', 'none']:
                cases.append(case(f'N={n} D={d} tau={t} {r}', lambda z1, z2: nt_xent(z1, z2, t),
                                  {'z1': z1, 'z2': z2}, {'temperature': t}, r))
    # Default temperature (0.5), options omitted on the TS side.
    z1, z2 = randn(5, 4), randn(5, 4)
    cases.append(case('defaults', lambda z1, z2: nt_xent(z1, z2, 0.5), {'z1': z1, 'z2': z2}, {}, 'mean'))
    # Near-aligned views at tau=0.01: large logits, the overflow regime.
    z1 = randn(6, 8)
    z2 = z1 + 0.05 * randn(6, 8)
    cases.append(case('aligned tau=0.01', lambda z1, z2: nt_xent(z1, z2, 0.01), {'z1': z1, 'z2': z2},
                      {'temperature': 0.01}, 'mean'))
    write('nt-xent.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 2. InfoNCE, one direction. In-batch: CE(q k^T / tau, arange) (CLIP / MoCo v3 style). With a queue:
#    facebookresearch/moco moco/builder.py: l_pos = einsum('nc,nc->n'), l_neg = einsum('nc,ck->nk'),
#    logits = cat([l_pos, l_neg]) / T, labels = 0. Per-query negatives [N, K, D] (memory-bank sampling):
#    l_neg = bmm(neg, q).
def info_nce(query, positive, temperature, negatives=None):
    q, k = F.normalize(query, dim=1), F.normalize(positive, dim=1)
    if negatives is None:
        logits = q @ k.t() / temperature
        return F.cross_entropy(logits, torch.arange(q.shape[0]), reduction='none')
    neg = F.normalize(negatives, dim=-1)
    l_pos = torch.einsum('nc,nc->n', q, k).unsqueeze(-1)
    if neg.dim() == 2:
        l_neg = torch.einsum('nc,kc->nk', q, neg)
    else:
        l_neg = torch.bmm(neg, q.unsqueeze(2)).squeeze(2)
    logits = torch.cat([l_pos, l_neg], dim=1) / temperature
    return F.cross_entropy(logits, torch.zeros(q.shape[0], dtype=torch.long), reduction='none')


def gen_info_nce():
    cases = []
    for n, d in [(1, 3), (3, 4), (6, 5)]:
        for t in [0.07, 0.5, 0.01]:
            q, k = randn(n, d), randn(n, d)
            for r in ['mean', 'sum', 'none']:
                cases.append(case(f'in-batch N={n} tau={t} {r}', lambda query, positive: info_nce(query, positive, t),
                                  {'query': q, 'positive': k}, {'temperature': t}, r))
    for n, m, d in [(1, 3, 4), (4, 7, 5)]:
        for t in [0.07, 0.2, 0.01]:
            q, k, neg = randn(n, d), randn(n, d), randn(m, d)
            for r in ['mean', 'none']:
                cases.append(case(f'queue N={n} M={m} tau={t} {r}',
                                  lambda query, positive, negatives: info_nce(query, positive, t, negatives),
                                  {'query': q, 'positive': k, 'negatives': neg}, {'temperature': t}, r))
    for n, kk, d in [(3, 4, 5), (2, 1, 3)]:
        for t in [0.07, 0.01]:
            q, k, neg = randn(n, d), randn(n, d), randn(n, kk, d)
            cases.append(case(f'per-query N={n} K={kk} tau={t}',
                              lambda query, positive, negatives: info_nce(query, positive, t, negatives),
                              {'query': q, 'positive': k, 'negatives': neg}, {'temperature': t}, 'mean'))
    q, k = randn(4, 6), randn(4, 6)
    cases.append(case('defaults', lambda query, positive: info_nce(query, positive, 0.07),
                      {'query': q, 'positive': k}, {}, 'mean'))
    write('info-nce.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 2b. InfoNCE with in-batch + explicit negatives and a logit offset on the explicit negatives. Written after
#     the others in __main__ with its own generator, so the fixtures above keep their exact values.
#     - Supervised SimCSE, princeton-nlp/SimCSE simcse/models.py cl_forward (num_sent == 3), verbatim layout:
#         cos_sim = cat([sim(z1, z2), sim(z1, z3)], 1) / temp;  weights: z3_weight on cell (i, N + i) only;
#         loss = CrossEntropyLoss()(cos_sim + weights, arange(N)).
#       (Similarity is nn.CosineSimilarity(dim=-1) / temp; the weights are added after the division.)
#     - DPR-style in-batch + shared hard negatives (Karpukhin et al. 2020), and the general form:
#       logits = [first | q neg^T / tau + offset], first = q k^T / tau (in-batch, label i) or
#       q.k+ / tau (label 0), negatives shared [M, D] or per query [N, K, D].
GEN_B = torch.Generator().manual_seed(20261128)


def simcse_cl_forward(z1, z2, z3, temp, hard_negative_weight):
    cos = torch.nn.CosineSimilarity(dim=-1)
    cos_sim = cos(z1.unsqueeze(1), z2.unsqueeze(0)) / temp
    z1_z3_cos = cos(z1.unsqueeze(1), z3.unsqueeze(0)) / temp
    cos_sim = torch.cat([cos_sim, z1_z3_cos], 1)
    labels = torch.arange(cos_sim.size(0)).long()
    z3_weight = hard_negative_weight
    weights = torch.tensor(
        [[0.0] * (cos_sim.size(-1) - z1_z3_cos.size(-1)) + [0.0] * i + [z3_weight]
         + [0.0] * (z1_z3_cos.size(-1) - i - 1) for i in range(z1_z3_cos.size(-1))]
    )
    cos_sim = cos_sim + weights
    return F.cross_entropy(cos_sim, labels, reduction='none')


def info_nce_general(query, positive, negatives, temperature, in_batch, offset):
    q, k = F.normalize(query, dim=1), F.normalize(positive, dim=1)
    neg = F.normalize(negatives, dim=-1)
    n = q.shape[0]
    if in_batch:
        first, labels = q @ k.t() / temperature, torch.arange(n)
    else:
        first, labels = (q * k).sum(1, keepdim=True) / temperature, torch.zeros(n, dtype=torch.long)
    l_neg = q @ neg.t() if neg.dim() == 2 else torch.einsum('nc,nkc->nk', q, neg)
    logits = torch.cat([first, l_neg / temperature + offset], 1)
    return F.cross_entropy(logits, labels, reduction='none')


def gen_info_nce_hard_negatives():
    def r(*shape):
        return randn(*shape, gen=GEN_B)

    cases = []
    # Supervised SimCSE (the official cl_forward): query z1, positive z2, negatives z3, in-batch.
    for n, d in [(4, 6), (1, 3), (5, 8)]:
        for t, w in [(0.05, 0.0), (0.05, 1.0), (0.5, -2.0), (0.1, 3.5)]:
            z1, z2, z3 = r(n, d), r(n, d), r(n, d)
            off = torch.eye(n) * w
            for red in (['mean', 'sum', 'none'] if (n, t, w) == (4, 0.05, 1.0) else ['mean']):
                cases.append(case(f'supervised SimCSE cl_forward N={n} tau={t} w={w} {red}',
                                  lambda query, positive, negatives: simcse_cl_forward(query, positive, negatives, t, w),
                                  {'query': z1, 'positive': z2, 'negatives': z3},
                                  {'temperature': t, 'inBatchNegatives': True}, red,
                                  {'negativeLogitOffset': tolist(off)}))
    # In-batch + shared negatives without an offset (DPR), and with a scalar offset.
    for n, m, d, off in [(4, 7, 5, None), (3, 2, 4, 0.7), (3, 5, 4, -1.5)]:
        q, k, neg = r(n, d), r(n, d), r(m, d)
        opts = {'temperature': 0.2, 'inBatchNegatives': True}
        if off is not None:
            opts['negativeLogitOffset'] = off
        cases.append(case(f'in-batch + shared N={n} M={m} offset={off}',
                          lambda query, positive, negatives: info_nce_general(query, positive, negatives, 0.2, True,
                                                                              0.0 if off is None else off),
                          {'query': q, 'positive': k, 'negatives': neg}, opts, 'mean'))
    # Queue (positive at index 0) with a per-cell offset [N, M]; per-query negatives with [N, K] offsets.
    q, k, neg = r(3, 4), r(3, 4), r(6, 4)
    off = r(3, 6)
    cases.append(case('queue + offset [N, M]',
                      lambda query, positive, negatives: info_nce_general(query, positive, negatives, 0.07, False, off),
                      {'query': q, 'positive': k, 'negatives': neg}, {'temperature': 0.07}, 'none',
                      {'negativeLogitOffset': tolist(off)}))
    for in_batch in [False, True]:
        q, k, neg = r(3, 5), r(3, 5), r(3, 4, 5)
        off = r(3, 4)
        cases.append(case(f'per-query [N, K, D] + offset [N, K] inBatch={in_batch}',
                          lambda query, positive, negatives: info_nce_general(query, positive, negatives, 0.1,
                                                                              in_batch, off),
                          {'query': q, 'positive': k, 'negatives': neg},
                          {'temperature': 0.1, 'inBatchNegatives': in_batch}, 'mean',
                          {'negativeLogitOffset': tolist(off)}))
    write('info-nce-hard-negatives.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 3. Triplet loss (Schroff et al. 2015 FaceNet; Weinberger & Saul margin form): max(0, d(a,p) - d(a,n) + m).
def triplet(anchor, positive, negative, margin, distance):
    def dist(x, y):
        if distance == 'squaredEuclidean':
            return ((x - y) ** 2).sum(1)
        if distance == 'euclidean':
            return ((x - y) ** 2).sum(1).sqrt()
        return 1 - F.cosine_similarity(x, y, dim=1)
    return torch.clamp(dist(anchor, positive) - dist(anchor, negative) + margin, min=0)


def gen_triplet():
    cases = []
    for dist in ['squaredEuclidean', 'euclidean', 'cosine']:
        for margin in [1.0, 0.2, 0.0]:
            n, d = 6, 4
            a, p, ng = randn(n, d), randn(n, d), randn(n, d)
            for r in ['mean', 'sum', 'none']:
                cases.append(case(f'{dist} margin={margin} {r}',
                                  lambda anchor, positive, negative: triplet(anchor, positive, negative, margin, dist),
                                  {'anchor': a, 'positive': p, 'negative': ng},
                                  {'margin': margin, 'distance': dist}, r))
    a, p, ng = randn(5, 3), randn(5, 3), randn(5, 3)
    cases.append(case('defaults', lambda anchor, positive, negative: triplet(anchor, positive, negative, 1.0,
                                                                             'squaredEuclidean'),
                      {'anchor': a, 'positive': p, 'negative': ng}, {}, 'mean'))
    write('triplet-loss.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 4. Contrastive pair loss, Hadsell, Chopra & LeCun (CVPR 2006): y d^2 + (1 - y) max(0, m - d)^2 (without
#    the paper's 1/2 factors, as the contract states).
def pair_loss(x1, x2, similar, margin):
    d = ((x1 - x2) ** 2).sum(1).sqrt()
    return similar * d ** 2 + (1 - similar) * torch.clamp(margin - d, min=0) ** 2


def gen_pair():
    cases = []
    for margin in [1.0, 2.5, 0.0]:
        n, d = 8, 3
        x1, x2 = randn(n, d) * 0.6, randn(n, d) * 0.6
        y = torch.tensor([1, 0, 1, 0, 0, 1, 1, 0], dtype=torch.float64)
        for r in ['mean', 'sum', 'none']:
            cases.append(case(f'margin={margin} {r}', lambda x1, x2: pair_loss(x1, x2, y, margin),
                              {'x1': x1, 'x2': x2}, {'margin': margin}, r, {'similar': tolist(y)}))
    x1, x2 = randn(4, 5) * 0.3, randn(4, 5) * 0.3
    y = torch.tensor([0, 1, 0, 0], dtype=torch.float64)
    cases.append(case('defaults', lambda x1, x2: pair_loss(x1, x2, y, 1.0), {'x1': x1, 'x2': x2}, {}, 'mean',
                      {'similar': tolist(y)}))
    write('contrastive-pair-loss.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 5. Binary NCE of Wu et al. 2018, zhirongw/lemniscate.pytorch lib/NCEAverage.py + lib/NCECriterion.py:
#      out = exp(bmm(weight[idx], x) / T);  Z = mean(out) * nLem on the first batch (then fixed);  out /= Z
#      Pmt = out[:, 0];  lnPmt = Pmt / (Pmt + K * Pn);  lnPon = K * Pn / (out[:, 1:] + K * Pn)
#      loss = -(sum log lnPmt + sum log lnPon) / batch
#    (lemniscate adds eps = 1e-7 to the denominators for division safety; it is left out here because the
#    float64 reference cannot divide by zero, and the TS code works in log-space.) Z is a constant in the
#    backward pass (NCEAverage.backward treats it so). Features and bank rows are unit vectors.
def nce_scores(features, positive_rows, negative_rows, temperature):
    x = F.normalize(features, dim=1)
    pos = F.normalize(positive_rows, dim=1)
    neg = F.normalize(negative_rows, dim=-1)
    if neg.dim() == 2:
        neg = neg.unsqueeze(0).expand(x.shape[0], -1, -1)
    weight = torch.cat([pos.unsqueeze(1), neg], dim=1)  # [B, K+1, D]
    return torch.exp(torch.bmm(weight, x.unsqueeze(2)).squeeze(2) / temperature)  # [B, K+1]


def nce_z(features, positive_rows, negative_rows, temperature, dataset_size):
    with torch.no_grad():
        out = nce_scores(features, positive_rows, negative_rows, temperature)
        return (out.mean() * dataset_size).item()


def nce(features, positive_rows, negative_rows, temperature, dataset_size, z):
    out = nce_scores(features, positive_rows, negative_rows, temperature) / z
    k = out.shape[1] - 1
    pn = 1.0 / dataset_size
    pmt = out[:, 0]
    ln_pmt = torch.log(pmt / (pmt + k * pn))
    ln_pon = torch.log((k * pn) / (out[:, 1:] + k * pn))
    return -(ln_pmt + ln_pon.sum(1))  # per-sample; lemniscate's value is the mean


def gen_nce():
    cases = []
    for n, k, d, size in [(4, 6, 5, 100), (1, 3, 4, 50), (8, 16, 8, 1000)]:
        for t in [0.07, 0.5, 0.01]:
            f, pos, neg = randn(n, d), randn(n, d), randn(n, k, d)
            z = nce_z(f, pos, neg, t, size)
            lz = math.log(z)
            for r in (['mean', 'sum', 'none'] if n < 8 else ['mean']):
                cases.append(case(f'per-query N={n} K={k} n={size} tau={t} {r}',
                                  lambda features, positiveRows, negativeRows:
                                  nce(features, positiveRows, negativeRows, t, size, z),
                                  {'features': f, 'positiveRows': pos, 'negativeRows': neg},
                                  {'temperature': t, 'datasetSize': size, 'logZ': lz}, r,
                                  {'logZ': lz}))
    # Shared negatives [M, D] and the "estimate Z on this batch" path (z option omitted).
    for t in [0.07, 0.01]:
        f, pos, neg = randn(5, 4), randn(5, 4), randn(7, 4)
        z = nce_z(f, pos, neg, t, 200)
        cases.append(case(f'shared negatives, Z from batch tau={t}',
                          lambda features, positiveRows, negativeRows:
                          nce(features, positiveRows, negativeRows, t, 200, z),
                          {'features': f, 'positiveRows': pos, 'negativeRows': neg},
                          {'temperature': t, 'datasetSize': 200}, 'mean', {'logZ': math.log(z)}))
    # A user-given Z (not the batch estimate).
    f, pos, neg = randn(3, 4), randn(3, 4), randn(3, 5, 4)
    cases.append(case('given z', lambda features, positiveRows, negativeRows:
                      nce(features, positiveRows, negativeRows, 0.07, 64, 1234.5),
                      {'features': f, 'positiveRows': pos, 'negativeRows': neg},
                      {'temperature': 0.07, 'datasetSize': 64, 'z': 1234.5}, 'mean', {'logZ': math.log(1234.5)}))
    write('nce-loss.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 6. SupCon L_out, HobbitLong/SupContrast losses.py (contrast_mode='all'), with the contract:
#    no base-temperature rescaling; mean over anchors that have >= 1 positive. Multi-view [N, V, D] is
#    flattened view-major (torch.cat(torch.unbind(features, 1))) with labels repeated V times.
def supcon(features, labels, temperature):
    if features.dim() == 3:
        v = features.shape[1]
        features = torch.cat(torch.unbind(features, dim=1), dim=0)
        labels = labels.repeat(v)
    features = F.normalize(features, dim=1)
    n = features.shape[0]
    mask = torch.eq(labels.view(-1, 1), labels.view(1, -1)).double()
    anchor_dot_contrast = features @ features.t() / temperature
    logits_max, _ = torch.max(anchor_dot_contrast, dim=1, keepdim=True)
    logits = anchor_dot_contrast - logits_max.detach()
    logits_mask = torch.ones(n, n) - torch.eye(n)
    mask = mask * logits_mask
    exp_logits = torch.exp(logits) * logits_mask
    log_prob = logits - torch.log(exp_logits.sum(1, keepdim=True))
    pos_count = mask.sum(1)
    has_pos = pos_count > 0
    mean_log_prob_pos = (mask * log_prob).sum(1) / torch.where(has_pos, pos_count, torch.ones_like(pos_count))
    per = -mean_log_prob_pos
    return per, has_pos


def gen_supcon():
    cases = []
    specs = [
        ('N=6 two classes', 6, 4, [0, 1, 0, 1, 1, 0]),
        ('N=8 with singletons', 8, 5, [0, 1, 2, 0, 3, 1, 0, 4]),
        ('N=2 same label', 2, 3, [7, 7]),
        ('N=5 all same', 5, 3, [1, 1, 1, 1, 1]),
    ]
    for name, n, d, labels in specs:
        lab = torch.tensor(labels)
        for t in [0.07, 0.5, 0.01]:
            f = randn(n, d)
            for r in ['mean', 'sum', 'none']:
                def fn(features, lab=lab, t=t, r=r):
                    per, has = supcon(features, lab, t)
                    if r == 'mean':
                        return per[has].sum() / has.sum()
                    if r == 'sum':
                        return per[has].sum()
                    return per  # 0 for anchors without positives
                cases.append(case(f'{name} tau={t} {r}', fn, {'features': f}, {'temperature': t}, None,
                                  {'labels': labels, 'reduction': r}))
    # Multi-view [N, V, D]: every anchor has at least its other view as a positive.
    lab = torch.tensor([0, 1, 2, 1])
    for t in [0.1, 0.01]:
        f = randn(4, 2, 3)
        def fn(features, t=t):
            per, has = supcon(features, lab, t)
            return per[has].sum() / has.sum()
        cases.append(case(f'multi-view N=4 V=2 tau={t}', fn, {'features': f}, {'temperature': t}, None,
                          {'labels': lab.tolist(), 'reduction': 'mean'}))
    # No anchor has a positive: the mean over an empty set is 0 by contract.
    f = randn(3, 4)
    cases.append({'name': 'no positives', 'inputs': {'features': tolist(f)}, 'options': {'temperature': 0.07},
                  'labels': [0, 1, 2], 'reduction': 'mean', 'value': 0.0,
                  'grads': {'features': tolist(torch.zeros_like(f))}})
    f = randn(6, 4)
    lab = torch.tensor([3, 3, 1, 1, 2, 2])
    def fn(features):
        per, has = supcon(features, lab, 0.07)
        return per[has].sum() / has.sum()
    cases.append(case('defaults', fn, {'features': f}, {}, None, {'labels': lab.tolist(), 'reduction': 'mean'}))
    for c in cases:
        c['options']['reduction'] = c.pop('reduction')
    write('sup-con-loss.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 7. HCL, joshr17/HCL image/main.py criterion (estimator='hard'); beta = 0 is DCL (chingyaoc/DCL main.py).
#    Model outputs are L2-normalised (F.normalize in the model's forward), done here explicitly.
def get_negative_mask(batch_size):
    negative_mask = torch.ones((batch_size, 2 * batch_size), dtype=bool)
    for i in range(batch_size):
        negative_mask[i, i] = 0
        negative_mask[i, i + batch_size] = 0
    negative_mask = torch.cat((negative_mask, negative_mask), 0)
    return negative_mask


def hcl(out_1, out_2, temperature, tau_plus, beta):
    out_1, out_2 = F.normalize(out_1, dim=1), F.normalize(out_2, dim=1)
    batch_size = out_1.shape[0]
    out = torch.cat([out_1, out_2], dim=0)
    neg = torch.exp(torch.mm(out, out.t().contiguous()) / temperature)
    mask = get_negative_mask(batch_size)
    neg = neg.masked_select(mask).view(2 * batch_size, -1)
    pos = torch.exp(torch.sum(out_1 * out_2, dim=-1) / temperature)
    pos = torch.cat([pos, pos], dim=0)
    N = batch_size * 2 - 2
    imp = (beta * neg.log()).exp()
    reweight_neg = (imp * neg).sum(dim=-1) / imp.mean(dim=-1)
    Ng = (-tau_plus * N * pos + reweight_neg) / (1 - tau_plus)
    Ng = torch.clamp(Ng, min=N * np.e ** (-1 / temperature))
    return -torch.log(pos / (pos + Ng))  # per anchor; the official code takes .mean()


def gen_hcl():
    cases = []
    for n, d in [(2, 3), (4, 5), (8, 6)]:
        for t in [0.5, 0.1, 0.01]:
            for tau_plus, beta in [(0.1, 1.0), (0.1, 0.0), (0.0, 0.0), (0.05, 0.5), (0.3, 2.0)]:
                z1, z2 = randn(n, d), randn(n, d)
                for r in (['mean', 'sum', 'none'] if (tau_plus, beta) == (0.1, 1.0) else ['mean']):
                    cases.append(case(f'N={n} tau={t} tau+={tau_plus} beta={beta} {r}',
                                      lambda z1, z2: hcl(z1, z2, t, tau_plus, beta), {'z1': z1, 'z2': z2},
                                      {'temperature': t, 'tauPlus': tau_plus, 'beta': beta}, r))
    # Clamp active: near-identical views and a large tau+ drive Ng below N e^{-1/t}.
    z1 = randn(4, 3)
    z2 = z1 + 0.01 * randn(4, 3)
    cases.append(case('clamp active', lambda z1, z2: hcl(z1, z2, 0.5, 0.9, 1.0), {'z1': z1, 'z2': z2},
                      {'temperature': 0.5, 'tauPlus': 0.9, 'beta': 1.0}, 'none'))
    z1, z2 = randn(5, 4), randn(5, 4)
    cases.append(case('defaults', lambda z1, z2: hcl(z1, z2, 0.5, 0.1, 1.0), {'z1': z1, 'z2': z2}, {}, 'mean'))
    write('hard-negative-loss.json', cases)


# ---------------------------------------------------------------------------------------------------------
# 8. Alignment and uniformity, SsnL/align_uniform align_uniform/__init__.py:
#      align_loss = (x - y).norm(dim=1).pow(alpha).mean();  uniform_loss = log(exp(-t * pdist(x)^2).mean())
def align(x, y, alpha):
    return (x - y).norm(dim=1).pow(alpha)


def uniform(x, t):
    return torch.pdist(x, p=2).pow(2).mul(-t).exp().mean().log()


def gen_align_uniform():
    cases = []
    for alpha in [2.0, 1.0, 3.0]:
        x = F.normalize(randn(6, 4), dim=1)
        y = F.normalize(x + 0.3 * randn(6, 4), dim=1)
        x, y = x.float().double(), y.float().double()
        for r in ['mean', 'sum', 'none']:
            cases.append(case(f'alpha={alpha} {r}', lambda x, y: align(x, y, alpha), {'x': x, 'y': y},
                              {'alpha': alpha}, r))
    x, y = randn(5, 3), randn(5, 3)  # not normalised: used as given
    cases.append(case('unnormalised defaults', lambda x, y: align(x, y, 2.0), {'x': x, 'y': y}, {}, 'mean'))
    write('alignment.json', cases)

    cases = []
    for n, d in [(2, 3), (5, 4), (10, 8)]:
        for t in [2.0, 0.5, 10.0]:
            x = F.normalize(randn(n, d), dim=1).float().double()
            cases.append(case(f'N={n} t={t}', lambda x: uniform(x, t), {'x': x}, {'t': t}, None))
    x = randn(6, 3)
    cases.append(case('unnormalised defaults', lambda x: uniform(x, 2.0), {'x': x}, {}, None))
    # Collapsed embeddings: every pair at distance 0, uniformity = log(1) = 0.
    x = F.normalize(randn(1, 4), dim=1).repeat(4, 1).float().double()
    cases.append(case('collapsed', lambda x: uniform(x, 2.0), {'x': x}, {'t': 2.0}, None))
    write('uniformity.json', cases)


if __name__ == '__main__':
    gen_nt_xent()
    gen_info_nce()
    gen_triplet()
    gen_pair()
    gen_nce()
    gen_supcon()
    gen_hcl()
    gen_align_uniform()
    gen_info_nce_hard_negatives()
