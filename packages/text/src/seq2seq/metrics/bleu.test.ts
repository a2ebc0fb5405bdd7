import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BleuOptions, type BleuScore, corpusBleu, sentenceBleu } from './bleu.js';
import { pyRstrip, tokenize13a } from './tokenize-13a.js';

// Written by tools/reference/text_seq2seq_metrics.py (independent Python BLEU with sacrebleu's semantics, itself
// checked against NLTK 3.8's corpus_bleu where the definitions coincide; the case's `nltk` field).
interface Case {
  options: BleuOptions;
  result: BleuScore;
  nltk: number | null;
}
const fx = JSON.parse(readFileSync(new URL('../../__fixtures__/text_seq2seq_metrics.json', import.meta.url), 'utf8')) as {
  pairs: { id: string; hypothesis: string; references: string[] }[];
  bleu: {
    corpus: Case[];
    subsets: (Case & { ids: string[] })[];
    sentence: (Case & { id: string })[];
    tokens13a: { input: string; tokens: string[] }[];
  };
};
const pair = (id: string) => {
  const p = fx.pairs.find((q) => q.id === id);
  if (!p) throw new Error(`fixture has no pair ${id}`);
  return p;
};

function expectScore(actual: BleuScore, expected: BleuScore): void {
  expect(actual.score).toBeCloseTo(expected.score, 6);
  expect(actual.bp).toBeCloseTo(expected.bp, 12);
  expect(actual.sysLen).toBe(expected.sysLen);
  expect(actual.refLen).toBe(expected.refLen);
  expect(actual.counts).toEqual(expected.counts);
  expect(actual.totals).toEqual(expected.totals);
  expect(actual.precisions).toHaveLength(expected.precisions.length);
  actual.precisions.forEach((p, i) => expect(p).toBeCloseTo(expected.precisions[i] ?? Number.NaN, 9));
}

describe('tokenize13a (sacrebleu tokenizer_13a.py)', () => {
  it('matches the reference tokens of every fixture segment', () => {
    expect(fx.bleu.tokens13a.length).toBeGreaterThan(30);
    for (const { input, tokens } of fx.bleu.tokens13a) expect(tokenize13a(pyRstrip(input))).toEqual(tokens);
  });

  it('splits numbers, abbreviations, symbols and entities as mteval-v13a', () => {
    expect(tokenize13a('The U.S. grew 3.5% (1,000.50$) in 2010-2011.')).toEqual(
      'The U . S . grew 3.5 % ( 1,000.50 $ ) in 2010 - 2011 .'.split(' '),
    );
    expect(tokenize13a("state-of-the-art, isn't it?")).toEqual(['state-of-the-art', ',', "isn't", 'it', '?']);
    expect(tokenize13a('a &amp; b &lt;c&gt; &quot;d&quot;')).toEqual(['a', '&', 'b', '<', 'c', '>', '"', 'd', '"']);
    expect(tokenize13a('hyphen-\nated <skipped> line\nbreak')).toEqual(['hyphenated', 'line', 'break']);
  });
});

