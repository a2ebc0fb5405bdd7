/**
 * A fake locale root and dpkg database for the catalogs-data tests (not shipped): German catalogs of four
 * packages plus one file no package owns, an alias symlink, a corrupt `.mo`, a stray file, a `de_CH` variant and a
 * French folder.
 */
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { moHeader, writeMo } from './gettext-mo-writer.js';

/** Pair counts of the generated catalogs by package (before the msgfmt fixture `basic.mo` of package `demo`). */
export const TREE_PACKAGES: Record<string, number> = { alpha: 40, beta: 12, gamma: 6, delta: 9 };

/** Builds the tree under `root`; returns the locale and dpkg folders. */
export function writeCatalogsTree(root: string): { locale: string; dpkg: string } {
  const locale = path.join(root, 'locale');
  const dpkg = path.join(root, 'dpkg');
  const de = path.join(locale, 'de', 'LC_MESSAGES');
  for (const d of [de, path.join(locale, 'de_CH', 'LC_MESSAGES'), path.join(locale, 'fr', 'LC_MESSAGES'), path.join(dpkg, 'info')]) {
    mkdirSync(d, { recursive: true });
  }
  const lists: Record<string, string[]> = {};
  for (const [pkg, n] of Object.entries(TREE_PACKAGES)) {
    const entries = [moHeader()];
    for (let i = 0; i < n; i++) entries.push({ original: `Message ${i} of ${pkg}`, translation: `Nachricht ${i} von ${pkg}` });
    // A source every package has: only the first package (by name) keeps it.
    entries.push({ original: 'Shared message', translation: `Gemeinsame Nachricht (${pkg})` });
    writeFileSync(path.join(de, `${pkg}-domain.mo`), writeMo(entries));
    lists[pkg] = [path.join(de, `${pkg}-domain.mo`)];
  }
  copyFileSync(new URL('../../__fixtures__/gettext/basic.mo', import.meta.url), path.join(de, 'basic.mo'));
  lists.demo = [path.join(de, 'basic.mo')];
  writeFileSync(path.join(de, 'orphan.mo'), writeMo([moHeader(), { original: 'Nobody owns me', translation: 'Niemandem gehöre ich' }]));
  symlinkSync('alpha-domain.mo', path.join(de, 'alias.mo'));
  writeFileSync(path.join(de, 'broken.mo'), new Uint8Array(40));
  lists.broken = [path.join(de, 'broken.mo')];
  writeFileSync(path.join(de, 'README'), 'not a catalog');
  writeFileSync(path.join(locale, 'de_CH', 'LC_MESSAGES', 'x.mo'), writeMo([moHeader()]));
  writeFileSync(path.join(locale, 'fr', 'LC_MESSAGES', 'y.mo'), writeMo([moHeader()]));
  for (const [pkg, files] of Object.entries(lists)) {
    // Multi-arch list names carry the architecture, which the owner map drops.
    writeFileSync(
      path.join(dpkg, 'info', `${pkg === 'beta' ? 'beta:amd64' : pkg}.list`),
      `/.\n${path.dirname(files[0]!)}\n${files.join('\n')}\n`,
    );
  }
  writeFileSync(
    path.join(dpkg, 'status'),
    Object.keys(lists)
      .map((p) => `Package: ${p}\nStatus: install ok installed\nVersion: 1.${p.length}-1\n`)
      .join('\n'),
  );
  return { locale, dpkg };
}
