/**
 * Plumbing of the CLI fault tests: a captured `CliIo`, an async "does this path exist", and a folder snapshot to
 * prove a refused command left a folder byte-identical.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** A `CliIo` whose stdout lines land in `lines` and stderr lines in `errs`. */
export function captureIo(): { lines: string[]; errs: string[]; out: (s: string) => void; err: (s: string) => void } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (s: string) => void lines.push(s), err: (s: string) => void errs.push(s) };
}

/** Whether `path` exists (file or folder). */
export const pathExists = (path: string): Promise<boolean> =>
  fs.stat(path).then(
    () => true,
    () => false,
  );

/** Every file under `dir` (recursive) with the SHA-256 of its bytes: equal snapshots = a byte-identical folder. */
export async function folderSnapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out[file.slice(dir.length)] = createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex');
  }
  return out;
}
