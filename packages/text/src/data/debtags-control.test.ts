import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TextDataError } from '../errors.js';
import {
  longDescriptionText,
  parseControlStanzas,
  parseDebtagsVocabulary,
  parseTagField,
  splitDescription,
  tagFacet,
} from './debtags-control.js';

const fixture = (name: string): string => readFileSync(new URL(`../__fixtures__/debtags/${name}`, import.meta.url), 'utf8');

describe('debtags control-file parsing', () => {
  it('splits stanzas, joins continuation lines and records the first line of each stanza', () => {
    const stanzas = [...parseControlStanzas(fixture('Packages'), 'Packages')];
    expect(stanzas).toHaveLength(13);
    const first = stanzas[0]!;
    expect(first.line).toBe(1);
    expect(first.fields.get('Package')).toBe('alpha-edit');
    expect(first.fields.get('Tag')).toBe('interface::text-mode, role::program, use::editing,\nworks-with::text');
    expect(stanzas[1]!.line).toBe(10);
    expect(stanzas.at(-1)!.fields.get('Package')).toBe('lost-text');
  });

  it('handles CRLF, several blank lines and a missing final newline', () => {
    const s = [...parseControlStanzas('A: 1\r\nB: x\r\n y\r\n\r\n\r\nA: 2', 'f')];
    expect(s.map((x) => Object.fromEntries(x.fields))).toEqual([{ A: '1', B: 'x\ny' }, { A: '2' }]);
    expect(s[1]!.line).toBe(6);
  });

  it('rejects a continuation outside a field and a line that is not a field, naming file and line', () => {
    expect(() => [...parseControlStanzas(' orphan\n', 'P')]).toThrow(/^P:1: continuation line outside a field/);
    const e = (() => {
      try {
        [...parseControlStanzas('Package: a\nnot a field\n', 'P')];
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(TextDataError);
    expect((e as TextDataError).line).toBe(2);
  });

  it('reads tags and facets', () => {
    expect(parseTagField('game::board, use::gameplaying,\nx11::application,')).toEqual([
      'game::board',
      'use::gameplaying',
      'x11::application',
    ]);
    expect(tagFacet('works-with::software:source')).toBe('works-with');
    expect(tagFacet('plain')).toBeNull();
  });

  it('turns a long description into one line of plain text: paragraph dots and bullets removed', () => {
    const value =
      'simple editor\nBeta is a small editor.\n.\nFeatures:\n * syntax highlighting\n - undo history\n o a third\n 2. numbered\n.\nIt runs -- fast.';
    const { synopsis, long } = splitDescription(value);
    expect(synopsis).toBe('simple editor');
    expect(longDescriptionText(long)).toBe(
      'Beta is a small editor. Features: syntax highlighting undo history a third numbered It runs -- fast.',
    );
    expect(longDescriptionText([])).toBe('');
  });

  it('parses the debtags vocabulary into facet and tag descriptions', () => {
    const v = parseDebtagsVocabulary(fixture('vocabulary'), 'vocabulary');
    expect(v.facets.get('use')).toBe('Purpose');
    expect([...v.tags]).toEqual([
      ['use::editing', 'Editing'],
      ['use::gameplaying', 'Game Playing'],
      ['use::printing', 'Printing'],
    ]);
    expect(() => parseDebtagsVocabulary('Description: x\n', 'voc')).toThrow(/voc:1: vocabulary stanza without Facet: or Tag:/);
  });
});
