import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Pooling } from '../encoders/pooling.js';
import type { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { loadSentenceEncoder } from '../encoders/sentence-encoder-files.js';
import type { ModelIoOptions } from '../tokenize/options.js';
import { OnnxSentenceEncoder } from './onnx-encoder.js';
import type { OnnxEncoderLoadOptions } from './onnx-encoder.js';

/** Which engine runs a model folder: TensorFlow.js (trainable) or onnxruntime (frozen). */
export const ENCODER_RUNTIMES = ['auto', 'tfjs', 'onnx'] as const;
export type EncoderRuntime = (typeof ENCODER_RUNTIMES)[number];

/** A loaded encoder tagged with the runtime that runs it. */
export type LoadedEncoder = { runtime: 'tfjs'; encoder: SentenceEncoder } | { runtime: 'onnx'; encoder: OnnxSentenceEncoder };

/**
 * The runtime `auto` picks for a folder: `tfjs` when it holds `model.safetensors` (our trainable
 * checkpoints, and HF folders with safetensors weights), else `onnx` when it holds `onnx/model.onnx`.
 * Throws naming both expected layouts when it holds neither.
 */
export function detectRuntime(dir: string): 'tfjs' | 'onnx' {
  if (!existsSync(dir)) throw new Error(`model folder ${dir} does not exist`);
  if (existsSync(path.join(dir, 'model.safetensors'))) return 'tfjs';
  if (existsSync(path.join(dir, 'onnx', 'model.onnx'))) return 'onnx';
  throw new Error(
    `model folder ${dir} has neither model.safetensors (a trainable checkpoint written by 'train') ` +
      'nor onnx/model.onnx (a frozen ONNX model with config.json and tokenizer.json)',
  );
}

/**
 * Loads a sentence encoder from a local folder with the chosen runtime; both results have the same
 * `encode(texts, {batchSize, pooling, normalize})`. Release it with {@link disposeEncoder}.
 */
export async function loadEncoder(
  dir: string,
  options: ModelIoOptions & { runtime?: EncoderRuntime; pooling?: Pooling; maxLength?: number; onnx?: OnnxEncoderLoadOptions } = {},
): Promise<LoadedEncoder> {
  const { runtime = 'auto', onnx, ...common } = options;
  if (!ENCODER_RUNTIMES.includes(runtime))
    throw new RangeError(`runtime must be one of ${ENCODER_RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  const chosen = runtime === 'auto' ? detectRuntime(dir) : runtime;
  return chosen === 'tfjs'
    ? { runtime: 'tfjs', encoder: await loadSentenceEncoder(dir, common) }
    : { runtime: 'onnx', encoder: await OnnxSentenceEncoder.load(dir, { ...common, ...onnx }) };
}

/** Disposes either kind of loaded encoder. */
export async function disposeEncoder(loaded: LoadedEncoder): Promise<void> {
  if (loaded.runtime === 'tfjs') loaded.encoder.dispose();
  else await loaded.encoder.dispose();
}
