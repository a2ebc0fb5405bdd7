import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildManpagesDataset, writeDatasetFolder } from './manpages-dataset.js';
import { manFileName, parseDpkgStatus, readDpkgOwners, readManPages } from './manpages-files.js';

const fixture = (name: string): string =>
  readFileSync(decodeURIComponent(new URL(`../__fixtures__/manpages/${name}`, import.meta.url).pathname), 'utf8');

const TOPICS = [
  'deflate data streams',
  'list folder entries',
  'copy a tree of files',
  'search text for patterns',
  'change owners of files',
  'print a calendar',
  'report free disk space',
  'signal running processes',
];

/**
 * A manual root and a dpkg database in `root`: fixture pages (man(7), mdoc, pod2man, a `.so` alias), a symlink alias,
 * a corrupt gzip, a stray file, a Latin-1 page, a German translation, and generated pages for a split.
 */
function buildTree(root: string): { man: string; dpkg: string } {
  const man = path.join(root, 'man');
  const dpkg = path.join(root, 'dpkg');
  for (const d of ['man1', 'man3', 'man8', 'de/man1']) mkdirSync(path.join(man, d), { recursive: true });
  mkdirSync(path.join(dpkg, 'info'), { recursive: true });
  const gz = (rel: string, text: string | Buffer): void => writeFileSync(path.join(man, rel), gzipSync(text));
  gz('man1/frob.1.gz', fixture('frob.1'));
  gz('man1/unfrob.1.gz', fixture('unfrob.1'));
  gz('man8/frobd.8.gz', fixture('frob-mdoc.1'));
  writeFileSync(path.join(man, 'man3/Frob::Pod.3pm'), fixture('pod.3pm')); // uncompressed
  symlinkSync('frob.1.gz', path.join(man, 'man1/frob-alias.1.gz'));
  writeFileSync(path.join(man, 'man1/broken.1.gz'), 'not gzip at all');
  writeFileSync(path.join(man, 'man1/README'), 'not a page');
  gz(
    'man1/cafe.1.gz',
    Buffer.from(
      '.TH CAFE 1\n.SH NAME\ncafe \\- brew caf\xe9 au lait\n.SH DESCRIPTION\nMakes a caf\xe9 with milk for everyone in the office each morning.\n',
      'latin1',
    ),
  );
  gz('de/man1/frob.1.gz', '.TH FROB 1\n.SH NAME\nfrob \\- Dateien frobnizieren\n.SH BESCHREIBUNG\nDeutsch.\n');
  TOPICS.forEach((t, i) =>
    gz(
      `man1/gen${i}.1.gz`,
      `.TH GEN${i} 1\n.SH NAME\ngen${i} \\- ${t}\n.SH DESCRIPTION\n.B gen${i}\nis the program that can ${t} quickly and safely for every user of the system.\n`,
    ),
  );
  const abs = (rel: string): string => path.join(path.resolve(man), rel);
  writeFileSync(
    path.join(dpkg, 'info/frob.list'),
    ['/.', '/usr', abs('man1/frob.1.gz'), abs('man1/unfrob.1.gz'), abs('man8/frobd.8.gz'), ''].join('\n'),
  );
  writeFileSync(path.join(dpkg, 'info/libfrob-perl:amd64.list'), `${abs('man3/Frob::Pod.3pm')}\n`);
  writeFileSync(path.join(dpkg, 'info/gen.list'), `${TOPICS.map((_, i) => abs(`man1/gen${i}.1.gz`)).join('\n')}\n`);
  writeFileSync(
    path.join(dpkg, 'status'),
    [
      'Package: frob\nStatus: install ok installed\nVersion: 1.0-1\nDescription: frob\n multi-line field',
      'Package: libfrob-perl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.0-3',
      'Package: gen\nStatus: install ok installed\nVersion: 0.1',
      'Package: removed\nStatus: deinstall ok config-files\nVersion: 9',
    ].join('\n\n'),
  );
  return { man, dpkg };
}

