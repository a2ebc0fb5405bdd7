#!/usr/bin/python3
"""Golden fixture for @contrastive/text's SSA / SSCL (packages/text/src/ssa/ssa-math.ts, hrs-map.ts, metrics.ts).

Run with Debian's PyTorch and scikit-learn (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/text_sscl.py

Written independently of the TypeScript, as the official code (tshi04/AspDecSSCL) writes it with torch modules:
  - SSA (`model_sscl.py` build_encoder): emb masked, masked mean (+1e-20), `attn_kernel = nn.Linear(d, d)`,
    u = mean @ kernel(emb)^T, smooth_factor * tanh, masked_fill(mask == 0, -1e20), softmax, ctx = attn @ emb;
  - reconstruction: softmax(nn.Linear(d, K)(ctx)) @ A;
  - loss: score_pos = cos(r_i, z_i); negatives = the batch rotated 1..N times, each rotation RE-ENCODED through the
    encoder as the code does (the N-th rotation is the identity); loss = mean(-pos + log(sum exp(neg)));
  - orthogonality (`model_sscl_base.py` build_pipelines): A repeated N times, row-normalised (+1e-20),
    (A A^T - I).norm(p=2) over the whole [N, K, K] tensor, times (0.1 + warmup_step / global_steps);
  - gradients of the total w.r.t. attn_kernel.weight/bias, asp_weight.weight/bias and A;
  - the mean-of-embeddings baseline (ctx = masked mean) with the same loss;
  - sklearn f1_score(average='macro') and accuracy_score on label lists;
  - the Noam warm-up learning rate of LeafNATS/engines/end2end_large.py.
Inputs are drawn with a fixed seed and rounded to float32 (what the TypeScript reads); arithmetic is float64.
Writes packages/text/src/__fixtures__/text-sscl.json.
"""
import json
import os

import torch
from sklearn.metrics import accuracy_score, f1_score

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'text', 'src', '__fixtures__')
GEN = torch.Generator().manual_seed(20200918)  # arXiv 2009.09107
N, T, D, K = 4, 5, 6, 3
SMOOTH = 0.5
WARMUP = 2000
GLOBAL_STEP = 7


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def encode_ssa(emb, mask, kernel):
    emb_ = emb * mask.unsqueeze(2)
    emb_avg = torch.sum(emb_, dim=1)
    norm = torch.sum(mask, dim=1, keepdim=True) + 1e-20
    enc_ = emb_avg.div(norm.expand_as(emb_avg))
    emb_trn = kernel(emb_)
    attn_ = (enc_.unsqueeze(1) @ emb_trn.transpose(1, 2)).squeeze(1)
    logits = SMOOTH * torch.tanh(attn_)
    attn_ = logits.masked_fill(mask == 0, -1e20)
    attn_ = torch.softmax(attn_, dim=1)
    ctx_ = (attn_.unsqueeze(1) @ emb_).squeeze(1)
    return attn_, logits, ctx_


def encode_mean(emb, mask, kernel):
    emb_ = emb * mask.unsqueeze(2)
    emb_avg = torch.sum(emb_, dim=1)
    norm = torch.sum(mask, dim=1, keepdim=True) + 1e-20
    return None, None, emb_avg.div(norm.expand_as(emb_avg))


def cos(v1, v2):
    v1 = v1 / (v1.norm(p=2, dim=1, keepdim=True) + 1e-20)
    v2 = v2 / (v2.norm(p=2, dim=1, keepdim=True) + 1e-20)
    return (v1.unsqueeze(1) @ v2.unsqueeze(2)).squeeze(1).squeeze(1)


def run(encoder, table, ids, mask, kernel, asp_weight, aspects):
    emb = table[ids]
    attn, logits, ctx = encoder(emb, mask, kernel)
    p = torch.softmax(asp_weight(ctx), dim=1)
    asp_emb = aspects.unsqueeze(0).repeat(N, 1, 1)
    r = (p.unsqueeze(1) @ asp_emb).squeeze(1)
    pos = cos(r, ctx)
    negs = []
    neg_ids, neg_mask = ids, mask
    for _ in range(N):
        neg_ids = torch.cat([neg_ids[1:], neg_ids[:1]], 0)
        neg_mask = torch.cat([neg_mask[1:], neg_mask[:1]], 0)
        _, _, ctx_neg = encoder(table[neg_ids], neg_mask, kernel)
        negs.append(torch.exp(cos(r, ctx_neg)))
    neg = torch.cat(negs, 0).view(-1, N).transpose(0, 1).sum(-1)
    sscl = torch.mean(-pos + torch.log(neg))
    asp_norm = asp_emb / (asp_emb.norm(p=2, dim=2, keepdim=True) + 1e-20)
    cross = asp_norm @ asp_norm.transpose(1, 2)
    diff = cross - torch.eye(K).unsqueeze(0).expand_as(cross)
    ortho = diff.norm(p=2)
    weight = 0.1 + WARMUP / GLOBAL_STEP
    total = sscl + ortho * weight
    return dict(attn=attn, logits=logits, z=ctx, p=p, r=r, sscl=sscl, ortho=ortho, weight=weight, total=total)


