import { existsSync } from 'node:fs';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import type { ModelIoOptions } from '../tokenize/options.js';

/** ONNX weight precisions transformers.js knows, and the file each one reads (`onnx/model<suffix>.onnx`). */
export const ONNX_DTYPES = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;
export type OnnxDtype = keyof typeof ONNX_DTYPES;

/** Where transformers.js will look for a model, resolved the same way {@link loadTokenizer} does it. */
export interface ModelLocation {
  /** The id handed to `from_pretrained` (the folder's name when a folder path was given). */
  id: string;
  /** The folder ids are resolved against (transformers.js `env.localModelPath`), with a trailing `/`. */
  localModelPath: string;
  /** The local folder `localModelPath/id`, or `null` when it does not exist (then only a hub could serve it). */
  dir: string | null;
}

/**
 * Resolves `dirOrId` like {@link loadTokenizer}: an existing folder path is split into parent
 * (`localModelPath`) and name (`id`) unless `localModelPath` is given, in which case `dirOrId` is an id
 * inside it.
 */
export function resolveModelLocation(dirOrId: string, options: ModelIoOptions = {}): ModelLocation {
  if (typeof dirOrId !== 'string' || dirOrId.length === 0)
    throw new TypeError(`dirOrId must be a non-empty string, got ${JSON.stringify(dirOrId)}`);
  const isDir = options.localModelPath === undefined && existsSync(dirOrId);
  const root = options.localModelPath ?? (isDir ? path.dirname(path.resolve(dirOrId)) : env.localModelPath);
  const id = isDir ? path.basename(path.resolve(dirOrId)) : dirOrId;
  const localModelPath = root.endsWith('/') ? root : `${root}/`;
  const candidate = path.resolve(localModelPath, id);
  return { id, localModelPath, dir: existsSync(candidate) ? candidate : null };
}

/**
 * Checks that a local folder holds what a frozen ONNX encoder needs (`config.json`, `tokenizer.json`,
 * `onnx/model<suffix>.onnx`) and throws naming the missing file and the expected layout otherwise.
 */
export function checkOnnxFolder(dir: string, dtype: OnnxDtype): string {
  const expected = `expected a transformers.js model folder with config.json, tokenizer.json and onnx/model${ONNX_DTYPES[dtype]}.onnx`;
  const onnx = path.join(dir, 'onnx', `model${ONNX_DTYPES[dtype]}.onnx`);
  if (!existsSync(onnx)) {
    const hint = existsSync(path.join(dir, 'model.safetensors'))
      ? '; the folder holds model.safetensors: load it as a trainable encoder with loadSentenceEncoder (@contrastive/text/node)'
      : '';
    throw new Error(`model folder ${dir} has no ${path.join('onnx', path.basename(onnx))} for dtype '${dtype}' (${expected})${hint}`);
  }
  for (const f of ['config.json', 'tokenizer.json']) {
    if (!existsSync(path.join(dir, f))) throw new Error(`model folder ${dir} has no ${f} (${expected})`);
  }
  return onnx;
}
