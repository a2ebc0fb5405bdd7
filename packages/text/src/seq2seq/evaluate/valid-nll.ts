import { disposeBatch, seq2seqBatch } from '../model/batch.js';
import type { Seq2SeqModel } from '../model/seq2seq-model.js';

/**
 * Teacher-forced NLL (nats per target token, EOS included) of `pairs` in eval mode (no dropout), token-weighted over
 * the whole set — the validation loss a fairseq / HF run selects its best checkpoint by. Batches of `batchSize`.
 */
export function corpusNll(
  model: Seq2SeqModel,
  pairs: { readonly sources: readonly (readonly number[])[]; readonly targets: readonly (readonly number[])[] },
  batchSize = 32,
): number {
  const n = pairs.sources.length;
  if (n === 0 || pairs.targets.length !== n)
    throw new RangeError(`corpusNll: ${n} sources and ${pairs.targets.length} targets (need as many, at least one)`);
  let sum = 0;
  let tokens = 0;
  for (let i = 0; i < n; i += batchSize) {
    const targets = pairs.targets.slice(i, i + batchSize);
    const batch = seq2seqBatch(model.config, pairs.sources.slice(i, i + batchSize), targets);
    try {
      const count = targets.reduce((a, t) => a + t.length + 1, 0);
      const nll = model.nll(batch, false);
      sum += (nll.dataSync()[0] ?? Number.NaN) * count;
      nll.dispose();
      tokens += count;
    } finally {
      disposeBatch(batch);
    }
  }
  return sum / tokens;
}
