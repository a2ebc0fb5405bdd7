/**
 * An index folder on disk: `index.json` (see {@link IndexMeta}) plus the data files of its kind. Saves are atomic:
 * everything is written and fsynced in a temporary sibling folder, `index.json` last, then renamed into place, so
 * a reader sees the old index or the new one, never half of one. An existing folder is replaced only with
 * `overwrite`, and only when it is an index folder (it has an `index.json`): user data is never replaced.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IndexFileError } from '../errors.js';
import { INDEX_META_FILE, type IndexMeta, parseIndexMeta } from '../index-meta.js';

/** Options of a save. */
export interface SaveIndexOptions {
  /**
   * The encoder that produced the vectors ({@link IndexInfo.encoder}), recorded in `index.json` so a later load
   * can refuse another encoder's queries. Default: none recorded (or, for a `UsearchIndex`, the one it was
   * created or loaded with).
   */
  encoder?: string;
  /** Replace an existing index folder (default false: an existing folder is an error and is left as it was). */
  overwrite?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes an index folder atomically: `fill(tmpDir)` writes the data files into a fresh temporary sibling of
 * `folder` and returns the metadata, which is written last as `index.json`; then the temporary folder replaces
 * `folder`. On any error the temporary folder is removed and `folder` is untouched.
 */
export async function writeIndexFolder(folder: string, overwrite: boolean, fill: (dir: string) => Promise<IndexMeta>): Promise<IndexMeta> {
  const target = resolve(folder);
  const present = await exists(target);
  if (present) {
    if (!overwrite) throw new IndexFileError(target, 'already exists; pass overwrite: true (CLI: --overwrite) to replace it');
    if (!(await exists(join(target, INDEX_META_FILE))))
      throw new IndexFileError(target, `exists and is not an index folder (no ${INDEX_META_FILE}); refusing to replace it`);
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${tag}`);
  await mkdir(tmp);
  let meta: IndexMeta;
  try {
    meta = await fill(tmp);
    await writeFile(join(tmp, INDEX_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    for (const name of await readdir(tmp)) await fsyncPath(join(tmp, name));
    await fsyncPath(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (present) {
    // Two renames: a reader between them finds no folder (an error), never a partial one.
    const old = join(parent, `.${basename(target)}.old-${tag}`);
    await rename(target, old);
    try {
      await rename(tmp, target);
    } catch (e) {
      await rename(old, target);
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    await rm(old, { recursive: true, force: true });
  } else {
    try {
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw new IndexFileError(target, `could not be created: ${(e as Error).message}`, { cause: e });
    }
  }
  await fsyncPath(parent).catch(() => undefined); // durability of the rename; not possible on every filesystem
  return meta;
}

/** Reads and validates `folder/index.json`; errors name the folder or the file. */
export async function readIndexMeta(folder: string): Promise<IndexMeta> {
  const dir = resolve(folder);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexFileError(dir, 'no such index folder');
    throw e;
  }
  if (!st.isDirectory()) throw new IndexFileError(dir, 'is not a folder (an index is a folder holding index.json)');
  const file = join(dir, INDEX_META_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new IndexFileError(file, 'is missing: the folder is not an index folder, or its save did not finish');
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new IndexFileError(file, `is not valid JSON: ${(e as Error).message}`);
  }
  return parseIndexMeta(raw, file);
}

/** Checks that `folder/name` exists with exactly `bytes` bytes (`why` explains the number); returns its path. */
export async function checkFileSize(folder: string, name: string, bytes: number, why: string): Promise<string> {
  const file = join(resolve(folder), name);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexFileError(file, `is missing (${INDEX_META_FILE} lists it)`);
    throw e;
  }
  if (size !== bytes)
    throw new IndexFileError(file, `is ${size} bytes, but ${INDEX_META_FILE} says ${why} = ${bytes} bytes (truncated or corrupt)`);
  return file;
}

/** Checks that `folder/name` exists (a data file whose size has no formula); returns its path. */
export async function checkFilePresent(folder: string, name: string): Promise<string> {
  const file = join(resolve(folder), name);
  if (!(await exists(file))) throw new IndexFileError(file, `is missing (${INDEX_META_FILE} lists it)`);
  return file;
}
