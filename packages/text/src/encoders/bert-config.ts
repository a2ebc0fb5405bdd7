/**
 * BERT architecture hyper-parameters (Devlin et al., 2019), in our camelCase; {@link fromHfConfig} and
 * {@link toHfConfig} convert to and from a Hugging Face `config.json`.
 */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  /** Dropout on embeddings and on each sub-layer output (HF `hidden_dropout_prob`). SimCSE's augmentation. */
  hiddenDropout: number;
  /** Dropout on attention probabilities (HF `attention_probs_dropout_prob`). */
  attentionDropout: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** Std of the normal initialiser for fresh weights (HF `initializer_range`). */
  initializerRange: number;
  padTokenId: number;
}

const BASE: Omit<BertConfig, 'vocabSize' | 'hiddenSize' | 'numLayers' | 'numHeads' | 'intermediateSize'> = {
  hiddenDropout: 0.1,
  attentionDropout: 0.1,
  maxPositions: 128,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
  padTokenId: 0,
};

/**
 * Size presets for training from scratch on 2 CPU cores. `tiny` is BERT-tiny (L=2, H=128, A=2) and `small`
 * is BERT-mini (L=4, H=256, A=4) of Turc et al. (2019, "Well-read students learn better").
 */
export const BERT_PRESETS = {
  tiny: { ...BASE, hiddenSize: 128, numLayers: 2, numHeads: 2, intermediateSize: 512 },
  small: { ...BASE, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024 },
} as const;

export type BertPreset = keyof typeof BERT_PRESETS;

/** A full config from a preset name plus the vocabulary size (and any overrides). */
export function bertConfig(preset: BertPreset, vocabSize: number, overrides: Partial<BertConfig> = {}): BertConfig {
  const p = BERT_PRESETS[preset];
  if (!p)
    throw new RangeError(
      `config must be one of ${Object.keys(BERT_PRESETS)
        .map((k) => `'${k}'`)
        .join(', ')}, got '${String(preset)}'`,
    );
  return validateBertConfig({ ...p, vocabSize, ...overrides });
}

/** Throws a message naming the field unless `c` is a consistent BERT config. */
export function validateBertConfig(c: BertConfig): BertConfig {
  const ints: (keyof BertConfig)[] = [
    'vocabSize',
    'hiddenSize',
    'numLayers',
    'numHeads',
    'intermediateSize',
    'maxPositions',
    'typeVocabSize',
  ];
  for (const k of ints) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`BertConfig.${k} must be an integer >= 1, got ${String(v)}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) {
    throw new RangeError(`BertConfig.hiddenSize (${c.hiddenSize}) must be divisible by numHeads (${c.numHeads})`);
  }
  for (const k of ['hiddenDropout', 'attentionDropout'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new RangeError(`BertConfig.${k} must be in [0, 1), got ${String(c[k])}`);
  }
  return c;
}

/** Reads a Hugging Face BERT `config.json` object. Only the exact-erf `gelu` activation is supported. */
export function fromHfConfig(json: Record<string, unknown>): BertConfig {
  const num = (k: string, fallback?: number): number => {
    const v = json[k] ?? fallback;
    if (typeof v !== 'number') throw new RangeError(`config.json: '${k}' must be a number, got ${JSON.stringify(json[k])}`);
    return v;
  };
  const act = json.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new RangeError(`config.json: hidden_act must be 'gelu' (exact erf GELU), got '${String(act)}'`);
  return validateBertConfig({
    vocabSize: num('vocab_size'),
    hiddenSize: num('hidden_size'),
    numLayers: num('num_hidden_layers'),
    numHeads: num('num_attention_heads'),
    intermediateSize: num('intermediate_size'),
    hiddenDropout: num('hidden_dropout_prob', 0.1),
    attentionDropout: num('attention_probs_dropout_prob', 0.1),
    maxPositions: num('max_position_embeddings', 512),
    typeVocabSize: num('type_vocab_size', 2),
    layerNormEps: num('layer_norm_eps', 1e-12),
    initializerRange: num('initializer_range', 0.02),
    padTokenId: num('pad_token_id', 0),
  });
}

/** The Hugging Face `config.json` object for `c` (loadable by `transformers.BertModel`). */
export function toHfConfig(c: BertConfig): Record<string, unknown> {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: c.hiddenDropout,
    attention_probs_dropout_prob: c.attentionDropout,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    layer_norm_eps: c.layerNormEps,
    initializer_range: c.initializerRange,
    pad_token_id: c.padTokenId,
  };
}
