import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { textKey } from './text-key.js';
import { MINI_WORDNET, N } from './test-utils/mini-wordnet.js';
import { applyWordSwap, pluralise, wordHardNegatives, wordSwapSites } from './word-negatives.js';
import { coHyponyms, nounGlossCorpus, parseWordNetLexicon, pictureSense } from './wordnet-lexicon.js';

const lexicon = parseWordNetLexicon(MINI_WORDNET);

/** Sites as `lemma:relation → replacements`, for readable expectations. */
const sites = (caption: string) =>
  Object.fromEntries(wordSwapSites(caption, lexicon).map((s) => [`${caption.slice(s.start, s.end)}:${s.relation}`, s.replacements]));

describe('parseWordNetLexicon', () => {
  it('reads senses in index order, class hypernyms and hyponyms, glosses without examples, and direct antonyms', () => {
    expect(lexicon.nounSenses.get('tiger')).toEqual([N.tigerPerson, N.tiger]);
    expect(lexicon.nounSenses.get('great blue heron')).toEqual([N.greatBlueHeron]);
    expect(lexicon.nouns.get(N.heron)).toMatchObject({ hypernyms: [N.wader], hyponyms: [N.greatBlueHeron, N.littleBlueHeron], lexFile: 5 });
    expect(lexicon.nouns.get(N.greatBlueHeron)!.lemmas).toEqual(['great blue heron', 'Ardea herodius']);
    expect(lexicon.nouns.get(N.apple)!.definition).toBe('fruit with red or yellow or green skin');
    expect(lexicon.adjectiveSenses.get('blue')).toBe(2);
    expect(lexicon.verbSenses.get('bear')).toBe(3);
    // "little" is the second word of "small, little(a)": its antonym is the second word of "large, big".
    expect(Object.fromEntries(lexicon.antonyms)).toEqual({
      happy: ['unhappy'],
      unhappy: ['happy'],
      small: ['large'],
      little: ['big'],
      large: ['small'],
      big: ['little'],
      chromatic: ['achromatic'],
      achromatic: ['chromatic'],
    });
  });

  it('names the file and line of a line that is not WordNet, and a missing file', () => {
    const broken = { ...MINI_WORDNET, noun: { ...MINI_WORDNET.noun, data: `${MINI_WORDNET.noun.data}\n00009999 05 n zz` } };
    expect(() => parseWordNetLexicon(broken)).toThrow(/WordNet data\.noun line \d+ is not a synset line/);
    expect(() => parseWordNetLexicon({ ...MINI_WORDNET, verb: {} as never })).toThrow(/files\.verb\.index must be the text of index\.verb/);
  });
});

describe('coHyponyms and pictureSense', () => {
  it('siblings under the class hypernym, first lowercase lemma each: no proper names, no slurs, not the word itself', () => {
    expect(coHyponyms(lexicon, N.apple)).toEqual(['banana', 'pear']); // not "Granny Smith", not the offensive one
    expect(coHyponyms(lexicon, N.green)).toEqual(['blue', 'red']); // "red", not its synonym "redness"
    expect(coHyponyms(lexicon, N.red)).toEqual(['blue', 'green']);
  });

  it('an only child takes its cousins', () => {
    expect(coHyponyms(lexicon, N.penguin)).toEqual(['gannet', 'pelican']);
  });

  it('the depictable sense before a more frequent abstract one', () => {
    expect(pictureSense(lexicon, 'tiger')).toBe(N.tiger);
    expect(coHyponyms(lexicon, pictureSense(lexicon, 'tiger')!)).toEqual(['lion']);
    expect(coHyponyms(lexicon, lexicon.nounSenses.get('tiger')![0]!)).toEqual(['daredevil']);
    expect(pictureSense(lexicon, 'inch')).toBe(N.inch); // no depictable sense: the first
    expect(pictureSense(lexicon, 'red')).toBe(N.red); // the Red River is depictable (noun.object) but an instance
    expect(lexicon.nouns.get(N.redRiver)!.hypernyms).toEqual([]); // instance hypernyms are not class hypernyms
    expect(pictureSense(lexicon, 'unicorn')).toBeUndefined();
  });

  it('nounGlossCorpus writes "lemmas: definition" per synset in offset order', () => {
    const corpus = nounGlossCorpus(lexicon);
    expect(corpus).toHaveLength(lexicon.nouns.size);
    expect(corpus[0]).toBe('edible fruit: edible reproductive body of a seed plant');
    expect(corpus).toContain('great blue heron, Ardea herodius: large American heron');
  });
});

