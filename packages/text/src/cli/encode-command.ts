import { createWriteStream } from 'node:fs';
import { readCorpus } from '../data/corpus.js';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { num, optStr, parseFlags, str } from './args.js';
import { loadModelFromFlags, MODEL_FLAG_HELP, MODEL_FLAG_SPEC } from './model-flags.js';
import { progressBar } from './progress.js';

export const ENCODE_HELP = `contrastive-text encode — embed texts with a saved encoder

  --checkpoint DIR           a folder written by 'train', any HF BERT folder with model.safetensors and
                             tokenizer.json, or a frozen ONNX folder (config.json, tokenizer.json,
                             onnx/model.onnx) run by onnxruntime
  --input FILE               one text per line, or JSONL with "text"
  --output FILE              JSONL {"text","embedding"} (default: stdout)
  --batch-size N             default 32
  --pooling cls|cls-mlp|mean default: the pooling saved with the model, else cls
  --no-normalize             keep raw (not L2-normalised) vectors
  ${MODEL_FLAG_HELP.runtime}
  ${MODEL_FLAG_HELP.dtype}
  --backend NAME             tfjs only: tensorflow|wasm|cpu
  --help`;

const SPEC = { ...MODEL_FLAG_SPEC, input: 'string', output: 'string', 'batch-size': 'string', 'no-normalize': 'boolean', help: 'boolean' } as const;

export async function encodeCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const f = parseFlags(argv, SPEC);
  if (f.help) {
    out(ENCODE_HELP);
    return;
  }
  const texts = readCorpus(str(f, 'input'));
  const batchSize = num(f, 'batch-size', 32, { int: true, min: 1 });
  const { loaded } = await loadModelFromFlags(f);
  const bar = progressBar('encode', texts.length);
  let vecs: Float32Array[];
  try {
    vecs = await loaded.encoder.encode(texts, { batchSize, normalize: !f['no-normalize'], onProgress: (d) => bar.update(d) });
  } finally {
    bar.stop();
    await disposeEncoder(loaded);
  }
  const file = optStr(f, 'output');
  const stream = file ? createWriteStream(file) : null;
  texts.forEach((text, i) => {
    const line = JSON.stringify({ text, embedding: Array.from(vecs[i]!, (v) => Math.round(v * 1e6) / 1e6) });
    if (stream) stream.write(`${line}\n`);
    else out(line);
  });
  if (stream) await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
}
