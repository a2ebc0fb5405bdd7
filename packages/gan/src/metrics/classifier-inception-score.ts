import type { MeanStd } from './kernel-inception-distance.js';
import { type FeatureMatrix, meanStd, toRows } from './matrix.js';

/** Options of {@link classifierInceptionScore}. */
export interface InceptionScoreOptions {
  /** Number of consecutive splits the score is averaged over (default 10, as Salimans et al. and torch-fidelity). */
  splits?: number;
}

/**
 * The Inception Score formula (Salimans et al., "Improved Techniques for Training GANs", 2016; official
 * openai/improved-gan `inception_score.py`) on the class probabilities of any classifier:
 *
 *   IS = exp(E_x KL(p(y|x) ‖ p(y))),  p(y) = the split's mean of p(y|x),
 *
 * computed per split of consecutive rows (split k holds rows ⌊kN/S⌋ … ⌊(k+1)N/S⌋ − 1, torch-fidelity's
 * boundaries; no shuffling — shuffle beforehand if the order is meaningful), returning the mean and standard
 * deviation (ddof 0) over splits. Ranges from 1 (every prediction the same) to the number of classes
 * (confident and evenly spread). 0·log 0 is taken as 0.
 *
 * `probs` `[N, C]`: rows of non-negative numbers summing to 1 (checked to 1e-3), N ≥ `splits`.
 */
export function classifierInceptionScore(probs: FeatureMatrix, options: InceptionScoreOptions = {}): MeanStd {
  const { splits = 10 } = options;
  if (!(Number.isInteger(splits) && splits >= 1)) throw new RangeError(`options.splits must be an integer >= 1, got ${splits}`);
  const { data, n, d } = toRows(probs, 'probs');
  if (n < splits) throw new RangeError(`probs needs at least options.splits = ${splits} rows, got ${n}`);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const p = data[i * d + j]!;
      if (p < 0) throw new RangeError(`probs must be non-negative, row ${i} has ${p}`);
      s += p;
    }
    if (Math.abs(s - 1) > 1e-3) throw new RangeError(`probs rows must sum to 1, row ${i} sums to ${s}`);
  }
  const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));
  const scores: number[] = [];
  for (let k = 0; k < splits; k++) {
    const lo = Math.floor((k * n) / splits);
    const hi = Math.floor(((k + 1) * n) / splits);
    const py = new Float64Array(d);
    for (let i = lo; i < hi; i++) for (let j = 0; j < d; j++) py[j] = py[j]! + data[i * d + j]!;
    for (let j = 0; j < d; j++) py[j] = py[j]! / (hi - lo);
    let kl = 0;
    for (let i = lo; i < hi; i++) {
      for (let j = 0; j < d; j++) {
        const p = data[i * d + j]!;
        kl += xlogy(p, p) - xlogy(p, py[j]!);
      }
    }
    scores.push(Math.exp(kl / (hi - lo)));
  }
  return meanStd(scores);
}
