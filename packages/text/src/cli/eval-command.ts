import { initBackend } from '@contrastive/core';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { oneOf, optStr, parseFlags, str } from './args.js';
import { describeMetrics, loadTask } from './tasks.js';

export const EVAL_HELP = `contrastive-text eval — evaluate a saved encoder against BM25

  --checkpoint DIR           a folder written by 'train' (or any HF BERT folder with tokenizer.json)
  --task retrieval|sts       default: from --pairs' extension (.jsonl retrieval, .tsv sts)
  --pairs FILE               retrieval: JSONL {"query","document"}; sts: TSV sentence1<TAB>sentence2<TAB>score
  --pooling cls|cls-mlp|mean default: the pooling saved with the checkpoint
  --backend NAME             tensorflow|wasm|cpu
  --json                     print one JSON line {"trained": {...}, "bm25": {...}}
  --help`;

const SPEC = { checkpoint: 'string', task: 'string', pairs: 'string', pooling: 'string', backend: 'string', json: 'boolean', help: 'boolean' } as const;

export async function evalCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const f = parseFlags(argv, SPEC);
  if (f.help) {
    out(EVAL_HELP);
    return;
  }
  const dir = str(f, 'checkpoint');
  const task = loadTask(str(f, 'pairs'), optStr(f, 'task'));
  const pooling = f.pooling === undefined ? undefined : oneOf(f, 'pooling', POOLINGS, 'cls' as Pooling);
  const backend = await initBackend({ backend: optStr(f, 'backend') as 'cpu' | 'wasm' | 'tensorflow' | undefined });
  const start = performance.now();
  const enc = await SentenceEncoder.load(dir);
  const trained = await task.run(enc, 'encoder', pooling);
  enc.dispose();
  const bm25 = task.bm25();
  const seconds = Math.round((performance.now() - start) / 100) / 10;
  if (f.json) out(JSON.stringify({ task: task.task, backend, seconds, trained, bm25 }));
  else {
    out(`encoder  ${describeMetrics(trained)}`);
    out(`bm25     ${describeMetrics(bm25)}`);
  }
}
