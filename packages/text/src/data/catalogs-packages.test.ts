import { describe, expect, it } from 'vitest';
import { TextDataError } from '../errors.js';
import { formatPackagesList, parsePackagesList } from './catalogs-packages.js';

describe('packages.txt', () => {
  it('round-trips names, versions and the split', () => {
    const text = formatPackagesList([
      { package: 'tar', version: '1.34+dfsg-1.2', catalogs: 1, pairs: 495, split: 'train' },
      { package: 'git', version: '1:2.39.5-0+deb12u3', catalogs: 1, pairs: 5328, split: 'held-out' },
      { package: 'unknown', version: '-', catalogs: 2, pairs: 0, split: 'none' },
    ]);
    expect(text.split('\n')[1]).toBe('git\t1:2.39.5-0+deb12u3\t1\t5328\theld-out');
    const list = parsePackagesList(text, 'packages.txt');
    expect(list.packages).toEqual(['git', 'tar', 'unknown']);
    expect([...list.versions]).toEqual([
      ['git', '1:2.39.5-0+deb12u3'],
      ['tar', '1.34+dfsg-1.2'],
    ]);
    expect([...list.split!]).toEqual([
      ['git', 'held-out'],
      ['tar', 'train'],
      ['unknown', 'none'],
    ]);
  });

  it('reads a plain list of names (no split) with comments and blank lines', () => {
    const list = parsePackagesList('# mine\ncoreutils\n\r\n  git  \n', 'list.txt');
    expect(list.packages).toEqual(['coreutils', 'git']);
    expect(list.split).toBeNull();
  });

  it.each([
    ['Bad_Name\n', /list\.txt:1: 'Bad_Name' is not a Debian package name/],
    ['git\ngit\n', /list\.txt:2: package 'git' is listed twice \(first on line 1\)/],
    ['git 1 1 1 test\n', /list\.txt:1: split 'test' must be one of train, held-out, none/],
    ['git 1 1 1 train\ntar\n', /1 of 2 lines record a split/],
    ['# nothing\n', /lists no package/],
  ])('%j → TextDataError', (text, message) => {
    expect(() => parsePackagesList(text, 'list.txt')).toThrow(TextDataError);
    expect(() => parsePackagesList(text, 'list.txt')).toThrow(message);
  });
});
