// Browser-safe API of the pretrained tower (Universal Sentence Encoder Lite) and its trainable adapter. Loading from
// disk (loadUseLite, loadUseLiteEncoder, saveAdapterModel, loadAdapterEncoder, …) is in '@contrastive/text/node'.
export { UseLite, USE_LITE_DIM } from './use-lite.js';
export type { UseLiteEmbedOptions, UseLiteSource } from './use-lite.js';
export { UseTokenizer } from './use-tokenizer.js';
export type { UseVocabulary } from './use-tokenizer.js';
export { UseLiteEncoder, USE_LITE_TOWER, assertUseLiteTexts } from './use-lite-encoder.js';
export type { TowerEmbedder } from './use-lite-encoder.js';
export { TowerCache } from './tower-cache.js';
export type { TowerCacheOptions } from './tower-cache.js';
export { TowerAdapter, ADAPTER_LAYERS, adapterTensorNames, adapterTensorShapes } from './tower-adapter.js';
export type { AdapterLayers, AdapterTensor, TowerAdapterOptions } from './tower-adapter.js';
export { adapterLoss, checkAdapterBatch } from './adapter-loss.js';
export type { AdapterBatch, AdapterLossOptions } from './adapter-loss.js';
export { AdapterMethod } from './adapter-method.js';
export type { AdapterMethodOptions, AdapterOptimizerSettings } from './adapter-method.js';
export { AdapterEncoder } from './adapter-encoder.js';
export type { AdapterEncoderOptions } from './adapter-encoder.js';
export { adapterBatches, adapterBatchIndices, adapterExamples, adapterStepsPerEpoch, adapterTexts } from './adapter-batches.js';
export type { AdapterBatchOptions, AdapterExample } from './adapter-batches.js';
export {
  ADAPTER_FORMAT,
  ADAPTER_TOWERS,
  ADAPTER_WEIGHTS_FILE,
  USE_LITE_ADAPTER_KIND,
  adapterFromSafetensors,
  adapterModelMeta,
  adapterToSafetensors,
  parseAdapterModelMeta,
} from './adapter-model.js';
export type { AdapterModelMeta } from './adapter-model.js';
