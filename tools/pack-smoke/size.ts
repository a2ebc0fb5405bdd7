/**
 * How much an install weighs: a `du --apparent-size`-like walk that counts regular files and symlinks (the
 * link itself, never its target) and skips nothing, and a per-package split of it.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

export interface DirSize {
  bytes: number;
  files: number;
}

/**
 * Bytes and file count under `dir` (0 when it does not exist). Directories themselves count 0 bytes, so the
 * number is the same on every filesystem; symlinks count their own length and are not followed, so a
 * `node_modules/.bin` link or a linked package is never counted twice. `skip` names direct children of `dir`
 * left out (a package's nested `node_modules`).
 */
export function dirSize(dir: string, skip: readonly string[] = []): DirSize {
  const total: DirSize = { bytes: 0, files: 0 };
  const walk = (d: string, top: boolean) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      if (top && skip.includes(name)) continue;
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, false);
      else {
        total.bytes += st.size;
        total.files += 1;
      }
    }
  };
  walk(dir, true);
  return total;
}

/** The package name a path under node_modules belongs to: `…/node_modules/@scope/name` → `@scope/name`. */
export function packageNameFromPath(packageDir: string): string {
  const parts = packageDir.split(sep === '\\' ? /[\\/]/ : '/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at === parts.length - 1) return parts[parts.length - 1] ?? packageDir;
  const first = parts[at + 1]!;
  return first.startsWith('@') && parts[at + 2] ? `${first}/${parts[at + 2]}` : first;
}

export interface PackageWeight {
  name: string;
  bytes: number;
  /** How many copies (versions or nested duplicates) were summed. */
  copies: number;
}

/**
 * Each installed package's own weight (its folder without its nested node_modules, so nothing is counted
 * twice), copies of one name summed, heaviest first. `packageDirs` are the folders `npm ls --all --parseable`
 * prints; `sizeOf` is injectable for tests.
 */
export function packageWeights(
  packageDirs: readonly string[],
  sizeOf: (dir: string) => number = (d) => dirSize(d, ['node_modules']).bytes,
): PackageWeight[] {
  const byName = new Map<string, PackageWeight>();
  for (const dir of new Set(packageDirs)) {
    const name = packageNameFromPath(dir);
    const w = byName.get(name) ?? { name, bytes: 0, copies: 0 };
    w.bytes += sizeOf(dir);
    w.copies += 1;
    byName.set(name, w);
  }
  return [...byName.values()].sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}
