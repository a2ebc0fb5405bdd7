// Browser-safe encoder API; folder I/O (loadBertCheckpoint, saveBertCheckpoint, loadSentenceEncoder,
// saveSentenceEncoder) is in '@contrastive/text/node'.
export { BertEncoder, loadBertEncoder, gelu, BERT_ARTIFACTS_FORMAT } from './bert.js';
export type { BertInputs, BertForwardOptions, BertOutput, BertEncoderOptions } from './bert.js';
export {
  BERT_CONFIG_BOUNDS,
  BERT_PRESETS,
  bertConfig,
  bertWeightShapes,
  fromHfConfig,
  toHfConfig,
  validateBertConfig,
} from './bert-config.js';
export type { BertConfig, BertPreset, BertWeightInit } from './bert-config.js';
export { pool, POOLINGS } from './pooling.js';
export { encodePooled } from './encode-pooled.js';
export type { EncodePooledOptions } from './encode-pooled.js';
export type { Pooling } from './pooling.js';
export {
  readSafetensors,
  readSafetensorsHeader,
  readSafetensorsTensor,
  SAFETENSORS_MAX_HEADER_BYTES,
  writeSafetensors,
} from './safetensors.js';
export type { SafeTensor, SafetensorsDtype, SafetensorsEntry, SafetensorsHeader } from './safetensors.js';
export { bertFromSafetensors, bertToSafetensors } from './hf-weights.js';
export type { BertWeightsOptions } from './hf-weights.js';
export { SentenceEncoder } from './sentence-encoder.js';
export type { EncodeOptions, TextEmbedder } from './sentence-encoder.js';
export { batchTensors, disposeInputs } from './token-tensors.js';
export type { BatchTensors } from './token-tensors.js';