describe('corpusBleu / sentenceBleu against the reference fixture', () => {
  const hyps = fx.pairs.map((p) => p.hypothesis);
  const refs = fx.pairs.map((p) => p.references);

  it('whole corpus under every option set', () => {
    expect(fx.bleu.corpus).toHaveLength(11);
    for (const c of fx.bleu.corpus) expectScore(corpusBleu(hyps, refs, c.options), c.result);
  });

  it('sub-corpora (multi-reference, long segments, sparse matches where the smoothing methods differ)', () => {
    for (const c of fx.bleu.subsets) {
      const chosen = c.ids.map(pair);
      const got = corpusBleu(
        chosen.map((p) => p.hypothesis),
        chosen.map((p) => p.references),
        c.options,
      );
      expectScore(got, c.result);
      if (c.nltk !== null) expect(Math.abs(got.score - c.nltk)).toBeLessThan(1e-6);
    }
    const sparse = fx.bleu.subsets.filter((c) => c.ids.includes('no-4gram-match')).map((c) => c.result.score);
    expect(new Set(sparse.map((s) => s.toFixed(6))).size).toBeGreaterThan(5);
  });

  it('every segment as sentence BLEU (effective order, four option sets)', () => {
    expect(fx.bleu.sentence.length).toBe(4 * fx.pairs.length);
    for (const c of fx.bleu.sentence) {
      const p = pair(c.id);
      const got = sentenceBleu(p.hypothesis, p.references, c.options);
      expectScore(got, c.result);
      if (c.nltk !== null) expect(Math.abs(got.score - c.nltk)).toBeLessThan(1e-6);
    }
  });

  it('a single reference may be passed as a string', () => {
    const p = pair('basic');
    expect(corpusBleu([p.hypothesis], [p.references[0] ?? '']).score).toBe(corpusBleu([p.hypothesis], [p.references]).score);
  });
});

describe('hand-verified BLEU', () => {
  it('"the cat sat on the mat" vs "the cat is on the mat": p = 5/6, 3/5, 1/4, exp-smoothed 1/(2·3)', () => {
    // unigrams: the×2 (ref has 2), cat, on, mat match, sat does not → 5/6
    // bigrams: the cat, on the, the mat match; cat sat, sat on do not → 3/5
    // trigrams: only "on the mat" → 1/4;  4-grams: none of 3 → exp smoothing 1 / (2^1 · 3) = 1/6
    // BP = 1 (6 = 6 tokens); BLEU = 100 · (5/6 · 3/5 · 1/4 · 1/6)^(1/4) = 100 · (1/48)^(1/4) = 37.9918…
    const s = sentenceBleu('the cat sat on the mat', 'the cat is on the mat');
    expect(s.counts).toEqual([5, 3, 1, 0]);
    expect(s.totals).toEqual([6, 5, 4, 3]);
    expect(s.score).toBeCloseTo(100 * (1 / 48) ** 0.25, 10);
    expect(s.precisions[3]).toBeCloseTo(100 / 6, 10);
    // Without smoothing the zero 4-gram precision makes BLEU 0.
    expect(sentenceBleu('the cat sat on the mat', 'the cat is on the mat', { smoothMethod: 'none' }).score).toBe(0);
  });

  it('brevity penalty: "the cat" vs a 6-token reference', () => {
    // sentence BLEU, effective order 2: p1 = 2/2, p2 = 1/1; BP = exp(1 − 6/2) = e^−2 → 100 · e^−2 = 13.5335…
    expect(sentenceBleu('the cat', 'the cat sat on the mat').score).toBeCloseTo(100 * Math.exp(-2), 10);
    // corpus BLEU has no effective order: there are no trigrams, so BLEU is 0 (sacrebleu does the same).
    const c = corpusBleu(['the cat'], ['the cat sat on the mat']);
    expect(c.score).toBe(0);
    expect(c.bp).toBeCloseTo(Math.exp(-2), 12);
  });

  it('closest reference length, ties to the shorter one', () => {
    // hypothesis 5 tokens, references 4 and 6 tokens: both 1 away → r = 4, BP = 1; all n-grams match → 100.
    // Had it picked 6, BP would be exp(1 − 6/5) = 0.8187.
    const s = corpusBleu(['one two three four five'], [['one two three four', 'one two three four five six']]);
    expect(s.refLen).toBe(4);
    expect(s.score).toBeCloseTo(100, 10);
  });

  it('clipping: "the" ×7 against "the cat is on the mat"', () => {
    // p1 = 2/7 (clipped to the reference's 2); p2..p4 have no match: 1/(2·6), 1/(4·5), 1/(8·4); BP = 1 (7 > 6)
    // BLEU = 100 · (2/7 · 1/12 · 1/20 · 1/32)^(1/4) = 100 · (1/26880)^(1/4) = 7.8098…
    const s = corpusBleu(['the the the the the the the'], ['the cat is on the mat']);
    expect(s.counts).toEqual([2, 0, 0, 0]);
    expect(s.score).toBeCloseTo(100 * (1 / 26880) ** 0.25, 10);
  });
});

