// ROUGE-N and ROUGE-L (Lin, 2004) as Google's rouge-score package computes them (google-research/google-research
// rouge/rouge_scorer.py `RougeScorer.score`, `_score_ngrams`, `_score_lcs`; rouge/scoring.py `fmeasure`), i.e.
// ROUGE-1.5.5 with `-e data -n 2` (and `-m` with a stemmer). ROUGE-L is the sentence-level LCS score ("rougeL"),
// not the summary-level "rougeLsum". Checked against tools/reference/text_seq2seq_metrics.py.
import { porter2Stemmer, rougeTokenize, type Stemmer } from './rouge-tokenize.js';

/** `'rouge1'` … `'rouge9'` (n-gram overlap) or `'rougeL'` (longest common subsequence). */
export type RougeType = 'rouge1' | 'rouge2' | 'rouge3' | 'rouge4' | 'rouge5' | 'rouge6' | 'rouge7' | 'rouge8' | 'rouge9' | 'rougeL';

/** Precision, recall and their harmonic mean, each in [0, 1] (rouge-score's `Score`; papers print ×100). */
export interface RougeScore {
  /** Overlap / hypothesis size (n-grams, or tokens for ROUGE-L). */
  precision: number;
  /** Overlap / reference size. */
  recall: number;
  /** 2PR / (P + R); 0 when P + R = 0. The number papers report as "ROUGE". */
  f1: number;
}

/** Options of {@link rouge} and {@link corpusRouge}. */
export interface RougeOptions<T extends RougeType = RougeType> {
  /** Which scores. Default `['rouge1', 'rouge2', 'rougeL']`, the usual summarisation triple. */
  types?: readonly T[];
  /**
   * Stem tokens longer than 3 characters before matching (rouge-score `use_stemmer`). Default: true when
   * `stemmer` is given, else false.
   */
  useStemmer?: boolean;
  /**
   * The stemmer when stemming. Default {@link porter2Stemmer} (Porter2 from wink-nlp-utils), which differs from
   * rouge-score's NLTK Porter on about 4 % of word types; pass an NLTK-equivalent one for exact rouge-score numbers.
   */
  stemmer?: Stemmer;
}

const DEFAULT_TYPES = ['rouge1', 'rouge2', 'rougeL'] as const;
type DefaultType = (typeof DEFAULT_TYPES)[number];

function resolve<T extends RougeType>(fn: string, options: RougeOptions<T>): { types: readonly T[]; stemmer?: Stemmer } {
  const types = options.types ?? (DEFAULT_TYPES as unknown as readonly T[]);
  if (!Array.isArray(types) || types.length === 0) throw new RangeError(`${fn}: types must be a non-empty array`);
  for (const t of types) {
    if (t !== 'rougeL' && !/^rouge[1-9]$/.test(t)) {
      throw new RangeError(
        `${fn}: unknown ROUGE type ${JSON.stringify(t)}; valid: rouge1 … rouge9, rougeL (summary-level rougeLsum is not implemented)`,
      );
    }
  }
  const useStemmer = options.useStemmer ?? options.stemmer !== undefined;
  return useStemmer ? { types, stemmer: options.stemmer ?? porter2Stemmer } : { types };
}

