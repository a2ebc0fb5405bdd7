#!/usr/bin/python3
"""Golden fixtures for @contrastive/text (packages/text/src/__fixtures__).

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/text_bert.py [--keep-checkpoint]
(--keep-checkpoint: do not rewrite tiny-bert/, only assert it is byte-identical to what would be written)

No `transformers` python package is installed here, so this file holds an independent PyTorch BERT written
from the BERT paper / Hugging Face `modeling_bert.py` layout (post-LN, exact erf GELU, additive -1e4
attention mask, HF parameter names), plus an independent safetensors writer (8-byte little-endian header
length, JSON header, raw little-endian tensors).

Writes:
- tiny-bert/config.json + tiny-bert/model.safetensors : a tiny randomly initialised BERT checkpoint
- text_bert.json : inputs (ids, mask, token types) and expected last hidden state, pooled outputs
  (cls, cls-mlp = tanh(pooler.dense(cls)), masked mean) and the gradient of sum(mean-pooled) w.r.t. the
  word-embedding matrix; `hiddenStates` (embedding output + every layer, HF `hidden_states`) and `last2avg`
  (ConSERT's evaluation pooling: mean over real tokens of the last two layers, averaged).
- text_losses.json : SimCSE (unsup, sup with hard-negative weight) and ConSERT loss values, ported from
  princeton-nlp/SimCSE simcse/models.py `cl_forward` and yym6472/ConSERT AdvCLSoftmaxLoss
  `_contrastive_loss_forward` (hidden_norm=True, LARGE_NUM=1e9, loss_a + loss_b).
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'packages', 'text', 'src', '__fixtures__')

CONFIG = {
    'architectures': ['BertModel'],
    'model_type': 'bert',
    'vocab_size': 40,
    'hidden_size': 16,
    'num_hidden_layers': 2,
    'num_attention_heads': 4,
    'intermediate_size': 32,
    'hidden_act': 'gelu',
    'hidden_dropout_prob': 0.1,
    'attention_probs_dropout_prob': 0.1,
    'max_position_embeddings': 24,
    'type_vocab_size': 2,
    'layer_norm_eps': 1e-12,
    'pad_token_id': 0,
}


def make_params(cfg, gen):
    h, i, v = cfg['hidden_size'], cfg['intermediate_size'], cfg['vocab_size']

    def rnd(*shape, std=0.2, mean=0.0):
        return (torch.randn(*shape, generator=gen) * std + mean).float()

    p = {
        'embeddings.word_embeddings.weight': rnd(v, h, std=0.5),
        'embeddings.position_embeddings.weight': rnd(cfg['max_position_embeddings'], h, std=0.5),
        'embeddings.token_type_embeddings.weight': rnd(cfg['type_vocab_size'], h, std=0.5),
        'embeddings.LayerNorm.weight': rnd(h, std=0.1, mean=1.0),
        'embeddings.LayerNorm.bias': rnd(h, std=0.1),
        'pooler.dense.weight': rnd(h, h),
        'pooler.dense.bias': rnd(h, std=0.1),
    }
    for l in range(cfg['num_hidden_layers']):
        pre = f'encoder.layer.{l}.'
        for n in ['query', 'key', 'value']:
            p[pre + f'attention.self.{n}.weight'] = rnd(h, h, std=0.3)
            p[pre + f'attention.self.{n}.bias'] = rnd(h, std=0.1)
        p[pre + 'attention.output.dense.weight'] = rnd(h, h)
        p[pre + 'attention.output.dense.bias'] = rnd(h, std=0.1)
        p[pre + 'attention.output.LayerNorm.weight'] = rnd(h, std=0.1, mean=1.0)
        p[pre + 'attention.output.LayerNorm.bias'] = rnd(h, std=0.1)
        p[pre + 'intermediate.dense.weight'] = rnd(i, h)
        p[pre + 'intermediate.dense.bias'] = rnd(i, std=0.1)
        p[pre + 'output.dense.weight'] = rnd(h, i)
        p[pre + 'output.dense.bias'] = rnd(h, std=0.1)
        p[pre + 'output.LayerNorm.weight'] = rnd(h, std=0.1, mean=1.0)
        p[pre + 'output.LayerNorm.bias'] = rnd(h, std=0.1)
    return p


def bert_forward(p, cfg, ids, mask, types, return_states=False):
    """Independent BERT encoder forward (eval mode, no dropout). Returns the last hidden state [B, L, H], or
    with return_states=True the list of the embedding output and every layer's output (HF `hidden_states`)."""
    b, L = ids.shape
    h, nh = cfg['hidden_size'], cfg['num_attention_heads']
    dh = h // nh
    eps = cfg['layer_norm_eps']
    pos = torch.arange(L).unsqueeze(0).expand(b, L)
    x = p['embeddings.word_embeddings.weight'][ids] + p['embeddings.position_embeddings.weight'][pos] \
        + p['embeddings.token_type_embeddings.weight'][types]
    x = F.layer_norm(x, (h,), p['embeddings.LayerNorm.weight'], p['embeddings.LayerNorm.bias'], eps)
    ext = (1.0 - mask.float())[:, None, None, :] * -10000.0
    states = [x]
    for l in range(cfg['num_hidden_layers']):
        pre = f'encoder.layer.{l}.'

        def lin(t, name):
            return t @ p[pre + name + '.weight'].t() + p[pre + name + '.bias']

        def heads(t):
            return t.view(b, L, nh, dh).permute(0, 2, 1, 3)

        q, k, v = (heads(lin(x, f'attention.self.{n}')) for n in ['query', 'key', 'value'])
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh) + ext
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, L, h)
        a = F.layer_norm(lin(ctx, 'attention.output.dense') + x, (h,), p[pre + 'attention.output.LayerNorm.weight'],
                         p[pre + 'attention.output.LayerNorm.bias'], eps)
        inter = lin(a, 'intermediate.dense')
        inter = 0.5 * inter * (1.0 + torch.erf(inter / math.sqrt(2.0)))
        x = F.layer_norm(lin(inter, 'output.dense') + a, (h,), p[pre + 'output.LayerNorm.weight'],
                         p[pre + 'output.LayerNorm.bias'], eps)
        states.append(x)
    return states if return_states else x


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        t = tensors[name].contiguous().float()
        raw = struct.pack('<%df' % t.numel(), *t.flatten().tolist())
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    header['__metadata__'] = {'format': 'pt'}
    hb = json.dumps(header, separators=(',', ':')).encode('utf-8')
    hb += b' ' * ((8 - len(hb) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(hb)))
        f.write(hb)
        for raw in blobs:
            f.write(raw)


