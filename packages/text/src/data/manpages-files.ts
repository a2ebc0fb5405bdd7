/**
 * Reading the installed manual pages and their Debian provenance (Node only). Everything is read directly —
 * gzip through `node:zlib`, dpkg's own database files — so ~20,000 pages take seconds, not the minutes a `man` or
 * `dpkg -S` process per page would.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TextDataError } from '../errors.js';
import { type ManPageSkipReason, parseManPage } from './manpages-parse.js';
import type { ManPageRecord } from './manpages-task.js';

/** Options of {@link readManPages}. */
export interface ReadManPagesOptions {
  /** Root of the manual: its `man<section>` folders are read. Default `/usr/share/man`. */
  manDir?: string;
  /**
   * Section folders to read, by their suffix (`['1', '8']` reads `man1/` and `man8/`). Default: every `man*` folder.
   * Translated manuals (`de/`, `fr/`, … beside the `man*` folders) are never read: the dataset is English.
   */
  sections?: readonly string[];
  /** dpkg's database, for the file → package map and versions. Default `/var/lib/dpkg`; a missing one gives `'unknown'` packages. */
  dpkgDir?: string;
  /** Packages whose pages are left out (`'google-cloud-cli'`): counted as `'excluded-package'`. */
  excludePackages?: readonly string[];
  /** A progress line now and then (stderr in the CLI). */
  log?: (line: string) => void;
}

/** Why a file under a section folder gave no record. */
export type ManFileSkipReason =
  | ManPageSkipReason
  /** A symbolic link (an alias or an alternatives link; its target is read on its own). */
  | 'symlink'
  /** A second hard link to a file already read. */
  | 'hardlink'
  /** Not a `name.section[.gz]` file (a folder, a stray file, another compression: .bz2, .xz, .zst). */
  | 'not-a-page'
  /** A gzip stream that does not decompress, or a file that cannot be read. */
  | 'unreadable'
  /** Installed by a package in {@link ReadManPagesOptions.excludePackages}. */
  | 'excluded-package';

/** What {@link readManPages} found. */
export interface ManPagesRead {
  /** Parsed pages with their provenance, in file-name order. */
  records: ManPageRecord[];
  /** Files that gave no record, by reason. */
  skipped: Partial<Record<ManFileSkipReason, number>>;
  /** Up to 20 unreadable files with the error, for the manifest. */
  unreadable: { file: string; error: string }[];
  /** Section folders read and the number of files listed in each. */
  sections: Record<string, number>;
  /** Folders beside the `man*` ones that were not read (translations: `de`, `fr`, …). */
  notRead: string[];
  /** Pages decoded as Latin-1 because they were not valid UTF-8. */
  latin1: number;
  /** Installed packages and their versions (from dpkg's status file). */
  versions: Map<string, string>;
}

/** `ls.1.gz` → `{name: 'ls', section: '1', gzip: true}`; `CA.pl.1ssl.gz` → `{name: 'CA.pl', section: '1ssl'}`. */
export function manFileName(file: string): { name: string; section: string; gzip: boolean } | null {
  const m = /^(.+)\.(\d[\w+-]*|n|l)(\.gz)?$/.exec(file);
  if (!m) return null;
  return { name: m[1]!, section: m[2]!, gzip: m[3] !== undefined };
}

/**
 * The Debian package of each file under `prefix`, read from dpkg's `info/*.list` files (one installed path per
 * line; `pkg:arch.list` for multi-arch packages, reported as `pkg`). Bounded memory: only paths under `prefix` are
 * kept. A missing `info/` folder gives an empty map.
 */
