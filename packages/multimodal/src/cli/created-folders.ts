/**
 * Undoing the folder a refused command created: `train --out runs/a/b` makes `runs/a/b` (and `runs/a` when it is
 * missing) before the data is read, so that an `--out` refusal never costs a data pass; when the data is then
 * refused, those folders are removed again — only the ones this command created, and only while empty — so the
 * same command is accepted once the input is fixed and nothing is left behind.
 */
import { lstat, rmdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The folders of `dir`'s path that do not exist yet, `dir` first: what a `mkdir -p dir` would create. */
export async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let d = resolve(dir);
  // lstat: a dangling link is something that exists (never ours to remove).
  while ((await lstat(d).catch(() => null)) === null) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return missing;
}

/**
 * Removes `folders` (from {@link missingFolders}, innermost first) while they are empty folders; stops at the first
 * that is not (it holds a file, e.g. a run.json: the run started) or cannot be removed. Never throws.
 */
export async function removeEmptyFolders(folders: readonly string[]): Promise<void> {
  for (const d of folders) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
  }
}
