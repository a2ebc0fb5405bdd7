// @contrastive/vision public API (browser-safe: no `node:` module and no sharp is reachable from here; the
// file loaders and loadTrainedEncoder live in '@contrastive/vision/node'). Re-exports by name live in each
// folder's index.
export * from './io/index.js';
export * from './augment/index.js';
export * from './encoders/index.js';
export * from './heads/index.js';
export * from './methods/index.js';
export * from './eval/index.js';
export {
  RECIPES,
  SIMCLR_HEADS,
  createMethodFromRecipe,
  findVisionRecipe,
  recipeBatchSize,
  recipeViews,
  smallDataBatchSize,
  smallDataNegatives,
  smallDataQueueSize,
  smallRecipe,
} from './recipes.js';
export type { RecipeBuildContext, SimclrHead, VisionRecipe, VisionRecipeOptions } from './recipes.js';
// Text recognition with CTC (SeqCLR's decoder evaluation): loss, greedy decoding, charset, metrics.
export { ctcLoss, ctcMinFrames } from './sequence/ctc.js';
export type { CtcOptions } from './sequence/ctc.js';
export { ctcGreedyDecode } from './sequence/ctc-decode.js';
export type { CtcGreedyDecodeOptions } from './sequence/ctc-decode.js';
export { Charset } from './sequence/charset.js';
export type { CharsetJSON, EncodeOptions, UnknownCharPolicy } from './sequence/charset.js';
export { characterErrorRate, levenshtein, wordAccuracy } from './sequence/text-metrics.js';
export { ctcDecoderHead, decoderEvaluation, encodeFrames } from './sequence/decoder-eval.js';
export type { DecoderEvalMode, DecoderEvalOptions, DecoderEvalResult, DecoderKind, RecognitionSet } from './sequence/decoder-eval.js';
export { SeqCLR, instanceNtXent, DEFAULT_SEQCLR_TEMPERATURE, SEQCLR_PROJECTORS } from './sequence/seqclr.js';
export type { SeqCLROptions, InstanceNtXentOptions, SeqclrProjector } from './sequence/seqclr.js';
export {
  adaptivePoolingMatrix,
  adaptiveWindow,
  allToInstance,
  DEFAULT_WINDOWS,
  flattenInstances,
  frameToInstance,
  INSTANCE_MAPPINGS,
  mapInstances,
  windowToInstance,
} from './sequence/instance-mapping.js';
export type { InstanceMapping } from './sequence/instance-mapping.js';
export { framesForWidth, sequenceEncoder, SEQUENCE_CONTEXTS } from './sequence/sequence-encoder.js';
export type { SequenceContext, SequenceEncoderOptions } from './sequence/sequence-encoder.js';
export {
  gridWarp,
  homography,
  horizontalCrop,
  linearContrast,
  perspective,
  seqclrViews,
  sequenceBlur,
  sharpen,
  someOf,
  verticalCrop,
} from './sequence/sequence-views.js';
export type {
  AxisCropOptions,
  GridWarpOptions,
  LinearContrastOptions,
  PerspectiveOptions,
  SequenceBlurOptions,
  SharpenOptions,
  SomeOfOptions,
} from './sequence/sequence-views.js';
