import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsError, withFsError } from './fs-errors.js';

/** Names of our atomic-write temporaries: `.<name>.tmp-<pid>-<8 hex>` (see {@link writeFileAtomic}). */
export const TEMP_FILE_PATTERN = /^\.(.+)\.tmp-(\d+)-[0-9a-f]{8}$/;

/** For a name written by {@link writeFileAtomic}'s temporaries: the target name and the writer's pid; else null. */
export function parseTempName(name: string): { target: string; pid: number } | null {
  const m = TEMP_FILE_PATTERN.exec(name);
  return m ? { target: m[1]!, pid: Number(m[2]) } : null;
}

/**
 * Writes `data` to `file` atomically: a temporary file in the same directory (`.<name>.tmp-<pid>-<hex>`) is
 * written and flushed, then renamed over `file` (rename is atomic within a file system), so a crash never
 * leaves a half-written file behind. When the write, the flush or the rename fails (a full disk, a read-only
 * file system), the temporary file is removed and a {@link FileSystemError} names `file` and the errno in
 * words (`cannot write '/x/run.json': no space left on device (ENOSPC)`), keeping `code`.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(err, 'write', file);
  }
}

/**
 * `mkdir -p dir`, with an error that names `dir` and the real errno: Node's recursive mkdir reports a
 * read-only file system (or a permission problem) on a missing parent as ENOENT, so on ENOENT the first
 * missing folder is created alone to learn why (`cannot create the folder '/ro/a': read-only file system (EROFS)`).
 */
export async function makeDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(err, 'create the folder', dir);
    throw fsError((await firstMkdirError(dir)) ?? err, 'create the folder', dir);
  }
}

/** The error of creating the first missing folder on the way to `dir` alone (null when that works). */
async function firstMkdirError(dir: string): Promise<unknown> {
  let child = path.resolve(dir);
  let parent = path.dirname(child);
  while (parent !== child) {
    try {
      await fs.stat(parent);
      break;
    } catch {
      child = parent;
      parent = path.dirname(parent);
    }
  }
  try {
    await fs.mkdir(child);
    await fs.rmdir(child);
    return null;
  } catch (err) {
    return err;
  }
}

/** Entries of `dir`, or `null` when it does not exist. Throws if `dir` exists but is not a directory. */
export async function listDir(dir: string, what: string): Promise<string[] | null> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsError(err, `read the ${what}`, dir);
  }
  if (!stat.isDirectory()) throw new Error(`${what} '${dir}' exists and is not a directory`);
  return withFsError(`list the ${what}`, dir, () => fs.readdir(dir));
}

/**
 * Makes sure we may write our files into `dir`: creates it if missing, accepts it if empty or if
 * `isOurs(entries)` says it already holds our files, and otherwise refuses (so a user's folder is never
 * overwritten by mistake) unless `overwrite` is true.
 */
export async function prepareOutputDir(
  dir: string,
  what: string,
  isOurs: (entries: string[]) => Promise<boolean> | boolean,
  overwrite: boolean,
): Promise<void> {
  const entries = await listDir(dir, what);
  if (entries === null) {
    await makeDir(dir);
    return;
  }
  const visible = entries.filter((e) => !TEMP_FILE_PATTERN.test(e));
  if (visible.length === 0 || overwrite || (await isOurs(visible))) return;
  throw new Error(
    `refusing to write a ${what} into '${dir}': the directory is not empty and does not hold a ${what} ` +
      `(found ${visible.slice(0, 5).join(', ')}${visible.length > 5 ? ', …' : ''}); ` +
      'choose an empty or new directory, or pass overwrite: true',
  );
}

/** Reads and parses a JSON file, with errors naming the file. Returns `null` when it does not exist. */
export async function readJsonIfExists(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsError(err, 'read', file);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`'${file}' is not valid JSON: ${(err as Error).message}`);
  }
}

/** Resolves `relative` inside `dir`, refusing paths that escape it (`../`, absolute paths). */
export function insideDir(dir: string, relative: string, what: string): string {
  const root = path.resolve(dir);
  const full = path.resolve(root, relative);
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new Error(`${what} path '${relative}' points outside '${dir}'`);
  }
  return full;
}
