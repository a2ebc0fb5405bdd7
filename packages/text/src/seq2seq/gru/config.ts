import { checkDropoutIdsSeed, checkPositiveIntegers } from '../model/config.js';
/** Configuration of {@link Seq2SeqGru}; every field but `vocabSize` has a default. */
export interface GruConfig {
  /** Shared source/target vocabulary size (one embedding table for both sides). */
  vocabSize: number;
  /** Embedding width and width of the encoder / decoder states `encode` / `decode` return. Default 128. */
  dModel?: number;
  /** GRU hidden size (each encoder direction and the decoder). Default 256. */
  hidden?: number;
  /**
   * Luong et al. (2015) score: `'general'` (`h_tᵀ W_a h̄_s`, default) or `'dot'` (`h_tᵀ h̄_s`, needs
   * `hidden === dModel`).
   */
  attention?: 'general' | 'dot';
  /** Tie the LM head to the embedding table (`logits = h̃ Eᵀ`) instead of a separate `lm_head`. Default false (Luong). */
  tieEmbeddings?: boolean;
  /** Dropout rate (embeddings, encoder outputs, decoder GRU outputs) when `training`. Default 0.1. */
  dropout?: number;
  /** Longest source or target sequence (the decoding cap). Default 64. */
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

/** {@link GruConfig} with every default filled in. */
export type ResolvedGruConfig = Required<GruConfig>;

const ATTENTIONS = ['general', 'dot'] as const;

/** Fills defaults and validates; throws a RangeError naming the field, its value and what was expected. */
export function resolveGruConfig(c: GruConfig): ResolvedGruConfig {
  const r: ResolvedGruConfig = {
    vocabSize: c.vocabSize,
    dModel: c.dModel ?? 128,
    hidden: c.hidden ?? 256,
    attention: c.attention ?? 'general',
    tieEmbeddings: c.tieEmbeddings ?? false,
    dropout: c.dropout ?? 0.1,
    maxLength: c.maxLength ?? 64,
    padId: c.padId ?? 0,
    bosId: c.bosId ?? 1,
    eosId: c.eosId ?? 2,
    seed: c.seed ?? 0,
  };
  checkPositiveIntegers('GruConfig', r, ['vocabSize', 'dModel', 'hidden', 'maxLength']);
  if (!ATTENTIONS.includes(r.attention))
    throw new RangeError(`GruConfig.attention must be one of ${ATTENTIONS.join(' | ')}, got ${JSON.stringify(r.attention)}`);
  if (r.attention === 'dot' && r.hidden !== r.dModel)
    throw new RangeError(`GruConfig.attention 'dot' needs hidden (${r.hidden}) === dModel (${r.dModel}); use 'general'`);
  if (typeof r.tieEmbeddings !== 'boolean')
    throw new RangeError(`GruConfig.tieEmbeddings must be a boolean, got ${String(r.tieEmbeddings)}`);
  checkDropoutIdsSeed('GruConfig', r);
  return r;
}
