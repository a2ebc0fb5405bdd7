/**
 * A seeded train / held-out split of translation pairs **by package**, browser-safe: every package's pairs are on
 * one side, so a held-out catalog's vocabulary and style (git's, gtk's) were never seen in training — the test
 * measures transfer to new software, not recall of a sibling string of the same program.
 */
import { createRng } from '@contrastive/core';

/** Which side a package is on; `'none'` for a package without pairs (kept in packages.txt for reproducibility). */
export type PackageSplit = 'train' | 'held-out' | 'none';

/** Options of {@link splitPackages}: at most one of `evalPackages` and `evalSize`. */
export interface SplitPackagesOptions {
  /** Seed of the package order. Default 0. */
  seed?: number;
  /** Hold out this many packages, drawn at random (whatever their sizes). */
  evalPackages?: number;
  /**
   * Target number of held-out pairs: packages are taken in seeded random order, each only if the held-out total
   * stays at most 4/3 of the target, until the target is reached. Default: 7.5 % of all pairs, so the held-out
   * share lands between about 5 % and 10 %.
   */
  evalSize?: number;
}

/** {@link splitPackages}'s result. */
export interface PackagesSplit {
  /** Package → side, for every package given (`'none'` when it has no pairs). */
  split: Map<string, PackageSplit>;
  /** Held-out pairs. */
  heldOutPairs: number;
  /** Training pairs. */
  trainPairs: number;
  /** The held-out target in pairs (`evalSize`, or the default), or `null` with `evalPackages`. */
  target: number | null;
}

/** Fraction of pairs the default split holds out: mid-way in the 5–10 % a test set of this kind usually takes. */
export const DEFAULT_HELD_OUT_FRACTION = 0.075;

/**
 * Splits packages into training and held-out by their pair counts (see {@link SplitPackagesOptions}). Packages are
 * sorted by name before the seeded shuffle, so the split depends on the set of packages and the seed, not on the
 * order of `pairCounts`. At least one package with pairs goes to each side: with `evalSize`, when no package fits
 * under the 4/3 bound the smallest one is held out. Fewer than two packages with pairs is a `RangeError`, as is an
 * `evalPackages` that leaves no training package.
 */
export function splitPackages(pairCounts: ReadonlyMap<string, number>, options: SplitPackagesOptions = {}): PackagesSplit {
  const { seed = 0, evalPackages, evalSize } = options;
  if (evalPackages !== undefined && evalSize !== undefined) throw new RangeError('splitPackages: give evalPackages or evalSize, not both');
  const names = [...pairCounts.keys()].sort();
  const withPairs = names.filter((p) => pairCounts.get(p)! > 0);
  const total = withPairs.reduce((s, p) => s + pairCounts.get(p)!, 0);
  if (withPairs.length < 2) {
    throw new RangeError(`splitPackages: ${withPairs.length} package(s) with pairs; a split by package needs at least 2`);
  }
  const split = new Map<string, PackageSplit>(names.map((p) => [p, pairCounts.get(p)! > 0 ? 'train' : 'none']));
  const order = createRng(seed).shuffle([...withPairs]);
  let held = 0;
  let target: number | null = null;
  if (evalPackages !== undefined) {
    if (!Number.isInteger(evalPackages) || evalPackages < 1 || evalPackages >= withPairs.length) {
      throw new RangeError(
        `splitPackages: evalPackages must be an integer from 1 to ${withPairs.length - 1} (${withPairs.length} packages have pairs), got ${evalPackages}`,
      );
    }
    for (const p of order.slice(0, evalPackages)) {
      split.set(p, 'held-out');
      held += pairCounts.get(p)!;
    }
  } else {
    target = evalSize ?? Math.max(1, Math.round(total * DEFAULT_HELD_OUT_FRACTION));
    if (!Number.isInteger(target) || target < 1 || target >= total) {
      throw new RangeError(`splitPackages: evalSize must be an integer from 1 to ${total - 1} (there are ${total} pairs), got ${target}`);
    }
    const bound = Math.floor((target * 4) / 3);
    for (const p of order) {
      if (held >= target) break;
      const c = pairCounts.get(p)!;
      if (held + c > bound || held + c >= total) continue;
      split.set(p, 'held-out');
      held += c;
    }
    if (held === 0) {
      const smallest = [...withPairs].sort((a, b) => pairCounts.get(a)! - pairCounts.get(b)! || (a < b ? -1 : 1))[0]!;
      split.set(smallest, 'held-out');
      held = pairCounts.get(smallest)!;
    }
  }
  return { split, heldOutPairs: held, trainPairs: total - held, target };
}