export function readDpkgOwners(dpkgDir: string, prefix: string): Map<string, string> {
  const info = path.join(dpkgDir, 'info');
  const owners = new Map<string, string>();
  let lists: string[];
  try {
    lists = readdirSync(info).filter((f) => f.endsWith('.list'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return owners;
    throw new TextDataError(info, `cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const root = prefix.endsWith('/') ? prefix : `${prefix}/`;
  for (const list of lists.sort()) {
    const pkg = list.slice(0, -'.list'.length).replace(/:.*$/, '');
    const text = readFileSync(path.join(info, list), 'utf8');
    for (let start = text.indexOf(root); start >= 0; start = text.indexOf(root, start + 1)) {
      if (start > 0 && text[start - 1] !== '\n') continue;
      const end = text.indexOf('\n', start);
      const p = text.slice(start, end < 0 ? undefined : end);
      if (!owners.has(p)) owners.set(p, pkg);
    }
  }
  return owners;
}

/**
 * Installed packages → version, from dpkg's `status` file (stanzas of `Field: value` lines; only packages whose
 * `Status` ends in `installed`). A missing file gives an empty map.
 */
export function readDpkgStatus(dpkgDir: string): Map<string, string> {
  const file = path.join(dpkgDir, 'status');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new TextDataError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseDpkgStatus(text);
}

/** {@link readDpkgStatus} on the text of a status file. */
export function parseDpkgStatus(text: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(stanza)?.[1]?.trim();
    const pkg = field('Package');
    const version = field('Version');
    const status = field('Status');
    if (pkg && version && status?.endsWith(' installed')) versions.set(pkg, version);
  }
  return versions;
}

/** Decodes a page: UTF-8, or Latin-1 for the few old pages that are not valid UTF-8. */
function decodePage(bytes: Uint8Array): { text: string; latin1: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), latin1: false };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), latin1: true };
  }
}

/**
 * Reads and parses every manual page under `manDir`'s section folders (see {@link ReadManPagesOptions}). Symbolic
 * links, hard-link twins and `.so` redirections are skipped, so each page is read once under its real file. A file
 * that cannot be read or decompressed is counted as `'unreadable'` and listed, not fatal: one broken page of a
 * system's 20,000 should not stop the dataset. A `manDir` that does not exist or holds no `man*` folder is an error.
 */
export function readManPages(options: ReadManPagesOptions = {}): ManPagesRead {
  const { manDir = '/usr/share/man', sections, dpkgDir = '/var/lib/dpkg', excludePackages = [], log } = options;
  let entries: string[];
  try {
    entries = readdirSync(manDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TextDataError(
      manDir,
      code === 'ENOENT' ? 'manual folder not found (--man-dir)' : `cannot be listed (${code ?? (e as Error).message})`,
    );
  }
  const sectionDirs = entries.filter((d) => /^man[^/]+$/.test(d) && lstatSync(path.join(manDir, d)).isDirectory()).sort();
  if (sectionDirs.length === 0) throw new TextDataError(manDir, 'holds no man<section> folder (man1, man8, …); is it a manual root?');
  const chosen = sections === undefined ? sectionDirs : sectionDirs.filter((d) => sections.includes(d.slice(3)));
  if (sections !== undefined) {
    const missing = sections.filter((s) => !sectionDirs.includes(`man${s}`));
    if (missing.length > 0)
      throw new TextDataError(manDir, `no man${missing[0]} folder for section ${missing[0]} (has ${sectionDirs.join(', ')})`);
  }
  const notRead = entries.filter((d) => !sectionDirs.includes(d)).sort();
  const absRoot = path.resolve(manDir);
  const owners = readDpkgOwners(dpkgDir, absRoot);
  const versions = readDpkgStatus(dpkgDir);
  const excluded = new Set(excludePackages);

  const records: ManPageRecord[] = [];
  const skipped: Partial<Record<ManFileSkipReason, number>> = {};
  const skip = (r: ManFileSkipReason): void => {
    skipped[r] = (skipped[r] ?? 0) + 1;
  };
  const unreadable: { file: string; error: string }[] = [];
  const counts: Record<string, number> = {};
  const inodes = new Set<string>();
  let latin1 = 0;
  for (const dir of chosen) {
    const files = readdirSync(path.join(manDir, dir)).sort();
    counts[dir.slice(3)] = files.length;
    log?.(`reading ${files.length} files in ${path.join(manDir, dir)}`);
    for (const f of files) {
      const file = path.join(absRoot, dir, f);
      const st = lstatSync(file);
      if (st.isSymbolicLink()) {
        skip('symlink');
        continue;
      }
      const parsedName = manFileName(f);
      if (!st.isFile() || !parsedName) {
        skip('not-a-page');
        continue;
      }
      const inode = `${st.dev}:${st.ino}`;
      if (st.nlink > 1 && inodes.has(inode)) {
        skip('hardlink');
        continue;
      }
      inodes.add(inode);
      const pkg = owners.get(file) ?? 'unknown';
      if (excluded.has(pkg)) {
        skip('excluded-package');
        continue;
      }
      let bytes: Uint8Array;
      try {
        const raw = readFileSync(file);
        bytes = parsedName.gzip ? gunzipSync(raw) : raw;
      } catch (e) {
        skip('unreadable');
        if (unreadable.length < 20) unreadable.push({ file, error: (e as Error).message });
        continue;
      }
      const { text, latin1: l1 } = decodePage(bytes);
      if (l1) latin1++;
      const parsed = parseManPage(text);
      if (!parsed.ok) {
        skip(parsed.reason);
        continue;
      }
      records.push({ file, name: parsedName.name, section: parsedName.section, package: pkg, page: parsed.page });
    }
  }
  return { records, skipped, unreadable, sections: counts, notRead, latin1, versions };
}
