/**
 * The loss that trains a {@link TowerAdapter}: InfoNCE with in-batch negatives on the adapted (then L2-normalised)
 * tower vectors of (query, positive[, hard negative]) — the objective of DPR (Karpukhin et al., EMNLP 2020) and
 * supervised SimCSE (Gao, Yao & Chen, EMNLP 2021), whose τ = 0.05 is the default. It is this package's
 * `simcseLoss` (pairs) or `simcseSupervisedLoss` (triplets: every query also sees every hard negative of the batch,
 * `[N, 2N]` logits), both core's `infoNCE`, applied to `adapter(x)`: the loss values are those golden-tested in
 * `text_losses.json`, and the adapter's forward pass and gradients are checked against PyTorch in
 * `text_adapter.json` (tools/reference/text_adapter.py).
 */
import * as tf from '@tensorflow/tfjs';
import { simcseLoss, simcseSupervisedLoss } from '../methods/text-losses.js';
import type { TowerAdapter } from './tower-adapter.js';

/** A training batch of precomputed tower vectors: row i of `positive` (and of `negative`) belongs to query i. */
export interface AdapterBatch {
  /** Tower vectors of the queries `[N, d]`. */
  query: tf.Tensor2D;
  /** Tower vectors of their positives `[N, d]`. */
  positive: tf.Tensor2D;
  /** Tower vectors of one hard negative per query `[N, d]`, when the data has them (triplets). */
  negative?: tf.Tensor2D;
}

/** Options of {@link adapterLoss}. */
export interface AdapterLossOptions {
  /** Softmax temperature τ over cosine similarities. Default `0.05` (supervised SimCSE). */
  temperature?: number;
}

function describe(t: unknown): string {
  return t !== null && typeof t === 'object' && 'shape' in t ? `[${(t as tf.Tensor).shape.join(', ')}]` : String(t);
}

/** Checks a batch against the adapter's input width (RangeError naming the field and the shapes). */
export function checkAdapterBatch(batch: AdapterBatch, inputDim: number): void {
  if (batch === null || typeof batch !== 'object') throw new TypeError('adapter batch must be an object {query, positive, negative?}');
  const { query, positive, negative } = batch;
  const n = query?.shape?.[0];
  for (const [name, t] of [
    ['query', query],
    ['positive', positive],
    ...(negative === undefined ? [] : [['negative', negative] as const]),
  ] as const) {
    if (t === null || typeof t !== 'object' || t.rank !== 2 || t.shape[1] !== inputDim || t.shape[0] !== n)
      throw new RangeError(
        `adapter batch: ${name} must be tower vectors [N, ${inputDim}] with the queries' N = ${String(n)}, got ${describe(t)}`,
      );
  }
  if (negative === undefined && (n ?? 0) < 2)
    throw new RangeError(`adapter batch: ${String(n)} pair(s) without hard negatives leave a query no negative (in-batch needs N >= 2)`);
}

/** The batch's InfoNCE loss through `adapter` (a differentiable scalar; see the module comment for the layout). */
export function adapterLoss(adapter: TowerAdapter, batch: AdapterBatch, options: AdapterLossOptions = {}): tf.Scalar {
  const { temperature = 0.05 } = options;
  checkAdapterBatch(batch, adapter.inputDim);
  const { negative } = batch;
  return tf.tidy(() => {
    const q = adapter.apply(batch.query);
    const p = adapter.apply(batch.positive);
    return negative === undefined
      ? simcseLoss(q, p, { temperature })
      : simcseSupervisedLoss(q, p, adapter.apply(negative), { temperature });
  });
}