def to_list(t):
    return t.detach().flatten().tolist()


def last2avg(states, mask):
    """yym6472/ConSERT sentence_transformers/models/Pooling.py `pooling_mode_mean_last_2_tokens` (its
    evaluation-time `last2avg`): the masked token mean of all_layer_embeddings[-1] and of [-2], averaged."""
    m = mask.float().unsqueeze(-1)
    count = torch.clamp(m.sum(1), min=1e-9)
    return ((states[-1] * m).sum(1) / count + (states[-2] * m).sum(1) / count) / 2


def bert_fixture(write_checkpoint=True):
    """With write_checkpoint=False the tiny-bert folder is left untouched (the script only checks that what
    it would write is byte-identical to the committed files, which other fixtures are built from)."""
    gen = torch.Generator().manual_seed(1234)
    p = make_params(CONFIG, gen)
    ckpt = os.path.join(OUT, 'tiny-bert')
    if write_checkpoint:
        os.makedirs(ckpt, exist_ok=True)
        with open(os.path.join(ckpt, 'config.json'), 'w') as f:
            json.dump(CONFIG, f, indent=2)
        write_safetensors(os.path.join(ckpt, 'model.safetensors'), p)
    else:
        tmp = os.path.join(OUT, '.tiny-bert-check.safetensors')
        write_safetensors(tmp, p)
        with open(tmp, 'rb') as a, open(os.path.join(ckpt, 'model.safetensors'), 'rb') as b:
            same = a.read() == b.read()
        os.remove(tmp)
        with open(os.path.join(ckpt, 'config.json')) as f:
            same = same and json.load(f) == CONFIG
        assert same, 'tiny-bert/ differs from what this script generates; rerun without --keep-checkpoint'

    # 3 sequences, length 8: [CLS]=2 ... [SEP]=3, padded with 0; the third uses token type 1 for a pair.
    ids = torch.tensor([[2, 5, 9, 17, 3, 0, 0, 0],
                        [2, 11, 12, 13, 14, 15, 16, 3],
                        [2, 7, 8, 3, 21, 22, 3, 0]])
    mask = (ids != 0).long()
    types = torch.tensor([[0] * 8, [0] * 8, [0, 0, 0, 0, 1, 1, 1, 0]])
    word = p['embeddings.word_embeddings.weight'].clone().requires_grad_(True)
    p2 = dict(p)
    p2['embeddings.word_embeddings.weight'] = word
    hidden = bert_forward(p2, CONFIG, ids, mask, types)
    cls = hidden[:, 0]
    cls_mlp = torch.tanh(cls @ p['pooler.dense.weight'].t() + p['pooler.dense.bias'])
    m = mask.float().unsqueeze(-1)
    mean = (hidden * m).sum(1) / m.sum(1)
    mean.sum().backward()
    with torch.no_grad():
        states = bert_forward(p, CONFIG, ids, mask, types, return_states=True)
    return {
        'inputIds': ids.tolist(), 'attentionMask': mask.tolist(), 'tokenTypeIds': types.tolist(),
        'shape': list(hidden.shape), 'lastHiddenState': to_list(hidden),
        'cls': to_list(cls), 'clsMlp': to_list(cls_mlp), 'mean': to_list(mean),
        'gradWordEmbeddingsOfSumMean': to_list(word.grad),
        'hiddenStates': [to_list(t) for t in states],
        'last2avg': to_list(last2avg(states, mask)),
    }


