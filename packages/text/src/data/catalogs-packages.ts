/**
 * The `packages.txt` of a translation-catalog dataset, browser-safe: one line per Debian package whose catalogs
 * were read, `package<TAB>version<TAB>catalogs<TAB>pairs<TAB>split`. The same file, handed back with
 * `--packages-file`, restricts a later build to those packages and reuses their split, so the dataset can be rebuilt
 * on a machine with more packages installed.
 */
import { TextDataError } from '../errors.js';
import type { PackageSplit } from './catalogs-split.js';

/** One line of `packages.txt`. */
export interface CatalogPackageLine {
  package: string;
  /** The installed version (`'-'` when dpkg does not know the package). */
  version: string;
  /** Catalogs (`.mo` files) of the package that were read. */
  catalogs: number;
  /** Pairs the package contributed after cleaning and deduplication. */
  pairs: number;
  split: PackageSplit;
}

/** The header comment of `packages.txt`. */
export const PACKAGES_HEADER = '# package\tversion\tcatalogs\tpairs\tsplit';

/** `packages.txt` text: the header, then `lines` sorted by package name. */
export function formatPackagesList(lines: readonly CatalogPackageLine[]): string {
  const sorted = [...lines].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  return `${PACKAGES_HEADER}\n${sorted.map((l) => `${l.package}\t${l.version}\t${l.catalogs}\t${l.pairs}\t${l.split}\n`).join('')}`;
}

/** A package list read back by {@link parsePackagesList}. */
export interface PackagesList {
  /** The packages, in file order. */
  packages: string[];
  /** Recorded versions (lines with a second column other than `-`). */
  versions: Map<string, string>;
  /** The recorded split, when every line has a fifth column; `null` when no line has one. */
  split: Map<string, PackageSplit> | null;
}

/** A Debian package name (policy §5.6.1), or `unknown` for catalogs no package owns. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const SPLITS: readonly PackageSplit[] = ['train', 'held-out', 'none'];

/**
 * Reads a package list: one package per line, or the five tab-separated columns of {@link formatPackagesList}
 * (any whitespace separates columns). Blank lines and lines starting with `#` are ignored. A bad package name, an
 * unknown split, a package listed twice, or a split on some lines but not others is a {@link TextDataError} naming
 * `file` and the line.
 */
export function parsePackagesList(text: string, file: string): PackagesList {
  const packages: string[] = [];
  const versions = new Map<string, string>();
  const split = new Map<string, PackageSplit>();
  const seen = new Map<string, number>();
  let withSplit = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cols = line.split(/\s+/);
    const [name = '', version, , , side] = cols;
    if (!PACKAGE_NAME.test(name)) throw new TextDataError(file, `'${name}' is not a Debian package name`, i + 1);
    const first = seen.get(name);
    if (first !== undefined) throw new TextDataError(file, `package '${name}' is listed twice (first on line ${first})`, i + 1);
    seen.set(name, i + 1);
    packages.push(name);
    if (version !== undefined && version !== '-') versions.set(name, version);
    if (side !== undefined) {
      if (!(SPLITS as readonly string[]).includes(side)) {
        throw new TextDataError(file, `split '${side}' must be one of ${SPLITS.join(', ')}`, i + 1);
      }
      split.set(name, side as PackageSplit);
      withSplit++;
    }
  });
  if (packages.length === 0) throw new TextDataError(file, 'lists no package');
  if (withSplit > 0 && withSplit < packages.length) {
    throw new TextDataError(
      file,
      `${withSplit} of ${packages.length} lines record a split (fifth column); give it on every line, or on none to draw a new one`,
    );
  }
  return { packages, versions, split: withSplit > 0 ? split : null };
}
