import { ModelFileError } from '../errors.js';

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

/**
 * Upper bounds on a BERT config's sizes, checked by {@link validateBertConfig} before anything is allocated.
 * They only catch absurd values early: each is far above every released BERT-family model (BERT-large: hidden
 * 1024, 24 layers, 16 heads, intermediate 4096, 512 positions; multilingual BERT's vocabulary 119,547; XLM-R's
 * 250,002). What a loaded checkpoint may allocate is bounded by its weights file instead (every weight the config
 * implies must be in the file with that shape, see `bertFromSafetensors`); the one weight that may be absent,
 * the pooler, is `hiddenSize²` floats, at most 256 MiB under these bounds.
 */
export const BERT_CONFIG_BOUNDS = {
  vocabSize: 1_048_576,
  hiddenSize: 8192,
  numLayers: 256,
  numHeads: 1024,
  intermediateSize: 65_536,
  maxPositions: 1_048_576,
  typeVocabSize: 1024,
} as const;

/** Throws a message naming the field unless `c` is a consistent BERT config within {@link BERT_CONFIG_BOUNDS}. */
export function validateBertConfig(c: BertConfig): BertConfig {
  const ints: (keyof typeof BERT_CONFIG_BOUNDS)[] = [
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
    if (v > BERT_CONFIG_BOUNDS[k])
      throw new RangeError(`BertConfig.${k} must be at most ${BERT_CONFIG_BOUNDS[k]} (a bound far above any released BERT), got ${v}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) {
    throw new RangeError(`BertConfig.hiddenSize (${c.hiddenSize}) must be divisible by numHeads (${c.numHeads})`);
  }
  for (const k of ['hiddenDropout', 'attentionDropout'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new RangeError(`BertConfig.${k} must be in [0, 1), got ${String(c[k])}`);
  }
  if (!(Number.isFinite(c.layerNormEps) && c.layerNormEps > 0))
    throw new RangeError(`BertConfig.layerNormEps must be a finite number > 0, got ${String(c.layerNormEps)}`);
  if (!(Number.isFinite(c.initializerRange) && c.initializerRange >= 0))
    throw new RangeError(`BertConfig.initializerRange must be a finite number >= 0, got ${String(c.initializerRange)}`);
  if (!Number.isInteger(c.padTokenId) || c.padTokenId < 0 || c.padTokenId >= c.vocabSize)
    throw new RangeError(`BertConfig.padTokenId must be an integer in [0, vocabSize ${c.vocabSize}), got ${String(c.padTokenId)}`);
  return c;
}

/** How a fresh weight is initialised. */
export type BertWeightInit = 'normal' | 'zeros' | 'ones';

/**
 * Every weight of a BERT with config `c`, by its Hugging Face name, with its shape (PyTorch `[out, in]` layout)
 * and fresh initialisation, in the order `BertEncoder` creates them. Pure arithmetic: lets a loader check a
 * weights file against the config before anything is allocated.
 */
export function bertWeightShapes(c: BertConfig): [name: string, shape: number[], init: BertWeightInit][] {
  const out: [string, number[], BertWeightInit][] = [];
  const add = (name: string, shape: number[], init: BertWeightInit): void => void out.push([name, shape, init]);
  const h = c.hiddenSize;
  add('embeddings.word_embeddings.weight', [c.vocabSize, h], 'normal');
  add('embeddings.position_embeddings.weight', [c.maxPositions, h], 'normal');
  add('embeddings.token_type_embeddings.weight', [c.typeVocabSize, h], 'normal');
  add('embeddings.LayerNorm.weight', [h], 'ones');
  add('embeddings.LayerNorm.bias', [h], 'zeros');
  for (let l = 0; l < c.numLayers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const n of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      add(`${p}${n}.weight`, [h, h], 'normal');
      add(`${p}${n}.bias`, [h], 'zeros');
    }
    add(`${p}attention.output.LayerNorm.weight`, [h], 'ones');
    add(`${p}attention.output.LayerNorm.bias`, [h], 'zeros');
    add(`${p}intermediate.dense.weight`, [c.intermediateSize, h], 'normal');
    add(`${p}intermediate.dense.bias`, [c.intermediateSize], 'zeros');
    add(`${p}output.dense.weight`, [h, c.intermediateSize], 'normal');
    add(`${p}output.dense.bias`, [h], 'zeros');
    add(`${p}output.LayerNorm.weight`, [h], 'ones');
    add(`${p}output.LayerNorm.bias`, [h], 'zeros');
  }
  add('pooler.dense.weight', [h, h], 'normal');
  add('pooler.dense.bias', [h], 'zeros');
  return out;
}

/**
 * Reads a Hugging Face BERT `config.json` object. Only the exact-erf `gelu` activation is supported. Every
 * problem (not an object, a field that is not a number, a value outside {@link BERT_CONFIG_BOUNDS}, an
 * inconsistent config) is a {@link ModelFileError} naming `source` (the file) and the field.
 */
export function fromHfConfig(json: Record<string, unknown>, source = 'config.json'): BertConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new ModelFileError(source, `must be a JSON object (a Hugging Face BERT config), got ${JSON.stringify(json) ?? String(json)}`);
  const num = (k: string, fallback?: number): number => {
    const v = json[k] ?? fallback;
    if (typeof v !== 'number') throw new ModelFileError(source, `'${k}' must be a number, got ${JSON.stringify(json[k]) ?? 'nothing'}`, k);
    return v;
  };
  const act = json.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new ModelFileError(source, `hidden_act must be 'gelu' (exact erf GELU), got '${String(act)}'`, 'hidden_act');
  const keys: Record<string, string> = {
    vocabSize: 'vocab_size',
    hiddenSize: 'hidden_size',
    numLayers: 'num_hidden_layers',
    numHeads: 'num_attention_heads',
    intermediateSize: 'intermediate_size',
    hiddenDropout: 'hidden_dropout_prob',
    attentionDropout: 'attention_probs_dropout_prob',
    maxPositions: 'max_position_embeddings',
    typeVocabSize: 'type_vocab_size',
    layerNormEps: 'layer_norm_eps',
    initializerRange: 'initializer_range',
    padTokenId: 'pad_token_id',
  };
  const config: BertConfig = {
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
  };
  try {
    return validateBertConfig(config);
  } catch (e) {
    const field = /BertConfig\.(\w+)/.exec((e as Error).message)?.[1];
    const key = field === undefined ? undefined : keys[field];
    const message = (e as Error).message.replace(/BertConfig\.(\w+)/g, (_m, f: string) => `'${keys[f] ?? f}'`);
    throw new ModelFileError(source, message, key);
  }
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
