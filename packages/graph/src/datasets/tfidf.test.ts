import { describe, expect, it } from 'vitest';
import { csrToDense } from '../data/csr.js';
import { buildVocabulary, documentFrequencies, smoothIdf, termCounts, tfidfFeatures, tokenizeWords } from './tfidf.js';

const bags = (texts: string[]) => texts.map((t) => termCounts(tokenizeWords(t)));

describe('tokenizeWords', () => {
  it('keeps lowercased runs of >= 2 letters, drops digits, single letters and stop words', () => {
    expect(tokenizeWords('The ls(1) command lists FILES; a x11 b-tree')).toEqual(['ls', 'command', 'lists', 'files', 'tree']);
    expect(tokenizeWords('section 3 of 8')).toEqual(['section']);
  });
});

describe('buildVocabulary', () => {
  it('keeps minDf <= df <= maxDfFraction·N, ordered by df then alphabetically, at most vocabularySize', () => {
    // df over 6 docs: common 6, aa 3, bb 3, cc 2, dd 1
    const docs = bags(['common aa bb cc', 'common aa bb', 'common aa bb cc dd', 'common', 'common', 'common']);
    const df = documentFrequencies(docs);
    expect(buildVocabulary(df, 6, { minDf: 2, maxDfFraction: 0.5 })).toEqual(['aa', 'bb', 'cc']);
    expect(buildVocabulary(df, 6, { minDf: 3, maxDfFraction: 0.5 })).toEqual(['aa', 'bb']);
    expect(buildVocabulary(df, 6, { minDf: 1, maxDfFraction: 1 })).toEqual(['common', 'aa', 'bb', 'cc', 'dd']);
    expect(buildVocabulary(df, 6, { minDf: 1, maxDfFraction: 1, vocabularySize: 2 })).toEqual(['common', 'aa']);
  });

  it('refuses bad options naming them', () => {
    expect(() => buildVocabulary(new Map(), 1, { minDf: 0 })).toThrow(/minDf/);
    expect(() => buildVocabulary(new Map(), 1, { maxDfFraction: 0 })).toThrow(/maxDfFraction/);
    expect(() => buildVocabulary(new Map(), 1, { vocabularySize: 1.5 })).toThrow(/vocabularySize/);
  });
});

describe('tfidfFeatures', () => {
  // Hand-computed: idf(df=2, N=4) = ln(5/3) + 1 = 1.510826, idf(df=1) = ln(5/2) + 1 = 1.916291; row d2 =
  // (1.510826, 1.916291) / 2.440238. The same numbers as sklearn 1.2.1 (Debian python3-sklearn):
  // TfidfVectorizer(token_pattern='[a-z]{2,}', vocabulary=['apple','banana','cherry','date']).
  const docs = bags(['apple banana apple', 'banana cherry', 'cherry date', 'apple', 'zz qq']);
  const corpus = docs.slice(0, 4);

  it("matches sklearn's smoothed, L2-normalised TF-IDF", () => {
    const r = tfidfFeatures(corpus, { minDf: 1, maxDfFraction: 1 });
    expect(r.vocabulary).toEqual(['apple', 'banana', 'cherry', 'date']);
    expect(Array.from(r.df)).toEqual([2, 2, 2, 1]);
    expect(r.idf[0]).toBeCloseTo(1.51082562, 7);
    expect(r.idf[3]).toBeCloseTo(1.91629073, 7);
    const expected = [
      [0.894427, 0.447214, 0, 0],
      [0, Math.SQRT1_2, Math.SQRT1_2, 0],
      [0, 0, 0.61913, 0.785288],
      [1, 0, 0, 0],
    ];
    const dense = csrToDense(r.matrix);
    expected.flat().forEach((v, k) => expect(dense[k]).toBeCloseTo(v, 5));
  });

  it('sublinear tf = 1 + ln(count), as sklearn', () => {
    const dense = csrToDense(tfidfFeatures(corpus, { minDf: 1, maxDfFraction: 1, sublinearTf: true }).matrix);
    expect(dense[0]).toBeCloseTo(0.861037, 5);
    expect(dense[1]).toBeCloseTo(0.508542, 5);
  });

  it('gives an empty row to a document without a vocabulary term, and uses N of all documents in idf', () => {
    const r = tfidfFeatures(docs, { minDf: 2, maxDfFraction: 1 });
    expect(r.vocabulary).toEqual(['apple', 'banana', 'cherry']);
    expect(r.matrix.rowPtr[5]! - r.matrix.rowPtr[4]!).toBe(0);
    expect(r.idf[0]).toBeCloseTo(smoothIdf(2, 5), 12);
    expect(smoothIdf(2, 5)).toBeCloseTo(Math.log(6 / 3) + 1, 12);
  });
});
