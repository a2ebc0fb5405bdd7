import type { RunSummary } from './summary.js';

/**
 * Metric names where higher is better and a reference can be beaten: accuracies, ROC-AUC, F1, correlations,
 * retrieval and generation scores. Training-set scores and spreads (`trainAccuracy`, `accuracyStd`) are not
 * compared: being below the untrained model there says nothing about the representation.
 */
const HIGHER_IS_BETTER = /accuracy|auc|f1|spearman|pearson|recall|precision|ndcg|mrr|bleu|rouge/i;
const NOT_COMPARED = /train|std/i;

/**
 * The warnings for a summary whose trained model scores **below the untrained one** (`baselines.randomInit`,
 * or the baseline named `baseline`) on a metric where higher is better: one line per such metric, e.g.
 * `knnAccuracy 0.589 is below the random-init encoder's 0.798: training made the representation worse (…)`.
 * Empty when every comparable metric is at or above it, or the summary has no such baseline. Pure.
 */
export function belowBaselineWarnings(summary: Pick<RunSummary, 'metrics' | 'baselines'>, baseline = 'randomInit'): string[] {
  const ref = summary.baselines[baseline];
  if (ref === undefined) return [];
  const out: string[] = [];
  for (const [name, value] of Object.entries(summary.metrics)) {
    const base = ref[name];
    if (typeof value !== 'number' || typeof base !== 'number' || !Number.isFinite(value) || !Number.isFinite(base)) continue;
    if (!HIGHER_IS_BETTER.test(name) || NOT_COMPARED.test(name) || value >= base) continue;
    out.push(
      `${name} ${value} is below the ${baseline === 'randomInit' ? 'random-init encoder' : baseline}'s ${base}: training made the ` +
        'representation worse on this data (more epochs, a smaller learning rate or another method/recipe may help)',
    );
  }
  return out;
}
