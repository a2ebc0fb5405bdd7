import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusRouge, lcsLength, type RougeScore, type RougeType, rouge } from './rouge.js';
import { porter2Stemmer, rougeTokenize } from './rouge-tokenize.js';

// Written by tools/reference/text_seq2seq_metrics.py (independent Python ROUGE with rouge-score's tokenizer and
// formulas; its stemmed scores use NLTK 3.8's PorterStemmer, whose stem of every token is in nltkPorterStems).
type Scores = Record<RougeType, RougeScore>;
const fx = JSON.parse(readFileSync(new URL('../../__fixtures__/text_seq2seq_metrics.json', import.meta.url), 'utf8')) as {
  rouge: {
    types: RougeType[];
    pairs: {
      id: string;
      hypothesis: string;
      reference: string;
      tokens: string[];
      referenceTokens: string[];
      plain: Scores;
      stemmed: Scores;
    }[];
    nltkPorterStems: Record<string, string>;
    corpusPlain: Scores;
    corpusStemmed: Scores;
  };
};
const { types, pairs, nltkPorterStems } = fx.rouge;
// The exact stemmer rouge-score used, as a lookup; a token it never saw is a bug in the test or the tokenizer.
const nltkStemmer = (t: string): string => {
  const s = nltkPorterStems[t];
  if (s === undefined) throw new Error(`no NLTK stem recorded for ${t}`);
  return s;
};

function expectScores(actual: Record<string, RougeScore>, expected: Scores): void {
  for (const t of types) {
    const a = actual[t];
    const e = expected[t];
    expect(a, t).toBeDefined();
    expect(a?.precision).toBeCloseTo(e.precision, 12);
    expect(a?.recall).toBeCloseTo(e.recall, 12);
    expect(a?.f1).toBeCloseTo(e.f1, 12);
  }
}

describe('rouge against the reference fixture', () => {
  it('tokenizes every pair as rouge-score', () => {
    expect(pairs.length).toBeGreaterThan(15);
    for (const p of pairs) {
      expect(rougeTokenize(p.hypothesis)).toEqual(p.tokens);
      expect(rougeTokenize(p.reference)).toEqual(p.referenceTokens);
    }
  });

  it('ROUGE-1/2/3/L per pair without stemming', () => {
    for (const p of pairs) expectScores(rouge(p.hypothesis, p.reference, { types }), p.plain);
  });

  it('ROUGE-1/2/3/L per pair with NLTK Porter stems injected (stem only tokens longer than 3)', () => {
    for (const p of pairs) expectScores(rouge(p.hypothesis, p.reference, { types, stemmer: nltkStemmer }), p.stemmed);
  });

  it('corpus means', () => {
    const h = pairs.map((p) => p.hypothesis);
    const r = pairs.map((p) => p.reference);
    expectScores(corpusRouge(h, r, { types }), fx.rouge.corpusPlain);
    expectScores(corpusRouge(h, r, { types, useStemmer: true, stemmer: nltkStemmer }), fx.rouge.corpusStemmed);
  });
});

describe('hand-verified ROUGE', () => {
  it('"the cat sat" vs "the cat sat on the mat"', () => {
    // rouge1: 3 of 3 hypothesis tokens match, 3 of 6 reference tokens → P 1, R 1/2, F 2·1·½/(1½) = 2/3
    // rouge2: "the cat", "cat sat" both in the reference's 5 bigrams → P 1, R 2/5, F 2·0.4/1.4 = 4/7
    // rougeL: LCS = 3 → same as rouge1
    const s = rouge('the cat sat', 'the cat sat on the mat');
    expect(s.rouge1).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3 });
    expect(s.rouge2.recall).toBeCloseTo(0.4, 15);
    expect(s.rouge2.f1).toBeCloseTo(4 / 7, 15);
    expect(s.rougeL.f1).toBeCloseTo(2 / 3, 15);
  });

  it('Lin (2004) §3.1: ROUGE-2 ties S2 and S3, ROUGE-L does not', () => {
    // reference "police killed the gunman"; S2 "police kill the gunman"; S3 "the gunman kill police"
    // ROUGE-2: each shares only "the gunman" of 3 bigrams → 1/3 for both
    // ROUGE-L: S2's LCS "police the gunman" = 3 → 3/4; S3's LCS "the gunman" = 2 → 2/4
    const ref = 'police killed the gunman';
    const s2 = rouge('police kill the gunman', ref);
    const s3 = rouge('the gunman kill police', ref);
    expect(s2.rouge2.f1).toBeCloseTo(1 / 3, 15);
    expect(s3.rouge2.f1).toBeCloseTo(1 / 3, 15);
    expect(s2.rougeL.f1).toBeCloseTo(0.75, 15);
    expect(s3.rougeL.f1).toBeCloseTo(0.5, 15);
  });

  it('case and punctuation vanish: "U.S. GDP rose 3.5%" vs "the u.s. gdp rose by 3.5 percent"', () => {
    // tokens: u s gdp rose 3 5 (6) vs the u s gdp rose by 3 5 percent (9): 6 match → P 1, R 2/3, F 0.8
    const s = rouge('U.S. GDP rose 3.5%', 'the u.s. gdp rose by 3.5 percent', { types: ['rouge1'] });
    expect(s.rouge1.f1).toBeCloseTo(0.8, 15);
    expect(Object.keys(s)).toEqual(['rouge1']);
  });

  it('the default Porter2 stemmer differs from NLTK on "quickly" (documented divergence)', () => {
    const p = pairs.find((q) => q.id === 'stemmer-divergence');
    if (!p) throw new Error('fixture lacks stemmer-divergence');
    // NLTK: he quickli and gener fix the run server / a quick and gener fix run on the server → 6 shared of 8 and 9
    // tokens → F = 2·6/(8+9) = 12/17 (the fixture's number). Porter2 stems "quickly" to "quick" → 7 shared → 14/17.
    expect(p.stemmed.rouge1.f1).toBeCloseTo(12 / 17, 15);
    expect(rouge(p.hypothesis, p.reference, { useStemmer: true }).rouge1.f1).toBeCloseTo(14 / 17, 15);
    expect(porter2Stemmer('quickly')).toBe('quick');
    expect(nltkStemmer('quickly')).toBe('quickli');
    // Tokens of 3 characters or fewer are never stemmed; stemming only starts when asked for.
    expect(rougeTokenize('was runs', porter2Stemmer)).toEqual(['was', 'run']);
    expect(rouge('runs', 'run').rouge1.f1).toBe(0);
    expect(rouge('runs', 'running', { useStemmer: true }).rouge1.f1).toBe(1);
  });
});

