import { describe, expect, it } from 'vitest';
import { positiveRewrites } from './positive-rewrites.js';
import { textKey } from './text-key.js';

describe('textKey', () => {
  it('ignores case, punctuation and spacing; keeps words, digits and combining marks', () => {
    expect(textKey('A frog.')).toBe(textKey('a  FROG'));
    expect(textKey('Tux—the Linux mascot!')).toBe(textKey('Tux – the Linux mascot!'));
    expect(textKey('A frog.')).not.toBe(textKey('A frogs.'));
    expect(textKey('An hippopotamus.')).not.toBe(textKey('A hippopotamus'));
    expect(textKey('एक मेंढक|')).toBe('एक मेंढक'); // Devanagari vowel signs are marks, not separators
    expect(textKey('1 €')).toBe('1');
    expect(textKey('!!')).not.toBe(textKey('?'));
  });
});

describe('positiveRewrites', () => {
  const record = {
    caption: 'A colorful rooster.',
    captions: {
      en_AU: 'A colorful rooster',
      en_GB: 'A colourful rooster.',
      es: 'Un gallo colorido.',
      fr: 'Un coq coloré.',
      pt: 'Un gallo colorido!',
    },
  };
  it('the chosen locales in the given order, without the caption itself and repeats', () => {
    expect(positiveRewrites(record, ['fr', 'en_GB', 'en_AU', 'de'])).toEqual(['Un coq coloré.', 'A colourful rooster.']);
    expect(positiveRewrites(record, 'all')).toEqual(['A colourful rooster.', 'Un gallo colorido.', 'Un coq coloré.']);
    expect(positiveRewrites({ caption: 'A frog.' }, 'all')).toEqual([]);
    expect(positiveRewrites(record, [])).toEqual([]);
  });
  it('refuses locales that are not a list', () => {
    expect(() => positiveRewrites(record, 'es' as never)).toThrow(/locales must be an array of locale keys or 'all'/);
  });
});
