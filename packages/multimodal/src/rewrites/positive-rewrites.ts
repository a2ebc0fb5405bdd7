/**
 * UNIMO's sentence-level *positive* rewrites (Li et al., ACL 2021, "Text Rewriting"): the paper
 * back-translates each caption (to another language and back) to get paraphrases of it. No offline machine
 * translation exists here (Debian's `apertium-eng-spa` is the only candidate and is not used), so **other
 * captions of the same image stand in**: Tux Paint's translations of each stamp's description (a record's
 * `captions`, by locale). They are paraphrases in other languages, not English paraphrases — with an
 * English-only text tower (USE-lite) only English variants (`en_GB`, `en_AU`) are useful; a tower trained on
 * them (BERT-tiny from scratch, its vocabulary built over them too) learns to place a translation by its image.
 */
import type { CaptionRecord } from '../data/caption-record.js';
import { textKey } from './text-key.js';

/**
 * The positive rewrites of a record's caption: its `captions` at the chosen `locales`, in the order given,
 * without texts that are the caption itself or repeat an earlier one under {@link textKey} (Tux Paint's
 * `en_GB` equals the English caption for 90 % of stamps: a duplicate column adds nothing). `'all'` takes every
 * locale in the record's own order. A locale the record lacks is skipped.
 *
 * @example
 * positiveRewrites({ caption: 'A colorful rooster.', captions: { en_GB: 'A colourful rooster.', es: 'Un gallo colorido.' } }, ['en_GB', 'de'])
 * // → ['A colourful rooster.']
 */
export function positiveRewrites(record: Pick<CaptionRecord, 'caption' | 'captions'>, locales: readonly string[] | 'all'): string[] {
  if (locales !== 'all' && !Array.isArray(locales)) {
    throw new TypeError(`positiveRewrites: locales must be an array of locale keys or 'all', got ${String(locales)}`);
  }
  const captions = record.captions ?? {};
  const keys = locales === 'all' ? Object.keys(captions) : locales;
  const seen = new Set([textKey(record.caption)]);
  const out: string[] = [];
  for (const locale of keys) {
    if (!Object.hasOwn(captions, locale)) continue;
    const text = captions[locale]!;
    const key = textKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}