/** scoring.py `fmeasure` with rouge_scorer.py's guards: 0 instead of 0/0. */
function score(overlap: number, hypothesisSize: number, referenceSize: number): RougeScore {
  const precision = overlap / Math.max(hypothesisSize, 1);
  const recall = overlap / Math.max(referenceSize, 1);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  // Tokens are [a-z0-9]+, so a space cannot occur inside one.
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** rouge_scorer.py `_score_ngrams`: clipped overlap over the hypothesis and the reference n-gram counts. */
function rougeN(hyp: readonly string[], ref: readonly string[], n: number): RougeScore {
  const h = ngramCounts(hyp, n);
  const r = ngramCounts(ref, n);
  let overlap = 0;
  for (const [g, c] of r) overlap += Math.min(c, h.get(g) ?? 0);
  return score(overlap, Math.max(hyp.length - n + 1, 0), Math.max(ref.length - n + 1, 0));
}

/** Length of the longest common subsequence, in O(|b|) memory (two rows of rouge_scorer.py's `_lcs_table`). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let curr = new Uint32Array(b.length + 1);
  for (const x of a) {
    for (let j = 1; j <= b.length; j++) {
      curr[j] = x === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, curr[j - 1] ?? 0);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length] ?? 0;
}

/** rouge_scorer.py `_score_lcs`: LCS / length; all zeros when either side has no tokens. */
function rougeL(hyp: readonly string[], ref: readonly string[]): RougeScore {
  if (hyp.length === 0 || ref.length === 0) return { precision: 0, recall: 0, f1: 0 };
  return score(lcsLength(hyp, ref), hyp.length, ref.length);
}

function scoreTokens<T extends RougeType>(hyp: string[], ref: string[], types: readonly T[]): Record<T, RougeScore> {
  const out = {} as Record<T, RougeScore>;
  for (const t of types) out[t] = t === 'rougeL' ? rougeL(hyp, ref) : rougeN(hyp, ref, Number(t.slice(5)));
  return out;
}

/**
 * ROUGE of one hypothesis against one reference, equal to rouge-score's
 * `RougeScorer(types, use_stemmer).score(target=reference, prediction=hypothesis)` (note the argument order there).
 * Text is lowercased and reduced to ASCII `[a-z0-9]+` tokens first (rouge-score's tokenizer), so an empty or
 * all-punctuation side scores 0, never NaN.
 *
 * @example rouge('the cat sat', 'the cat sat on the mat').rougeL.f1 // 2·1·0.5 / 1.5 = 0.667
 * @throws RangeError for an unknown type (the message lists the valid ones).
 */
export function rouge<T extends RougeType = DefaultType>(
  hypothesis: string,
  reference: string,
  options: RougeOptions<T> = {},
): Record<T, RougeScore> {
  const fn = 'rouge';
  if (typeof hypothesis !== 'string') throw new TypeError(`${fn}: hypothesis must be a string, got ${typeof hypothesis}`);
  if (typeof reference !== 'string') throw new TypeError(`${fn}: reference must be a string, got ${typeof reference}`);
  const { types, stemmer } = resolve(fn, options);
  return scoreTokens(rougeTokenize(hypothesis, stemmer), rougeTokenize(reference, stemmer), types);
}

/**
 * The mean over pairs of each pair's {@link rouge} precision, recall and F1: the corpus ROUGE that summarisation
 * papers report (rouge-score's `BootstrapAggregator` "mid" is this mean; no bootstrap interval is computed here).
 *
 * @throws RangeError when the counts of hypotheses and references differ or there are none.
 */
export function corpusRouge<T extends RougeType = DefaultType>(
  hypotheses: readonly string[],
  references: readonly string[],
  options: RougeOptions<T> = {},
): Record<T, RougeScore> {
  const fn = 'corpusRouge';
  if (!Array.isArray(hypotheses) || !Array.isArray(references)) {
    throw new TypeError(`${fn}: hypotheses and references must be arrays of strings`);
  }
  if (hypotheses.length !== references.length) {
    throw new RangeError(`${fn}: ${hypotheses.length} hypotheses but ${references.length} references (one per hypothesis)`);
  }
  if (hypotheses.length === 0) throw new RangeError(`${fn}: no hypotheses; the mean ROUGE of an empty set is undefined`);
  const { types, stemmer } = resolve(fn, options);
  const sum = {} as Record<T, RougeScore>;
  for (const t of types) sum[t] = { precision: 0, recall: 0, f1: 0 };
  hypotheses.forEach((h, i) => {
    const r = references[i];
    if (typeof h !== 'string') throw new TypeError(`${fn}: hypotheses[${i}] must be a string, got ${typeof h}`);
    if (typeof r !== 'string') throw new TypeError(`${fn}: references[${i}] must be a string, got ${typeof r}`);
    const s = scoreTokens(rougeTokenize(h, stemmer), rougeTokenize(r, stemmer), types);
    for (const t of types) {
      sum[t].precision += s[t].precision;
      sum[t].recall += s[t].recall;
      sum[t].f1 += s[t].f1;
    }
  });
  for (const t of types) {
    sum[t].precision /= hypotheses.length;
    sum[t].recall /= hypotheses.length;
    sum[t].f1 /= hypotheses.length;
  }
  return sum;
}
