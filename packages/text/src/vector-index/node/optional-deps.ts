/**
 * Lazy imports of the optional peers the stores need (`usearch`, `pg`, `@electric-sql/pglite`): none is imported
 * until a store of that kind is opened, and a missing one is an {@link OptionalDependencyError} (code
 * `EOPTIONALDEP`) naming the package and the install command.
 */
import { OptionalDependencyError } from '../../errors.js';

/** The optional packages a store may import. */
export type StorePackage = 'usearch' | 'pg' | '@electric-sql/pglite' | '@electric-sql/pglite/vector';

/** Imports one module (a test replaces it with {@link setStoreImporter}). */
export type StoreImporter = () => Promise<unknown>;

const defaults: Record<StorePackage, StoreImporter> = {
  usearch: () => import('usearch'),
  pg: () => import('pg'),
  '@electric-sql/pglite': () => import('@electric-sql/pglite'),
  '@electric-sql/pglite/vector': () => import('@electric-sql/pglite/vector'),
};
const importers: Record<StorePackage, StoreImporter> = { ...defaults };

/**
 * Replaces how `pkg` is imported (tests simulate its absence with an importer that rejects as Node does); no
 * `fn` restores the real import. Internal: not exported from the package's entries.
 */
export function setStoreImporter(pkg: StorePackage, fn: StoreImporter = defaults[pkg]): void {
  importers[pkg] = fn;
}

/** The npm package of a module specifier (`@scope/name/sub` → `@scope/name`). */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** True for Node's "cannot find package" error about `pkg` itself (not about one of its own dependencies). */
function isMissing(e: unknown, pkg: string): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && message.includes(`'${pkg}`);
}

/**
 * Imports `spec` for `feature` (named in the error): an {@link OptionalDependencyError} when its package is not
 * installed; any other failure (installed, but its native binary does not load) is rethrown naming the package.
 */
export async function importStorePackage<T>(spec: StorePackage, feature: string): Promise<T> {
  const pkg = packageOf(spec);
  try {
    return (await importers[spec]()) as T;
  } catch (e) {
    if (isMissing(e, pkg)) throw new OptionalDependencyError(pkg, feature, { cause: e });
    throw new Error(`${feature}: importing ${spec} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}
