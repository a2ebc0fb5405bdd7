#!/usr/bin/python3
"""Golden fixture for @contrastive/text's BLEU and ROUGE (packages/text/src/seq2seq/metrics), independent of the
TypeScript code.

Neither sacrebleu nor rouge-score is packaged in Debian bookworm (`apt-cache policy python3-sacrebleu
python3-rouge-score`: no candidate), and only the npm registry and apt are reachable here. So this script is a
second, independent implementation written from the definitions, and it cross-checks itself against NLTK
(Debian `python3-nltk` 3.8-1):

    apt-get install -y python3-nltk
    /usr/bin/python3 tools/reference/text_seq2seq_metrics.py

BLEU (Papineni et al., 2002), with sacrebleu 2.x's defaults (sacrebleu/compat.py corpus_bleu, sentence_bleu;
sacrebleu/metrics/bleu.py BLEU.compute_bleu):
  - tokenizer '13a' = mteval-v13a.pl (sacrebleu/tokenizers/tokenizer_13a.py and tokenizer_re.py); the segment is
    right-stripped first (bleu.py _preprocess_segment) and whitespace is Python's str.split() set;
  - clipped n-gram counts, n = 1..4; with several references the clip is the max count over references;
  - brevity penalty exp(1 - r/c) when c < r, r = the reference length closest to c, ties to the shorter;
  - smoothing 'exp' (Chen & Cherry 2014 method 3, NIST): the k-th order with no match gets 1 / (2^k * total);
    also 'none', 'floor' (0.1) and 'add-k' (1);
  - an order with no hypothesis n-gram stops the loop, and a zero precision enters the mean as log = -9999999999
    (sacrebleu/utils.py my_log), i.e. BLEU 0 unless effective order is on;
  - sentence BLEU = the same on one segment with effective order (use the orders up to the last one the hypothesis
    has n-grams of).
  Cross-check: nltk.translate.bleu_score.corpus_bleu on the same 13a tokens equals the no-smoothing BLEU and, with
  SmoothingFunction().method3, the 'exp' BLEU, whenever every order has at least one hypothesis n-gram (NLTK then
  divides by max(1, total) instead of stopping). Checked to 1e-9 (0-100 scale); the case records `nltk`.

ROUGE (Lin, 2004) as Google's rouge-score computes it (rouge_score/rouge_scorer.py, tokenize.py):
  - lowercase, every run of characters outside [a-z0-9] becomes a space, split; with the stemmer, NLTK's
    PorterStemmer() (mode NLTK_EXTENSIONS) on tokens longer than 3 characters;
  - ROUGE-N: clipped n-gram overlap / max(count, 1) for precision (prediction) and recall (target);
  - ROUGE-L: LCS length / length, 0 when either side is empty; F = 2PR / (P + R), 0 when P + R = 0.
  The stems NLTK gives for every token are written out, so the TypeScript test can inject exactly this stemmer.

Writes packages/text/src/__fixtures__/text_seq2seq_metrics.json.
"""
import json
import math
import os
import re
from collections import Counter

import warnings

import nltk
from nltk.stem import porter
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu as nltk_corpus_bleu

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'text', 'src', '__fixtures__',
                   'text_seq2seq_metrics.json')

