import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `data` to `file` atomically: a temporary file in the same directory is written and flushed,
 * then renamed over `file` (rename is atomic within a file system), so a crash never leaves a
 * half-written checkpoint behind.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Entries of `dir`, or `null` when it does not exist. Throws if `dir` exists but is not a directory. */
export async function listDir(dir: string, what: string): Promise<string[] | null> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (!stat.isDirectory()) throw new Error(`${what} '${dir}' exists and is not a directory`);
  return fs.readdir(dir);
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
    await fs.mkdir(dir, { recursive: true });
    return;
  }
  const visible = entries.filter((e) => !e.startsWith('.') || !e.includes('.tmp-'));
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
    throw err;
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
