import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { WORD_FONTS } from './fonts.js';
import { planImages, splitFonts, splitWords } from './split.js';

const pool = Array.from({ length: 500 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${i}`);

describe('splitWords', () => {
  it('draws distinct words, 80/10/10, disjoint splits, the same for the same seed', () => {
    const s = splitWords(pool, 100, createRng(1));
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([80, 10, 10]);
    expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(100);
    expect(splitWords(pool, 100, createRng(1))).toEqual(s);
    expect(splitWords(pool, 100, createRng(2)).test).not.toEqual(s.test);
  });

  it('refuses fewer than 3 words or more than the pool holds', () => {
    expect(() => splitWords(pool, 2, createRng(1))).toThrow(/words must be an integer >= 3, got 2/);
    expect(() => splitWords(pool, 501, createRng(1))).toThrow(/has only 500 words/);
  });
});

describe('splitFonts', () => {
  it('holds out whole single-font packages; multi-font packages (bwht, sjfonts) always train', () => {
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const s = splitFonts(WORD_FONTS, { testPackages: 3, validationPackages: 2 }, createRng(seed));
      const pk = (fs: typeof s.test): Set<string> => new Set(fs.map((f) => f.package));
      expect(pk(s.test).size).toBe(3);
      expect(pk(s.validation).size).toBe(2);
      expect(s.test.length + s.validation.length + s.train.length).toBe(WORD_FONTS.length);
      for (const p of pk(s.train)) expect(pk(s.test).has(p) || pk(s.validation).has(p)).toBe(false);
      for (const p of pk(s.test)) expect(pk(s.validation).has(p)).toBe(false);
      expect(s.train.filter((f) => f.package === 'fonts-bwht')).toHaveLength(6);
      expect(s.train.filter((f) => f.package === 'fonts-sjfonts')).toHaveLength(2);
    }
  });

  it('refuses a split that leaves no single-font package for training, naming the count', () => {
    const three = WORD_FONTS.filter((f) => ['breip', 'kristi', 'rufscript'].includes(f.id));
    expect(() => splitFonts(three, { testPackages: 2, validationPackages: 1 }, createRng(0))).toThrow(
      /= 3 needs more than that many single-font packages, found 3/,
    );
    expect(() => splitFonts(three, { testPackages: 0, validationPackages: 1 }, createRng(0))).toThrow(
      /testPackages must be an integer >= 1, got 0/,
    );
  });
});

describe('planImages', () => {
  it('gives each word K images in distinct fonts (while there are enough), shuffled', () => {
    const fonts = WORD_FONTS.slice(0, 3);
    const plan = planImages(['alpha', 'beta', 'gamma', 'delta'], fonts, 3, createRng(0));
    expect(plan).toHaveLength(12);
    for (const w of ['alpha', 'beta', 'gamma', 'delta']) {
      expect(new Set(plan.filter((p) => p.text === w).map((p) => p.font.id)).size).toBe(3);
    }
    expect(plan.slice(0, 3).map((p) => p.text)).not.toEqual(['alpha', 'alpha', 'alpha']);
    const wrap = planImages(['alpha'], fonts.slice(0, 2), 3, createRng(0));
    expect(new Set(wrap.map((p) => p.font.id)).size).toBe(2);
  });
});