def case(encoder_name):
    vocab = 9
    table = randn(vocab, D)
    table[0] = 0.0  # <pad>: a zero vector, as load_vocab_pretrain gives the special tokens
    lengths = [5, 3, 4, 2]
    ids = torch.zeros(N, T, dtype=torch.long)
    for i, n in enumerate(lengths):
        ids[i, :n] = torch.randint(1, vocab, (n,), generator=GEN)
    mask = (ids != 0).to(torch.float64)
    kernel = torch.nn.Linear(D, D)
    asp_weight = torch.nn.Linear(D, K)
    with torch.no_grad():
        kernel.weight.copy_(randn(D, D, scale=0.5))
        kernel.bias.copy_(randn(D, scale=0.1))
        asp_weight.weight.copy_(randn(K, D, scale=0.5))
        asp_weight.bias.copy_(randn(K, scale=0.1))
    aspects = torch.nn.Parameter(randn(K, D))
    enc = encode_ssa if encoder_name == 'ssa' else encode_mean
    out = run(enc, table, ids, mask, kernel, asp_weight, aspects)
    out['total'].backward()
    res = {
        'encoder': encoder_name, 'N': N, 'T': T, 'D': D, 'K': K, 'smoothFactor': SMOOTH,
        'warmupStep': WARMUP, 'globalStep': GLOBAL_STEP,
        'table': tolist(table), 'ids': tolist(ids), 'mask': tolist(mask),
        'W': tolist(kernel.weight), 'b': tolist(kernel.bias),
        'Wa': tolist(asp_weight.weight), 'ba': tolist(asp_weight.bias), 'A': tolist(aspects),
        'z': tolist(out['z']), 'p': tolist(out['p']), 'r': tolist(out['r']),
        'sscl': out['sscl'].item(), 'ortho': out['ortho'].item(), 'orthoWeight': out['weight'],
        'total': out['total'].item(),
        'grad': {'A': tolist(aspects.grad), 'Wa': tolist(asp_weight.weight.grad), 'ba': tolist(asp_weight.bias.grad)},
    }
    if encoder_name == 'ssa':
        res['alpha'] = tolist(out['attn'])
        res['logits'] = tolist(out['logits'])
        res['grad']['W'] = tolist(kernel.weight.grad)
        res['grad']['b'] = tolist(kernel.bias.grad)
    return res


def f1_cases():
    cases = []
    g = torch.Generator().manual_seed(7)
    names = ['use::editing', 'use::viewing', 'use::gameplaying', 'none', 'use::storing']
    for n, k_true, k_pred in [(12, 3, 3), (30, 5, 4), (20, 2, 5), (8, 4, 4)]:
        gold = [names[i] for i in torch.randint(0, k_true, (n,), generator=g).tolist()]
        noise = [names[i] for i in torch.randint(0, k_pred, (n,), generator=g).tolist()]
        keep = torch.rand(n, generator=g).tolist()
        pred = [gd if u < 0.5 else nz for gd, nz, u in zip(gold, noise, keep)]
        cases.append({'gold': gold, 'pred': pred, 'macroF1': f1_score(gold, pred, average='macro'),
                      'accuracy': accuracy_score(gold, pred)})
    cases.append({'gold': ['a', 'a', 'b'], 'pred': ['a', 'a', 'b'], 'macroF1': f1_score(['a', 'a', 'b'], ['a', 'a', 'b'], average='macro'),
                  'accuracy': 1.0})
    return cases


def noam(step, warmup=2000, model_size=100000):
    return 2.0 * (model_size ** (-0.5) * min(step ** (-0.5), step * warmup ** (-1.5)))


fixture = {
    'cases': [case('ssa'), case('mean')],
    'f1': f1_cases(),
    'noam': [{'step': s, 'lr': noam(s)} for s in [1, 10, 1999, 2000, 2001, 10000]],
}
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'text-sscl.json'), 'w') as f:
    json.dump(fixture, f, indent=1)
    f.write('\n')
print('wrote', os.path.join(OUT, 'text-sscl.json'))
