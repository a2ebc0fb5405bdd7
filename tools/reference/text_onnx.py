#!/usr/bin/python3
"""Frozen ONNX fixture for @contrastive/text (packages/text/src/__fixtures__/tiny-bert-onnx).

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/text_onnx.py

No pretrained model can be downloaded here, so this script turns the committed tiny random checkpoint
(`tiny-bert/config.json` + `tiny-bert/model.safetensors`, written by text_bert.py) into a folder that
transformers.js loads with `AutoModel.from_pretrained` / `AutoTokenizer.from_pretrained`:

- onnx/model.onnx : `torch.onnx.export` (opset 14, dynamic batch and sequence axes) of the independent
  PyTorch BERT in text_bert.py (`bert_forward`), inputs `input_ids`, `attention_mask`, `token_type_ids`
  (int64 [batch, sequence]) -> output `last_hidden_state` (float32 [batch, sequence, hidden]); these are
  the names transformers.js's BertModel feeds and reads.
- config.json : the checkpoint's config (model_type bert).
- tokenizer.json + tokenizer_config.json + vocab.txt : a WordPiece tokenizer (Hugging Face tokenizers JSON
  format, BertNormalizer + BertPreTokenizer + [CLS] A [SEP] template) over a hand-written vocabulary of
  exactly the checkpoint's vocab_size = 40 tokens ([PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4).
- reference.json : sentences, their token ids (tokenised here by an independent greedy longest-match
  WordPiece, truncated to maxLength keeping the final [SEP]) and the PyTorch pooled outputs (cls, masked
  mean, L2-normalised mean), per sentence, so the ONNX path is compared against independent values.
"""
import json
import math
import os
import struct
import sys
import unicodedata

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from text_bert import bert_forward  # noqa: E402  (independent PyTorch BERT forward)

FIX = os.path.join(HERE, '..', '..', 'packages', 'text', 'src', '__fixtures__')
SRC = os.path.join(FIX, 'tiny-bert')
OUT = os.path.join(FIX, 'tiny-bert-onnx')

# 40 tokens = the checkpoint's vocab_size. Specials first, in the order every vocabulary in the repo uses.
VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
         'the', 'a', 'cat', 'dog', 'bird', 'sat', 'on', 'mat', 'run', 'fast', 'sing', 'in', 'park', 'red',
         'big', 'small', 'is', 'and', 'tree', 'sun', 'day', 'happy', 'under', 'blue', 'walk',
         '.', ',', '!', '?', '##s', '##ed', '##ing', '##er', 'c', '##a']
assert len(VOCAB) == 40 and len(set(VOCAB)) == 40

SENTENCES = [
    'The cat sat on the mat.',
    'A dog runs fast in the park!',
    'Birds sing under a blue sky',          # 'sky' is not in the vocabulary -> [UNK]
    'Happy',
    'Is the big red tree walking, and the small bird singing?',
    'Cafe',                                 # c ##a ##f... -> no '##f' -> the whole word is [UNK]
]
# Long enough to be truncated at MAX_LENGTH tokens (the test uses the same maxLength).
LONG = 'the dog and the cat and the bird walked in the park under the sun on a happy blue day and sang'
MAX_LENGTH = 16


