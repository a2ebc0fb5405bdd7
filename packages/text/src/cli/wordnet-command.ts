import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadWordNet } from '../data/wordnet.js';
import { wordnetRetrievalTask } from '../data/wordnet-task.js';
import { num, parseFlags, str } from './args.js';

export const WORDNET_HELP = `contrastive-text wordnet-data — write a WordNet training corpus and a held-out retrieval task

  --out DIR          writes DIR/corpus.txt (definitions + examples of the training synsets)
                     DIR/pairs.jsonl ({"query": example sentence, "document": definition} of held-out synsets)
                     and DIR/triplets.jsonl ({"text","positive","negative"} of training synsets, for simcse-sup)
  --eval-size N      held-out synsets. Default 1000
  --max-train N      cap on training passages and on triplets. Default: all (~160k / ~40k)
  --seed N           default 0
  --help`;

const SPEC = { out: 'string', 'eval-size': 'string', 'max-train': 'string', seed: 'string', help: 'boolean' } as const;

export async function wordnetCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const f = parseFlags(argv, SPEC);
  if (f.help) {
    out(WORDNET_HELP);
    return;
  }
  const dir = str(f, 'out');
  const maxTrain = f['max-train'] === undefined ? undefined : num(f, 'max-train', 0, { int: true, min: 1 });
  const { corpus, pairs, triplets } = wordnetRetrievalTask(loadWordNet(), {
    evalSize: num(f, 'eval-size', 1000, { int: true, min: 3 }),
    maxTrain,
    seed: num(f, 'seed', 0, { int: true }),
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'corpus.txt'), `${corpus.join('\n')}\n`);
  writeFileSync(path.join(dir, 'pairs.jsonl'), `${pairs.map((p) => JSON.stringify(p)).join('\n')}\n`);
  writeFileSync(path.join(dir, 'triplets.jsonl'), `${triplets.map((t) => JSON.stringify(t)).join('\n')}\n`);
  out(`wrote ${corpus.length} training passages (corpus.txt), ${triplets.length} training triplets (triplets.jsonl) and ${pairs.length} held-out pairs (pairs.jsonl) to ${dir}`);
}
