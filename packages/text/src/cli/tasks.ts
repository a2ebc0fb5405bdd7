import { readRetrievalPairs, readStsPairs } from '../data/corpus.js';
import type { SentenceEncoder } from '../encoders/sentence-encoder.js';
import type { Pooling } from '../encoders/pooling.js';
import { evaluateRetrieval, evaluateRetrievalBm25, evaluateSts, evaluateStsBm25 } from '../eval/evaluate.js';
import { progressBar } from './progress.js';
import { UsageError } from './args.js';

export type Task = 'retrieval' | 'sts';

/** Retrieval metrics (without counts) or STS Spearman: what the `--json` line reports per system. */
export type TaskMetrics = { recallAt1: number; recallAt10: number; mrrAt10: number } | { spearman: number };

/** `retrieval` for `.jsonl`/`.json`, `sts` for `.tsv`, unless `--task` says otherwise. */
export function taskOf(file: string, explicit?: string): Task {
  if (explicit !== undefined) {
    if (explicit !== 'retrieval' && explicit !== 'sts') throw new UsageError(`--task must be retrieval or sts, got '${explicit}'`);
    return explicit;
  }
  if (/\.tsv$/i.test(file)) return 'sts';
  if (/\.jsonl?$/i.test(file)) return 'retrieval';
  throw new UsageError(`cannot tell the task of ${file}: use .jsonl (retrieval) or .tsv (sts), or pass --task`);
}

/** A loaded evaluation task: run it on an encoder, or on BM25. */
export interface EvalTask {
  task: Task;
  run(encoder: SentenceEncoder, label: string, pooling?: Pooling): Promise<TaskMetrics>;
  bm25(): TaskMetrics;
}

export function loadTask(file: string, explicit?: string): EvalTask {
  const task = taskOf(file, explicit);
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  if (task === 'sts') {
    const pairs = readStsPairs(file);
    return {
      task,
      run: async (enc, _label, pooling) => ({ spearman: round((await evaluateSts(enc, pairs, { pooling })).spearman) }),
      bm25: () => ({ spearman: round(evaluateStsBm25(pairs).spearman) }),
    };
  }
  const pairs = readRetrievalPairs(file);
  const pick = (m: { recallAt1: number; recallAt10: number; mrrAt10: number }) => ({
    recallAt1: round(m.recallAt1),
    recallAt10: round(m.recallAt10),
    mrrAt10: round(m.mrrAt10),
  });
  return {
    task,
    run: async (enc, label, pooling) => {
      const bar = progressBar(`eval ${label}`, 100);
      try {
        return pick(await evaluateRetrieval(enc, pairs, { pooling, onProgress: (d, t) => bar.update(Math.round((100 * d) / t)) }));
      } finally {
        bar.stop();
      }
    },
    bm25: () => pick(evaluateRetrievalBm25(pairs)),
  };
}

/** A one-line human summary of metrics. */
export function describeMetrics(m: TaskMetrics): string {
  return 'spearman' in m
    ? `spearman ${m.spearman.toFixed(4)}`
    : `R@1 ${m.recallAt1.toFixed(4)}  R@10 ${m.recallAt10.toFixed(4)}  MRR@10 ${m.mrrAt10.toFixed(4)}`;
}
