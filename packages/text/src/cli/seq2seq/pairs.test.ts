import { describe, expect, it } from 'vitest';
import { defaultValidationSize, holdOut } from './pairs.js';

describe('seq2seq CLI pairs', () => {
  const p = { sources: Array.from({ length: 100 }, (_, i) => `s${i}`), targets: Array.from({ length: 100 }, (_, i) => `t${i}`) };

  it('holds out a seeded, disjoint validation slice and keeps pairs aligned', () => {
    const a = holdOut(p, 10, 3);
    const b = holdOut(p, 10, 3);
    expect(a.validation).toEqual(b.validation);
    expect(a.validation.sources).toHaveLength(10);
    expect(a.train.sources).toHaveLength(90);
    expect(new Set([...a.train.sources, ...a.validation.sources]).size).toBe(100);
    a.train.sources.forEach((s, i) => expect(a.train.targets[i]).toBe(s.replace('s', 't')));
    expect(holdOut(p, 10, 4).validation).not.toEqual(a.validation);
    expect(() => holdOut(p, 100, 1)).toThrow(/all 100/);
  });

  it('sizes the default validation as 5 %, capped, none for tiny sets', () => {
    expect(defaultValidationSize(100)).toBe(0);
    expect(defaultValidationSize(1000)).toBe(50);
    expect(defaultValidationSize(1e6)).toBe(1000);
  });
});