# (hypothesis, [references]) — each exercises something the tokenizers or the formula treat specially.
PAIRS = [
    ('basic', 'The cat sat on the mat.', ['The cat is sitting on the mat.']),
    ('identical', 'The quick brown fox jumps over the lazy dog.', ['The quick brown fox jumps over the lazy dog.']),
    ('empty-hypothesis', '', ['A reference that is not empty.']),
    ('no-4gram-match', 'the cat sat near the dog and the bird', ['the dog sat near the cat but the fish']),
    ('papineni-multi-ref', 'It is a guide to action which ensures that the military always obeys the commands of the party.',
     ['It is a guide to action that ensures that the military will forever heed Party commands.',
      'It is the guiding principle which guarantees the military forces always being under the command of the Party.',
      'It is the practical guide for the army always to heed the directions of the party.']),
    ('numbers-us', 'The price rose 3.5% to $1,000.50 in the U.S. on Friday.',
     ['In the U.S., prices rose by 3.5 percent to $1,000 on Friday.']),
    ('hyphens', 'state-of-the-art models cost 10-20 dollars, e-mail me', ['state of the art models cost 10 - 20 dollars; email me']),
    ('unicode', 'Café naïve – résumé “quoted” 東京 😀. İstanbul Kelvin \u212a', ['Cafe naive resume "quoted" 東京. Istanbul kelvin K']),
    ('html-entities', 'Tom &amp; Jerry &quot;fight&quot; &lt;again&gt; <skipped>', ['Tom & Jerry "fight" <again>']),
    ('short-identical', 'Good morning.', ['Good morning.']),
    ('case', 'THE CAT SAT ON THE MAT', ['the cat sat on the mat']),
    ('contractions', "Don't stop; it's fine!", ["Do not stop, it is fine."]),
    ('clipping-long', 'the the the the the the the', ['the cat is on the mat', 'there is a cat on the mat']),
    ('whitespace', '  leading\tand trailing\u2003whitespace \u00a0 inter-\nnational \x1c here \n',
     ['leading and trailing whitespace international here']),
    ('length-tie', 'one two three four five', ['one two three four', 'one two three four five six']),
    ('no-overlap', 'completely different words here now', ['nothing overlaps with that sentence']),
    ('brackets-slash', 'input/output (I/O) [see §2]: a{b}c ~x @y', ['input / output ( I / O ) [ see § 2 ] : a { b } c']),
    ('empty-reference', 'a hypothesis against nothing', ['']),
    # NLTK's Porter and Porter2 (wink, the TypeScript default stemmer) disagree on 'quickly' and 'generously'.
    ('stemmer-divergence', 'He quickly and generously fixed the running servers', ['a quick and generous fix runs on the server']),
]

# --- BLEU -----------------------------------------------------------------------------------------------------
PY_WS = '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008' \
        '\u2009\u200a\u2028\u2029\u202f\u205f\u3000'
assert sorted(PY_WS) == sorted(chr(c) for c in range(0x110000) if chr(c).isspace())

V13A = [
    (re.compile(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])'), r' \1 '),  # symbols except ' , - . and digits/letters
    (re.compile(r'([^0-9])([\.,])'), r'\1 \2 '),  # period and comma unless preceded by a digit
    (re.compile(r'([\.,])([^0-9])'), r' \1 \2'),  # period and comma unless followed by a digit
    (re.compile(r'([0-9])(-)'), r'\1 \2 '),  # dash after a digit
]


def tokenize_13a(line):
    line = line.replace('<skipped>', '').replace('-\n', '').replace('\n', ' ')
    if '&' in line:
        line = line.replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>')
    line = f' {line} '
    for pattern, repl in V13A:
        line = pattern.sub(repl, line)
    return line.split()


def prepare(text, opts):
    if opts['lowercase']:
        text = text.lower()
    text = text.rstrip()
    return tokenize_13a(text) if opts['tokenize'] == '13a' else text.split()


