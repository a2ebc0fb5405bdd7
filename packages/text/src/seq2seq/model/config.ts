/** Configuration of {@link Seq2SeqTransformer}; every field but `vocabSize` has a default. */
export interface Seq2SeqConfig {
  /** Shared source/target vocabulary size (one embedding table, tied to the LM head as in T5). */
  vocabSize: number;
  /** Model width d. Default 128. */
  dModel?: number;
  /** Attention heads; must divide `dModel`. Default 4. */
  heads?: number;
  /** Encoder layers. Default 2. */
  encoderLayers?: number;
  /** Decoder layers. Default 2. */
  decoderLayers?: number;
  /** Feed-forward inner width. Default 512. */
  ffn?: number;
  /** Dropout rate (embeddings, attention probabilities, residual branches) when `training`. Default 0.1. */
  dropout?: number;
  /** Longest source or target sequence (sinusoidal table size; decoding cap). Default 64. */
  maxLength?: number;
  /** Padding id. Default 0. */
  padId?: number;
  /** Decoder start id (BOS). Default 1. */
  bosId?: number;
  /** End-of-sequence id. Default 2. */
  eosId?: number;
  /** Seed of the initial weights. Default 0. */
  seed?: number;
}

/** {@link Seq2SeqConfig} with every default filled in. */
export type ResolvedSeq2SeqConfig = Required<Seq2SeqConfig>;

/** Fills defaults and validates; throws a RangeError naming the field, its value and what was expected. */
export function resolveSeq2SeqConfig(c: Seq2SeqConfig): ResolvedSeq2SeqConfig {
  const r: ResolvedSeq2SeqConfig = {
    vocabSize: c.vocabSize,
    dModel: c.dModel ?? 128,
    heads: c.heads ?? 4,
    encoderLayers: c.encoderLayers ?? 2,
    decoderLayers: c.decoderLayers ?? 2,
    ffn: c.ffn ?? 512,
    dropout: c.dropout ?? 0.1,
    maxLength: c.maxLength ?? 64,
    padId: c.padId ?? 0,
    bosId: c.bosId ?? 1,
    eosId: c.eosId ?? 2,
    seed: c.seed ?? 0,
  };
  checkPositiveIntegers('Seq2SeqConfig', r, ['vocabSize', 'dModel', 'heads', 'encoderLayers', 'decoderLayers', 'ffn', 'maxLength']);
  if (r.dModel % r.heads !== 0) throw new RangeError(`Seq2SeqConfig.heads (${r.heads}) must divide dModel (${r.dModel})`);
  checkDropoutIdsSeed('Seq2SeqConfig', r);
  return r;
}

/** Throws a RangeError naming `label.key` for the first of `keys` that is not a positive integer. */
export function checkPositiveIntegers<T extends object>(label: string, r: T, keys: readonly (keyof T & string)[]): void {
  for (const k of keys) {
    const v = r[k];
    if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`${label}.${k} must be a positive integer, got ${String(v)}`);
  }
}

/** The fields every seq2seq config shares: dropout in [0, 1), special ids inside the vocabulary, an integer seed. */
export function checkDropoutIdsSeed(
  label: string,
  r: { dropout: number; vocabSize: number; padId: number; bosId: number; eosId: number; seed: number },
): void {
  if (!(r.dropout >= 0 && r.dropout < 1)) throw new RangeError(`${label}.dropout must be in [0, 1), got ${r.dropout}`);
  for (const k of ['padId', 'bosId', 'eosId'] as const) {
    const v = r[k];
    if (!Number.isInteger(v) || v < 0 || v >= r.vocabSize)
      throw new RangeError(`${label}.${k} must be an integer in [0, vocabSize=${r.vocabSize}), got ${String(v)}`);
  }
  if (!Number.isInteger(r.seed)) throw new RangeError(`${label}.seed must be an integer, got ${String(r.seed)}`);
}