describe('BLEU invariants', () => {
  const word = fc.constantFrom('a', 'b', 'cat', 'dog', 'the', 'sat', '.', ',', 'U.S.', '3.5', "it's");
  const sentence = fc.array(word, { minLength: 0, maxLength: 12 }).map((w) => w.join(' '));

  it('identical text scores 100 (corpus: ≥ 4 tokens; sentence: any non-empty)', () => {
    expect(corpusBleu(['The quick brown fox jumps.'], ['The quick brown fox jumps.']).score).toBeCloseTo(100, 10);
    expect(sentenceBleu('Good morning.', 'Good morning.').score).toBeCloseTo(100, 10);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), (w) => {
        const s = w.join(' ');
        expect(sentenceBleu(s, s).score).toBeCloseTo(100, 9);
      }),
      { numRuns: 100, seed: 28 },
    );
  });

  it('empty inputs score 0, never NaN', () => {
    for (const [h, r] of [
      ['', ''],
      ['', 'a reference'],
      ['a hypothesis', ''],
      ['   ', '\n'],
    ] as const) {
      for (const s of [corpusBleu([h], [r]), sentenceBleu(h, r), corpusBleu([h], [r], { smoothMethod: 'add-k' })]) {
        expect(s.score).toBe(0);
        expect(Number.isFinite(s.bp)).toBe(true);
        for (const p of s.precisions) expect(Number.isFinite(p)).toBe(true);
      }
    }
  });

  it('scores stay in [0, 100] and finite for random sentences and every smoothing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sentence, sentence), { minLength: 1, maxLength: 4 }), (pairs) => {
        for (const smoothMethod of ['exp', 'floor', 'add-k', 'none'] as const) {
          const s = corpusBleu(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
            { smoothMethod },
          );
          expect(s.score).toBeGreaterThanOrEqual(0);
          expect(s.score).toBeLessThanOrEqual(100 + 1e-9);
        }
      }),
      { numRuns: 100, seed: 29 },
    );
  });
});

describe('BLEU input validation', () => {
  it('mismatched counts name both counts', () => {
    expect(() => corpusBleu(['a', 'b', 'c'], ['a', 'b'])).toThrow(RangeError);
    expect(() => corpusBleu(['a', 'b', 'c'], ['a', 'b'])).toThrow(/3 hypotheses but 2 reference entries/);
  });

  it('rejects an empty corpus, a hypothesis without references, bad options and non-strings', () => {
    expect(() => corpusBleu([], [])).toThrow(/no hypotheses/);
    expect(() => corpusBleu(['a'], [[]])).toThrow(/references\[0\] is empty/);
    expect(() => sentenceBleu('a', [])).toThrow(/references is empty/);
    expect(() => corpusBleu(['a'], ['a'], { smoothMethod: 'laplace' as never })).toThrow(/exp, floor, add-k, none/);
    expect(() => corpusBleu(['a'], ['a'], { tokenize: 'intl' as never })).toThrow(/13a, none/);
    expect(() => corpusBleu(['a'], ['a'], { maxNgramOrder: 0 })).toThrow(/maxNgramOrder/);
    expect(() => corpusBleu(['a'], ['a'], { smoothMethod: 'floor', smoothValue: -1 })).toThrow(/smoothValue/);
    expect(() => corpusBleu(['a', 3 as never], ['a', 'b'])).toThrow(/hypotheses\[1\] must be a string/);
    expect(() => corpusBleu(['a'], [['a', null as never]])).toThrow(/references\[0\]\[1\] must be a string/);
  });
});
