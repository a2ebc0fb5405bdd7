import { initBackend } from '@contrastive/core';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { detectRuntime, ENCODER_RUNTIMES, loadEncoder } from '../frozen/load-encoder.js';
import type { EncoderRuntime, LoadedEncoder } from '../frozen/load-encoder.js';
import { ONNX_DTYPES } from '../frozen/model-location.js';
import type { OnnxDtype } from '../frozen/model-location.js';
import { oneOf, optStr, str } from './args.js';
import type { Flags } from './args.js';

/** Flags shared by `encode` and `eval` to choose the model folder and the engine that runs it. */
export const MODEL_FLAG_SPEC = { checkpoint: 'string', runtime: 'string', dtype: 'string', pooling: 'string', backend: 'string' } as const;

/** Help lines for {@link MODEL_FLAG_SPEC} (aligned by the caller's indentation). */
export const MODEL_FLAG_HELP = {
  runtime: `--runtime auto|tfjs|onnx   auto (default): tfjs when the folder has model.safetensors, else onnx
                             when it has onnx/model.onnx (a frozen transformers.js ONNX model)`,
  dtype: `--dtype NAME               onnx only: fp32 (onnx/model.onnx, default), q8 (onnx/model_quantized.onnx),
                             ${Object.keys(ONNX_DTYPES).filter((d) => d !== 'fp32' && d !== 'q8').join(', ')} (transformers.js file names)`,
};

/**
 * Loads the encoder named by `--checkpoint` with the runtime of `--runtime` (TensorFlow.js for trainable
 * checkpoints, onnxruntime for frozen ONNX folders) and reports which backend runs it.
 */
export async function loadModelFromFlags(f: Flags): Promise<{ loaded: LoadedEncoder; backend: string; pooling: Pooling | undefined }> {
  const dir = str(f, 'checkpoint');
  const runtime = oneOf<EncoderRuntime>(f, 'runtime', ENCODER_RUNTIMES, 'auto');
  const pooling = f.pooling === undefined ? undefined : oneOf(f, 'pooling', POOLINGS, 'cls' as Pooling);
  const dtype = oneOf(f, 'dtype', Object.keys(ONNX_DTYPES) as OnnxDtype[], 'fp32');
  const chosen = runtime === 'auto' ? detectRuntime(dir) : runtime;
  let backend = 'onnxruntime-node';
  if (chosen === 'tfjs') backend = await initBackend({ backend: optStr(f, 'backend') as 'cpu' | 'wasm' | 'tensorflow' | undefined });
  const loaded = await loadEncoder(dir, { runtime: chosen, ...(pooling === undefined ? {} : { pooling }), onnx: { dtype } });
  return { loaded, backend, pooling };
}