def simcse_loss(z1, z2, z3, temp, hard_negative_weight):
    """princeton-nlp/SimCSE cl_forward: cos_sim = Similarity(temp); optional z3 hard negatives with a
    logit offset `hard_negative_weight` on cell (i, N + i) only."""
    cos = F.cosine_similarity(z1.unsqueeze(1), z2.unsqueeze(0), dim=-1) / temp
    if z3 is not None:
        z1_z3 = F.cosine_similarity(z1.unsqueeze(1), z3.unsqueeze(0), dim=-1) / temp
        cos = torch.cat([cos, z1_z3], 1)
        n = z1.size(0)
        weights = torch.tensor([[0.0] * (cos.size(-1) - z1_z3.size(-1)) + [0.0] * i + [hard_negative_weight]
                                + [0.0] * (z1_z3.size(-1) - i - 1) for i in range(z1_z3.size(-1))])
        cos = cos + weights
    labels = torch.arange(cos.size(0)).long()
    return F.cross_entropy(cos, labels)


def consert_loss(h1, h2, temp):
    """yym6472/ConSERT AdvCLSoftmaxLoss._contrastive_loss_forward (hidden_norm=True)."""
    LARGE_NUM = 1e9
    h1 = F.normalize(h1, p=2, dim=-1)
    h2 = F.normalize(h2, p=2, dim=-1)
    n = h1.size(0)
    labels = torch.arange(n)
    masks = F.one_hot(torch.arange(n), num_classes=n).float()
    logits_aa = h1 @ h1.t() / temp - masks * LARGE_NUM
    logits_bb = h2 @ h2.t() / temp - masks * LARGE_NUM
    logits_ab = h1 @ h2.t() / temp
    logits_ba = h2 @ h1.t() / temp
    loss_a = F.cross_entropy(torch.cat([logits_ab, logits_aa], 1), labels)
    loss_b = F.cross_entropy(torch.cat([logits_ba, logits_bb], 1), labels)
    return loss_a + loss_b


def loss_fixture():
    g = torch.Generator().manual_seed(7)
    n, d = 5, 8
    z1, z2, z3 = (torch.randn(n, d, generator=g) for _ in range(3))
    return {
        'n': n, 'd': d, 'z1': to_list(z1), 'z2': to_list(z2), 'z3': to_list(z3),
        'simcseUnsupTau005': simcse_loss(z1, z2, None, 0.05, 0.0).item(),
        'simcseSupTau005W0': simcse_loss(z1, z2, z3, 0.05, 0.0).item(),
        'simcseSupTau005W1': simcse_loss(z1, z2, z3, 0.05, 1.0).item(),
        'consertTau01': consert_loss(z1, z2, 0.1).item(),
    }


if __name__ == '__main__':
    import sys
    os.makedirs(OUT, exist_ok=True)
    fixture = bert_fixture(write_checkpoint='--keep-checkpoint' not in sys.argv)
    with open(os.path.join(OUT, 'text_bert.json'), 'w') as f:
        json.dump({'config': CONFIG, **fixture}, f)
    with open(os.path.join(OUT, 'text_losses.json'), 'w') as f:
        json.dump(loss_fixture(), f, indent=1)
    print('wrote', os.path.normpath(OUT))
