import { writeFileSync } from 'node:fs';
import { useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { TextDataError } from '../errors.js';
import { buildCatalogsDataset, CATALOGS_FILES } from './catalogs-dataset.js';
import { listCatalogLanguages, readCatalogs } from './catalogs-files.js';
import { parsePackagesList } from './catalogs-packages.js';
import { writeCatalogsTree } from './test-utils/catalogs-tree.js';

describe('readCatalogs and buildCatalogsDataset', () => {
  const tmp = useTempDir('catalogs-data-');
  let locale: string;
  let dpkg: string;
  beforeAll(() => {
    ({ locale, dpkg } = writeCatalogsTree(tmp('tree')));
  });

  it('lists the languages with catalogs', () => {
    expect(listCatalogLanguages(locale)).toEqual(['de', 'de_CH', 'fr']);
  });

  it('reads each catalog once with its package; symlinks, stray and corrupt files are counted', () => {
    const r = readCatalogs({ lang: 'de', localeDir: locale, dpkgDir: dpkg });
    expect(r.catalogs.map((c) => `${c.package}/${c.domain}`)).toEqual([
      'alpha/alpha-domain',
      'beta/beta-domain',
      'delta/delta-domain',
      'demo/basic',
      'gamma/gamma-domain',
      'unknown/orphan',
    ]);
    expect(r.files).toBe(9);
    expect(r.skipped).toEqual({ symlink: 1, 'not-mo': 1, corrupt: 1 });
    expect(r.corrupt).toEqual([
      { file: expect.stringMatching(/broken\.mo$/), error: expect.stringMatching(/broken\.mo: not a valid gettext .mo file: bad magic/) },
    ]);
    expect(r.variantsNotRead).toEqual(['de_CH']);
    expect(r.versions.get('beta')).toBe('1.4-1');
    expect(r.catalogs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the languages that exist when the language has no folder', () => {
    expect(() => readCatalogs({ lang: 'xx', localeDir: locale, dpkgDir: dpkg })).toThrow(
      /xx\/LC_MESSAGES: no catalogs for language 'xx' \(languages with catalogs: de, de_CH, fr\)/,
    );
  });

  it('cleans, deduplicates and splits by package, and writes the files it promises', () => {
    const d = buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, seed: 0 });
    const m = d.manifest;
    expect(Object.keys(d.files)).toEqual([...CATALOGS_FILES]);
    expect(m.counts).toMatchObject({ files: 9, catalogs: 6, pairs: 76, packages: 6 });
    expect(m.skipped.clean['duplicate-source']).toBe(4); // 'Shared message' ×3 and basic.mo's 'verb' Open
    expect(m.counts.trainPairs + m.counts.testPairs).toBe(76);
    expect(m.split).toMatchObject({ mode: 'eval-size', target: 6 });
    const trainPkgs = new Set(d.train.map((p) => p.package));
    const testPkgs = new Set(d.test.map((p) => p.package));
    expect([...testPkgs].filter((p) => trainPkgs.has(p))).toEqual([]);
    expect(d.test.length).toBeGreaterThanOrEqual(6);
    expect(d.test.length).toBeLessThanOrEqual(8);
    const trainSources = new Set(d.train.map((p) => p.source));
    expect(d.test.filter((p) => trainSources.has(p.source))).toEqual([]);
    const lines = d.files['train.jsonl']
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toHaveLength(m.counts.trainPairs);
    expect(Object.keys(lines[0]!)).toEqual(['source', 'target', 'package', 'domain']);
    expect(lines).toContainEqual({
      source: 'Shared message',
      target: 'Gemeinsame Nachricht (alpha)',
      package: 'alpha',
      domain: 'alpha-domain',
    });
    const list = parsePackagesList(d.files['packages.txt'], 'packages.txt');
    expect(list.packages).toEqual(['alpha', 'beta', 'delta', 'demo', 'gamma', 'unknown']);
    expect(d.files['packages.txt']).toMatch(/^alpha\t1\.5-1\t1\t41\ttrain$/m);
    expect(d.files['provenance.tsv'].trim().split('\n')).toHaveLength(7);
    expect(d.files['provenance.tsv']).toMatch(/\tdemo\t1\.4-1\tbasic\tutf-8\t10\t7\t824\t[0-9a-f]{64}\t\S+basic\.mo$/m);
    expect(d.files['README.md']).toMatch(/\/usr\/share\/doc\/<package>\/copyright/);
    expect(JSON.parse(d.files['manifest.json'])).toEqual(m);
    expect(m.packagesSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.variantsNotRead).toEqual(['de_CH']);
  });

  it('rebuilds the same dataset from its packages.txt, and restricts to a plain list', () => {
    const first = buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, seed: 3, evalPackages: 2 });
    const recorded = tmp('packages.txt');
    writeFileSync(recorded, first.files['packages.txt'].replace(/^gamma\t1\.5-1/m, 'gamma\t0.9-1'));
    // Another seed: the recorded split wins.
    const again = buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, seed: 99, packagesFile: recorded });
    expect(again.files['train.jsonl']).toBe(first.files['train.jsonl']);
    expect(again.files['test.jsonl']).toBe(first.files['test.jsonl']);
    expect(again.manifest.split.mode).toBe('packages-file');
    expect(again.manifest.packagesFile).toMatchObject({
      listed: 6,
      missing: [],
      versionChanged: [{ package: 'gamma', listed: '0.9-1', installed: '1.5-1' }],
    });

    const plain = tmp('plain.txt');
    writeFileSync(plain, 'beta\ndelta\ngamma\nnot-here\n');
    const logs: string[] = [];
    const some = buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, packagesFile: plain, log: (l) => logs.push(l) });
    expect(some.manifest.counts.packages).toBe(3);
    // alpha, demo, the orphan and broken.mo's package are not listed (so the corrupt file is not even read).
    expect(some.manifest.skipped.files).toEqual({ symlink: 1, 'not-mo': 1, 'not-listed': 4 });
    // beta is first now, so it keeps 'Shared message'.
    expect(some.manifest.counts.pairs).toBe(12 + 1 + 9 + 6);
    expect(some.manifest.packagesFile?.missing).toEqual(['not-here']);
    expect(logs.join('\n')).toMatch(/warning: 1 listed packages have no catalog here: not-here/);
    expect(() => buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, packagesFile: recorded, evalSize: 5 })).toThrow(
      /records a split \(fifth column\)/,
    );
  });

  it('refuses a build with too few packages to split, and a missing package list', () => {
    const one = tmp('one.txt');
    writeFileSync(one, 'alpha\n');
    expect(() => buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, packagesFile: one })).toThrow(/needs at least 2/);
    expect(() => buildCatalogsDataset({ lang: 'de', localeDir: locale, dpkgDir: dpkg, packagesFile: tmp('none.txt') })).toThrow(
      TextDataError,
    );
  });
});
