import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '../losses/index.js';
import { toTensor2D, type EmbeddingInput } from './inputs.js';

/**
 * The std below which {@link collapseStd} signals collapse: `0.25/√d`, a quarter of the ≈ 1/√d of embeddings
 * spread over the unit sphere of dimension d (the default of `collapseMonitor`, and the CLIs' warning).
 */
export function collapseThreshold(dim: number): number {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`collapseThreshold: dim must be an integer >= 1, got ${String(dim)}`);
  return 0.25 / Math.sqrt(dim);
}

/**
 * Mean per-dimension standard deviation of the L2-normalised embeddings — the collapse indicator of
 * SimSiam (Chen & He 2021, Fig. 2) and lightly's `std_of_l2_normalized`. For embeddings spread over the
 * unit sphere of dimension d it is ≈ 1/√d; when every input maps to the same direction it tends to 0.
 * Uses the unbiased (N − 1) standard deviation, as `torch.std`.
 *
 * @param embeddings `[N, D]` with N ≥ 2 (tensor or rows).
 */
export function collapseStd(embeddings: EmbeddingInput): number {
  const { tensor, owned } = toTensor2D(embeddings, 'embeddings');
  try {
    const n = tensor.shape[0];
    if (n < 2) throw new RangeError(`embeddings needs at least 2 rows to measure spread, got shape [${tensor.shape.join(', ')}]`);
    const out = tf.tidy(() => {
      const { variance } = tf.moments(l2Normalize(tensor), 0);
      return tf.mean(tf.sqrt(tf.mul(variance, n / (n - 1))));
    });
    const value = out.dataSync()[0]!;
    out.dispose();
    if (Number.isNaN(value)) throw new RangeError('embeddings contains NaN');
    return value;
  } finally {
    if (owned) tensor.dispose();
  }
}
