/** The final summary (`--json` prints it as one line). */
export interface TrainSummary {
  method: string;
  encoder: string;
  epochs: number;
  knnAccuracy: number | null;
  linearProbeAccuracy: number | null;
  randomInitKnnAccuracy: number | null;
  randomInitLinearProbeAccuracy: number | null;
  /** The same kNN / probe on the flattened pixels (`--raw-baseline`), else `null`. */
  rawPixelKnnAccuracy: number | null;
  rawPixelLinearProbeAccuracy: number | null;
  seconds: number;
  trainSeconds: number;
  finalLoss: number | null;
  collapseStd: number | null;
  randomInitCollapseStd: number | null;
  /** Wang & Isola alignment of two views of the eval images (encoder output, L2-normalised; lower = views closer). */
  alignment: number | null;
  /** Wang & Isola uniformity (t = 2) of the same embeddings (lower = more spread; 0 = collapsed). */
  uniformity: number | null;
  randomInitAlignment: number | null;
  randomInitUniformity: number | null;
  backend: string;
  seed: number;
  trainImages: number;
  evalImages: number;
  out: string;
}

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
export const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Why a run cannot be scored, and what to pass to score it. `evalLabeled` is `null` when there is no
 * `--eval-data` (an image folder as `--data` has no test split of its own).
 */
export function whyNoScores(trainLabeled: boolean, evalLabeled: boolean | null): string {
  const what = 'training only, no kNN / linear-probe scores';
  if (!trainLabeled) return `--data has no labels (images directly in the folder, not in one sub-folder per class): ${what}`;
  if (evalLabeled === null) return `no --eval-data: ${what}; pass --eval-data PATH (labeled images, one sub-folder per class, the same class names) to score the encoder`;
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

/** The closing line of a scored run: each score beside the baselines it must beat. */
export function scoreLine(s: TrainSummary): string {
  const vs = (ri: number | null, raw: number | null) => `(random init ${ri === null ? 'n/a' : pct(ri)}${raw === null ? '' : `, raw pixels ${pct(raw)}`})`;
  return (
    `${s.method}: kNN ${pct(s.knnAccuracy!)} ${vs(s.randomInitKnnAccuracy, s.rawPixelKnnAccuracy)}, ` +
    `linear probe ${pct(s.linearProbeAccuracy!)} ${vs(s.randomInitLinearProbeAccuracy, s.rawPixelLinearProbeAccuracy)}, ${s.seconds}s`
  );
}
