import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** Whether `dir` is absent, an empty folder, a non-empty folder, or not a folder (a file, a link). */
export function outputState(dir: string): 'absent' | 'empty' | 'non-empty' | 'not-a-folder' {
  let isDir: boolean;
  try {
    isDir = lstatSync(dir).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
  if (!isDir) return 'not-a-folder';
  return readdirSync(dir).length === 0 ? 'empty' : 'non-empty';
}

/**
 * Writes a whole folder atomically: `fill(tmp)` writes the contents into a fresh sibling `<dir>.tmp-<pid>-<hex>`,
 * which then takes `dir`'s place (an existing `dir` is moved aside first and removed after), so `dir` always
 * holds a complete folder or what it held before. When `fill` or the swap throws, the temporary folder is removed
 * and the error rethrown. The caller decides beforehand whether `dir` may be replaced (see {@link outputState}).
 */
export function writeFolderAtomic(dir: string, fill: (tmp: string) => void): string {
  const target = path.resolve(dir);
  mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp);
  try {
    fill(tmp);
    if (outputState(target) === 'absent') renameSync(tmp, target);
    else {
      const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return target;
}
