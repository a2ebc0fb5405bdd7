// rouge-score's default tokenizer (google-research/google-research rouge/tokenize.py `tokenize`, used by
// rouge/tokenizers.py DefaultTokenizer): lowercase, every run outside [a-z0-9] becomes a space, split, stem tokens
// longer than 3 characters, keep tokens that are still [a-z0-9]+. It is the ROUGE-1.5.5 convention: English-only,
// so "café" gives "caf" and a CJK sentence gives no tokens at all.
import nlp from 'wink-nlp-utils';

/** A stemmer applied to single lowercase ASCII tokens. */
export type Stemmer = (token: string) => string;

/**
 * Porter2 (Snowball English) through `wink-nlp-utils` (`wink-porter2-stemmer`). rouge-score uses NLTK's
 * `PorterStemmer()` (mode NLTK_EXTENSIONS) instead; the two agree on most words but not all: they disagree on
 * 3,682 of 84,970 WordNet lemma types (4.3 %), mostly "-ly" and "-us" endings ("quickly": NLTK "quickli",
 * Porter2 "quick"; "status": "statu" / "status"). Inject an NLTK-equivalent stemmer for exact rouge-score numbers.
 */
export const porter2Stemmer: Stemmer = (token) => nlp.tokens.stem([token])[0] ?? token;

/**
 * Tokens as rouge-score sees them: `text.toLowerCase()`, then maximal runs of `[a-z0-9]`; with a stemmer, each
 * token longer than 3 characters is stemmed, and tokens that stop being `[a-z0-9]+` are dropped.
 */
export function rougeTokenize(text: string, stemmer?: Stemmer): string[] {
  const tokens = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  if (!stemmer) return tokens;
  return tokens.map((t) => (t.length > 3 ? stemmer(t) : t)).filter((t) => /^[a-z0-9]+$/.test(t));
}
