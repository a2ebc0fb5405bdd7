import { boolFlag, intFlag, requiredFlag, startCommand, stringFlag, type CliIo, type FlagSpec } from '@contrastive/core/cli';
import { writeFileAtomic } from '@contrastive/core/node';
import { readCorpusEntries } from '../data/corpus.js';
import { allFinite, NonFiniteEmbeddingError } from '../errors.js';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { loadModelFromFlags, MODEL_FLAGS, modelCommandHelp } from './model-flags.js';
import { encodeProgress } from './tasks.js';
import { TOOL } from './tool.js';

const SPEC = {
  ...MODEL_FLAGS,
  input: { type: 'string' },
  output: { type: 'string' },
  'batch-size': { type: 'string' },
  'no-normalize': { type: 'boolean' },
} as const satisfies FlagSpec;

export const ENCODE_HELP = modelCommandHelp({
  command: 'encode',
  summary: 'embed texts with a saved encoder (JSONL on stdout)',
  usage: 'encode --checkpoint DIR --input FILE [--output FILE]',
  flags: [
    { name: 'input', arg: 'FILE', help: 'one text per line, or JSONL with "text"' },
    { name: 'output', arg: 'FILE', help: 'write the JSONL {"text","embedding"} lines here', default: 'stdout' },
    { name: 'batch-size', arg: 'N', help: 'texts per forward pass', default: '32' },
    { name: 'no-normalize', help: 'keep raw (not L2-normalised) vectors' },
  ],
  details:
    'stdout carries only the JSONL lines (one per input text, in order); logs go to stderr. A vector holding NaN or Infinity ' +
    '(a diverged or corrupt model) is refused: nothing is written, the error names the input line, exit 1. --output is written ' +
    'atomically (a failure leaves no partial file).',
  examples: [`${TOOL} encode --checkpoint runs/consert-seed0 --input texts.txt > vectors.jsonl`],
});

export async function encodeCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, ENCODE_HELP, io);
  if (!ctx) return 0;
  const input = requiredFlag(ctx.values, 'input');
  const entries = readCorpusEntries(input);
  const texts = entries.map((e) => e.text);
  const batchSize = intFlag(ctx.values, 'batch-size', 1) ?? 32;
  const file = stringFlag(ctx.values, 'output');
  const { loaded } = await loadModelFromFlags(ctx.values, ctx.log);
  const bar = encodeProgress('encode', texts.length, ctx.progress);
  let vectors: Float32Array[];
  try {
    vectors = await loaded.encoder.encode(texts, {
      batchSize,
      normalize: !boolFlag(ctx.values, 'no-normalize'),
      onProgress: (d) => bar.update(d),
      warn: ctx.log,
    });
  } finally {
    bar.end();
    await disposeEncoder(loaded);
  }
  // Every vector is checked before anything is written: a broken model writes nothing (JSON would turn NaN into null).
  const bad = vectors.findIndex((v) => !allFinite(v));
  if (bad >= 0) throw new NonFiniteEmbeddingError(bad, { file: input, line: entries[bad]!.line, text: texts[bad]! });
  const lines = texts.map((text, i) => JSON.stringify({ text, embedding: Array.from(vectors[i]!, (v) => Math.round(v * 1e6) / 1e6) }));
  if (file) await writeFileAtomic(file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  else for (const line of lines) io.out(line);
  return 0;
}
