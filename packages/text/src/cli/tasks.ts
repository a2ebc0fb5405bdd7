import { ProgressBar } from '@contrastive/core';
import { UsageError } from '@contrastive/core/cli';
import { readRetrievalPairs, readStsPairs } from '../data/corpus.js';
import type { Pooling } from '../encoders/pooling.js';
import { evaluateRetrieval, evaluateRetrievalBm25, evaluateSts, evaluateStsBm25 } from '../eval/evaluate.js';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';

export type Task = 'retrieval' | 'sts';
export const TASKS: readonly Task[] = ['retrieval', 'sts'];

/** Retrieval metrics (without counts) or STS Spearman: what the summary reports per system. */
export type TaskMetrics = { recallAt1: number; recallAt10: number; mrrAt10: number } | { spearman: number };

/** `retrieval` for `.jsonl`/`.json`, `sts` for `.tsv`, unless `--task` says otherwise. */
export function taskOf(file: string, explicit?: Task): Task {
  if (explicit !== undefined) return explicit;
  if (/\.tsv$/i.test(file)) return 'sts';
  if (/\.jsonl?$/i.test(file)) return 'retrieval';
  throw new UsageError(`cannot tell the task of ${file}: use .jsonl (retrieval) or .tsv (sts), or pass --task`);
}

/** A loaded evaluation task: run it on an encoder, or on BM25. */
export interface EvalTask {
  task: Task;
  run(encoder: TextEmbedder, label: string, pooling?: Pooling): Promise<TaskMetrics>;
  bm25(): TaskMetrics;
}

/**
 * `encode` progress on core's bar (stderr; redrawn on a TTY, a plain line at most once a minute otherwise),
 * or nothing with `--no-progress`.
 */
export function encodeProgress(label: string, total: number, enabled: boolean): { update(done: number): void; end(): void } {
  if (!enabled) return { update: () => {}, end: () => {} };
  const bar = new ProgressBar(process.stderr);
  const started = performance.now();
  return {
    update(done) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      bar.update(
        {
          label,
          epoch: 0,
          epochs: 1,
          step: done,
          stepsPerEpoch: total,
          stepsPerSecond: rate,
          unit: 'texts',
          etaSeconds: rate > 0 ? (total - done) / rate : undefined,
        },
        done === total,
      );
    },
    end: () => bar.newline(),
  };
}

/** Loads `--pairs`/`--eval-pairs`: STS (TSV) or retrieval (JSONL) pairs, scored on an encoder and on BM25. */
export function loadTask(file: string, explicit: Task | undefined, options: { progress: boolean }): EvalTask {
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
      let bar: ReturnType<typeof encodeProgress> | undefined;
      try {
        const onProgress = (done: number, total: number): void => {
          bar ??= encodeProgress(`eval ${label}`, total, options.progress);
          bar.update(done);
        };
        return pick(await evaluateRetrieval(enc, pairs, { pooling, onProgress }));
      } finally {
        bar?.end();
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
