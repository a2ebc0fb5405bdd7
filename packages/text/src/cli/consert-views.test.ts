import { describe, expect, it } from 'vitest';
import { parseConsertView, parseConsertViews } from './consert-views.js';

describe('--views parsing', () => {
  it('parses name[:number] into a ConSERT view and lists the valid names otherwise', () => {
    expect(parseConsertView('token-cutoff:0.2')).toEqual({ type: 'token-cutoff', rate: 0.2 });
    expect(parseConsertView('adversarial:0.5')).toEqual({ type: 'adversarial', epsilon: 0.5 });
    expect(parseConsertView('noise:0.1')).toEqual({ type: 'noise', std: 0.1 });
    expect(parseConsertView('token-shuffle')).toEqual({ type: 'token-shuffle' });
    expect(() => parseConsertView('rotate')).toThrow(/token-shuffle/);
    expect(() => parseConsertView('noise:abc')).toThrow(/'abc' is not a number/);
    expect(parseConsertViews('feature-cutoff:0.2,token-shuffle')).toEqual([
      { type: 'feature-cutoff', rate: 0.2 },
      { type: 'token-shuffle' },
    ]);
    expect(() => parseConsertViews('none')).toThrow(/exactly two views, got 1/);
  });
});
