import { describe, expect, it } from 'vitest';
import { Charset } from './charset.js';

describe('Charset', () => {
  it('builds sorted ids 1..K from texts (0 is the blank) and round-trips text', () => {
    const cs = Charset.fromTexts(['cab', 'bad', 'Ab']);
    expect(cs.chars).toEqual(['A', 'a', 'b', 'c', 'd']);
    expect(cs.size).toBe(6);
    expect(cs.blank).toBe(0);
    expect(Array.from(cs.encode('bad'))).toEqual([3, 2, 5]);
    expect(cs.decode(cs.encode('dab'))).toBe('dab');
    expect(cs.decode([0, 4, 0, 0, 2])).toBe('ca');
    // same texts in another order: same ids
    expect(Charset.fromTexts(['Ab', 'bad', 'cab']).chars).toEqual(cs.chars);
  });

  it('treats a code point as one character and round-trips through JSON', () => {
    const cs = Charset.fromTexts(['é𝒜x']);
    expect(cs.size).toBe(4);
    expect(cs.encode('𝒜').length).toBe(1);
    const back = Charset.fromJSON(JSON.parse(JSON.stringify(cs)));
    expect(back.chars).toEqual(cs.chars);
    expect(back.decode(back.encode('x𝒜é'))).toBe('x𝒜é');
  });

  it('names unknown characters, or skips them when asked', () => {
    const cs = Charset.fromTexts(['abc']);
    expect(() => cs.encode('abz!z')).toThrow(/"abz!z" has characters outside the charset: "z", "!" \(pass \{ unknown: 'skip' \}/);
    expect(Array.from(cs.encode('azb', { unknown: 'skip' }))).toEqual([1, 2]);
    expect(() => cs.encode('a', { unknown: 'drop' as 'skip' })).toThrow(/unknown must be 'error' or 'skip', got drop/);
  });

  it('rejects bad alphabets and ids', () => {
    expect(() => new Charset([])).toThrow(/at least one character/);
    expect(() => new Charset(['a', 'bc'])).toThrow(/chars\[1\] must be one character .* got "bc"/);
    expect(() => new Charset(['a', 'a'])).toThrow(/chars\[1\] = "a" is a duplicate/);
    expect(() => Charset.fromTexts(['', ''])).toThrow(/the 2 texts contain no character/);
    const cs = new Charset(['x', 'y']);
    expect(() => cs.decode([1, 3])).toThrow(/id 3 at 1 is outside 0..2/);
    expect(() => cs.decode([1.5])).toThrow(/id 1.5 at 0/);
  });
});
