/**
 * TF-IDF node features over a documented vocabulary rule (browser-safe, pure functions).
 *
 * The rule, the same for every dataset builder:
 * 1. tokens: the text lowercased, maximal runs of the letters a–z of length ≥ 2 (so digits — a man section
 *    number, a WordNet offset — never become features), minus {@link ENGLISH_STOP_WORDS};
 * 2. vocabulary: terms whose document frequency df is ≥ `minDf` (3) and ≤ `maxDfFraction` (50 %) of the
 *    documents, the `vocabularySize` (5,000) of highest df kept (ties: alphabetical); feature index = rank;
 * 3. weights: tf × idf with tf the raw count (or 1 + ln tf with `sublinearTf`) and sklearn's smoothed
 *    idf = ln((1 + N) / (1 + df)) + 1; each row L2-normalised (a document with no vocabulary term is an empty row).
 *
 * Step 3 equals sklearn's `TfidfVectorizer(norm='l2', smooth_idf=True)` on the same vocabulary.
 */
import { type CsrMatrix, csrFromCoo } from '../data/csr.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';

/** Options of the vocabulary rule and the weighting; the defaults are the documented rule. */
export interface TfidfOptions {
  /** A term must occur in at least this many documents (drops typos and one-page jargon). Default 3. */
  minDf?: number;
  /** …and in at most this fraction of the documents (drops corpus-wide words such as "command"). Default 0.5. */
  maxDfFraction?: number;
  /** At most this many terms, by document frequency. Default 5,000. */
  vocabularySize?: number;
  /** tf = 1 + ln(count) instead of the raw count (sklearn's `sublinear_tf`). Default false. */
  sublinearTf?: boolean;
}

/** {@link tfidfFeatures}' result. */
export interface TfidfFeatures {
  /** The terms, feature index order (descending df). */
  vocabulary: string[];
  /** Document frequency of each vocabulary term. */
  df: Int32Array;
  /** idf of each vocabulary term. */
  idf: Float64Array;
  /** `[documents, vocabulary.length]`, rows L2-normalised. */
  matrix: CsrMatrix;
  /** The options used, defaults filled in (what dataset.json records). */
  options: Required<TfidfOptions>;
}

/**
 * The lowercased word tokens of `text` (runs of a–z of length ≥ 2) that are not stop words, in text order.
 *
 * @example tokenizeWords('The ls(1) command lists FILES') // ['ls', 'command', 'lists', 'files']
 */
export function tokenizeWords(text: string, stopWords: ReadonlySet<string> = ENGLISH_STOP_WORDS): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z]{2,}/g)) if (!stopWords.has(m[0])) out.push(m[0]);
  return out;
}

/** Term → count of a token list (a document's bag of words). */
export function termCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function resolved(opts: TfidfOptions): Required<TfidfOptions> {
  const { minDf = 3, maxDfFraction = 0.5, vocabularySize = 5000, sublinearTf = false } = opts;
  if (!Number.isInteger(minDf) || minDf < 1) throw new RangeError(`minDf must be an integer >= 1, got ${minDf}`);
  if (!(maxDfFraction > 0 && maxDfFraction <= 1)) throw new RangeError(`maxDfFraction must be in (0, 1], got ${maxDfFraction}`);
  if (!Number.isInteger(vocabularySize) || vocabularySize < 1)
    throw new RangeError(`vocabularySize must be an integer >= 1, got ${vocabularySize}`);
  return { minDf, maxDfFraction, vocabularySize, sublinearTf };
}

/** Document frequency of every term of `docs`. */
export function documentFrequencies(docs: readonly ReadonlyMap<string, number>[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

/**
 * The vocabulary of the rule (step 2): terms with `minDf ≤ df ≤ maxDfFraction · N`, the `vocabularySize`
 * most frequent by df, ties broken alphabetically.
 */
export function buildVocabulary(df: ReadonlyMap<string, number>, numDocs: number, opts: TfidfOptions = {}): string[] {
  const { minDf, maxDfFraction, vocabularySize } = resolved(opts);
  const maxDf = maxDfFraction * numDocs;
  return [...df]
    .filter(([, n]) => n >= minDf && n <= maxDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, vocabularySize)
    .map(([t]) => t);
}

/** sklearn's smoothed idf: ln((1 + N) / (1 + df)) + 1. */
export function smoothIdf(df: number, numDocs: number): number {
  return Math.log((1 + numDocs) / (1 + df)) + 1;
}

/**
 * TF-IDF rows of `docs` (bags of words, {@link termCounts}) over the rule's vocabulary: see the module comment.
 * Memory is O(documents + non-zeros + distinct terms).
 */
export function tfidfFeatures(docs: readonly ReadonlyMap<string, number>[], opts: TfidfOptions = {}): TfidfFeatures {
  const options = resolved(opts);
  const { sublinearTf } = options;
  const n = docs.length;
  const allDf = documentFrequencies(docs);
  const vocabulary = buildVocabulary(allDf, n, opts);
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const df = Int32Array.from(vocabulary, (t) => allDf.get(t)!);
  const idf = Float64Array.from(df, (d) => smoothIdf(d, n));
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = values.length;
    let norm = 0;
    for (const [t, count] of docs[i]!) {
      const j = index.get(t);
      if (j === undefined) continue;
      const w = (sublinearTf ? 1 + Math.log(count) : count) * idf[j]!;
      rows.push(i);
      cols.push(j);
      values.push(w);
      norm += w * w;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let k = start; k < values.length; k++) values[k]! *= scale;
  }
  return { vocabulary, df, idf, matrix: csrFromCoo(n, vocabulary.length, rows, cols, values), options };
}
