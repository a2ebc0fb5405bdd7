import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AspectMappingError,
  automaticAspectMapping,
  formatAspectMapping,
  goldForScoring,
  mapPredictions,
  parseAspectMapping,
  predictAspectLabel,
} from './hrs-map.js';
import { classificationScores } from './metrics.js';

const fixture = JSON.parse(readFileSync(new URL('../__fixtures__/text-sscl.json', import.meta.url), 'utf8')) as {
  f1: { gold: string[]; pred: string[]; macroF1: number; accuracy: number }[];
};

describe('classificationScores: sklearn accuracy_score and f1_score(average="macro") (tools/reference/text_sscl.py)', () => {
  for (const [i, c] of fixture.f1.entries())
    it(`case ${i}`, () => {
      const s = classificationScores(c.gold, c.pred);
      expect(s.macroF1).toBeCloseTo(c.macroF1, 10);
      expect(s.accuracy).toBeCloseTo(c.accuracy, 10);
    });

  it('counts a predicted label absent from gold in the macro mean, and refuses mismatched lengths', () => {
    const s = classificationScores(['a', 'a'], ['a', 'b']);
    expect(s.perLabel.map((r) => r.label)).toEqual(['a', 'b']);
    expect(s.macroF1).toBeCloseTo((2 / 3 + 0) / 2, 10);
    expect(() => classificationScores(['a'], [])).toThrow(/1 labels but pred has 0/);
  });
});

describe('HRSMap', () => {
  it('parses aspect_mapping.txt (lower-cased labels, comments skipped) and round-trips the format', () => {
    const m = parseAspectMapping('1 Food\n# note\n2 nomap\n\n3 none\n', 3, 'map.txt');
    expect(m.labels).toEqual(['food', 'nomap', 'none']);
    expect(parseAspectMapping(formatAspectMapping(m.labels), 3).labels).toEqual(m.labels);
  });

  it('names the file and line of a malformed mapping', () => {
    expect(() => parseAspectMapping('1 food\n3 staff\n', 2, 'm.txt')).toThrow(/^m\.txt:2: expected aspect number 2, got '3'/);
    expect(() => parseAspectMapping('1 food extra\n', 1, 'm.txt')).toThrow(/^m\.txt:1: expected '<aspect number> <label>'/);
    expect(() => parseAspectMapping('1 food\n', 2, 'm.txt')).toThrow(/^m\.txt: maps 1 aspects but the model has 2/);
    expect(() => parseAspectMapping('1 food\n2 a\n3 b\n', 2, 'm.txt')).toThrow(
      /m\.txt:3: .*aspect number 3.*1\.\.2|m\.txt:3: aspect 3 does not exist/,
    );
    expect(() => parseAspectMapping('1 nomap\n', 1, 'm.txt')).toThrow(AspectMappingError);
  });

  it('predicts the label of the highest-weighted aspect that is not nomap (none ignored on request)', () => {
    const m = { labels: ['nomap', 'food', 'none', 'staff'], source: 'test' };
    expect(predictAspectLabel([0.9, 0.05, 0.03, 0.02], m)).toBe('food');
    expect(predictAspectLabel([0.1, 0.2, 0.6, 0.1], m)).toBe('none');
    expect(predictAspectLabel([0.1, 0.2, 0.6, 0.1], m, true)).toBe('food');
    expect(() => predictAspectLabel([1, 0], m)).toThrow(/2 aspect weights/);
  });

  it('the automatic mapping takes the majority training label of the sentences each aspect wins; unused aspects are nomap', () => {
    const weights = [
      [0.7, 0.2, 0.1],
      [0.6, 0.3, 0.1],
      [0.5, 0.4, 0.1],
      [0.1, 0.8, 0.1],
    ];
    const m = automaticAspectMapping(weights, ['B', 'a', 'b', 'c'], 3);
    expect(m.labels).toEqual(['b', 'c', 'nomap']);
    const { pred, gold } = mapPredictions(weights, ['b', 'a', 'x,b', 'c'], m);
    expect(pred).toEqual(['b', 'b', 'b', 'c']);
    expect(gold).toEqual(['b', 'a', 'b', 'c']);
    expect(goldForScoring('x,y', 'z')).toBe('x');
  });
});
