import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend, type BackendName } from '@contrastive/core';
import {
  COMMON_FLAG_HELP,
  formatHelp,
  intFlag,
  numFlag,
  oneOfFlag,
  requiredFlag,
  startCommand,
  stringFlag,
  UsageError,
  type CliIo,
  type FlagSpec,
} from '@contrastive/core/cli';
import { writeFileAtomic } from '@contrastive/core/node';
import { generateTexts } from '../../seq2seq/evaluate/generate.js';
import { scoreGenerations } from '../../seq2seq/evaluate/scores.js';
import { loadSeq2SeqModel } from '../../seq2seq/io/model-files.js';
import { TOOL } from '../tool.js';
import { readPairsFlag } from './pairs.js';

const SPEC = {
  checkpoint: { type: 'string' },
  input: { type: 'string' },
  test: { type: 'string' },
  'test-source': { type: 'string' },
  'test-target': { type: 'string' },
  'source-field': { type: 'string' },
  'target-field': { type: 'string' },
  output: { type: 'string' },
  beam: { type: 'string' },
  'length-penalty': { type: 'string' },
  'max-length': { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpec;

export const GENERATE_HELP = formatHelp({
  tool: TOOL,
  command: 'generate',
  summary: 'generate with a trained seq2seq model (translation, summarisation): one output line per input line',
  usage:
    'generate --checkpoint DIR --input FILE [--beam N] [--output FILE]\n       generate --checkpoint DIR --test PAIRS.jsonl [--beam N] [--json]',
  flags: [
    { name: 'checkpoint', arg: 'DIR', help: "a model folder (a run's model/ or validation/best/), or a run folder holding model/" },
    { name: 'input', arg: 'FILE', help: 'sources, one per line' },
    { name: 'test', arg: 'FILE', help: 'or: JSONL pairs to generate from and score (BLEU, ROUGE-1/2/L) against their targets' },
    { name: 'test-source', arg: 'FILE', help: 'or: sources, one per line, scored against --test-target' },
    { name: 'test-target', arg: 'FILE', help: 'references, one per line' },
    { name: 'source-field', arg: 'NAME', help: 'JSONL field of the source', default: 'source' },
    { name: 'target-field', arg: 'NAME', help: 'JSONL field of the reference', default: 'target' },
    { name: 'output', arg: 'FILE', help: 'write the generated lines here (atomically)', default: 'stdout' },
    { name: 'beam', arg: 'N', help: 'beams (1 = greedy)', default: '1' },
    { name: 'length-penalty', arg: 'X', help: 'beam score logP / len^α', default: '1' },
    { name: 'max-length', arg: 'N', help: 'most generated tokens', default: "the model's" },
    { name: 'batch-size', arg: 'N', help: 'sources per forward pass', default: '32' },
    ...COMMON_FLAG_HELP.filter((f) => f.name === 'backend' || f.name === 'json' || f.name === 'help'),
  ],
  details:
    'stdout carries only the generated lines (one per source, in order; newlines inside an output become spaces); logs go to stderr. ' +
    'With references (--test / --test-source/--test-target) the scores are logged, and --json prints them as one JSON line instead of the text.',
  examples: [
    `${TOOL} generate --checkpoint runs/claps-de --input english.txt > german.txt`,
    `${TOOL} generate --checkpoint runs/claps-de --test data/de/test.jsonl --beam 4 --json`,
  ],
});

export async function generateCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, GENERATE_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  let dir = requiredFlag(v, 'checkpoint', "a model folder (a run's model/)");
  const input = stringFlag(v, 'input');
  const pairs = readPairsFlag(v, 'test', {
    source: stringFlag(v, 'source-field') ?? 'source',
    target: stringFlag(v, 'target-field') ?? 'target',
  });
  if ((input === undefined) === (pairs === undefined))
    throw new UsageError('give exactly one of --input FILE or --test FILE (or --test-source/--test-target)');
  let sources: string[];
  if (input !== undefined) {
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (e) {
      throw new UsageError(`--input ${input}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    sources = text.split(/\r?\n/);
    if (sources.at(-1) === '') sources.pop();
    if (sources.length === 0) throw new UsageError(`--input ${input} is empty`);
  } else sources = pairs!.sources;
  const beam = intFlag(v, 'beam', 1) ?? 1;
  const lengthPenalty = numFlag(v, 'length-penalty') ?? 1;
  const maxLength = intFlag(v, 'max-length', 1);
  const batchSize = intFlag(v, 'batch-size', 1) ?? 32;
  const backendFlag = oneOfFlag<BackendName>(v, 'backend', ['wasm', 'cpu', 'tensorflow']);
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log: ctx.log });
  if (!existsSync(path.join(dir, 'seq2seq.json')) && existsSync(path.join(dir, 'model', 'seq2seq.json'))) dir = path.join(dir, 'model');
  const { model, tokenizer, meta } = await loadSeq2SeqModel(dir);
  let hyps: string[];
  const t0 = performance.now();
  try {
    ctx.log(`${meta.architecture} model from ${dir}; ${sources.length} sources, ${beam === 1 ? 'greedy' : `beam ${beam}`} on ${backend}`);
    hyps = generateTexts(model, tokenizer, sources, {
      beam,
      lengthPenalty,
      batchSize,
      ...(maxLength ? { maxLength } : {}),
    }).map((h) => h.replace(/\r?\n/g, ' '));
  } finally {
    model.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const text = `${hyps.join('\n')}\n`;
  const outFile = stringFlag(v, 'output');
  if (outFile) await writeFileAtomic(outFile, text);
  if (pairs) {
    const scores = scoreGenerations(hyps, pairs.targets);
    ctx.log(
      `BLEU ${scores.bleu.toFixed(2)}, ROUGE-1/2/L ${scores.rouge1.toFixed(2)}/${scores.rouge2.toFixed(2)}/${scores.rougeL.toFixed(2)} on ${hyps.length} pairs (${seconds.toFixed(1)} s)`,
    );
    if (ctx.json) {
      io.out(JSON.stringify({ ...scores, pairs: hyps.length, beam, seconds }));
      return 0;
    }
  }
  if (!outFile) io.out(hyps.join('\n'));
  return 0;
}