def read_safetensors(path):
    """Independent reader: 8-byte little-endian header length, JSON header, raw little-endian F32 data."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        assert info['dtype'] == 'F32', (name, info['dtype'])
        s, e = info['data_offsets']
        vals = struct.unpack('<%df' % ((e - s) // 4), raw[base + s:base + e])
        out[name] = torch.tensor(vals, dtype=torch.float32).reshape(info['shape'])
    return out


def basic_tokenize(text):
    """BertNormalizer (lowercase, strip accents, clean text) + BertPreTokenizer (whitespace/punctuation)."""
    text = ''.join(c for c in unicodedata.normalize('NFD', text.lower()) if unicodedata.category(c) != 'Mn')
    words, cur = [], ''
    for c in text:
        if c.isspace():
            if cur:
                words.append(cur)
            cur = ''
        elif unicodedata.category(c).startswith('P') or (33 <= ord(c) <= 47) or (58 <= ord(c) <= 64) \
                or (91 <= ord(c) <= 96) or (123 <= ord(c) <= 126):
            if cur:
                words.append(cur)
            words.append(c)
            cur = ''
        else:
            cur += c
    if cur:
        words.append(cur)
    return words


def wordpiece(word, vocab):
    """Greedy longest-match-first WordPiece (BERT); a word with an unmatched piece becomes [UNK]."""
    pieces, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = word[start:end] if start == 0 else '##' + word[start:end]
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return ['[UNK]']
        pieces.append(cur)
        start = end
    return pieces


def encode(text, max_length):
    index = {t: i for i, t in enumerate(VOCAB)}
    toks = [p for w in basic_tokenize(text) for p in wordpiece(w, index)]
    ids = [2] + [index[t] for t in toks] + [3]
    truncated = len(ids) > max_length
    if truncated:
        ids = ids[:max_length - 1] + [3]
    return ids, truncated


class OnnxBert(torch.nn.Module):
    """`bert_forward` with the checkpoint's weights as buffers (they become ONNX initializers)."""

    def __init__(self, params, cfg):
        super().__init__()
        self.cfg = cfg
        self.names = sorted(params)
        for i, n in enumerate(self.names):
            self.register_buffer(f'p{i}', params[n])

    def forward(self, input_ids, attention_mask, token_type_ids):
        p = {n: getattr(self, f'p{i}') for i, n in enumerate(self.names)}
        return bert_forward(p, self.cfg, input_ids, attention_mask, token_type_ids)


def tokenizer_json():
    specials = VOCAB[:5]
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': False, 'special': True} for i, t in enumerate(specials)],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [2], 'tokens': ['[CLS]']},
                               '[SEP]': {'id': '[SEP]', 'ids': [3], 'tokens': ['[SEP]']}},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(VOCAB)}},
    }


def to_list(t):
    return [round(float(x), 7) for x in t.detach().flatten().tolist()]


def main():
    with open(os.path.join(SRC, 'config.json')) as f:
        cfg = json.load(f)
    assert cfg['vocab_size'] == len(VOCAB)
    params = read_safetensors(os.path.join(SRC, 'model.safetensors'))
    model = OnnxBert(params, cfg).eval()

    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(OUT, 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer_json(), f)
    with open(os.path.join(OUT, 'tokenizer_config.json'), 'w') as f:
        json.dump({'tokenizer_class': 'BertTokenizer', 'do_lower_case': True,
                   'model_max_length': cfg['max_position_embeddings'], 'pad_token': '[PAD]', 'unk_token': '[UNK]',
                   'cls_token': '[CLS]', 'sep_token': '[SEP]', 'mask_token': '[MASK]'}, f, indent=2)
    with open(os.path.join(OUT, 'vocab.txt'), 'w') as f:
        f.write('\n'.join(VOCAB) + '\n')

    # Export with a batch of 2 x 5; the dynamic axes let onnxruntime run any [batch, sequence].
    dummy = torch.tensor([[2, 7, 10, 3, 0], [2, 8, 13, 14, 3]])
    torch.onnx.export(
        model, (dummy, (dummy != 0).long(), torch.zeros_like(dummy)), os.path.join(OUT, 'onnx', 'model.onnx'),
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['last_hidden_state'],
        dynamic_axes={n: {0: 'batch_size', 1: 'sequence_length'} for n in
                      ['input_ids', 'attention_mask', 'token_type_ids', 'last_hidden_state']},
        opset_version=14, do_constant_folding=True)

    # Expected outputs: each sentence alone (no padding) through the independent PyTorch forward, so the
    # JS side is also checked for padding-invariance when it batches several sentences together.
    cases = []
    with torch.no_grad():
        for text in SENTENCES + [LONG]:
            ids, truncated = encode(text, MAX_LENGTH)
            t = torch.tensor([ids])
            hidden = bert_forward(params, cfg, t, torch.ones_like(t), torch.zeros_like(t))[0]
            mean = hidden.mean(0)
            cases.append({'text': text, 'inputIds': ids, 'truncated': truncated,
                          'cls': to_list(hidden[0]), 'mean': to_list(mean),
                          'meanNormalized': to_list(mean / mean.norm()),
                          'clsNormalized': to_list(hidden[0] / hidden[0].norm())})
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump({'maxLength': MAX_LENGTH, 'hiddenSize': cfg['hidden_size'], 'vocab': VOCAB, 'cases': cases}, f,
                  indent=1)
    print('wrote', os.path.normpath(OUT) + ';', len(cases), 'cases')


if __name__ == '__main__':
    main()
