import { createWriteStream } from 'node:fs';
import { initBackend } from '@contrastive/core';
import { readCorpus } from '../data/corpus.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { num, optStr, parseFlags, str } from './args.js';
import { progressBar } from './progress.js';

export const ENCODE_HELP = `contrastive-text encode — embed texts with a saved encoder

  --checkpoint DIR     a folder written by 'train'
  --input FILE         one text per line, or JSONL with "text"
  --output FILE        JSONL {"text","embedding"} (default: stdout)
  --batch-size N       default 32
  --no-normalize       keep raw (not L2-normalised) vectors
  --backend NAME       tensorflow|wasm|cpu
  --help`;

const SPEC = { checkpoint: 'string', input: 'string', output: 'string', 'batch-size': 'string', 'no-normalize': 'boolean', backend: 'string', help: 'boolean' } as const;

export async function encodeCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const f = parseFlags(argv, SPEC);
  if (f.help) {
    out(ENCODE_HELP);
    return;
  }
  const texts = readCorpus(str(f, 'input'));
  const dir = str(f, 'checkpoint');
  await initBackend({ backend: optStr(f, 'backend') as 'cpu' | 'wasm' | 'tensorflow' | undefined });
  const enc = await SentenceEncoder.load(dir);
  const bar = progressBar('encode', texts.length);
  const vecs = await enc.encode(texts, { batchSize: num(f, 'batch-size', 32, { int: true, min: 1 }), normalize: !f['no-normalize'], onProgress: (d) => bar.update(d) });
  bar.stop();
  enc.dispose();
  const file = optStr(f, 'output');
  const stream = file ? createWriteStream(file) : null;
  texts.forEach((text, i) => {
    const line = JSON.stringify({ text, embedding: Array.from(vecs[i]!, (v) => Math.round(v * 1e6) / 1e6) });
    if (stream) stream.write(`${line}\n`);
    else out(line);
  });
  if (stream) await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
}
