import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { buildDebtagsDataset, readDebtagsPackages, readIndexText } from './debtags-dataset.js';

const FIX = fileURLToPath(new URL('../__fixtures__/debtags/', import.meta.url));
const fix = (name: string): string => path.join(FIX, name);

describe('debtags dataset files', () => {
  const tmp = useTempDir('debtags-ds-');

  it('reads plain, .gz and .lz4 indexes to the same text; a corrupt .lz4 is an error naming the file', () => {
    const plain = readFileSync(fix('Packages'), 'utf8');
    const dir = tmp('codecs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'P.gz'), gzipSync(plain));
    execFileSync('lz4', ['-q', '-f', fix('Packages'), path.join(dir, 'P.lz4')]);
    expect(readIndexText(path.join(dir, 'P.gz'))).toBe(plain);
    expect(readIndexText(path.join(dir, 'P.lz4'))).toBe(plain);
    writeFileSync(path.join(dir, 'bad.lz4'), 'not lz4');
    expect(() => readIndexText(path.join(dir, 'bad.lz4'))).toThrow(/bad\.lz4: lz4 -dc failed/);
    expect(() => readIndexText(path.join(dir, 'missing'))).toThrow(/missing: cannot read/);
  });

  it('finds the indexes in a lists folder, looks long descriptions up by Description-md5 and keeps inline ones', () => {
    const lists = tmp('lists');
    mkdirSync(lists, { recursive: true });
    execFileSync('lz4', ['-q', '-f', fix('Packages'), path.join(lists, 'deb_dists_x_main_binary-amd64_Packages.lz4')]);
    writeFileSync(path.join(lists, 'deb_dists_x_main_i18n_Translation-en.gz'), gzipSync(readFileSync(fix('Translation-en'))));
    writeFileSync(path.join(lists, 'deb_dists_x_InRelease'), 'ignored');
    // a later index repeating a package without tags does not replace the tagged stanza
    writeFileSync(path.join(lists, 'deb_dists_y_main_binary-amd64_Packages'), 'Package: cards\nDescription: card game\n new text\n');
    const r = readDebtagsPackages({ listsDir: lists, vocabularyFile: fix('vocabulary') });
    expect(r.sources.packagesFiles.map((f) => path.basename(f))).toEqual([
      'deb_dists_x_main_binary-amd64_Packages.lz4',
      'deb_dists_y_main_binary-amd64_Packages',
    ]);
    expect(r.counts).toEqual({
      stanzas: 14,
      packages: 13,
      tagged: 12,
      inlineDescriptions: 1,
      translatedDescriptions: 11,
      translationEntries: 10,
    });
    const by = new Map(r.packages.map((p) => [p.package, p]));
    expect(by.get('cards')!.text).toBe('A solitaire card game with many variants: Klondike Spider');
    expect(by.get('beta-edit')!.text).toBe('Beta is a small editor. Features: syntax highlighting undo history It runs in a terminal.');
    expect(by.get('alpha-edit')!.tags).toEqual(['interface::text-mode', 'role::program', 'use::editing', 'works-with::text']);
    expect(by.get('lost-text')!.text).toBeNull();
    expect(r.vocabulary!.tags.get('use::gameplaying')).toBe('Game Playing');
  });

  it('builds the files: JSONL rows, aspects with vocabulary descriptions, manifest counts and a licence README', () => {
    const d = buildDebtagsDataset({
      packagesFiles: [fix('Packages')],
      translationFiles: [fix('Translation-en')],
      vocabularyFile: fix('vocabulary'),
      minPerAspect: 2,
      evalSize: 2,
      seed: 0,
      tool: 'contrastive-text test',
    });
    const rows = (name: 'train.jsonl' | 'test.jsonl' | 'multi-label.jsonl') =>
      d.files[name]
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const train = rows('train.jsonl');
    const test = rows('test.jsonl');
    expect(train).toHaveLength(4);
    expect(test).toHaveLength(2);
    expect(test.map((e) => e.aspect).sort()).toEqual(['use::editing', 'use::gameplaying']);
    expect(Object.keys(train[0]).sort()).toEqual(['aspect', 'package', 'text']);
    expect([...train, ...test].map((e) => e.package).sort()).toEqual([
      'alpha-edit',
      'beta-edit',
      'cards',
      'chess-one',
      'chess-two',
      'gamma-edit',
    ]);
    expect(rows('multi-label.jsonl')).toEqual([
      { text: 'Edit levels and then play them.', aspects: ['use::editing', 'use::gameplaying'], package: 'edit-and-play' },
    ]);
    expect(d.files['aspects.tsv']).toBe(
      '# aspect\tdescription\ttotal\ttrain\ttest\nuse::editing\tEditing\t3\t2\t1\nuse::gameplaying\tGame Playing\t3\t2\t1\n',
    );
    const m = JSON.parse(d.files['manifest.json']);
    expect(m.skipped).toEqual({
      'no-facet-tag': 2,
      'todo-only': 1,
      'no-long-description': 1,
      'duplicate-text': 1,
      'multi-label': 1,
      'rare-aspect': 1,
    });
    expect(m.rareAspects).toEqual({ 'use::printing': 1 });
    expect(m.counts).toMatchObject({ packages: 13, train: 4, test: 2, multiLabel: 1, aspects: 2 });
    expect(m.facetSizes[0]).toEqual({ facet: 'use', packages: 10, singleLabel: 9, values: 3, usableValues: 2 });
    expect(d.files['README.md']).toMatch(/not reviews/);
    expect(d.files['README.md']).toMatch(/Debian archive's package metadata/);
    expect(d.files['README.md']).toMatch(/`use::` \(Purpose\)/);
  });

  it('refuses indexes without any long description, saying where to get them', () => {
    expect(() => buildDebtagsDataset({ packagesFiles: [fix('Packages')], translationFiles: [], vocabularyFile: null })).not.toThrow(
      /no package has a long description/,
    );
    const dir = tmp('synopsis-only');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'Packages'), 'Package: a\nDescription: short\nDescription-md5: 1\nTag: use::editing\n');
    expect(() => buildDebtagsDataset({ packagesFiles: [path.join(dir, 'Packages')], translationFiles: [], vocabularyFile: null })).toThrow(
      /Packages: no package has a long description.*Acquire::Languages=en/,
    );
    expect(() => readDebtagsPackages({ listsDir: `${dir}-missing` })).toThrow(/cannot list/);
  });
});
