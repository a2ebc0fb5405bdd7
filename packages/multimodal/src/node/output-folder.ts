import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * An output folder that exists and is not empty, refused without `overwrite` (so a user's folder is never
 * replaced by mistake); or a path that exists and is not a folder, always refused. `code` is `'EEXIST'`.
 */
export class OutputExistsError extends Error {
  readonly code = 'EEXIST' as const;
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'OutputExistsError';
    this.path = path;
  }
}

/**
 * Refuses `out` when it exists and is not a folder, or is a non-empty folder and `overwrite` is false. Checked
 * before any work (so a mistake costs nothing) and again just before the rename.
 */
export async function checkOutputFolder(out: string, overwrite: boolean): Promise<void> {
  const s = await stat(out).catch(() => null);
  if (!s) return;
  if (!s.isDirectory()) throw new OutputExistsError(out, `${out} exists and is not a folder; choose another output folder`);
  if (overwrite) return;
  const entries = await readdir(out);
  if (entries.length > 0) {
    throw new OutputExistsError(
      out,
      `${out} exists and is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); pass --overwrite (overwrite: true) to replace it, or choose another output folder`,
    );
  }
}

/**
 * A folder built beside `out` under a hidden temporary name (`.<name>.tmp-<pid>-<hex>`, the pattern of core's
 * atomic writes) and renamed to `out` by {@link StagedFolder.commit}: until then `out` is untouched, so a failure
 * or an abort leaves no partial `out` (and, with `overwrite`, the old one intact). {@link StagedFolder.discard}
 * removes the temporary folder. A process killed in between leaves the hidden folder behind, never `out`.
 */
export interface StagedFolder {
  /** The temporary folder to write into. */
  readonly dir: string;
  /** Replaces `out` by the temporary folder (an old `out` is moved aside first and removed after). */
  commit(): Promise<void>;
  /** Removes the temporary folder (after a failure). */
  discard(): Promise<void>;
}

/** Creates the temporary folder for `out` (and `out`'s parent folders). See {@link StagedFolder}. */
export async function stageFolder(out: string, overwrite: boolean): Promise<StagedFolder> {
  const target = resolve(out);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(parent, `.${basename(target)}.tmp-${tag}`);
  await mkdir(dir);
  return {
    dir,
    async commit() {
      await checkOutputFolder(target, overwrite);
      const old = await stat(target).catch(() => null);
      if (!old) {
        await rename(dir, target);
        return;
      }
      const aside = join(parent, `.${basename(target)}.old-${tag}`);
      await rename(target, aside);
      try {
        await rename(dir, target);
      } catch (err) {
        await rename(aside, target).catch(() => undefined);
        throw err;
      }
      await rm(aside, { recursive: true, force: true });
    },
    async discard() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