describe('wordSwapSites', () => {
  it('objects → co-hyponyms, colours → colours, other attributes → antonyms, compounds as one span', () => {
    expect(sites('A great blue heron.')).toEqual({
      'great blue heron:co-hyponym': ['little blue heron'],
      'blue:co-hyponym': ['green', 'red'], // an adjective (2 senses vs 1) with no direct antonym, a colour noun
      'heron:co-hyponym': ['egret'],
    });
    expect(sites('A happy tiger.')).toEqual({ 'happy:antonym': ['unhappy'], 'tiger:co-hyponym': ['lion'] });
    expect(sites('A little red apple.')).toEqual({
      'little:antonym': ['big'],
      'red:co-hyponym': ['blue', 'green'],
      'apple:co-hyponym': ['banana', 'pear'],
    });
  });

  it('plural nouns are matched through their singular and replaced by plurals', () => {
    expect(sites('Two apples and a penguin.')).toEqual({
      'apples:co-hyponym': ['bananas', 'pears'],
      'penguin:co-hyponym': ['gannet', 'pelican'],
    });
  });

  it('no function words (even WordNet nouns), no verbs, no acronyms, no words glued to digits', () => {
    expect(sites('It is in the wolf.')).toEqual({ 'wolf:co-hyponym': ['bear'] }); // "in" is a noun (inch) in WordNet
    expect(sites('They bear apples.')).toEqual({ 'apples:co-hyponym': ['bananas', 'pears'] }); // bear: 3 verb senses, 1 noun
    expect(sites('A bear.')).toEqual({ 'bear:co-hyponym': ['wolf'] }); // after an article it is a noun
    expect(sites('APPLE, pear2 and Pear')).toEqual({ 'Pear:co-hyponym': ['apple', 'banana'] });
  });

  it('never replaces by a word next to the span ("A mandarin orange" → "A mandarin mandarin")', () => {
    expect(sites('A pear apple.')['apple:co-hyponym']).toEqual(['banana']);
  });
});

describe('applyWordSwap', () => {
  const swap = (caption: string, span: string, replacement: string) => {
    const start = caption.indexOf(span);
    return applyWordSwap(caption, { start, end: start + span.length }, replacement);
  };
  it('fixes the article, keeps a capital, leaves the rest', () => {
    expect(swap('An apple on a table.', 'apple', 'pear')).toBe('A pear on a table.');
    expect(swap('A happy tiger.', 'happy', 'unhappy')).toBe('An unhappy tiger.');
    expect(swap('a pear', 'pear', 'apple')).toBe('an apple');
    expect(swap('AN APPLE', 'APPLE', 'pear')).toBe('A Pear');
    expect(swap('Apple pie', 'Apple', 'pear')).toBe('Pear pie');
    expect(swap('Banana, an apple and a pear', 'pear', 'egret')).toBe('Banana, an apple and an egret');
    expect(swap('Pizza apple', 'apple', 'egret')).toBe('Pizza egret'); // "a" inside a word is no article
  });

  it('pluralise follows the regular rules and leaves words already ending in s', () => {
    expect(['box', 'bus', 'church', 'cherry', 'day', 'fireman', 'human', 'apple', 'pyrites', 'great blue heron'].map(pluralise)).toEqual([
      'boxes',
      'buses',
      'churches',
      'cherries',
      'days',
      'firemen',
      'humans',
      'apples',
      'pyrites',
      'great blue herons',
    ]);
  });
});

describe('wordHardNegatives', () => {
  it('distinct one-swap rewrites from the enumerated sites, never the caption, seeded', () => {
    const caption = 'A great blue heron.';
    const all = new Set(wordSwapSites(caption, lexicon).flatMap((s) => s.replacements.map((r) => applyWordSwap(caption, s, r))));
    expect(all).toEqual(new Set(['A little blue heron.', 'A great green heron.', 'A great red heron.', 'A great blue egret.']));
    const a = wordHardNegatives(caption, lexicon, createRng(7), { count: 3 });
    expect(a).toHaveLength(3);
    expect(new Set(a.map(textKey)).size).toBe(3);
    for (const t of a) expect(all.has(t), t).toBe(true);
    expect(wordHardNegatives(caption, lexicon, createRng(7), { count: 3 })).toEqual(a);
    // Asking for more than exist gives all of them.
    expect(new Set(wordHardNegatives(caption, lexicon, createRng(1), { count: 10 }))).toEqual(all);
    // Different seeds draw differently (over a few seeds, not always the same first rewrite).
    const firsts = new Set([1, 2, 3, 4, 5, 6].map((s) => wordHardNegatives(caption, lexicon, createRng(s), { count: 1 })[0]));
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('nothing to swap gives nothing; a bad count is named', () => {
    expect(wordHardNegatives('It is in the.', lexicon, createRng(0))).toEqual([]);
    expect(() => wordHardNegatives('A pear.', lexicon, createRng(0), { count: -1 })).toThrow(/count must be a non-negative integer/);
  });
});
