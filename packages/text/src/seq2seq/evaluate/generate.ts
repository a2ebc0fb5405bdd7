import * as tf from '@tensorflow/tfjs';
import { padIds } from '../model/batch.js';
import { beamSearch, greedyDecode } from '../model/decode.js';
import type { Seq2SeqModel } from '../model/seq2seq-model.js';

/** What {@link generateIds} needs to turn texts into ids and back (the seq2seq tokenizer fits). */
export interface Seq2SeqTextCodec {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/** Options of {@link generateIds} / {@link generateTexts}. */
export interface GenerateOptions {
  /** Beams per source; 1 = greedy (batched, faster). Default 1. */
  beam?: number;
  /** Beam search's length-penalty α (`logP / len^α`). Default 1. */
  lengthPenalty?: number;
  /** Most generated tokens per source, EOS included. Default (and cap): the model's `maxLength`. */
  maxLength?: number;
  /** Sources per forward pass. Default 32. */
  batchSize?: number;
  /** Called after each batch with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes every source (id lists without BOS/EOS, truncated to the model's `maxLength`) in batches: greedy for
 * `beam` 1, else beam search. Returns one id list per source (no BOS/EOS). Bounded memory: one batch at a time.
 */
export function generateIds(model: Seq2SeqModel, sources: readonly (readonly number[])[], options: GenerateOptions = {}): number[][] {
  const { beam = 1, lengthPenalty = 1, batchSize = 32 } = options;
  if (!Number.isInteger(beam) || beam < 1) throw new RangeError(`beam must be a positive integer, got ${String(beam)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${String(batchSize)}`);
  const max = model.config.maxLength;
  const out: number[][] = [];
  for (let i = 0; i < sources.length; i += batchSize) {
    const rows = sources.slice(i, i + batchSize).map((r) => (r.length === 0 ? [model.config.eosId] : r.slice(0, max)));
    const { ids, mask } = padIds(rows, model.config.padId);
    try {
      const decoded =
        beam === 1
          ? greedyDecode(model, ids, mask, { ...(options.maxLength ? { maxLength: options.maxLength } : {}) })
          : beamSearch(model, ids, mask, { beamSize: beam, lengthPenalty, ...(options.maxLength ? { maxLength: options.maxLength } : {}) });
      out.push(...decoded);
    } finally {
      tf.dispose([ids, mask]);
    }
    options.onProgress?.(Math.min(i + batchSize, sources.length), sources.length);
  }
  return out;
}

/** {@link generateIds} from texts to texts through `codec`. */
export function generateTexts(
  model: Seq2SeqModel,
  codec: Seq2SeqTextCodec,
  sources: readonly string[],
  options: GenerateOptions = {},
): string[] {
  return generateIds(
    model,
    sources.map((s) => codec.encode(s)),
    options,
  ).map((ids) => codec.decode(ids));
}
