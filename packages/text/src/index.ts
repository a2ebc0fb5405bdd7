// @contrastive/text public API — browser-safe: no `node:` module is reachable from here. Reading and
// writing files (tokenizer and model folders, corpora, WordNet, frozen ONNX models) is in
// '@contrastive/text/node'; the CLI is `contrastive-text`. Re-exports by name live in each folder's index.
export * from './tokenize/index.js';
export * from './encoders/index.js';
export * from './augment/index.js';
export * from './methods/index.js';
export * from './eval/index.js';
export * from './data/index.js';
export {
  SafetensorsError,
  ModelFileError,
  TokenizerFileError,
  OptionalDependencyError,
  TextDataError,
  NonFiniteEmbeddingError,
  assertFiniteEmbeddings,
} from './errors.js';
export * from './vector-index/index.js';
export * from './search/index.js';
export * from './pretrained/index.js';
export * from './validation/index.js';
export * from './ance/index.js';
export * from './seq2seq/index.js';
export * from './ssa/index.js';
export { RECIPES, findTextRecipe } from './recipes.js';
export type { TextRecipe, TextTrainingDefaults, TextModelDefaults } from './recipes.js';
