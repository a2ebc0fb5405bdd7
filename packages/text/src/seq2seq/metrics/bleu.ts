// BLEU (Papineni et al., ACL 2002) exactly as sacrebleu 2.x computes it (github.com/mjpost/sacrebleu, read at
// f615c72): sacrebleu/compat.py `corpus_bleu` / `sentence_bleu` give the defaults, sacrebleu/metrics/bleu.py the
// statistics (`_get_closest_ref_len`, `_extract_reference_info`, `_compute_segment_statistics`) and the score
// (`BLEU.compute_bleu`), sacrebleu/metrics/helpers.py `extract_all_word_ngrams` the n-grams, sacrebleu/utils.py
// `my_log` the log of zero. Checked against tools/reference/text_seq2seq_metrics.py (and, through it, NLTK).
import { pyRstrip, pySplit, tokenize13a } from './tokenize-13a.js';

/** Smoothing of zero n-gram precisions (Chen & Cherry, WMT 2014), as sacrebleu names them. */
export type BleuSmoothMethod = 'exp' | 'floor' | 'add-k' | 'none';
/** `'13a'`: mteval-v13a ({@link tokenize13a}); `'none'`: split on whitespace only (already tokenized text). */
export type BleuTokenizer = '13a' | 'none';

const SMOOTH_METHODS: readonly BleuSmoothMethod[] = ['exp', 'floor', 'add-k', 'none'];
const TOKENIZERS: readonly BleuTokenizer[] = ['13a', 'none'];
// bleu.py BLEU.SMOOTH_DEFAULTS (floor 0.1 and add-k 1 come from Chen & Cherry 2014).
const SMOOTH_DEFAULTS: Record<BleuSmoothMethod, number> = { exp: 0, floor: 0.1, 'add-k': 1, none: 0 };
// utils.py my_log: log(0) is floored to this, so a zero precision drives the geometric mean to exactly 0.
const LOG_ZERO = -9999999999;

/** Options of {@link corpusBleu} and {@link sentenceBleu}; every default is sacrebleu's. */
export interface BleuOptions {
  /**
   * Default `'exp'` (sacrebleu's default; NIST / mteval-v13a smoothing, Chen & Cherry method 3): the k-th order
   * with no match counts as 1 / (2^k · total) instead of 0. `'floor'`: smoothValue / total (method 1).
   * `'add-k'`: adds smoothValue to matches and totals of orders ≥ 2 (method 2). `'none'`: a zero precision makes BLEU 0.
   */
  smoothMethod?: BleuSmoothMethod;
  /** Value of `'floor'` (default 0.1) and `'add-k'` (default 1); ignored by `'exp'` and `'none'`. */
  smoothValue?: number;
  /** Lowercase hypotheses and references before tokenizing (JavaScript `toLowerCase`). Default false (cased BLEU). */
  lowercase?: boolean;
  /** Default `'13a'`, the WMT tokenizer; use `'none'` for text that is already tokenized. */
  tokenize?: BleuTokenizer;
  /** Highest n-gram order. Default 4. */
  maxNgramOrder?: number;
  /**
   * Average only over the orders up to the highest one the hypotheses have n-grams of, so a segment shorter than
   * `maxNgramOrder` tokens can score. Default false for {@link corpusBleu} (a corpus with a 3-token hypothesis
   * only still scores 0, as sacrebleu) and true for {@link sentenceBleu} (sacrebleu's `sentence_bleu`).
   */
  effectiveOrder?: boolean;
}

/** The BLEU score and its sufficient statistics, in sacrebleu's `BLEUScore` units. */
export interface BleuScore {
  /** BLEU on sacrebleu's 0–100 scale. */
  score: number;
  /** Smoothed n-gram precisions in percent (0–100), order 1 first; 0 for orders after one with no n-grams. */
  precisions: number[];
  /** Brevity penalty exp(1 − refLen/sysLen) when sysLen < refLen, else 1 (0 when sysLen = 0 < refLen). */
  bp: number;
  /** Total hypothesis length in tokens. */
  sysLen: number;
  /** Total of the reference lengths closest to each hypothesis length (ties to the shorter reference). */
  refLen: number;
  /** Clipped n-gram matches per order (raw counts: sacrebleu's `counts` would include add-k's added value). */
  counts: number[];
  /** Hypothesis n-grams per order (raw, as `counts`). */
  totals: number[];
}

interface ResolvedOptions {
  smoothMethod: BleuSmoothMethod;
  smoothValue: number;
  lowercase: boolean;
  tokenize: BleuTokenizer;
  maxNgramOrder: number;
  effectiveOrder: boolean;
}

