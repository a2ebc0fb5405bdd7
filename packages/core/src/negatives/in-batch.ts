import type * as tf from '@tensorflow/tfjs';
import type { NegativeSource } from '../types.js';

/**
 * In-batch negatives (SimCLR, CLIP, MoCo v3): every other item of the batch is a negative. It holds no
 * state; `negatives()` returns `null`, which losses such as `infoNCE` read as "use the other keys of
 * the batch" (logits = q·kᵀ/τ with the positives on the diagonal).
 *
 * @example
 * const source = new InBatchNegatives();
 * const loss = infoNCE(q, k, { negatives: source.negatives(q) ?? undefined });
 */
export class InBatchNegatives implements NegativeSource {
  readonly name = 'in-batch';

  /** Always `null`: the batch itself provides the negatives. */
  negatives(_queries?: tf.Tensor2D): null {
    return null;
  }

  /** Nothing to remember between batches. */
  update(_keys?: tf.Tensor2D): void {}

  /** Owns no tensors. */
  dispose(): void {}
}
