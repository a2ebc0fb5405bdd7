import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManPageGraph, manFileKey } from './man-pages.js';

/** A man(7) page: NAME summary, DESCRIPTION, SEE ALSO. */
const page = (name: string, section: string, summary: string, description: string, seeAlso: string) =>
  `.TH ${name.toUpperCase()} ${section}\n.SH NAME\n${name} \\- ${summary}\n.SH DESCRIPTION\n${description}\n.SH "SEE ALSO"\n${seeAlso}\n`;

let root: string;
const owners = new Map<string, string>();

function put(section: number, file: string, text: string, pkg = 'pkg-a'): string {
  const full = path.join(root, `man${section}`, file);
  writeFileSync(full, file.endsWith('.gz') ? gzipSync(text) : text);
  owners.set(full, pkg);
  return full;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'man-graph-'));
  for (const s of [1, 3, 5, 6]) mkdirSync(path.join(root, `man${s}`));
  mkdirSync(path.join(root, 'de', 'man1'), { recursive: true }); // a translation: never read
  writeFileSync(path.join(root, 'de', 'man1', 'frob.1.gz'), gzipSync(page('frob', '1', 'german words', 'kaputt', 'ls(1)')));
  // Section 1: frob links ls, grep (an alias of gsearch), widget(3) (resolves to widget.3ssl), nosuch(1), itself.
  put(
    1,
    'frob.1.gz',
    page(
      'frob',
      '1',
      'twiddle widgets',
      'Twiddles widgets and knobs.',
      '.BR ls (1),\n.BR grep (1),\n.BR widget (3),\n.BR nosuch (1),\n.BR frob (1)',
    ),
  );
  put(1, 'ls.1.gz', page('ls', '1', 'list directory contents', 'Lists files and widgets.', '.BR frob (1),\n.BR gsearch (1)'));
  put(1, 'gsearch.1.gz', page('gsearch', '1', 'search files', 'Searches files for patterns.', 'none'));
  symlinkSync('gsearch.1.gz', path.join(root, 'man1', 'grep.1.gz')); // an alias by symbolic link
  put(1, 'cloud_thing.1.gz', page('cloud_thing', '1', 'cloud command', 'Generated cloud text.', 'ls(1)'), 'google-cloud-cli');
  // Section 3: widget.3ssl, an alias by .so, a hard link.
  put(3, 'widget.3ssl.gz', page('widget', '3ssl', 'allocate a widget', 'Allocates widget memory.', '.BR frob (1),\n.BR knob (3)'));
  put(3, 'knob.3.gz', page('knob', '3', 'turn a knob', 'Turns knobs of widgets.', 'widget_free(3)'));
  put(3, 'widget_free.3.gz', '.so man3/widget.3ssl\n');
  linkSync(path.join(root, 'man3', 'knob.3.gz'), path.join(root, 'man3', 'knob_turn.3.gz'));
  // Section 5: one page, isolated; a plain (uncompressed) file.
  put(5, 'frob.conf.5', page('frob.conf', '5', 'configuration file', 'Configuration for widgets.', ''));
  // Section 6: one page, dropped as a class smaller than minClassSize.
  put(6, 'game.6.gz', page('game', '6', 'play widgets', 'A game of widgets.', 'frob(1)'));
  writeFileSync(path.join(root, 'man1', 'README'), 'not a page');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const build = () =>
  buildManPageGraph({ manDir: root, owners, excludePackages: ['google-cloud-cli'], minClassSize: 1, minDf: 1, maxDfFraction: 1 });

describe('manFileKey', () => {
  it('splits name and section', () => {
    expect(manFileKey('CA.pl.1ssl.gz')).toEqual({ name: 'CA.pl', section: '1ssl' });
    expect(manFileKey('ls.1')).toEqual({ name: 'ls', section: '1' });
    expect(manFileKey('README')).toBeNull();
  });
});

describe('buildManPageGraph', () => {
  it('makes one node per real page: aliases, excluded packages, translations and non-pages are not nodes', () => {
    const ds = build();
    expect(ds.nodeNames).toEqual(['frob.1', 'gsearch.1', 'ls.1', 'knob.3', 'widget.3ssl', 'frob.conf.5', 'game.6']);
    expect(ds.classNames).toEqual(['1', '3', '5', '6']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 1, 1, 2, 3]);
    expect(ds.details.read).toMatchObject({ pages: 7, aliases: 3, excludedPackage: 1, notAPage: 1 });
  });

  it('resolves SEE ALSO through aliases and section suffixes; drops self, duplicate and unresolved references', () => {
    const ds = build();
    const id = (n: string) => ds.nodeNames.indexOf(n);
    const pairs = [];
    for (let k = 0; k < ds.edges.length; k += 2) pairs.push(`${ds.nodeNames[ds.edges[k]!]}-${ds.nodeNames[ds.edges[k + 1]!]}`);
    expect(pairs.sort()).toEqual(
      ['frob.1-gsearch.1', 'frob.1-ls.1', 'frob.1-widget.3ssl', 'gsearch.1-ls.1', 'knob.3-widget.3ssl', 'frob.1-game.6'].sort(),
    );
    expect(id('frob.conf.5')).toBeGreaterThanOrEqual(0);
    expect(ds.details.seeAlso).toMatchObject({ references: 11, resolved: 10 });
  });

  it('drops a section smaller than minClassSize and reports it', () => {
    const ds = buildManPageGraph({
      manDir: root,
      owners,
      excludePackages: ['google-cloud-cli'],
      minClassSize: 2,
      minDf: 1,
      maxDfFraction: 1,
    });
    expect(ds.classNames).toEqual(['1', '3']);
    expect(ds.details.droppedClasses).toEqual([
      { name: '5', count: 1 },
      { name: '6', count: 1 },
    ]);
    expect(ds.nodeNames).not.toContain('game.6');
    expect(ds.edges.length / 2).toBe(5);
  });

  it('features come from NAME summary + DESCRIPTION only: no SEE ALSO names, no page names, no section numbers', () => {
    const ds = build();
    expect(ds.vocabulary).toContain('twiddle');
    expect(ds.vocabulary).toContain('widgets');
    expect(ds.vocabulary).not.toContain('nosuch'); // only in SEE ALSO
    expect(ds.vocabulary).not.toContain('gsearch'); // a page name and a SEE ALSO entry only
    expect(ds.vocabulary).not.toContain('kaputt'); // the German page is not read
    expect(ds.vocabulary.every((t) => /^[a-z]{2,}$/.test(t))).toBe(true);
    expect(ds.features.numRows).toBe(ds.nodeNames.length);
  });

  it('refuses a folder without section folders', () => {
    expect(() => buildManPageGraph({ manDir: path.join(root, 'de', 'man1'), owners })).toThrow(/holds none of the folders man1\/, man2\//);
  });

  it('keeps every page by default', () => {
    const ds = buildManPageGraph({ manDir: root, owners, minClassSize: 1, minDf: 1, maxDfFraction: 1 });
    expect(ds.nodeNames).toContain('cloud_thing.1');
    expect(ds.extraFiles?.['packages.tsv']).toMatch(/^google-cloud-cli\t/m);
  });
});