def ngram_counts(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def segment_stats(hyp, refs, opts):
    """(hyp_len, closest ref_len, matches[n], totals[n]) of one segment."""
    N = opts['maxNgramOrder']
    h = prepare(hyp, opts)
    rs = [prepare(r, opts) for r in refs]
    ref_len = min((len(r) for r in rs), key=lambda L: (abs(L - len(h)), L))
    matches, totals = [], []
    for n in range(1, N + 1):
        hc = ngram_counts(h, n)
        clip = Counter()
        for r in rs:
            clip |= ngram_counts(r, n)  # Counter union = elementwise max
        matches.append(sum(min(c, clip[g]) for g, c in hc.items()))
        totals.append(sum(hc.values()))
    return len(h), ref_len, matches, totals, h, rs


def bleu_from_stats(sys_len, ref_len, matches, totals, opts):
    N = opts['maxNgramOrder']
    method = opts['smoothMethod']
    value = opts['smoothValue'] if opts['smoothValue'] is not None else {'floor': 0.1, 'add-k': 1}.get(method)
    bp = 1.0 if sys_len >= ref_len else (math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0)
    precisions = [0.0] * N
    if sum(matches) == 0:
        return 0.0, precisions, bp
    k = 0  # how many orders have been exp-smoothed so far
    order = N
    for n in range(1, N + 1):
        m, t = matches[n - 1], totals[n - 1]
        if method == 'add-k' and n > 1:
            m, t = m + value, t + value
        if t == 0:
            break
        if opts['effectiveOrder']:
            order = n
        if m == 0:
            if method == 'exp':
                k += 1
                precisions[n - 1] = 100 / (2 ** k * t)
            elif method == 'floor':
                precisions[n - 1] = 100 * value / t
        else:
            precisions[n - 1] = 100 * m / t
    logs = [math.log(p) if p != 0 else -9999999999 for p in precisions[:order]]
    return bp * math.exp(sum(logs) / order), precisions, bp


DEFAULTS = {'smoothMethod': 'exp', 'smoothValue': None, 'lowercase': False, 'tokenize': '13a',
            'maxNgramOrder': 4, 'effectiveOrder': False}


def corpus(pairs, opts):
    o = {**DEFAULTS, **opts}
    N = o['maxNgramOrder']
    sys_len = ref_len = 0
    matches, totals = [0] * N, [0] * N
    toks = []
    for _, hyp, refs in pairs:
        hl, rl, m, t, h, rs = segment_stats(hyp, refs, o)
        sys_len += hl
        ref_len += rl
        matches = [a + b for a, b in zip(matches, m)]
        totals = [a + b for a, b in zip(totals, t)]
        toks.append((h, rs))
    score, precisions, bp = bleu_from_stats(sys_len, ref_len, matches, totals, o)
    result = {'score': score, 'precisions': precisions, 'bp': bp, 'sysLen': sys_len, 'refLen': ref_len,
              'counts': matches, 'totals': totals}
    # Second opinion from NLTK, where its definition coincides: NLTK divides each segment's clipped count by
    # max(1, total), so every segment must have n-grams of every order.
    nltk_score = None
    if o['smoothMethod'] in ('none', 'exp') and not o['effectiveOrder'] and all(len(h) >= N for h, _ in toks):
        smoothing = SmoothingFunction().method3 if o['smoothMethod'] == 'exp' else None
        weights = tuple([1 / N] * N)
        nltk_score = 100 * nltk_corpus_bleu([rs for _, rs in toks], [h for h, _ in toks], weights=weights,
                                            smoothing_function=smoothing)
        assert abs(nltk_score - score) < 1e-9, (opts, nltk_score, score)
    return result, nltk_score


# --- ROUGE ----------------------------------------------------------------------------------------------------
warnings.filterwarnings('ignore', category=UserWarning, module='nltk')  # its 'BLEU evaluates to 0' notes
STEMMER = porter.PorterStemmer()  # rouge-score's choice; default mode NLTK_EXTENSIONS
STEMS = {}


def rouge_tokens(text, stem):
    tokens = re.findall(r'[a-z0-9]+', text.lower())
    if stem:
        out = []
        for t in tokens:
            if len(t) > 3:
                STEMS[t] = STEMMER.stem(t)
                out.append(STEMS[t])
            else:
                out.append(t)
        tokens = [t for t in out if re.fullmatch(r'[a-z0-9]+', t)]
    return tokens


def prf(overlap, n_pred, n_target):
    p = overlap / n_pred if n_pred else 0.0
    r = overlap / n_target if n_target else 0.0
    return {'precision': p, 'recall': r, 'f1': 2 * p * r / (p + r) if p + r > 0 else 0.0}


def lcs_length(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a)):
        for j in range(len(b)):
            table[i + 1][j + 1] = table[i][j] + 1 if a[i] == b[j] else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def rouge(hyp, ref, stem, types):
    h, r = rouge_tokens(hyp, stem), rouge_tokens(ref, stem)
    out = {}
    for name in types:
        if name == 'rougeL':
            out[name] = prf(lcs_length(h, r), len(h), len(r)) if h and r else prf(0, 0, 0)
        else:
            n = int(name[5:])
            hc, rc = ngram_counts(h, n), ngram_counts(r, n)
            out[name] = prf(sum((hc & rc).values()), sum(hc.values()), sum(rc.values()))
    return out


def mean_scores(rows, types):
    return {t: {k: sum(row[t][k] for row in rows) / len(rows) for k in ('precision', 'recall', 'f1')} for t in types}


