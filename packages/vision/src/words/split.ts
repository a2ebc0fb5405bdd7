/**
 * The split of the word-image dataset, **by font and by word**: validation and test images use fonts and words
 * that no training image uses, so a test score measures reading an unseen hand on unseen words.
 *
 * Fonts are split by Debian package, not by file: the six `fonts-bwht` faces share a designer and stroke, so a
 * test face whose sibling is in training would not be an unseen hand. The held-out splits are drawn from the
 * packages with one font only, and the multi-font packages always train: otherwise a seed that puts
 * `fonts-bwht` (six all-capitals faces) in test makes the test set mostly capitals in one designer's hand and
 * leaves training with half the fonts. The single-font packages are themselves a mix of cursive, print and
 * capitals hands.
 */
import type { Rng } from '@contrastive/core';
import type { WordFont } from './fonts.js';

/** The three splits, in file order. */
export const WORD_SPLITS = ['train', 'validation', 'test'] as const;
/** A split's name. */
export type WordSplit = (typeof WORD_SPLITS)[number];

/** Fraction of the words held out for validation, and for test (each). */
export const HELD_OUT_WORD_FRACTION = 0.1;

/** A value per split. */
export type PerSplit<T> = Record<WordSplit, T>;

/**
 * `count` distinct words drawn from `pool` with `rng`, split 80/10/10 (validation and test get
 * `round(0.1·count)` each, at least one; train the rest). Throws when the pool is too small.
 */
export function splitWords(pool: readonly string[], count: number, rng: Rng): PerSplit<string[]> {
  if (!Number.isInteger(count) || count < 3) throw new RangeError(`words must be an integer >= 3, got ${count}`);
  if (count > pool.length) throw new RangeError(`words is ${count} but the word list has only ${pool.length} words`);
  const order = rng.permutation(pool.length);
  const chosen = Array.from(order.subarray(0, count), (i) => pool[i]!);
  const held = Math.max(1, Math.round(HELD_OUT_WORD_FRACTION * count));
  return {
    validation: chosen.slice(0, held),
    test: chosen.slice(held, 2 * held),
    train: chosen.slice(2 * held),
  };
}

/** How many font packages go to each held-out split. */
export interface FontSplitSizes {
  /** Packages whose fonts are only in the test split. */
  testPackages: number;
  /** Packages whose fonts are only in the validation split. */
  validationPackages: number;
}

/**
 * The fonts of each split: the single-font packages of `fonts` are shuffled with `rng`; the first
 * `testPackages` go to test, the next `validationPackages` to validation; every other package (the remaining
 * single-font ones and all multi-font ones) trains. At least one single-font package must remain for training.
 */
export function splitFonts(fonts: readonly WordFont[], sizes: FontSplitSizes, rng: Rng): PerSplit<WordFont[]> {
  const { testPackages, validationPackages } = sizes;
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1, got ${v}`);
  }
  const fontsOf = new Map<string, number>();
  for (const f of fonts) fontsOf.set(f.package, (fontsOf.get(f.package) ?? 0) + 1);
  const single = [...fontsOf].filter(([, n]) => n === 1).map(([p]) => p);
  if (testPackages + validationPackages >= single.length) {
    throw new RangeError(
      `testPackages + validationPackages = ${testPackages + validationPackages} needs more than that many single-font packages, found ${single.length}${single.length ? ` (${single.join(', ')})` : ''}`,
    );
  }
  rng.shuffle(single);
  const test = single.slice(0, testPackages);
  const validation = single.slice(testPackages, testPackages + validationPackages);
  return {
    test: fonts.filter((f) => test.includes(f.package)),
    validation: fonts.filter((f) => validation.includes(f.package)),
    train: fonts.filter((f) => !test.includes(f.package) && !validation.includes(f.package)),
  };
}

/** One image to render: its word and font. */
export interface WordImageSpec {
  text: string;
  font: WordFont;
}

/**
 * The images of one split: every word `imagesPerWord` times, in distinct fonts while the split has enough (each
 * word walks a shuffled copy of the split's fonts), then the whole list shuffled with `rng` so that any prefix
 * is a uniform sample (a 5 % label subset is then simply the first 5 %).
 */
export function planImages(words: readonly string[], fonts: readonly WordFont[], imagesPerWord: number, rng: Rng): WordImageSpec[] {
  if (fonts.length === 0) throw new RangeError('a split needs at least one font');
  const specs: WordImageSpec[] = [];
  for (const text of words) {
    const order = rng.permutation(fonts.length);
    for (let k = 0; k < imagesPerWord; k++) specs.push({ text, font: fonts[order[k % fonts.length]!]! });
  }
  return rng.shuffle(specs);
}
