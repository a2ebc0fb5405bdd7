#!/usr/bin/python3
"""Golden fixture for core's AdamW and linear warm-up/decay schedule (packages/core/src/train/adamw.ts).

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/core_adamw.py

Three parameters (a weight matrix, a bias, a LayerNorm weight) receive a fixed, seeded sequence of gradients
(the optimizer's update does not depend on where a gradient comes from). Cases:

- `torchScheduled`: torch.optim.AdamW with two parameter groups (weight decay 0.1 on the matrix, 0 on the bias
  and LayerNorm weight, as HF Trainer / sentence-transformers group them), driven by a LambdaLR that is Hugging
  Face's `get_linear_schedule_with_warmup` lambda (warm-up 2, total 6; 7 steps so the clamp at 0 is exercised).
- `torchDefaults`: torch.optim.AdamW with one group, constant lr, torch's default weight decay 0.01, other betas/eps.
- `hfNoBiasCorrection`: Hugging Face `transformers.AdamW(correct_bias=False)` (the optimizer of
  sentence-transformers and ConSERT), transcribed from transformers/optimization.py `AdamW.step` (the python
  package is not installed here), with the same groups and schedule as `torchScheduled`. HF decays the already
  updated weight (torch decays first): the script records how much that order alone changes the weights as
  `maxAbsDiffDecayOrder`, which is why the TypeScript AdamW has `variant: 'huggingface'`.
- `torchClipped`: as `torchScheduled`, with torch.nn.utils.clip_grad_norm_(params, 5.0) before every step (HF
  Trainer's and sentence-transformers' `max_grad_norm`; the gradients grow with the step, so early steps are
  not clipped and later ones are). `clipped` lists which steps were.
- `hfBiasCorrection`: the same transcription with correct_bias=True (HF Trainer's default, SimCSE's optimizer):
  eps is added before the bias correction, unlike torch.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'core', 'src', 'train', '__fixtures__')
NAMES = ['layer.dense.weight', 'layer.dense.bias', 'layer.LayerNorm.weight']
SHAPES = [[3, 4], [4], [4]]
STEPS = 7


def hf_linear_lambda(warmup, total):
    """transformers.optimization.get_linear_schedule_with_warmup.lr_lambda."""
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    return f


def inputs():
    g = torch.Generator().manual_seed(31)
    init = [torch.randn(*s, generator=g) for s in SHAPES]
    grads = [[torch.randn(*s, generator=g) * (0.5 + k) for s in SHAPES] for k in range(STEPS)]
    return init, grads


def run_torch(init, grads, lr, betas, eps, decays, wd, schedule, max_norm=None, clipped=None):
    params = [torch.nn.Parameter(t.clone()) for t in init]
    groups = [{'params': [p for p, d in zip(params, decays) if d], 'weight_decay': wd},
              {'params': [p for p, d in zip(params, decays) if not d], 'weight_decay': 0.0}]
    groups = [gr for gr in groups if gr['params']]
    opt = torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule) if schedule else None
    out, lrs = [], []
    for k in range(STEPS):
        lrs.append(opt.param_groups[0]['lr'])
        for p, gk in zip(params, grads[k]):
            p.grad = gk.clone()
        if max_norm is not None:
            total = torch.nn.utils.clip_grad_norm_(params, max_norm)
            clipped.append(bool(total.item() > max_norm))
        opt.step()
        if sched:
            sched.step()
        out.append([p.detach().flatten().tolist() for p in params])
    return out, lrs


def run_hf(init, grads, lr, betas, eps, decays, wd, schedule, correct_bias, decay_first=False):
    """transformers.optimization.AdamW.step (decay_first=True: torch's order instead)."""
    params = [t.clone() for t in init]
    m = [torch.zeros_like(t) for t in init]
    v = [torch.zeros_like(t) for t in init]
    out = []
    for k in range(STEPS):
        step_lr = lr * schedule(k)
        for i, p in enumerate(params):
            gk = grads[k][i]
            w = wd if decays[i] else 0.0
            if decay_first and w > 0:
                p.mul_(1 - step_lr * w)
            m[i].mul_(betas[0]).add_(gk, alpha=1.0 - betas[0])
            v[i].mul_(betas[1]).addcmul_(gk, gk, value=1.0 - betas[1])
            denom = v[i].sqrt().add_(eps)
            step_size = step_lr
            if correct_bias:
                step_size = step_size * math.sqrt(1.0 - betas[1] ** (k + 1)) / (1.0 - betas[0] ** (k + 1))
            p.addcdiv_(m[i], denom, value=-step_size)
            if not decay_first and w > 0:
                p.add_(p, alpha=-step_lr * w)
        out.append([p.flatten().tolist() for p in params])
    return out


def main():
    init, grads = inputs()
    decays = [True, False, False]
    sched = hf_linear_lambda(2, 6)
    scheduled, lrs = run_torch(init, grads, 0.05, (0.9, 0.999), 1e-8, decays, 0.1, sched)
    defaults, _ = run_torch(init, grads, 0.01, (0.8, 0.99), 1e-6, [True, True, True], 0.01, None)
    hf = run_hf(init, grads, 0.05, (0.9, 0.999), 1e-6, decays, 0.1, sched, False)
    hf_torch_order = run_hf(init, grads, 0.05, (0.9, 0.999), 1e-6, decays, 0.1, sched, False, decay_first=True)
    clipped = []
    torch_clipped, _ = run_torch(init, grads, 0.05, (0.9, 0.999), 1e-8, decays, 0.1, sched, max_norm=5.0, clipped=clipped)
    hf_bc = run_hf(init, grads, 0.05, (0.9, 0.999), 1e-3, decays, 0.1, sched, True)
    diff = max(abs(a - b) for s1, s2 in zip(hf, hf_torch_order) for p1, p2 in zip(s1, s2) for a, b in zip(p1, p2))
    fixture = {
        'names': NAMES, 'shapes': SHAPES, 'steps': STEPS,
        'init': [t.flatten().tolist() for t in init],
        'grads': [[t.flatten().tolist() for t in gk] for gk in grads],
        'torchScheduled': {'lr': 0.05, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 'weightDecay': 0.1,
                           'warmupSteps': 2, 'totalSteps': 6, 'noDecay': ['bias', 'LayerNorm.weight'],
                           'lrs': lrs, 'params': scheduled},
        'torchDefaults': {'lr': 0.01, 'beta1': 0.8, 'beta2': 0.99, 'eps': 1e-6, 'weightDecay': 0.01, 'params': defaults},
        'hfNoBiasCorrection': {'lr': 0.05, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-6, 'weightDecay': 0.1,
                               'warmupSteps': 2, 'totalSteps': 6, 'noDecay': ['bias', 'LayerNorm.weight'],
                               'params': hf, 'maxAbsDiffDecayOrder': diff},
        'torchClipped': {'lr': 0.05, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 'weightDecay': 0.1,
                         'warmupSteps': 2, 'totalSteps': 6, 'noDecay': ['bias', 'LayerNorm.weight'], 'maxNorm': 5.0,
                         'clipped': clipped, 'params': torch_clipped},
        'hfBiasCorrection': {'lr': 0.05, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-3, 'weightDecay': 0.1,
                             'warmupSteps': 2, 'totalSteps': 6, 'noDecay': ['bias', 'LayerNorm.weight'], 'params': hf_bc},
    }
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'core_adamw.json')
    with open(path, 'w') as f:
        json.dump(fixture, f)
    print('wrote', os.path.normpath(path), 'lrs', lrs, 'decay-order diff', diff)


if __name__ == '__main__':
    main()