def main():
    corpus_options = [
        {}, {'smoothMethod': 'none'}, {'smoothMethod': 'floor'}, {'smoothMethod': 'floor', 'smoothValue': 0.5},
        {'smoothMethod': 'add-k'}, {'smoothMethod': 'add-k', 'smoothValue': 2}, {'lowercase': True},
        {'tokenize': 'none'}, {'effectiveOrder': True}, {'maxNgramOrder': 2}, {'maxNgramOrder': 6},
    ]
    corpus_cases = []
    for opts in corpus_options:
        result, nltk_score = corpus(PAIRS, opts)
        corpus_cases.append({'options': opts, 'result': result, 'nltk': nltk_score})
    # Sub-corpora: the classic multi-reference example alone, and everything but the edge cases.
    # `long` = every segment with at least 4 hypothesis tokens, where NLTK's definition coincides.
    long_ids = [pid for pid, h, _ in PAIRS if len(tokenize_13a(h.rstrip())) >= 4]
    # `sparse` = segments where some order has no match, so the smoothing methods give different corpus scores.
    subsets = {'papineni+basic': ['papineni-multi-ref', 'basic'], 'long': long_ids,
               'sparse': ['no-4gram-match', 'unicode', 'contractions', 'clipping-long']}
    subset_cases = []
    for name, ids in subsets.items():
        chosen = [p for p in PAIRS if p[0] in ids]
        for opts in corpus_options:
            result, nltk_score = corpus(chosen, opts)
            subset_cases.append({'ids': ids, 'options': opts, 'result': result, 'nltk': nltk_score})
    sentence_cases = []
    for pid, hyp, refs in PAIRS:
        for opts in ({}, {'smoothMethod': 'none'}, {'smoothMethod': 'floor'}, {'lowercase': True}):
            result, _ = corpus([(pid, hyp, refs)], {'effectiveOrder': True, **opts})
            # Without effective order the same segment is NLTK-checkable (sentence BLEU coincides when all its
            # orders have n-grams, as effective order then changes nothing).
            _, nltk_score = corpus([(pid, hyp, refs)], opts)
            sentence_cases.append({'id': pid, 'options': opts, 'result': result,
                                   'nltk': nltk_score if all(t > 0 for t in result['totals']) else None})
    tokens_13a = [{'input': s, 'tokens': tokenize_13a(s.rstrip())} for _, h, rs in PAIRS for s in [h, *rs]]

    types = ['rouge1', 'rouge2', 'rouge3', 'rougeL']
    rouge_pairs = []
    for pid, hyp, refs in PAIRS:
        rouge_pairs.append({'id': pid, 'hypothesis': hyp, 'reference': refs[0],
                            'tokens': rouge_tokens(hyp, False), 'referenceTokens': rouge_tokens(refs[0], False),
                            'plain': rouge(hyp, refs[0], False, types), 'stemmed': rouge(hyp, refs[0], True, types)})
    fixture = {
        'generator': 'tools/reference/text_seq2seq_metrics.py',
        'nltk': nltk.__version__,
        'pairs': [{'id': pid, 'hypothesis': h, 'references': rs} for pid, h, rs in PAIRS],
        'bleu': {'corpus': corpus_cases, 'subsets': subset_cases, 'sentence': sentence_cases, 'tokens13a': tokens_13a},
        'rouge': {'types': types, 'pairs': rouge_pairs, 'nltkPorterStems': dict(sorted(STEMS.items())),
                  'corpusPlain': mean_scores([p['plain'] for p in rouge_pairs], types),
                  'corpusStemmed': mean_scores([p['stemmed'] for p in rouge_pairs], types)},
    }
    tmp = OUT + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write('\n')
    os.replace(tmp, OUT)
    checked = sum(c['nltk'] is not None for c in corpus_cases + subset_cases + sentence_cases)
    print(f'wrote {OUT}: {len(corpus_cases)} corpus, {len(subset_cases)} sub-corpus, '
          f'{len(sentence_cases)} sentence BLEU cases ({checked} BLEU cases NLTK-checked), {len(rouge_pairs)} ROUGE pairs')


if __name__ == '__main__':
    main()
