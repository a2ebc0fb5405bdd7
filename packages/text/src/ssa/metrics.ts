/**
 * Aspect-detection scores as the official code reports them (`AspDec/model_sscl_base.py` `evaluate_worker`:
 * `sklearn.metrics.f1_score(gold, pred, average='macro')`; `evaluation.py` prints `classification_report`).
 */

/** Per-label precision / recall / F1 / support, as a row of sklearn's `classification_report`. */
export interface LabelScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples of the label. */
  support: number;
}

/** Accuracy, sklearn-style macro-F1 and the per-label rows. */
export interface ClassificationScores {
  /** Share of predictions equal to the gold label. */
  accuracy: number;
  /** Unweighted mean of the per-label F1 over every label in gold ∪ predicted (sklearn's default `labels`). */
  macroF1: number;
  /** Per label, sorted by name (sklearn sorts the labels it finds). */
  perLabel: LabelScores[];
  /** Number of examples scored. */
  count: number;
}

/**
 * Accuracy and macro-F1 of `pred` against `gold`, computed as sklearn 1.2 does: the label set is the sorted
 * union of both lists; a label never predicted has precision 0 (sklearn's `zero_division='warn'` → 0) and a
 * label never gold has recall 0, so both pull the macro mean down — a predicted label absent from gold counts.
 */
export function classificationScores(gold: readonly string[], pred: readonly string[]): ClassificationScores {
  if (gold.length !== pred.length) throw new RangeError(`gold has ${gold.length} labels but pred has ${pred.length}`);
  if (gold.length === 0) throw new RangeError('classificationScores needs at least one example');
  const labels = [...new Set([...gold, ...pred])].sort();
  const tp = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const predCount = new Map<string, number>();
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = pred[i]!;
    goldCount.set(g, (goldCount.get(g) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (g === p) {
      correct++;
      tp.set(g, (tp.get(g) ?? 0) + 1);
    }
  }
  const perLabel = labels.map((label) => {
    const t = tp.get(label) ?? 0;
    const np = predCount.get(label) ?? 0;
    const ng = goldCount.get(label) ?? 0;
    const precision = np === 0 ? 0 : t / np;
    const recall = ng === 0 ? 0 : t / ng;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: ng };
  });
  const macroF1 = perLabel.reduce((s, r) => s + r.f1, 0) / perLabel.length;
  return { accuracy: correct / gold.length, macroF1, perLabel, count: gold.length };
}
