/**
 * HRSMap: learned aspect → gold label (Shi et al. 2021; `aspect_mapping.txt` of the official code).
 *
 * The paper trains with K = 30 learned aspects, far more than the gold set; a human reads each aspect's top words
 * and writes one line per learned aspect: `<k> <label>` (k = 1..K as `kmeans.py` writes the template), the label
 * being a gold aspect, `none` (the General class) or `nomap` (ignored). A sentence is then labelled with the gold
 * label of its highest-weighted learned aspect that is not ignored (`evaluate_sscl_classification`).
 */

/** The label that drops a learned aspect from prediction. */
export const NOMAP = 'nomap';
/** The General class. Counted as a label (the code's `--none_type` default true) unless `ignoreNone`. */
export const NONE_LABEL = 'none';

/** A learned aspect → gold label table, index k = learned aspect k (0-based). */
export interface AspectMapping {
  /** One label per learned aspect: a gold label, `none` or `nomap`. */
  labels: string[];
  /** Where it came from (`'file <path>'`, `'automatic (majority gold label of the training sentences …)'`). */
  source: string;
}

/** A malformed mapping file: the message names the file and the 1-based line. */
export class AspectMappingError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'AspectMappingError';
    this.file = file;
    this.line = line;
  }
}

/**
 * Parses an `aspect_mapping.txt` text: one line `<k> <label>` per learned aspect, k = 1..K in order (the code reads
 * only the second field, line by line, so line i is aspect i; we check that the number agrees). Blank lines and
 * lines starting with `#` are skipped. Labels are lower-cased, as the code lower-cases the gold labels
 * (`build_batch`: `itm['label'].lower()`). Errors name `file` and the line: a missing label, a number out of order,
 * extra fields, fewer or more lines than `aspects`.
 *
 * @param aspects K, the number of learned aspects the model has.
 */
export function parseAspectMapping(text: string, aspects: number, file = 'aspect_mapping.txt'): AspectMapping {
  const labels: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    if (fields.length !== 2)
      throw new AspectMappingError(file, i + 1, `expected '<aspect number> <label>' (two fields), got ${fields.length}: '${raw}'`);
    const k = Number(fields[0]);
    if (!Number.isInteger(k) || k !== labels.length + 1)
      throw new AspectMappingError(
        file,
        i + 1,
        `expected aspect number ${labels.length + 1}, got '${fields[0]}' (one line per aspect, 1..${aspects}, in order)`,
      );
    if (k > aspects) throw new AspectMappingError(file, i + 1, `aspect ${k} does not exist: the model has ${aspects} aspects`);
    labels.push(fields[1]!.toLowerCase());
  }
  if (labels.length !== aspects)
    throw new AspectMappingError(file, undefined, `maps ${labels.length} aspects but the model has ${aspects}: write one line per aspect`);
  if (labels.every((l) => l === NOMAP))
    throw new AspectMappingError(file, undefined, `every aspect is '${NOMAP}': nothing to predict with`);
  return { labels, source: `file ${file}` };
}

/** `aspect_mapping.txt` text for `mapping` (`<k> <label>` lines, k from 1), the format {@link parseAspectMapping} reads. */
export function formatAspectMapping(labels: readonly string[]): string {
  return labels.map((l, k) => `${k + 1} ${l}\n`).join('');
}

/**
 * The automatic substitute for the human mapping step (no human mapping exists for our runs): each learned aspect
 * is mapped to the majority gold label of the **training** sentences whose top aspect it is (ties → the label first
 * in sort order); an aspect that tops no training sentence is `nomap`. This uses training labels, which the paper's
 * human mapping does not (the human reads only the aspects' top words), so scores with it are an optimistic proxy
 * for HRSMap, not the paper's protocol. Test labels are never used.
 *
 * @param weights per training sentence, the K aspect weights (p of the model, or a score per cluster).
 * @param gold per training sentence, its gold label.
 */
export function automaticAspectMapping(weights: readonly ArrayLike<number>[], gold: readonly string[], aspects: number): AspectMapping {
  if (weights.length !== gold.length) throw new RangeError(`${weights.length} weight rows but ${gold.length} gold labels`);
  const counts = Array.from({ length: aspects }, () => new Map<string, number>());
  for (let i = 0; i < weights.length; i++) {
    const k = argmax(weights[i]!, aspects);
    const label = gold[i]!.toLowerCase();
    counts[k]!.set(label, (counts[k]!.get(label) ?? 0) + 1);
  }
  const labels = counts.map((c) => {
    let best = NOMAP;
    let n = 0;
    for (const [label, v] of [...c].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      if (v > n) {
        best = label;
        n = v;
      }
    return best;
  });
  return {
    labels,
    source: 'automatic: majority gold label of the training sentences each aspect wins (a substitute for the human HRSMap step)',
  };
}

/**
 * The gold label of the highest-weighted learned aspect that is not ignored (`nomap`, and `none` with
 * `ignoreNone`), as `evaluate_sscl_classification` picks it (ties → the lower aspect index).
 */
export function predictAspectLabel(weights: ArrayLike<number>, mapping: AspectMapping, ignoreNone = false): string {
  if (weights.length !== mapping.labels.length)
    throw new RangeError(`${weights.length} aspect weights but the mapping has ${mapping.labels.length} aspects`);
  let best = -1;
  for (let k = 0; k < weights.length; k++) {
    const l = mapping.labels[k]!;
    if (l === NOMAP || (ignoreNone && l === NONE_LABEL)) continue;
    if (best < 0 || weights[k]! > weights[best]!) best = k;
  }
  if (best < 0) throw new RangeError(`every aspect of the mapping (${mapping.source}) is ignored: nothing to predict with`);
  return mapping.labels[best]!;
}

function argmax(w: ArrayLike<number>, n: number): number {
  if (w.length !== n) throw new RangeError(`a weight row has ${w.length} entries, expected ${n}`);
  let best = 0;
  for (let k = 1; k < n; k++) if (w[k]! > w[best]!) best = k;
  return best;
}

/**
 * The gold label a prediction is scored against: `gold` itself, or for a comma-separated multi-label gold
 * (`a,b`) the predicted label when it is one of them, else the first — the code's `except` branch.
 */
export function goldForScoring(gold: string, predicted: string): string {
  const g = gold.toLowerCase();
  if (!g.includes(',')) return g;
  const options = g.split(',');
  return options.includes(predicted) ? predicted : options[0]!;
}

/**
 * Predicted and scored-against labels of every sentence (`weights[i]` = its K aspect weights), ready for
 * `classificationScores`. Unlike the code, a gold label that no aspect maps to is kept (the code raises a KeyError):
 * it can never be predicted, so it scores 0 F1 and counts in the macro mean.
 */
export function mapPredictions(
  weights: readonly ArrayLike<number>[],
  gold: readonly string[],
  mapping: AspectMapping,
  ignoreNone = false,
): { pred: string[]; gold: string[] } {
  if (weights.length !== gold.length) throw new RangeError(`${weights.length} weight rows but ${gold.length} gold labels`);
  const pred = weights.map((w) => predictAspectLabel(w, mapping, ignoreNone));
  return { pred, gold: gold.map((g, i) => goldForScoring(g, pred[i]!)) };
}
