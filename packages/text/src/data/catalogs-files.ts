/**
 * Reading the installed gettext catalogs of one language and their Debian provenance (Node only): every
 * `<locale-dir>/<lang>/LC_MESSAGES/*.mo`, parsed by {@link parseMo}, each mapped to the package that installed it
 * through dpkg's own `info/*.list` files (see {@link readDpkgOwners}).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TextDataError } from '../errors.js';
import { type MoCatalog, MoFileError, parseMo } from './gettext-mo.js';
import { readDpkgOwners, readDpkgStatus } from './manpages-files.js';

/** Options of {@link readCatalogs}. */
export interface ReadCatalogsOptions {
  /**
   * The language folder to read, exactly as named under the locale root (`'de'`, `'pt_BR'`, `'sr@latin'`). Only that
   * folder is read: regional variants (`de_CH`, `de_AT`) are separate languages with their own spelling (Swiss
   * German writes `ss` for `ß`) and are read only when asked for by name; they are listed in
   * {@link CatalogsRead.variantsNotRead}.
   */
  lang: string;
  /** The locale root. Default `/usr/share/locale`. Catalogs elsewhere (`/usr/share/vim/…/lang`) are not read. */
  localeDir?: string;
  /** dpkg's database, for file → package and versions. Default `/var/lib/dpkg`; a missing one gives `'unknown'` packages. */
  dpkgDir?: string;
  /** Read only catalogs of these packages (the rest are counted as `'not-listed'`). Default: every package. */
  packages?: ReadonlySet<string>;
  /** `.mo` files larger than this are skipped (`'too-large'`), bounding memory. Default 64 MiB (the largest here is 0.8 MB). */
  maxFileBytes?: number;
  /** A progress line now and then (stderr in the CLI). */
  log?: (line: string) => void;
}

/** Why a file in the `LC_MESSAGES` folder gave no catalog. */
export type CatalogFileSkipReason =
  /** A symbolic link (an alias such as `iso_3166_2.mo` → `iso_3166-2.mo`; the target is read on its own). */
  | 'symlink'
  /** A second hard link to a file already read. */
  | 'hardlink'
  /** Not a regular `*.mo` file. */
  | 'not-mo'
  /** Above `maxFileBytes`. */
  | 'too-large'
  /** A package not in {@link ReadCatalogsOptions.packages}. */
  | 'not-listed'
  /** Not readable, or not a valid `.mo` ({@link MoFileError}); listed in {@link CatalogsRead.corrupt}. */
  | 'corrupt';

/** One parsed catalog and where it came from. */
export interface CatalogRecord {
  /** Absolute path of the `.mo` file. */
  file: string;
  /** The Debian package that installed it (`'unknown'` when no dpkg list names it). */
  package: string;
  /** The text domain: the file name without `.mo`. */
  domain: string;
  /** File size in bytes. */
  bytes: number;
  /** sha256 of the file, so a rebuild can tell the same catalog from an updated one. */
  sha256: string;
  catalog: MoCatalog;
}

/** What {@link readCatalogs} found. */
export interface CatalogsRead {
  /** Parsed catalogs, sorted by package, then domain. */
  catalogs: CatalogRecord[];
  /** Files of the folder that gave no catalog, by reason. */
  skipped: Partial<Record<CatalogFileSkipReason, number>>;
  /** Up to 20 corrupt or unreadable files with the error. */
  corrupt: { file: string; error: string }[];
  /** Files listed in the `LC_MESSAGES` folder. */
  files: number;
  /** Installed packages and their versions (dpkg's status file). */
  versions: Map<string, string>;
  /** Other folders of the same language that were not read (`de_CH`, `de@hebrew`), sorted. */
  variantsNotRead: string[];
}

/** Folders of `localeDir` that hold an `LC_MESSAGES/*.mo` file, sorted: the languages {@link readCatalogs} can read. */
export function listCatalogLanguages(localeDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(localeDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TextDataError(localeDir, code === 'ENOENT' ? 'locale folder not found (--locale-dir)' : `cannot be listed (${code})`);
  }
  return entries
    .filter((d) => {
      try {
        return readdirSync(path.join(localeDir, d, 'LC_MESSAGES')).some((f) => f.endsWith('.mo'));
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Reads and parses every `.mo` file of one language (see {@link ReadCatalogsOptions}). Symbolic links and
 * hard-link twins are skipped, so each catalog is read once. A corrupt or unreadable file is counted as `'corrupt'`
 * and listed with its error, not fatal: one broken catalog of a system's hundred should not stop the dataset, and
 * the manifest says which. A language folder without `LC_MESSAGES` is a {@link TextDataError} that lists the
 * languages present.
 */
export function readCatalogs(options: ReadCatalogsOptions): CatalogsRead {
  const { lang, localeDir = '/usr/share/locale', dpkgDir = '/var/lib/dpkg', packages, maxFileBytes = 64 * 2 ** 20, log } = options;
  const root = path.resolve(localeDir);
  const dir = path.join(root, lang, 'LC_MESSAGES');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new TextDataError(dir, `cannot be listed (${code})`);
    const langs = listCatalogLanguages(root);
    throw new TextDataError(dir, `no catalogs for language '${lang}' (languages with catalogs: ${langs.join(', ') || 'none'})`);
  }
  const base = lang.replace(/[_@.].*$/, '');
  const variantsNotRead = readdirSync(root)
    .filter((d) => d !== lang && (d === base || d.startsWith(`${base}_`) || d.startsWith(`${base}@`)))
    .sort();
  const owners = readDpkgOwners(dpkgDir, dir);
  const versions = readDpkgStatus(dpkgDir);

  const skipped: Partial<Record<CatalogFileSkipReason, number>> = {};
  const skip = (r: CatalogFileSkipReason): void => {
    skipped[r] = (skipped[r] ?? 0) + 1;
  };
  const corrupt: { file: string; error: string }[] = [];
  const catalogs: CatalogRecord[] = [];
  const inodes = new Set<string>();
  log?.(`reading ${names.length} files in ${dir}`);
  for (const name of names) {
    const file = path.join(dir, name);
    const st = lstatSync(file);
    if (st.isSymbolicLink()) {
      skip('symlink');
      continue;
    }
    if (!st.isFile() || !name.endsWith('.mo')) {
      skip('not-mo');
      continue;
    }
    const inode = `${st.dev}:${st.ino}`;
    if (st.nlink > 1 && inodes.has(inode)) {
      skip('hardlink');
      continue;
    }
    inodes.add(inode);
    const pkg = owners.get(file) ?? 'unknown';
    if (packages && !packages.has(pkg)) {
      skip('not-listed');
      continue;
    }
    if (st.size > maxFileBytes) {
      skip('too-large');
      continue;
    }
    try {
      const bytes = readFileSync(file);
      const catalog = parseMo(bytes, file);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      catalogs.push({ file, package: pkg, domain: name.slice(0, -'.mo'.length), bytes: bytes.length, sha256, catalog });
    } catch (e) {
      if (!(e instanceof MoFileError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
      skip('corrupt');
      if (corrupt.length < 20) corrupt.push({ file, error: (e as Error).message });
    }
  }
  catalogs.sort((a, b) => cmp(a.package, b.package) || cmp(a.domain, b.domain));
  return { catalogs, skipped, corrupt, files: names.length, versions, variantsNotRead };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