describe('ROUGE invariants', () => {
  const word = fc.constantFrom('a', 'cat', 'dog', 'The', 'sat', 'mat.', 'U.S.', '3.5', "it's", '—', '東京');
  const text = fc.array(word, { minLength: 0, maxLength: 12 }).map((w) => w.join(' '));

  it('identical text scores 1 on every order it has n-grams of', () => {
    fc.assert(
      fc.property(text, (t) => {
        const n = rougeTokenize(t).length;
        const s = rouge(t, t, { types: ['rouge1', 'rouge2', 'rouge3', 'rougeL'] });
        expect(s.rouge1.f1).toBe(n >= 1 ? 1 : 0);
        expect(s.rouge2.f1).toBe(n >= 2 ? 1 : 0);
        expect(s.rouge3.f1).toBe(n >= 3 ? 1 : 0);
        expect(s.rougeL.f1).toBe(n >= 1 ? 1 : 0);
      }),
      { numRuns: 100, seed: 30 },
    );
  });

  it('swapping hypothesis and reference swaps precision and recall; all in [0, 1]', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const ab = rouge(a, b);
        const ba = rouge(b, a);
        for (const t of ['rouge1', 'rouge2', 'rougeL'] as const) {
          expect(ab[t].precision).toBeCloseTo(ba[t].recall, 12);
          expect(ab[t].f1).toBeCloseTo(ba[t].f1, 12);
          for (const v of [ab[t].precision, ab[t].recall, ab[t].f1]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 100, seed: 31 },
    );
  });

  it('empty or all-punctuation sides score 0, never NaN', () => {
    for (const [h, r] of [
      ['', ''],
      ['', 'a reference'],
      ['a hypothesis', ''],
      ['!!! ...', '東京'],
    ] as const) {
      for (const s of Object.values(rouge(h, r))) expect(s).toEqual({ precision: 0, recall: 0, f1: 0 });
    }
    expect(corpusRouge([''], ['']).rougeL.f1).toBe(0);
  });

  it('lcsLength', () => {
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a'])).toBe(4); // CLRS 15.4
  });
});

describe('ROUGE input validation', () => {
  it('mismatched counts name both counts', () => {
    expect(() => corpusRouge(['a', 'b', 'c'], ['a', 'b'])).toThrow(RangeError);
    expect(() => corpusRouge(['a', 'b', 'c'], ['a', 'b'])).toThrow(/3 hypotheses but 2 references/);
  });

  it('rejects unknown types, an empty type list, an empty corpus and non-strings', () => {
    expect(() => rouge('a', 'a', { types: ['rougeLsum' as never] })).toThrow(/rouge1 … rouge9, rougeL/);
    expect(() => rouge('a', 'a', { types: ['rouge0' as never] })).toThrow(RangeError);
    expect(() => rouge('a', 'a', { types: [] })).toThrow(/non-empty/);
    expect(() => corpusRouge([], [])).toThrow(/no hypotheses/);
    expect(() => rouge(undefined as never, 'a')).toThrow(/hypothesis must be a string/);
    expect(() => corpusRouge(['a'], [5 as never])).toThrow(/references\[0\] must be a string/);
  });
});