function resolveOptions(fn: string, options: BleuOptions, effectiveOrderDefault: boolean): ResolvedOptions {
  const smoothMethod = options.smoothMethod ?? 'exp';
  if (!SMOOTH_METHODS.includes(smoothMethod)) {
    throw new RangeError(`${fn}: smoothMethod ${JSON.stringify(smoothMethod)} is not one of ${SMOOTH_METHODS.join(', ')}`);
  }
  const tokenize = options.tokenize ?? '13a';
  if (!TOKENIZERS.includes(tokenize)) {
    throw new RangeError(`${fn}: tokenize ${JSON.stringify(tokenize)} is not one of ${TOKENIZERS.join(', ')}`);
  }
  const maxNgramOrder = options.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxNgramOrder) || maxNgramOrder < 1) {
    throw new RangeError(`${fn}: maxNgramOrder must be a positive integer, got ${maxNgramOrder}`);
  }
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod];
  if (!Number.isFinite(smoothValue) || smoothValue < 0) {
    throw new RangeError(`${fn}: smoothValue must be a finite number ≥ 0, got ${smoothValue}`);
  }
  return {
    smoothMethod,
    smoothValue,
    tokenize,
    maxNgramOrder,
    lowercase: options.lowercase ?? false,
    effectiveOrder: options.effectiveOrder ?? effectiveOrderDefault,
  };
}

/** bleu.py `_preprocess_segment`: optional lowercase, right-strip, tokenize. */
function preprocess(text: string, o: ResolvedOptions): string[] {
  const cased = o.lowercase ? text.toLowerCase() : text;
  const stripped = pyRstrip(cased);
  return o.tokenize === '13a' ? tokenize13a(stripped) : pySplit(stripped);
}

/** n-gram counts of one order; tokens never contain a space (they are split on whitespace), so ' ' is a safe joiner. */
function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** bleu.py `_get_closest_ref_len`: the reference length nearest the hypothesis length, ties to the shorter. */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

interface Statistics {
  sysLen: number;
  refLen: number;
  counts: number[];
  totals: number[];
}

function emptyStatistics(maxOrder: number): Statistics {
  return { sysLen: 0, refLen: 0, counts: new Array<number>(maxOrder).fill(0), totals: new Array<number>(maxOrder).fill(0) };
}

/** Adds one segment's statistics to the running totals (bleu.py `_compute_segment_statistics` + `sum_of_lists`). */
function addSegment(hypothesis: string, references: readonly string[], o: ResolvedOptions, acc: Statistics): void {
  const hyp = preprocess(hypothesis, o);
  const refs = references.map((r) => preprocess(r, o));
  acc.sysLen += hyp.length;
  acc.refLen += closestRefLen(
    hyp.length,
    refs.map((r) => r.length),
  );
  for (let n = 1; n <= o.maxNgramOrder; n++) {
    // With several references an n-gram is clipped to its largest count in any one of them.
    const clip = new Map<string, number>();
    for (const ref of refs) {
      for (const [g, c] of ngramCounts(ref, n)) clip.set(g, Math.max(clip.get(g) ?? 0, c));
    }
    for (const [g, c] of ngramCounts(hyp, n)) {
      acc.totals[n - 1] = (acc.totals[n - 1] ?? 0) + c;
      acc.counts[n - 1] = (acc.counts[n - 1] ?? 0) + Math.min(c, clip.get(g) ?? 0);
    }
  }
}

/** bleu.py `BLEU.compute_bleu`, line for line (the early return, the loop's `break`, effective order, my_log). */
function bleuFromStatistics(
  sysLen: number,
  refLen: number,
  counts: readonly number[],
  totals: readonly number[],
  o: ResolvedOptions,
): BleuScore {
  const N = o.maxNgramOrder;
  let bp = 1;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;
  const precisions = new Array<number>(N).fill(0);
  const result = { precisions, bp, sysLen, refLen, counts: [...counts], totals: [...totals] };
  if (counts.every((c) => c === 0)) return { score: 0, ...result };

  let smoothMteval = 1;
  let order = N;
  for (let n = 1; n <= N; n++) {
    let c = counts[n - 1] ?? 0;
    let t = totals[n - 1] ?? 0;
    if (o.smoothMethod === 'add-k' && n > 1) {
      c += o.smoothValue;
      t += o.smoothValue;
    }
    // No hypothesis n-grams of this order (all hypotheses shorter than n): stop; the remaining precisions stay 0.
    if (t === 0) break;
    if (o.effectiveOrder) order = n;
    if (c === 0) {
      if (o.smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * t);
      } else if (o.smoothMethod === 'floor') {
        precisions[n - 1] = (100 * o.smoothValue) / t;
      }
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }
  let sumLog = 0;
  for (let i = 0; i < order; i++) {
    const p = precisions[i] ?? 0;
    sumLog += p === 0 ? LOG_ZERO : Math.log(p);
  }
  return { score: bp * Math.exp(sumLog / order), ...result };
}

