import { opendir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A file under a walked folder. */
export interface WalkedFile {
  /** Path relative to the root, `/`-separated. */
  rel: string;
  /** Absolute (joined) path. */
  path: string;
  /** A symbolic link (to a file). */
  link: boolean;
}

/**
 * Every file under `root`, depth first, each folder's entries sorted by name (so the order, and with it a built
 * folder, is the same on every machine). Linked folders are not entered (no loops); linked files are listed with
 * `link: true`. Only names are held, never contents.
 */
export async function walkFiles(root: string, rel = ''): Promise<WalkedFile[]> {
  const dir = rel === '' ? root : join(root, ...rel.split('/'));
  const entries: { name: string; kind: 'dir' | 'file' | 'link' }[] = [];
  for await (const e of await opendir(dir)) {
    if (e.isDirectory()) entries.push({ name: e.name, kind: 'dir' });
    else if (e.isFile()) entries.push({ name: e.name, kind: 'file' });
    else if (e.isSymbolicLink()) {
      const t = await stat(join(dir, e.name)).catch(() => null);
      if (t?.isFile()) entries.push({ name: e.name, kind: 'link' });
    }
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: WalkedFile[] = [];
  for (const e of entries) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.kind === 'dir') out.push(...(await walkFiles(root, r)));
    else out.push({ rel: r, path: join(root, ...r.split('/')), link: e.kind === 'link' });
  }
  return out;
}

/** A folder that must exist: a clear error with how to install it otherwise. */
export async function requireFolder(dir: string, what: string, install: string): Promise<void> {
  const s = await stat(dir).catch(() => null);
  if (!s?.isDirectory()) throw new Error(`${what} not found at ${dir}: ${install}, or pass its folder (--from DIR)`);
}

/** The text of the first of `files` that exists, or `null`. */
export async function readFirstExisting(files: readonly string[]): Promise<{ file: string; text: string } | null> {
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) return { file, text };
  }
  return null;
}
