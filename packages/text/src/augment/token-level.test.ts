import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadWordNet } from '../data/wordnet-files.js';
import { crop, reorder, spanDeletion, synonymReplacement, textView, wordDeletion } from './token-level.js';

const text = 'the quick brown fox jumps over the lazy dog near the river bank';
const n = text.split(' ').length;

describe('token-level augmentations', () => {
  useCpuLeakCheck();

  it('are deterministic for a seed and vary across seeds', () => {
    for (const f of [crop, wordDeletion, spanDeletion, reorder]) {
      const a = f(text, createRng(1));
      expect(f(text, createRng(1))).toBe(a);
      const outs = new Set(Array.from({ length: 8 }, (_, s) => f(text, createRng(100 + s))));
      expect(outs.size).toBeGreaterThan(1);
    }
  });

  it('crop keeps a contiguous window of ceil(keep·n) words', () => {
    const c = crop(text, createRng(3), { keep: 0.5 });
    expect(c.split(' ')).toHaveLength(Math.ceil(0.5 * n));
    expect(text).toContain(c);
  });

  it('word deletion keeps an in-order subsequence and never empties a text', () => {
    const d = wordDeletion(text, createRng(4), { p: 0.3 }).split(' ');
    const src = text.split(' ');
    let j = 0;
    for (const w of d) {
      while (j < src.length && src[j] !== w) j++;
      expect(j).toBeLessThan(src.length);
      j++;
    }
    expect(wordDeletion('one two', createRng(0), { p: 1 }).split(' ')).toHaveLength(1);
  });

  it('span deletion removes exactly one contiguous span', () => {
    const d = spanDeletion(text, createRng(5), { ratio: 0.25 }).split(' ');
    const len = Math.floor(0.25 * n);
    expect(d).toHaveLength(n - len);
    const src = text.split(' ');
    const start = d.findIndex((w, i) => w !== src[i]);
    expect([...d.slice(0, start), ...src.slice(start, start + len), ...d.slice(start)]).toEqual(src);
  });

  it('reordering permutes words without adding or losing any', () => {
    const r = reorder(text, createRng(6), { ratio: 0.4 });
    expect(r).not.toBe(text);
    expect(r.split(' ').sort()).toEqual(text.split(' ').sort());
  });

  it('synonym replacement uses WordNet synonyms and keeps stopwords and punctuation', () => {
    const wordnet = loadWordNet();
    const out = synonymReplacement('The dog runs quickly, happily.', createRng(7), { wordnet, p: 1 });
    const w = out.split(' ');
    expect(w[0]).toBe('The');
    expect(out).not.toBe('The dog runs quickly, happily.');
    expect(out.endsWith('.')).toBe(true);
    expect(synonymReplacement('the xqzt', createRng(0), { wordnet, p: 1 })).toBe('the xqzt');
    const view = textView((t, r) => synonymReplacement(t, r, { wordnet, p: 0.5 }));
    expect(view([text, text], createRng(9))).toEqual(view([text, text], createRng(9)));
    expect(() => wordDeletion(text, createRng(0), { p: 2 })).toThrow(/p must be in/);
  });
});
