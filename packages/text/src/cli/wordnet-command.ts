import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatHelp, intFlag, requiredFlag, startCommand, type CliIo, type FlagSpec } from '@contrastive/core/cli';
import { loadWordNet } from '../data/wordnet-files.js';
import { wordnetRetrievalTask } from '../data/wordnet-task.js';
import { TOOL } from './tool.js';

const SPEC = {
  out: { type: 'string' },
  'eval-size': { type: 'string' },
  'max-train': { type: 'string' },
  seed: { type: 'string' },
} as const satisfies FlagSpec;

export const WORDNET_HELP = formatHelp({
  tool: TOOL,
  command: 'wordnet-data',
  summary: 'write a WordNet training corpus and a held-out retrieval task',
  usage: 'wordnet-data --out DIR [--eval-size N] [--max-train N] [--seed N]',
  flags: [
    {
      name: 'out',
      arg: 'DIR',
      help:
        'writes DIR/corpus.txt (definitions + examples of the training synsets), DIR/pairs.jsonl ({"query": example sentence, ' +
        '"document": definition} of held-out synsets) and DIR/triplets.jsonl ({"text","positive","negative"} of training synsets, for simcse-sup)',
    },
    { name: 'eval-size', arg: 'N', help: 'held-out synsets', default: '1000' },
    { name: 'max-train', arg: 'N', help: 'cap on training passages and on triplets', default: 'all (~160k / ~40k)' },
    { name: 'seed', arg: 'N', help: 'seed of the held-out split', default: '0' },
  ],
  examples: [`${TOOL} wordnet-data --out data/wordnet`],
});

export async function wordnetCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, WORDNET_HELP, io);
  if (!ctx) return 0;
  const dir = requiredFlag(ctx.values, 'out');
  const maxTrain = intFlag(ctx.values, 'max-train', 1);
  const { corpus, pairs, triplets } = wordnetRetrievalTask(loadWordNet(), {
    evalSize: intFlag(ctx.values, 'eval-size', 3) ?? 1000,
    ...(maxTrain === undefined ? {} : { maxTrain }),
    seed: intFlag(ctx.values, 'seed', 0) ?? 0,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'corpus.txt'), `${corpus.join('\n')}\n`);
  writeFileSync(path.join(dir, 'pairs.jsonl'), `${pairs.map((p) => JSON.stringify(p)).join('\n')}\n`);
  writeFileSync(path.join(dir, 'triplets.jsonl'), `${triplets.map((t) => JSON.stringify(t)).join('\n')}\n`);
  io.out(
    `wrote ${corpus.length} training passages (corpus.txt), ${triplets.length} training triplets (triplets.jsonl) and ${pairs.length} held-out pairs (pairs.jsonl) to ${dir}`,
  );
  return 0;
}
