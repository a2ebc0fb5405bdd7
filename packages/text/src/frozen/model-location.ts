import { existsSync } from 'node:fs';
import path from 'node:path';

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
