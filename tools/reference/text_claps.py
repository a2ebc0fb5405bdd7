#!/usr/bin/python3
"""Golden fixture for CLAPS in @contrastive/text (packages/text/src/__fixtures__/text-claps.json).

Run with Debian's PyTorch (not the pyenv python on PATH):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \
        /usr/bin/python3 tools/reference/text_claps.py

Written from the official code (seanie12/CLAPS, src/{nmt,summarization,qg}/models.py: forward(adv=True),
generate_adv, generate_cont_adv, avg_pool), independently of the TypeScript, with torch's own modules
(nn.CosineSimilarity, nn.CrossEntropyLoss(ignore_index=-100), nn.KLDivLoss(reduction='sum')):

  - `h_dec` is the code's `sequence_output` AFTER its `model_dim ** -0.5` rescale, and `lm_head` is a bias-free
    Linear whose weight is the tied embedding E [V, d]: clean logits = lm_head(h_dec);
  - projection = Sequential(Linear(d, d), ReLU()) shared by both sides, avg_pool = masked mean;
  - imposter: grad of the NLL w.r.t. detached h_dec, normalised per token (+1e-12), h + neg_eps * g;
  - distant target: grad of InfoNCE(cos/tau) w.r.t. detached h_dec (per-token normalised), h_bar = h + eps * g;
    KL(softmax(clean) * mask || log_softmax(lm_head(h_bar))) summed / dec_mask.sum(); h_hat = h_bar - eps * g_kl;
  - L1 = CE(cat([S, adv_sim], 1) / tau), L2 = CE(cat([S with diag <- pos_sim, adv_sim], 1)) -- the official code has
    no / tau on L2 ("official_l2"); the default of the TypeScript divides by tau. L = nll + (L1 + L2) / 2.
  - ablations (no code in the repository; from the paper): 'no-imposter' drops the adv_sim column of L1 and L2,
    'no-distant' uses L1 alone.

Differences from the code on purpose: the perturbations use torch.autograd.grad instead of .backward(), so no
gradient leaks into the projection or E from generate_cont_adv (the TypeScript does not reproduce that leak).
Inputs are drawn with a fixed seed and rounded to float32; the arithmetic is float64. The gradients are of the
total loss w.r.t. h_enc, h_dec, W, b, E, with the perturbed states detached.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'text', 'src', '__fixtures__')
GEN = torch.Generator().manual_seed(20210503)  # ICLR 2021


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).to(torch.float64)


def tolist(t):
    return t.detach().cpu().tolist()


def avg_pool(hidden_states, mask):
    length = torch.sum(mask, 1, keepdim=True).double()
    mask = mask.unsqueeze(2)
    hidden = hidden_states.masked_fill(mask == 0, 0.0)
    return torch.sum(hidden, 1) / length


class Claps:
    def __init__(self, W, b, E, tau, neg_eps, pos_eps):
        self.W, self.b, self.E = W, b, E
        self.tau, self.neg_eps, self.pos_eps = tau, neg_eps, pos_eps

    def projection(self, h):
        return F.relu(F.linear(h, self.W, self.b))

    def lm_head(self, h):
        return F.linear(h, self.E)

    def generate_adv(self, dec_hiddens, lm_labels):
        dec_hiddens = dec_hiddens.detach().requires_grad_(True)
        lm_logits = self.lm_head(dec_hiddens)
        loss = nn.CrossEntropyLoss(ignore_index=-100)(lm_logits.view(-1, lm_logits.size(-1)), lm_labels.view(-1))
        (dec_grad,) = torch.autograd.grad(loss, dec_hiddens)
        dec_grad = dec_grad / (torch.norm(dec_grad, dim=-1).unsqueeze(-1) + 1e-12)
        return (dec_hiddens + self.neg_eps * dec_grad).detach()

    def generate_cont_adv(self, enc_hiddens, enc_mask, dec_hiddens, dec_mask, lm_logits, tau, eps):
        enc_hiddens = enc_hiddens.detach()
        dec_hiddens = dec_hiddens.detach().requires_grad_(True)
        lm_logits = lm_logits.detach()
        W, b = self.W.detach(), self.b.detach()
        avg_enc = avg_pool(F.relu(F.linear(enc_hiddens, W, b)), enc_mask)
        avg_dec = avg_pool(F.relu(F.linear(dec_hiddens, W, b)), dec_mask)
        logits = nn.CosineSimilarity(dim=-1)(avg_enc.unsqueeze(1), avg_dec.unsqueeze(0)) / tau
        loss = nn.CrossEntropyLoss()(logits, torch.arange(avg_enc.size(0)))
        (dec_grad,) = torch.autograd.grad(loss, dec_hiddens)
        dec_grad = dec_grad / (torch.norm(dec_grad, dim=-1).unsqueeze(-1) + 1e-12)
        shifted = (dec_hiddens + eps * dec_grad).detach().requires_grad_(True)
        perturb_logits = F.linear(shifted, self.E.detach())
        true_probs = F.softmax(lm_logits, -1) * dec_mask.unsqueeze(-1).double()
        perturb_log_probs = F.log_softmax(perturb_logits, -1)
        v = lm_logits.size(-1)
        kl = nn.KLDivLoss(reduction='sum')(perturb_log_probs.view(-1, v), true_probs.view(-1, v))
        kl = kl / torch.sum(dec_mask).double()
        (kl_grad,) = torch.autograd.grad(kl, shifted)
        kl_grad = kl_grad / (torch.norm(kl_grad, dim=-1).unsqueeze(-1) + 1e-12)
        return shifted.detach(), (shifted - eps * kl_grad).detach(), kl.detach()

    def kl_of(self, clean, h, dec_mask):
        p = F.softmax(self.lm_head(clean), -1) * dec_mask.unsqueeze(-1).double()
        lq = F.log_softmax(self.lm_head(h), -1)
        v = lq.size(-1)
        return nn.KLDivLoss(reduction='sum')(lq.view(-1, v), p.view(-1, v)) / torch.sum(dec_mask).double()

    def nll_of(self, h, lm_labels):
        logits = self.lm_head(h)
        return nn.CrossEntropyLoss(ignore_index=-100)(logits.view(-1, logits.size(-1)), lm_labels.view(-1))

    def forward(self, h_enc, enc_mask, h_dec, dec_mask, lm_labels, variant='claps', official_l2=False):
        nll = self.nll_of(h_dec, lm_labels)
        out = {'nll': nll}
        if variant == 'mle':
            out['loss'] = nll
            return out
        cos = nn.CosineSimilarity(dim=-1)
        crit = nn.CrossEntropyLoss()
        avg_doc = avg_pool(self.projection(h_enc), enc_mask)
        avg_abs = avg_pool(self.projection(h_dec), dec_mask)
        sim_matrix = cos(avg_doc.unsqueeze(1), avg_abs.unsqueeze(0))
        n = h_enc.size(0)
        labels = torch.arange(n)
        cols = [sim_matrix]
        if variant != 'no-imposter':
            pert = self.generate_adv(h_dec, lm_labels)
            out['impNll'] = self.nll_of(pert, lm_labels).detach()
            adv_sim = cos(avg_doc, avg_pool(self.projection(pert), dec_mask)).unsqueeze(1)
            cols.append(adv_sim)
        l1 = crit(torch.cat(cols, 1) / self.tau, labels)
        if variant == 'no-distant':
            cont = l1
        else:
            _, pos, _ = self.generate_cont_adv(h_enc, enc_mask, h_dec, dec_mask, self.lm_head(h_dec), self.tau, self.pos_eps)
            out['distNll'] = self.nll_of(pos, lm_labels).detach()
            pos_sim = cos(avg_doc, avg_pool(self.projection(pos), dec_mask)).unsqueeze(-1)
            identity = torch.eye(n)
            new_sim = identity * pos_sim + sim_matrix.masked_fill(identity == 1, 0)
            new_logits = torch.cat([new_sim] + cols[1:], 1)
            if not official_l2:
                new_logits = new_logits / self.tau
            cont = 0.5 * (l1 + crit(new_logits, labels))
        out['cont'] = cont
        out['loss'] = nll + cont
        return out


def batch_tensors(b, s, t, d, v):
    enc_len = [s, s - 2, 3][:b]
    dec_len = [t, 2, t - 1][:b]
    enc_mask = torch.tensor([[1 if j < L else 0 for j in range(s)] for L in enc_len])
    dec_mask = torch.tensor([[1 if j < L else 0 for j in range(t)] for L in dec_len])
    labels = torch.randint(3, v, (b, t), generator=GEN)
    labels = labels * dec_mask  # pad id 0
    return {
        'hEnc': randn(b, s, d),
        'hDec': randn(b, t, d, scale=0.7),
        'encMask': enc_mask,
        'decMask': dec_mask,
        'labels': labels,
        'W': randn(d, d, scale=d ** -0.5),
        'b': randn(d, scale=0.1),
        'E': randn(v, d),
    }


def main():
    cases = []

    # 1. The contrastive loss alone, on pooled vectors.
    n, d = 4, 5
    z = {k: randn(n, d) for k in ['zx', 'zy', 'zImposter', 'zDistant']}
    for variant, official, tau in [('claps', False, 0.1), ('claps', True, 0.1), ('claps', False, 0.5),
                                   ('no-imposter', False, 0.1), ('no-imposter', True, 0.1), ('no-distant', False, 0.1)]:
        xs = {k: v.clone().requires_grad_(True) for k, v in z.items()}
        cos = nn.CosineSimilarity(dim=-1)
        crit = nn.CrossEntropyLoss()
        s = cos(xs['zx'].unsqueeze(1), xs['zy'].unsqueeze(0))
        labels = torch.arange(n)
        cols = [s]
        if variant != 'no-imposter':
            cols.append(cos(xs['zx'], xs['zImposter']).unsqueeze(1))
        l1 = crit(torch.cat(cols, 1) / tau, labels)
        if variant == 'no-distant':
            loss = l1
        else:
            eye = torch.eye(n)
            new = eye * cos(xs['zx'], xs['zDistant']).unsqueeze(-1) + s.masked_fill(eye == 1, 0)
            lg = torch.cat([new] + cols[1:], 1)
            loss = 0.5 * (l1 + crit(lg if official else lg / tau, labels))
        names = ['zx', 'zy'] + (['zImposter'] if variant != 'no-imposter' else []) + (['zDistant'] if variant != 'no-distant' else [])
        grads = torch.autograd.grad(loss, [xs[k] for k in names])
        cases.append({
            'name': f'contrastive {variant} tau={tau}' + (' officialL2' if official else ''),
            'kind': 'contrastive',
            'inputs': {k: tolist(z[k]) for k in names},
            'options': {'temperature': tau, 'variant': variant, 'officialL2': official},
            'value': loss.item(),
            'grads': {k: tolist(g) for k, g in zip(names, grads)},
        })

    # 2. Perturbations and the whole objective on fixed states.
    b, s, t, d, v = 3, 5, 4, 6, 11
    x = batch_tensors(b, s, t, d, v)
    lm_labels = x['labels'].masked_fill(x['decMask'] == 0, -100)
    for tau, neg_eps, pos_eps in [(0.1, 1.0, 3.0), (0.5, 0.3, 0.5)]:
        m = Claps(x['W'], x['b'], x['E'], tau, neg_eps, pos_eps)
        imp = m.generate_adv(x['hDec'], lm_labels)
        shifted, target, kl_shifted = m.generate_cont_adv(x['hEnc'], x['encMask'], x['hDec'], x['decMask'],
                                                          m.lm_head(x['hDec']), tau, pos_eps)
        cases.append({
            'name': f'perturbations tau={tau} epsNeg={neg_eps} epsPos={pos_eps}',
            'kind': 'perturbations',
            'inputs': {k: tolist(val) for k, val in x.items()},
            'options': {'temperature': tau, 'epsNeg': neg_eps, 'epsPos': pos_eps},
            'value': 0,
            'grads': {},
            'imposter': tolist(imp),
            'shifted': tolist(shifted),
            'target': tolist(target),
            'klShifted': kl_shifted.item(),
            'klTarget': m.kl_of(x['hDec'], target, x['decMask']).item(),
            'nllClean': m.nll_of(x['hDec'], lm_labels).item(),
            'nllImposter': m.nll_of(imp, lm_labels).item(),
        })
        for variant, official in [('claps', False), ('claps', True), ('no-imposter', False), ('no-distant', False), ('mle', False)]:
            if tau != 0.1 and variant != 'claps':
                continue
            leaves = {k: x[k].clone().requires_grad_(True) for k in ['hEnc', 'hDec', 'W', 'b', 'E']}
            mm = Claps(leaves['W'], leaves['b'], leaves['E'], tau, neg_eps, pos_eps)
            out = mm.forward(leaves['hEnc'], x['encMask'], leaves['hDec'], x['decMask'], lm_labels, variant, official)
            names = list(leaves)
            grads = torch.autograd.grad(out['loss'], [leaves[k] for k in names], allow_unused=True)
            cases.append({
                'name': f'terms {variant} tau={tau}' + (' officialL2' if official else ''),
                'kind': 'terms',
                'inputs': {k: tolist(val) for k, val in x.items()},
                'options': {'variant': variant, 'temperature': tau, 'epsNeg': neg_eps, 'epsPos': pos_eps, 'officialL2': official},
                'value': out['loss'].item(),
                'terms': {k: val.item() for k, val in out.items()},
                'grads': {k: tolist(g if g is not None else torch.zeros_like(leaves[k])) for k, g in zip(names, grads)},
            })

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'text-claps.json')
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump({'source': 'tools/reference/text_claps.py', 'torch': torch.__version__, 'cases': cases}, f)
    os.replace(tmp, path)
    print(f'wrote {len(cases)} cases to {os.path.relpath(path)}')


if __name__ == '__main__':
    main()
