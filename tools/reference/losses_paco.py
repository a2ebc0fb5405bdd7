#!/usr/bin/python3
"""Golden fixtures for PaCo (Cui et al., "Parametric Contrastive Learning", ICCV 2021) in @contrastive/losses.

Run with Debian's PyTorch (not the pyenv python on PATH):

    /usr/bin/python3 tools/reference/losses_paco.py

An independent port of the official loss, jiequancui/Parametric-Contrastive-Learning `PaCo/LT/losses.py`
(`PaCoLoss.forward`), fed the way `PaCo/LT/moco/builder.py` (`MoCo._train`) feeds it:

    features = cat(q, k, queue)           target = cat(y, y, queue_labels)
    sup_logits = linear(h)  (W^T h + b on the pooled backbone feature)

It works in probability space like the official code (max-shift, exp, mask, sum, log with its +1e-12), in
float64. Differences from the file, each mirrored by the TypeScript loss:
  - the log prior is an input (`log_prior`, what the code computes as log(cls_num/sum + 1e-9)) instead of
    `cal_weight_for_classes`; absent = 0;
  - q, k and the queue are L2-normalised here (the builder normalises q and k before the loss; on
    normalised inputs this is the identity);
  - `supt` and `base_temperature` keep their defaults (1 and temperature), so they do not appear.

Inputs are drawn with a fixed seed, rounded to float32, and written with the loss value and the gradients
of the reduced loss (the sum of the vector for 'none') w.r.t. every tensor input into
packages/losses/src/paco/__fixtures__/paco.json.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'losses', 'src', 'paco', '__fixtures__')
GEN = torch.Generator().manual_seed(20211011)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def paco_code(features, labels, sup_logits, log_prior, alpha, beta, gamma, temperature, K, num_classes):
    """PaCoLoss.forward, line by line (per-anchor vector; the official code then takes .mean())."""
    batch_size = (features.shape[0] - K) // 2
    labels = labels.contiguous().view(-1, 1)
    mask = torch.eq(labels[:batch_size], labels.T).to(torch.float64)
    anchor_dot_contrast = torch.div(torch.matmul(features[:batch_size], features.T), temperature)
    anchor_dot_contrast = torch.cat((sup_logits + log_prior, anchor_dot_contrast), dim=1)
    logits_max, _ = torch.max(anchor_dot_contrast, dim=1, keepdim=True)
    logits = anchor_dot_contrast - logits_max.detach()
    logits_mask = torch.scatter(torch.ones_like(mask), 1, torch.arange(batch_size).view(-1, 1), 0)
    mask = mask * logits_mask
    one_hot_label = F.one_hot(labels[:batch_size].view(-1), num_classes=num_classes).to(torch.float64)
    mask = torch.cat((one_hot_label * beta, mask * alpha), dim=1)
    logits_mask = torch.cat((torch.ones(batch_size, num_classes), gamma * logits_mask), dim=1)
    exp_logits = torch.exp(logits) * logits_mask
    log_prob = logits - torch.log(exp_logits.sum(1, keepdim=True) + 1e-12)
    mean_log_prob_pos = (mask * log_prob).sum(1) / mask.sum(1)
    return -mean_log_prob_pos


def paco(tensors, labels, queue_labels, opts, reduction):
    n = tensors['features'].shape[0]
    q = F.normalize(tensors['features'], dim=1)
    k = F.normalize(tensors['keys'], dim=1)
    parts = [q, k]
    target = [labels, labels]
    kq = 0
    if 'queue' in tensors:
        parts.append(F.normalize(tensors['queue'], dim=1))
        target.append(queue_labels)
        kq = tensors['queue'].shape[0]
    num_classes = tensors['centerLogits'].shape[1]
    log_prior = tensors['logPrior'] if 'logPrior' in tensors else torch.zeros(num_classes)
    per = paco_code(torch.cat(parts), torch.cat(target), tensors['centerLogits'], log_prior,
                    opts.get('alpha', 0.05), opts.get('beta', 1.0), opts.get('gamma', 1.0),
                    opts.get('temperature', 0.2), kq, num_classes)
    assert per.shape[0] == n
    if reduction == 'mean':
        return per.mean()
    if reduction == 'sum':
        return per.sum()
    return per


def case(name, n, d, kq, c, labels, queue_labels, options, reduction='mean', prior=True, scale=1.0, logit_scale=1.0):
    tensors = {'features': randn(n, d, scale=scale), 'keys': randn(n, d, scale=scale)}
    if kq > 0:
        tensors['queue'] = randn(kq, d, scale=scale)
    tensors['centerLogits'] = randn(n, c, scale=logit_scale)
    if prior:
        counts = torch.tensor([float(600 // (i + 1)) for i in range(c)])
        tensors['logPrior'] = torch.log(counts / counts.sum() + 1e-9).to(torch.float32).to(torch.float64)
    lab = torch.tensor(labels, dtype=torch.long)
    qlab = torch.tensor(queue_labels, dtype=torch.long) if kq > 0 else None
    leaves = {k: v.clone().requires_grad_(True) for k, v in tensors.items()}
    out = paco(leaves, lab, qlab, options, reduction)
    target = out if out.dim() == 0 else out.sum()
    grads = torch.autograd.grad(target, list(leaves.values()))
    return {
        'name': name,
        'inputs': {k: tolist(v) for k, v in tensors.items()},
        'labels': labels,
        'queueLabels': queue_labels if kq > 0 else None,
        'options': dict(options, reduction=reduction),
        'value': tolist(out),
        'grads': {k: tolist(g) for k, g in zip(leaves.keys(), grads)},
    }


def main():
    cases = [
        case('ImageNet-LT defaults (alpha 0.05, tau 0.2) with the log prior, mean', 4, 5, 6, 3,
             [0, 1, 0, 2], [1, 0, 2, 2, 0, 1], {}),
        case('parser default alpha = 1, tau 0.5, no prior, sum', 5, 4, 4, 3,
             [2, 2, 1, 0, 1], [0, 1, 2, 1], {'alpha': 1.0, 'temperature': 0.5}, 'sum', prior=False),
        case('alpha 0.3, beta 0.5, gamma 2, none', 4, 3, 5, 4,
             [3, 0, 3, 1], [3, 3, 2, 0, 1], {'alpha': 0.3, 'beta': 0.5, 'gamma': 2.0}, 'none'),
        case('gamma 0: only the centres in the denominator', 4, 3, 4, 3,
             [0, 1, 1, 2], [1, 2, 0, 0], {'alpha': 0.5, 'gamma': 0.0}, 'none'),
        case('beta 0: sample positives only (centres still in the denominator)', 4, 3, 4, 3,
             [0, 1, 1, 2], [1, 2, 0, 0], {'alpha': 0.2, 'beta': 0.0}),
        case('no queue (K = 0)', 5, 4, 0, 3, [0, 1, 2, 0, 1], [], {'alpha': 0.1}),
        case('N = 1, CIFAR tau 0.05, empty (-1) queue slots and a class absent from the batch', 1, 4, 6, 5,
             [4], [-1, -1, 4, 0, 3, 4], {'alpha': 0.01, 'temperature': 0.05}),
        case('tau 0.01, large centre logits: the code\'s +1e-12 floor is active (self logit 100 masked)', 4, 6, 8, 3,
             [0, 0, 1, 2], [0, 1, 2, 0, 1, 2, 0, 1], {'alpha': 0.05, 'temperature': 0.01}, 'mean', logit_scale=30.0),
    ]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'paco.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/losses_paco.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{path}: {len(cases)} cases')


if __name__ == '__main__':
    main()
