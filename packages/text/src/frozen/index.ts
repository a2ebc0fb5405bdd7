export { OnnxSentenceEncoder } from './onnx-encoder.js';
export type { OnnxEncoderLoadOptions, TextEmbedder } from './onnx-encoder.js';
export { ONNX_DTYPES, checkOnnxFolder, resolveModelLocation } from './model-location.js';
export type { OnnxDtype, ModelLocation } from './model-location.js';
export { poolHidden, l2NormalizeInPlace } from './pool-hidden.js';
export { ENCODER_RUNTIMES, detectRuntime, disposeEncoder, loadEncoder } from './load-encoder.js';
export type { EncoderRuntime, LoadedEncoder } from './load-encoder.js';
