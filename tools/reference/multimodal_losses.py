#!/usr/bin/python3
"""Golden fixtures for the losses of @contrastive/multimodal: the CLIP loss and UNIMO's CMCL.

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/multimodal_losses.py

Written from the papers and the official code, independently of the TypeScript:
  - CLIP (Radford et al., "Learning Transferable Visual Models From Natural Language Supervision", ICML 2021):
    openai/CLIP clip/model.py `forward` (features / features.norm(dim=1, keepdim=True);
    logits_per_image = logit_scale.exp() * image_features @ text_features.t(); logits_per_text = its transpose)
    and the symmetric loss of mlfoundations/open_clip src/open_clip/loss.py `ClipLoss`
    ((F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2, labels = arange N).
    Reduction 'none' is the per-pair mean of the two directions, ½(CE_row_i + CE_col_i); its mean is the loss.
    Gradients w.r.t. both feature matrices and the log scale s (the parameter, not e^s).
  - CMCL (Li et al., "UNIMO", ACL 2021, arXiv 2012.15409, eq. of the cross-modal contrastive loss), as a
    per-anchor multi-positive InfoNCE over caller-given sets, written in probability space (exp, sum, log, as
    the formula reads; float64 keeps e^{1/tau} finite):
        L_i = -log( sum_{j in P_i} exp(cos(V_i, W_j)/tau) / sum_{j in C_i} exp(cos(V_i, W_j)/tau) )
    mean over the N image anchors. Symmetric: text anchors j (those with >= 1 positive image) over images with
    the transposed masks, and the loss is ½(mean over image anchors + mean over text anchors).
Inputs are drawn with a fixed seed and rounded to float32 (what the TypeScript side reads); the arithmetic is
float64. Writes packages/multimodal/src/losses/__fixtures__/clip-loss.json and cmcl-loss.json.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'multimodal', 'src', 'losses', '__fixtures__')
GEN = torch.Generator().manual_seed(20210226)  # CLIP's arXiv date

CLIP_INIT_LOG_SCALE = math.log(1 / 0.07)
CLIP_MAX_LOG_SCALE = math.log(100)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def f32(x):
    """A Python float rounded to float32, so both sides use the same number."""
    return float(torch.tensor(x, dtype=torch.float32).item())


def tolist(t):
    return t.detach().cpu().tolist()


def record(name, fn, tensors, options, extra=None):
    leaves = {k: v.clone().requires_grad_(True) for k, v in tensors.items()}
    out = fn(**leaves)
    target = out if out.dim() == 0 else out.sum()
    grads = torch.autograd.grad(target, list(leaves.values()), allow_unused=True)
    rec = {
        'name': name,
        'inputs': {k: tolist(v) for k, v in tensors.items()},
        'options': options,
        'value': tolist(out),
        'grads': {k: tolist(g if g is not None else torch.zeros_like(tensors[k])) for k, g in zip(leaves, grads)},
    }
    if extra:
        rec.update(extra)
    return rec


def write(fname, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, fname)
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/reference/multimodal_losses.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{path}: {len(cases)} cases')


# ---------------------------------------------------------------------------------------------------------
# CLIP
def clip_loss(image, text, logScale, reduction='mean'):
    # openai/CLIP model.py: normalise with the plain norm (no eps), logits scaled by exp(logit_scale).
    image_features = image / image.norm(dim=1, keepdim=True)
    text_features = text / text.norm(dim=1, keepdim=True)
    logit_scale = logScale.exp()
    logits_per_image = logit_scale * image_features @ text_features.t()
    logits_per_text = logits_per_image.t()
    labels = torch.arange(image.shape[0])
    if reduction == 'mean':
        # open_clip ClipLoss
        return (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2
    per_row = F.cross_entropy(logits_per_image, labels, reduction='none')
    per_col = F.cross_entropy(logits_per_text, labels, reduction='none')
    return (per_row + per_col) / 2


def gen_clip():
    cases = []
    scales = [('init', CLIP_INIT_LOG_SCALE), ('clamp', CLIP_MAX_LOG_SCALE), ('zero', 0.0), ('1.3', 1.3)]
    for n, d in [(2, 3), (4, 5), (8, 16)]:
        image, text = randn(n, d), randn(n, d)
        for label, s in scales:
            s32 = torch.tensor(f32(s))
            cases.append(record(f'N={n} d={d} logScale={label}', clip_loss,
                                {'image': image, 'text': text, 'logScale': s32}, {'reduction': 'mean'}))
    # Non-normalised inputs: rows of very different norms (x 30, x 0.02) — only directions matter.
    image = randn(5, 6) * torch.tensor([30.0, 0.02, 1.0, 7.0, 0.5])[:, None]
    text = randn(5, 6) * torch.tensor([0.1, 12.0, 3.0, 1.0, 0.05])[:, None]
    image, text = image.float().double(), text.float().double()
    for label, s in scales[:2]:
        cases.append(record(f'non-normalised rows N=5 d=6 logScale={label}', clip_loss,
                            {'image': image, 'text': text, 'logScale': torch.tensor(f32(s))}, {'reduction': 'mean'}))
    # Matched pairs with noise at the clamp: large logits (scale 100), a loss of order 1.
    image = randn(6, 8)
    text = (image + 2.0 * randn(6, 8)).float().double()
    cases.append(record('aligned pairs N=6 logScale=clamp', clip_loss,
                        {'image': image, 'text': text, 'logScale': torch.tensor(f32(CLIP_MAX_LOG_SCALE))},
                        {'reduction': 'mean'}))
    # Per-pair values.
    image, text = randn(4, 3), randn(4, 3)
    cases.append(record('N=4 d=3 logScale=init none', lambda image, text, logScale: clip_loss(image, text, logScale, 'none'),
                        {'image': image, 'text': text, 'logScale': torch.tensor(f32(CLIP_INIT_LOG_SCALE))},
                        {'reduction': 'none'}))
    write('clip-loss.json', cases)


# ---------------------------------------------------------------------------------------------------------
# CMCL
def cmcl_loss(images, texts, temperature, positive, candidate, symmetric):
    v = images / images.norm(dim=1, keepdim=True)
    w = texts / texts.norm(dim=1, keepdim=True)
    e = torch.exp((v @ w.t()) / temperature)  # [N, M], probability space
    n, m = e.shape
    image_terms = []
    for i in range(n):
        num = sum(e[i, j] for j in range(m) if positive[i][j])
        den = sum(e[i, j] for j in range(m) if candidate[i][j])
        image_terms.append(-torch.log(num / den))
    image_loss = torch.stack(image_terms).mean()
    if not symmetric:
        return image_loss
    text_terms = []
    for j in range(m):
        if not any(positive[i][j] for i in range(n)):
            continue  # a text with no positive image (a hard-negative rewrite) is not an anchor
        num = sum(e[i, j] for i in range(n) if positive[i][j])
        den = sum(e[i, j] for i in range(n) if candidate[i][j])
        text_terms.append(-torch.log(num / den))
    return (image_loss + torch.stack(text_terms).mean()) / 2


def gen_cmcl():
    cases = []

    def add(name, images, texts, temperature, positive, candidate, symmetric, tau_as_input=False):
        options = {'symmetric': symmetric}
        extra = {'positiveMask': positive}
        if candidate is not None:
            extra['candidateMask'] = candidate
        cand = candidate if candidate is not None else [[1] * len(positive[0]) for _ in positive]
        if tau_as_input:
            cases.append(record(name, lambda images, texts, temperature: cmcl_loss(images, texts, temperature, positive, cand, symmetric),
                                {'images': images, 'texts': texts, 'temperature': torch.tensor(f32(temperature))},
                                options, extra))
        else:
            options['temperature'] = temperature
            cases.append(record(name, lambda images, texts: cmcl_loss(images, texts, temperature, positive, cand, symmetric),
                                {'images': images, 'texts': texts}, options, extra))

    # 1. One positive per row, all candidates: the image->text direction of CLIP's loss at scale 1/tau.
    images, texts = randn(4, 5), randn(4, 5)
    eye = [[int(i == j) for j in range(4)] for i in range(4)]
    add('one positive per row, all candidates', images, texts, 0.07, eye, None, False)
    add('one positive per row, all candidates, symmetric', images, texts, 0.07, eye, None, True)

    # 2. A UNIMO-like batch: N = 3 images; M = 3 captions + 2 positive rewrites (of images 0 and 2)
    #    + 3 hard-negative rewrites (of images 0, 1, 2) + 1 retrieved weak positive text (of image 1).
    #    Columns: 0..2 captions, 3 = rewrite+ of 0, 4 = rewrite+ of 2, 5..7 = rewrite- of 0..2, 8 = retrieved for 1.
    n, m = 3, 9
    images, texts = randn(n, 6), randn(m, 6)
    positive = [[0] * m for _ in range(n)]
    for i in range(n):
        positive[i][i] = 1
    positive[0][3] = 1
    positive[2][4] = 1
    positive[1][8] = 1
    # Candidates: every caption and every positive (all images see them), but each image's hard negatives
    # only in its own denominator (a rewrite of image k's caption is a negative for k, not a sample for others).
    candidate = [[1] * m for _ in range(n)]
    for i in range(n):
        for k in range(n):
            if k != i:
                candidate[i][5 + k] = 0
    for tau in [0.07, 0.2]:
        add(f'UNIMO-like sets tau={tau}', images, texts, tau, positive, candidate, False)
        add(f'UNIMO-like sets tau={tau} symmetric', images, texts, tau, positive, candidate, True)
    add('UNIMO-like sets, all candidates, tau=0.1', images, texts, 0.1, positive, None, False)
    add('UNIMO-like sets tau as a tensor (gradient w.r.t. tau)', images, texts, 0.1, positive, candidate, False,
        tau_as_input=True)

    # 3. Non-normalised rows and a small temperature.
    images = (randn(4, 3) * torch.tensor([20.0, 0.03, 1.0, 5.0])[:, None]).float().double()
    texts = (randn(6, 3) * torch.tensor([0.2, 9.0, 1.0, 1.0, 0.01, 3.0])[:, None]).float().double()
    positive = [[1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 1]]
    add('non-normalised rows, two positives for some anchors, tau=0.03', images, texts, 0.03, positive, None, False)
    add('non-normalised rows, symmetric, tau=0.03', images, texts, 0.03, positive, None, True)
    write('cmcl-loss.json', cases)


if __name__ == '__main__':
    gen_clip()
    gen_cmcl()