/** One hypothesis's references as an array; `name` is how an error message calls the argument. */
function referenceSet(fn: string, entry: unknown, name: string): readonly string[] {
  const refs = typeof entry === 'string' ? [entry] : entry;
  if (!Array.isArray(refs)) {
    throw new TypeError(`${fn}: ${name} must be a string or an array of strings, got ${typeof entry}`);
  }
  if (refs.length === 0) throw new RangeError(`${fn}: ${name} is empty; every hypothesis needs a reference`);
  refs.forEach((r, j) => {
    if (typeof r !== 'string') throw new TypeError(`${fn}: ${name}[${j}] must be a string, got ${typeof r}`);
  });
  return refs as readonly string[];
}

/**
 * Corpus BLEU with sacrebleu's defaults (`sacrebleu.corpus_bleu(hyps, refs)`: 13a tokenizer, cased, n ≤ 4,
 * exp smoothing, no effective order): clipped n-gram matches and lengths are summed over the corpus first, then
 * BLEU = BP · exp(mean_n log p_n), on the 0–100 scale.
 *
 * `references[i]` holds the reference(s) of `hypotheses[i]`: a string, or an array of one or more strings (the
 * number may vary per hypothesis). This is the transpose of sacrebleu's layout, where `refs[k][i]` is the k-th
 * reference stream. An empty hypothesis or reference is allowed (length 0); the score is then 0, never NaN.
 *
 * @throws RangeError when the counts of hypotheses and references differ, the corpus is empty, a hypothesis has no
 *   reference, or an option is out of range (the message names it and the valid values).
 * @example corpusBleu(['The cat sat on the mat.'], [['The cat is on the mat.', 'A cat sat on the mat.']]).score
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: ReadonlyArray<string | readonly string[]>,
  options: BleuOptions = {},
): BleuScore {
  const fn = 'corpusBleu';
  if (!Array.isArray(hypotheses)) throw new TypeError(`${fn}: hypotheses must be an array of strings`);
  if (!Array.isArray(references)) throw new TypeError(`${fn}: references must be an array`);
  if (hypotheses.length !== references.length) {
    throw new RangeError(
      `${fn}: ${hypotheses.length} hypotheses but ${references.length} reference entries; references[i] holds ` +
        'the reference(s) of hypotheses[i] (sacrebleu reference streams must be transposed)',
    );
  }
  if (hypotheses.length === 0) throw new RangeError(`${fn}: no hypotheses; BLEU of an empty corpus is undefined`);
  const o = resolveOptions(fn, options, false);
  const acc = emptyStatistics(o.maxNgramOrder);
  hypotheses.forEach((hyp, i) => {
    if (typeof hyp !== 'string') throw new TypeError(`${fn}: hypotheses[${i}] must be a string, got ${typeof hyp}`);
    addSegment(hyp, referenceSet(fn, references[i], `references[${i}]`), o, acc);
  });
  return bleuFromStatistics(acc.sysLen, acc.refLen, acc.counts, acc.totals, o);
}

/**
 * Sentence BLEU as `sacrebleu.sentence_bleu(hyp, refs)`: the corpus formula on one segment, with exp smoothing and
 * effective order on by default (so "Good morning." against itself scores 100, not 0). BLEU is a corpus metric;
 * averaging sentence BLEU over a test set is not corpus BLEU.
 *
 * @param references one reference or several.
 * @throws RangeError for no reference or an option out of range.
 */
export function sentenceBleu(hypothesis: string, references: string | readonly string[], options: BleuOptions = {}): BleuScore {
  const fn = 'sentenceBleu';
  if (typeof hypothesis !== 'string') throw new TypeError(`${fn}: hypothesis must be a string, got ${typeof hypothesis}`);
  const o = resolveOptions(fn, options, true);
  const refs = referenceSet(fn, references, 'references');
  const acc = emptyStatistics(o.maxNgramOrder);
  addSegment(hypothesis, refs, o, acc);
  return bleuFromStatistics(acc.sysLen, acc.refLen, acc.counts, acc.totals, o);
}
