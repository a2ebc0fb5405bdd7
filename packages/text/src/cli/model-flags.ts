import { existsSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '@contrastive/core';
import type { BackendName } from '@contrastive/core';
import {
  formatHelp,
  oneOfFlag,
  requiredFlag,
  RUN_FILES,
  type CommandHelp,
  type FlagHelp,
  type FlagSpec,
  type FlagValues,
} from '@contrastive/core/cli';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { detectRuntime, ENCODER_RUNTIMES, loadEncoder } from '../frozen/load-encoder.js';
import type { EncoderRuntime, LoadedEncoder } from '../frozen/load-encoder.js';
import { ONNX_DTYPES } from '../frozen/model-location.js';
import type { OnnxDtype } from '../frozen/model-location.js';
import { TOOL } from './tool.js';

/** Flags shared by `encode` and `eval` to choose the model folder and the engine that runs it. */
export const MODEL_FLAGS = {
  checkpoint: { type: 'string' },
  runtime: { type: 'string' },
  dtype: { type: 'string' },
  pooling: { type: 'string' },
  backend: { type: 'string' },
  'no-progress': { type: 'boolean' },
} as const satisfies FlagSpec;

/** Help lines of {@link MODEL_FLAGS}. */
export const MODEL_FLAG_HELP: readonly FlagHelp[] = [
  {
    name: 'checkpoint',
    arg: 'DIR',
    help:
      "a run folder written by 'train' (its model/ is used), any HF BERT folder with model.safetensors and tokenizer.json, " +
      'a frozen ONNX folder (config.json, tokenizer.json, onnx/model.onnx) run by onnxruntime — e.g. a pretrained baseline, ' +
      "a USE-lite adapter folder (adapter.safetensors + contrastive.json), or 'use-lite' for frozen Universal Sentence Encoder Lite",
  },
  { name: 'pooling', arg: 'NAME', help: `${POOLINGS.join(' | ')}`, default: 'the pooling saved with the model, else cls' },
  {
    name: 'runtime',
    arg: 'NAME',
    help: "auto | tfjs | onnx | use-lite. auto: use-lite for 'use-lite' and adapter folders, tfjs when the folder has model.safetensors, else onnx when it has onnx/model.onnx",
    default: 'auto',
  },
  {
    name: 'dtype',
    arg: 'NAME',
    help: `onnx only: fp32 (onnx/model.onnx), q8 (onnx/model_quantized.onnx), ${Object.keys(ONNX_DTYPES)
      .filter((d) => d !== 'fp32' && d !== 'q8')
      .join(', ')} (transformers.js file names)`,
    default: 'fp32',
  },
  {
    name: 'backend',
    arg: 'NAME',
    help: 'tfjs and use-lite only: wasm | cpu | tensorflow',
    default: 'env CONTRASTIVE_BACKEND, else the fastest that loads',
  },
  { name: 'no-progress', help: 'no progress bar on stderr' },
];

/** `--help` of a command that reads a model (`eval`, `encode`): `--checkpoint` first, its own flags, then the other model flags. */
export function modelCommandHelp(help: Omit<CommandHelp, 'tool'>): string {
  const [checkpoint, ...rest] = MODEL_FLAG_HELP;
  return formatHelp({ ...help, tool: TOOL, flags: [checkpoint!, ...help.flags, ...rest] });
}

/** The model folder of `--checkpoint DIR`: `DIR/model` when DIR is a run folder (it has run.json), else DIR. */
export function modelFolderOf(dir: string): string {
  return existsSync(path.join(dir, RUN_FILES.config)) ? path.join(dir, RUN_FILES.model) : dir;
}

/**
 * Loads the encoder named by `--checkpoint` with the runtime of `--runtime` (TensorFlow.js for trainable
 * checkpoints, onnxruntime for frozen ONNX folders) and reports which backend runs it (the backend line
 * goes to `log`, i.e. stderr).
 */
export async function loadModelFromFlags(
  values: FlagValues,
  log: (line: string) => void,
): Promise<{ loaded: LoadedEncoder; backend: string; pooling: Pooling | undefined; dir: string }> {
  const dir = modelFolderOf(requiredFlag(values, 'checkpoint', 'a run folder or a model folder'));
  const runtime = oneOfFlag<EncoderRuntime>(values, 'runtime', ENCODER_RUNTIMES, 'auto');
  const pooling = oneOfFlag<Pooling>(values, 'pooling', POOLINGS);
  const dtype = oneOfFlag(values, 'dtype', Object.keys(ONNX_DTYPES) as OnnxDtype[], 'fp32');
  const backendFlag = oneOfFlag<BackendName>(values, 'backend', ['wasm', 'cpu', 'tensorflow']);
  const chosen = runtime === 'auto' ? detectRuntime(dir) : runtime;
  let backend = 'onnxruntime-node';
  if (chosen !== 'onnx') backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log });
  const loaded = await loadEncoder(dir, { runtime: chosen, ...(pooling === undefined ? {} : { pooling }), onnx: { dtype } });
  return { loaded, backend, pooling, dir };
}
