import { oneOfFlag, requiredFlag, startCommand, UsageError, type CliIo, type FlagSpec } from '@contrastive/core/cli';
import { readRetrievalPairs } from '../data/corpus.js';
import type { RetrievalMetrics } from '../eval/retrieval.js';
import { evaluateRetrievalHybrid } from '../search/hybrid-eval.js';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { loadModelFromFlags, MODEL_FLAGS, modelCommandHelp } from './model-flags.js';
import { describeMetrics, loadTask, TASKS } from './tasks.js';
import type { Task, TaskMetrics } from './tasks.js';
import { TOOL } from './tool.js';

const SPEC = {
  ...MODEL_FLAGS,
  task: { type: 'string' },
  pairs: { type: 'string' },
  hybrid: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies FlagSpec;

const FUSIONS = ['rrf', 'weighted'] as const;

export const EVAL_HELP = modelCommandHelp({
  command: 'eval',
  summary: 'evaluate a saved encoder against BM25',
  usage: 'eval --checkpoint DIR --pairs FILE [--task retrieval|sts] [--json]',
  flags: [
    { name: 'pairs', arg: 'FILE', help: 'retrieval: JSONL {"query","document"}; sts: TSV sentence1<TAB>sentence2<TAB>score' },
    { name: 'task', arg: 'NAME', help: 'retrieval | sts', default: "from --pairs' extension (.jsonl retrieval, .tsv sts)" },
    {
      name: 'hybrid',
      arg: 'FUSION',
      help: 'retrieval: also score BM25 + this encoder fused, rrf (reciprocal rank, k = 60) or weighted (min-max scores, equal weights), 100 candidates a side',
    },
    {
      name: 'json',
      help: 'print only one JSON line {"task","runtime","backend","seconds","checkpoint","metrics","baselines":{"bm25"}} on stdout (logs go to stderr)',
    },
  ],
  examples: [`${TOOL} eval --checkpoint runs/consert-seed0 --pairs data/wordnet/pairs.jsonl --json`],
});

/** What `eval --json` prints: the scores of the encoder (`metrics`) beside BM25's (`baselines.bm25`), as in the train summary. */
const round = (x: number) => Math.round(x * 1e4) / 1e4;

export interface EvalReport {
  task: Task;
  runtime: 'tfjs' | 'onnx' | 'use-lite';
  backend: string;
  seconds: number;
  /** The model folder that was scored. */
  checkpoint: string;
  metrics: TaskMetrics;
  baselines: { bm25: TaskMetrics };
  /** With `--hybrid`: BM25 and this encoder fused. */
  hybrid?: TaskMetrics;
}

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, EVAL_HELP, io);
  if (!ctx) return 0;
  requiredFlag(ctx.values, 'checkpoint', 'a run folder or a model folder');
  const task = loadTask(requiredFlag(ctx.values, 'pairs'), oneOfFlag(ctx.values, 'task', TASKS), { progress: ctx.progress });
  const fusion = oneOfFlag(ctx.values, 'hybrid', FUSIONS);
  if (fusion !== undefined && task.task !== 'retrieval') throw new UsageError('--hybrid applies to retrieval pairs (.jsonl), not STS');
  const { loaded, backend, pooling, dir } = await loadModelFromFlags(ctx.values, ctx.log);
  let metrics: TaskMetrics;
  let hybrid: TaskMetrics | undefined;
  try {
    if (fusion === undefined) metrics = await task.run(loaded.encoder, 'encoder', pooling);
    else {
      // One pass of embeddings scores the encoder alone (dense) and fused with BM25.
      const pick = (m: RetrievalMetrics) => ({ recallAt1: round(m.recallAt1), recallAt10: round(m.recallAt10), mrrAt10: round(m.mrrAt10) });
      const h = await evaluateRetrievalHybrid(loaded.encoder, readRetrievalPairs(String(ctx.values.pairs)), {
        fusion,
        ...(pooling ? { pooling } : {}),
      });
      metrics = pick(h.dense);
      hybrid = pick(h.hybrid);
    }
  } finally {
    await disposeEncoder(loaded);
  }
  const bm25 = task.bm25();
  const report: EvalReport = {
    task: task.task,
    runtime: loaded.runtime,
    backend,
    seconds: Math.round((performance.now() - ctx.started) / 100) / 10,
    checkpoint: dir,
    metrics,
    baselines: { bm25 },
    ...(hybrid ? { hybrid } : {}),
  };
  // A score that is not a number is never a result: report it as null and exit 1 naming it.
  const nonFinite = [
    ...Object.entries(metrics)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k]) => `metrics.${k}`),
    ...Object.entries(bm25)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k]) => `baselines.bm25.${k}`),
    ...Object.entries(hybrid ?? {})
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k]) => `hybrid.${k}`),
  ];
  if (ctx.json) io.out(JSON.stringify(report));
  else {
    io.out(`encoder  ${describeMetrics(metrics)}`);
    io.out(`bm25     ${describeMetrics(bm25)}`);
    if (hybrid) io.out(`hybrid   ${describeMetrics(hybrid)}`);
  }
  if (nonFinite.length > 0) {
    const why =
      task.task === 'sts'
        ? 'Spearman is undefined when every pair gets the same score (a collapsed encoder, or a baseline with no word overlap)'
        : 'the encoder gave no usable scores';
    throw new Error(`non-finite ${nonFinite.join(', ')} on ${ctx.values.pairs}: ${why}`);
  }
  return 0;
}
