import type { Rng, ViewMaker } from '@contrastive/core';
import type { WordNet } from '../data/wordnet.js';
import { synonyms } from '../data/wordnet.js';

/**
 * Token-level (text-in, text-out) augmentations, after CLEAR (Wu et al., 2020, "CLEAR: Contrastive
 * Learning for Sentence Representation": word deletion, span deletion, reordering, synonym substitution)
 * and the cropping of Giorgi et al. (DeCLUTR) / Meng et al. (COCO-LM). They act on whitespace-separated
 * words so they run before tokenisation and never touch [CLS]/[SEP]/padding. Each is a pure function of
 * (text, rng); `textView` lifts one to a core `ViewMaker<string[]>`.
 */

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function checkRate(rate: number, name: string): void {
  if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${String(rate)}`);
}

/** Keeps one random contiguous window of `ceil(keep · n)` words (at least one). */
export function crop(text: string, rng: Rng, options: { keep?: number } = {}): string {
  const { keep = 0.8 } = options;
  checkRate(keep, 'crop keep');
  const w = words(text);
  if (w.length <= 1) return w.join(' ');
  const len = Math.max(1, Math.ceil(keep * w.length));
  const start = rng.int(w.length - len + 1);
  return w.slice(start, start + len).join(' ');
}

/** Deletes each word independently with probability `p`, keeping at least one word. */
export function wordDeletion(text: string, rng: Rng, options: { p?: number } = {}): string {
  const { p = 0.1 } = options;
  checkRate(p, 'wordDeletion p');
  const w = words(text);
  const kept = w.filter(() => !rng.bernoulli(p));
  return (kept.length > 0 ? kept : w.length > 0 ? [w[rng.int(w.length)]!] : []).join(' ');
}

/** Deletes one random contiguous span of `floor(ratio · n)` words (CLEAR's span deletion), keeping at least one. */
export function spanDeletion(text: string, rng: Rng, options: { ratio?: number } = {}): string {
  const { ratio = 0.2 } = options;
  checkRate(ratio, 'spanDeletion ratio');
  const w = words(text);
  const len = Math.min(Math.floor(ratio * w.length), w.length - 1);
  if (len <= 0) return w.join(' ');
  const start = rng.int(w.length - len + 1);
  return [...w.slice(0, start), ...w.slice(start + len)].join(' ');
}

/**
 * Reordering (CLEAR): swaps two random non-overlapping spans of `max(1, floor(ratio · n / 2))` words.
 * The multiset of words is unchanged.
 */
export function reorder(text: string, rng: Rng, options: { ratio?: number } = {}): string {
  const { ratio = 0.2 } = options;
  checkRate(ratio, 'reorder ratio');
  const w = words(text);
  const len = Math.max(1, Math.floor((ratio * w.length) / 2));
  if (w.length < 2 * len) return w.join(' ');
  // Pick a, then b ≥ a + len, uniformly among valid positions.
  const a = rng.int(w.length - 2 * len + 1);
  const b = a + len + rng.int(w.length - a - 2 * len + 1);
  return [...w.slice(0, a), ...w.slice(b, b + len), ...w.slice(a + len, b), ...w.slice(a, a + len), ...w.slice(b + len)].join(' ');
}

/** A few very frequent function words never replaced (WordNet lists e.g. "a" as a noun: vitamin A). */
const STOPWORDS = new Set(
  'a an the and or but of to in on at by for with from is are was were be been it its this that as not no'.split(' '),
);

/**
 * Replaces each content word with probability `p` by a WordNet synonym (see {@link synonyms} for the cheap
 * POS choice). Punctuation attached to a word is kept; a capitalised word gets a capitalised synonym.
 */
export function synonymReplacement(text: string, rng: Rng, options: { wordnet: WordNet; p?: number; maxSenses?: number }): string {
  const { wordnet, p = 0.2, maxSenses = 2 } = options;
  checkRate(p, 'synonymReplacement p');
  return words(text)
    .map((tok) => {
      const m = /^(\W*)([\p{L}'-]+)(\W*)$/u.exec(tok);
      if (!m || STOPWORDS.has(m[2]!.toLowerCase()) || !rng.bernoulli(p)) return tok;
      const syn = synonyms(wordnet, m[2]!, { maxSenses });
      if (syn.length === 0) return tok;
      let s = syn[rng.int(syn.length)]!;
      if (/^\p{Lu}/u.test(m[2]!)) s = s[0]!.toUpperCase() + s.slice(1);
      return `${m[1]}${s}${m[3]}`;
    })
    .join(' ');
}

/** Lifts a per-text augmentation to a batch view maker `(texts, rng) => texts`. */
export function textView(fn: (text: string, rng: Rng) => string): ViewMaker<string[]> {
  return (texts, rng) => texts.map((t) => fn(t, rng));
}