describe('man page files', () => {
  const tmp = useTempDir('manpages-');
  let tree: { man: string; dpkg: string };
  beforeAll(() => {
    tree = buildTree(tmp('tree'));
  });

  it('names pages from file names', () => {
    expect(manFileName('ls.1.gz')).toEqual({ name: 'ls', section: '1', gzip: true });
    expect(manFileName('CA.pl.1ssl.gz')).toEqual({ name: 'CA.pl', section: '1ssl', gzip: true });
    expect(manFileName('Frob::Pod.3pm')).toEqual({ name: 'Frob::Pod', section: '3pm', gzip: false });
    expect(manFileName('FileCheck-14.1.gz')).toEqual({ name: 'FileCheck-14', section: '1', gzip: true });
    expect(manFileName('README')).toBeNull();
    expect(manFileName('x.1.bz2')).toBeNull();
  });

  it('reads dpkg lists and the status file', () => {
    const owners = readDpkgOwners(tree.dpkg, path.resolve(tree.man));
    expect(owners.get(path.join(path.resolve(tree.man), 'man8/frobd.8.gz'))).toBe('frob');
    expect(owners.get(path.join(path.resolve(tree.man), 'man3/Frob::Pod.3pm'))).toBe('libfrob-perl');
    expect([...owners.values()].every((p) => p !== '/usr')).toBe(true);
    expect(owners.size).toBe(4 + TOPICS.length);
    expect(parseDpkgStatus(readFileSync(path.join(tree.dpkg, 'status'), 'utf8'))).toEqual(
      new Map([
        ['frob', '1.0-1'],
        ['libfrob-perl', '2.0-3'],
        ['gen', '0.1'],
      ]),
    );
    expect(readDpkgOwners(tmp('no-dpkg'), '/x').size).toBe(0);
  });

  it('reads every English page once, with its package, and says why others were skipped', () => {
    const r = readManPages({ manDir: tree.man, dpkgDir: tree.dpkg });
    const byName = new Map(r.records.map((x) => [x.name, x]));
    expect([...byName.keys()].sort()).toEqual(['Frob::Pod', 'cafe', 'frob', 'frobd', ...TOPICS.map((_, i) => `gen${i}`)].sort());
    expect(byName.get('frob')).toMatchObject({ section: '1', package: 'frob', page: { summary: 'frobnicate files in place' } });
    expect(byName.get('frobd')).toMatchObject({ section: '8', package: 'frob', page: { format: 'mdoc', summary: 'frobnication daemon' } });
    expect(byName.get('Frob::Pod')).toMatchObject({ section: '3pm', package: 'libfrob-perl' });
    expect(byName.get('cafe')).toMatchObject({ package: 'unknown', page: { summary: 'brew café au lait' } });
    expect(r.skipped).toEqual({ 'so-link': 1, symlink: 1, unreadable: 1, 'not-a-page': 1 });
    expect(r.unreadable[0]!.file).toMatch(/broken\.1\.gz$/);
    expect(r.latin1).toBe(1);
    expect(r.notRead).toEqual(['de']);
    expect(r.sections).toEqual({ '1': 6 + TOPICS.length, '3': 1, '8': 1 });
    expect(r.records.some((x) => x.page.summary.includes('Dateien'))).toBe(false);
  });

  it('reads chosen sections, leaves out excluded packages, refuses a bad root or section', () => {
    const r = readManPages({ manDir: tree.man, dpkgDir: tree.dpkg, sections: ['8', '3'] });
    expect(r.records.map((x) => x.name).sort()).toEqual(['Frob::Pod', 'frobd']);
    const ex = readManPages({ manDir: tree.man, dpkgDir: tree.dpkg, excludePackages: ['gen'] });
    expect(ex.skipped['excluded-package']).toBe(TOPICS.length);
    expect(ex.records.some((x) => x.package === 'gen')).toBe(false);
    expect(() => readManPages({ manDir: tmp('missing'), dpkgDir: tree.dpkg })).toThrow(/manual folder not found/);
    expect(() => readManPages({ manDir: tree.dpkg, dpkgDir: tree.dpkg })).toThrow(/no man<section> folder/);
    expect(() => readManPages({ manDir: tree.man, dpkgDir: tree.dpkg, sections: ['9'] })).toThrow(/no man9 folder/);
  });

  it('builds the dataset files with provenance and writes them atomically, keeping other files on overwrite', () => {
    const ds = buildManpagesDataset({ manDir: tree.man, dpkgDir: tree.dpkg, evalSize: 3, seed: 0, tool: 'test' });
    const lines = (f: keyof typeof ds.files): string[] => ds.files[f].split('\n').filter(Boolean);
    expect(lines('pairs.jsonl')).toHaveLength(3);
    // frob(1), frobd(8), Frob::Pod, cafe and 8 generated pages are 12 groups (frob and frobd differ in name, summary and description)
    expect(ds.manifest.counts.groups).toBe(12);
    expect(lines('train-pairs.jsonl')).toHaveLength(9);
    expect(lines('triplets.jsonl')).toHaveLength(9);
    expect(lines('corpus.txt')).toHaveLength(18);
    expect(lines('packages.txt')[0]).toMatch(/^# package\tversion\tpages/);
    expect(lines('packages.txt')).toContain(
      `gen\t0.1\t${TOPICS.length}\t${ds.task.heldOut.filter((r) => r.package === 'gen').length}\t${ds.task.train.filter((r) => r.package === 'gen').length}`,
    );
    expect(lines('packages.txt').some((l) => l.startsWith('unknown\t-\t1\t'))).toBe(true);
    expect(lines('provenance.tsv')).toHaveLength(1 + 12);
    expect(ds.files['README.md']).toMatch(/\/usr\/share\/doc\/<package>\/copyright/);
    expect(ds.manifest.skipped.read).toMatchObject({ 'so-link': 1, symlink: 1 });
    expect(ds.manifest.packagesSha256).toMatch(/^[0-9a-f]{64}$/);
    const held = new Set(lines('pairs.jsonl').flatMap((l) => Object.values(JSON.parse(l) as Record<string, string>)));
    for (const f of ['train-pairs.jsonl', 'triplets.jsonl'] as const)
      for (const l of lines(f)) for (const v of Object.values(JSON.parse(l) as Record<string, string>)) expect(held.has(v)).toBe(false);
    for (const l of lines('corpus.txt')) expect(held.has(l)).toBe(false);

    const out = tmp('out', 'ds');
    writeDatasetFolder(out, ds.files, false);
    expect(readdirSync(out).sort()).toEqual(Object.keys(ds.files).sort());
    expect(readdirSync(path.dirname(out))).toEqual(['ds']); // no temporary folder left
    expect(() => writeDatasetFolder(out, ds.files, false)).toThrow(/not empty/);
    writeFileSync(path.join(out, 'notes.md'), 'mine');
    writeFileSync(path.join(out, 'pairs.jsonl'), 'stale');
    writeDatasetFolder(out, ds.files, true);
    expect(readFileSync(path.join(out, 'notes.md'), 'utf8')).toBe('mine');
    expect(readFileSync(path.join(out, 'pairs.jsonl'), 'utf8')).toBe(ds.files['pairs.jsonl']);
    expect(readdirSync(path.dirname(out))).toEqual(['ds']);
  });
});
