/**
 * The seeded, image-level train / test split of an image–caption set. Browser-safe.
 *
 * Every image (or group of images, see {@link SplitRecordsOptions.groupOf}) gets a score from a hash of the seed
 * and its path; the `round(testFraction · n)` lowest-scoring groups are the test side. So:
 * - the same records, seed and fraction give the same split on any machine (no `Math.random`, no order
 *   dependence: the records may come in any order);
 * - every record of an image lands on the side of that image (a caption set with several captions per image
 *   never leaks an image into both sides);
 * - adding or removing images moves only the images near the cut, not the whole split (unlike a seeded
 *   permutation, which reshuffles everything when n changes).
 */
import type { CaptionRecord, CaptionSplit } from './caption-record.js';

/** Options for {@link splitRecords}. */
export interface SplitRecordsOptions {
  /** Share of images (groups) held out for test, in [0, 1). Default 0.2. */
  testFraction?: number;
  /** Any finite number; the same seed gives the same split. Default 0. */
  seed?: number;
  /**
   * The unit that is never split: records with the same key go to the same side. Default: the image path.
   * OpenMoji's skin-tone variants use their base emoji, so that a variant of a test emoji is not trained on.
   */
  groupOf?: (record: CaptionRecord) => string;
}

/** Default {@link SplitRecordsOptions.testFraction}. */
export const DEFAULT_TEST_FRACTION = 0.2;

/**
 * Copies of `records` with `split` set to `'train'` or `'test'` (any `split` they had is replaced), in the same
 * order. `round(testFraction · groups)` groups are test, but at least one when `testFraction > 0` and there are
 * two groups or more, and never all of them.
 *
 * @example
 * const withSplit = splitRecords(records, { testFraction: 0.2, seed: 0 });
 * const test = withSplit.filter((r) => r.split === 'test');
 */
export function splitRecords<T extends CaptionRecord>(
  records: readonly T[],
  opts: SplitRecordsOptions = {},
): (T & { split: CaptionSplit })[] {
  const { testFraction = DEFAULT_TEST_FRACTION, seed = 0, groupOf = (r: CaptionRecord) => r.image } = opts;
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) {
    throw new RangeError(`testFraction must be a number in [0, 1), got ${String(testFraction)}`);
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  const groups = [...new Set(records.map(groupOf))];
  const n = groups.length;
  let nTest = Math.round(testFraction * n);
  if (testFraction > 0 && n >= 2) nTest = Math.min(Math.max(nTest, 1), n - 1);
  if (n < 2) nTest = 0;
  const scored = groups.map((g) => ({ g, h: hash53(`${seed}\u0000${g}`) }));
  scored.sort((a, b) => a.h - b.h || (a.g < b.g ? -1 : a.g > b.g ? 1 : 0));
  const test = new Set(scored.slice(0, nTest).map((s) => s.g));
  return records.map((r) => ({ ...r, split: test.has(groupOf(r)) ? 'test' : 'train' }));
}

/** How many records and distinct images each side has. */
export function splitCounts(records: readonly CaptionRecord[]): Record<CaptionSplit, { records: number; images: number }> {
  const out = { train: { records: 0, images: 0 }, test: { records: 0, images: 0 } };
  const seen = { train: new Set<string>(), test: new Set<string>() };
  for (const r of records) {
    if (r.split === undefined) continue;
    out[r.split].records++;
    seen[r.split].add(r.image);
  }
  out.train.images = seen.train.size;
  out.test.images = seen.test.size;
  return out;
}

/**
 * cyrb53: a fast 53-bit string hash with good avalanche (public domain, bryc). Enough to rank a few million
 * keys without collisions mattering (ties are broken by the key anyway).
 */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
