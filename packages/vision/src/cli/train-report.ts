import type { ResolvedKnnK, RunSummary } from '@contrastive/core/cli';
import type { Baseline } from './baseline.js';

/**
 * The summary of a vision run: core's `RunSummary` (`metrics`, `baselines`, …) plus what the images were:
 * the encoder architecture and the sizes of the training and evaluation sets.
 */
export interface VisionRunSummary extends RunSummary {
  encoder: string;
  trainImages: number;
  evalImages: number;
}

/** Scores of the trained encoder (absent when the run cannot be scored). */
export interface TrainedScores {
  knnAccuracy: number;
  linearProbeAccuracy: number;
  alignment: number;
  uniformity: number;
  collapseStd: number;
}

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** `metrics` of a scored encoder: kNN (with its k and where k came from), probe, alignment / uniformity, spread. */
export function scoreMetrics(s: TrainedScores, knn: ResolvedKnnK): RunSummary['metrics'] {
  return {
    knnAccuracy: s.knnAccuracy,
    knnK: knn.k,
    knnKSource: knn.source,
    linearProbeAccuracy: s.linearProbeAccuracy,
    alignment: s.alignment,
    uniformity: s.uniformity,
    collapseStd: s.collapseStd,
  };
}

/**
 * `baselines` from a run's baseline.json: `randomInit` (the same encoder before training) and `rawPixels`
 * (the flattened images), each only when scored. A baseline's `knnK` is listed only when it differs from the
 * trained encoder's k (a run resumed with another `--knn-k`), with a note, since then the kNN scores are not
 * comparable.
 */
export function baselineScores(b: Baseline | null, knnK: number | null, notes: string[]): RunSummary['baselines'] {
  const out: RunSummary['baselines'] = {};
  if (!b) return out;
  const withK = (scores: Record<string, number>, k: number, name: string): Record<string, number> => {
    if (knnK === null || k === knnK) return scores;
    notes.push(`baselines.${name}.knnAccuracy was scored with k = ${k} (when the run started), the trained encoder with k = ${knnK}`);
    return { ...scores, knnK: k };
  };
  if (b.knnAccuracy !== undefined && b.linearProbeAccuracy !== undefined) {
    const scores: Record<string, number> = { knnAccuracy: b.knnAccuracy, linearProbeAccuracy: b.linearProbeAccuracy };
    for (const key of ['alignment', 'uniformity', 'collapseStd'] as const) if (b[key] !== undefined) scores[key] = b[key];
    out.randomInit = withK(scores, b.knnK ?? 200, 'randomInit');
  }
  if (b.rawPixels) {
    out.rawPixels = withK(
      { knnAccuracy: b.rawPixels.knnAccuracy, linearProbeAccuracy: b.rawPixels.linearProbeAccuracy },
      b.rawPixels.knnK ?? 200,
      'rawPixels',
    );
  }
  return out;
}

/**
 * Why a run cannot be scored, and what to pass to score it. `evalLabeled` is `null` when there is no
 * `--eval-data` (an image folder as `--data` has no test split of its own).
 */
export function whyNoScores(trainLabeled: boolean, evalLabeled: boolean | null): string {
  const what = 'training only, no kNN / linear-probe scores';
  if (!trainLabeled) return `--data has no labels (images directly in the folder, not in one sub-folder per class): ${what}`;
  if (evalLabeled === null)
    return `no --eval-data: ${what}; pass --eval-data PATH (labeled images, one sub-folder per class, the same class names) to score the encoder`;
  return `--eval-data has no labels (images directly in the folder, not in one sub-folder per class): ${what}`;
}

/** Below this many optimizer steps in all, a run is told it is short (see {@link fewStepsNote}). */
export const FEW_STEPS = 500;

/**
 * A note for runs too short to expect a clear gain over the random init (small data at the default batch
 * of 256 gives a handful of steps per epoch), or `null`. Measured (README): SimCLR on the bundled 3,000
 * images at batch 64, 3 epochs (138 steps) +1.2 ± 1.1 probe points over seeds 0–4; 12 epochs (552 steps) +4.5.
 */
export function fewStepsNote(stepsPerEpoch: number, epochs: number, batchSize: number): string | null {
  const total = stepsPerEpoch * epochs;
  if (total >= FEW_STEPS) return null;
  const smaller = batchSize > 64 ? ' or lower --batch-size' : '';
  return `note: ${total} optimizer steps in all (${stepsPerEpoch} per epoch × ${epochs} epochs); contrastive encoders usually need ${FEW_STEPS}+ steps to beat their random init clearly — raise --epochs${smaller}`;
}

/** The closing log line of a scored run: each score beside the baselines it must beat. */
export function scoreLine(method: string, seconds: number, s: TrainedScores, baselines: RunSummary['baselines']): string {
  const vs = (key: 'knnAccuracy' | 'linearProbeAccuracy') => {
    const ri = baselines.randomInit?.[key];
    const raw = baselines.rawPixels?.[key];
    return `(random init ${typeof ri === 'number' ? pct(ri) : 'n/a'}${typeof raw === 'number' ? `, raw pixels ${pct(raw)}` : ''})`;
  };
  return `${method}: kNN ${pct(s.knnAccuracy)} ${vs('knnAccuracy')}, linear probe ${pct(s.linearProbeAccuracy)} ${vs('linearProbeAccuracy')}, ${seconds.toFixed(1)}s`;
}
