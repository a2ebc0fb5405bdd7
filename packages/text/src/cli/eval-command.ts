import { oneOfFlag, requiredFlag, startCommand, type CliIo, type FlagSpec } from '@contrastive/core/cli';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { loadModelFromFlags, MODEL_FLAGS, modelCommandHelp } from './model-flags.js';
import { describeMetrics, loadTask, TASKS } from './tasks.js';
import type { Task, TaskMetrics } from './tasks.js';
import { TOOL } from './tool.js';

const SPEC = { ...MODEL_FLAGS, task: { type: 'string' }, pairs: { type: 'string' }, json: { type: 'boolean' } } as const satisfies FlagSpec;

export const EVAL_HELP = modelCommandHelp({
  command: 'eval',
  summary: 'evaluate a saved encoder against BM25',
  usage: 'eval --checkpoint DIR --pairs FILE [--task retrieval|sts] [--json]',
  flags: [
    { name: 'pairs', arg: 'FILE', help: 'retrieval: JSONL {"query","document"}; sts: TSV sentence1<TAB>sentence2<TAB>score' },
    { name: 'task', arg: 'NAME', help: 'retrieval | sts', default: "from --pairs' extension (.jsonl retrieval, .tsv sts)" },
    {
      name: 'json',
      help: 'print only one JSON line {"task","runtime","backend","seconds","checkpoint","metrics","baselines":{"bm25"}} on stdout (logs go to stderr)',
    },
  ],
  examples: [`${TOOL} eval --checkpoint runs/consert-seed0 --pairs data/wordnet/pairs.jsonl --json`],
});

/** What `eval --json` prints: the scores of the encoder (`metrics`) beside BM25's (`baselines.bm25`), as in the train summary. */
export interface EvalReport {
  task: Task;
  runtime: 'tfjs' | 'onnx' | 'use-lite';
  backend: string;
  seconds: number;
  /** The model folder that was scored. */
  checkpoint: string;
  metrics: TaskMetrics;
  baselines: { bm25: TaskMetrics };
}

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, EVAL_HELP, io);
  if (!ctx) return 0;
  requiredFlag(ctx.values, 'checkpoint', 'a run folder or a model folder');
  const task = loadTask(requiredFlag(ctx.values, 'pairs'), oneOfFlag(ctx.values, 'task', TASKS), { progress: ctx.progress });
  const { loaded, backend, pooling, dir } = await loadModelFromFlags(ctx.values, ctx.log);
  let metrics: TaskMetrics;
  try {
    metrics = await task.run(loaded.encoder, 'encoder', pooling);
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
  };
  // A score that is not a number is never a result: report it as null and exit 1 naming it.
  const nonFinite = [
    ...Object.entries(metrics)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k]) => `metrics.${k}`),
    ...Object.entries(bm25)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k]) => `baselines.bm25.${k}`),
  ];
  if (ctx.json) io.out(JSON.stringify(report));
  else {
    io.out(`encoder  ${describeMetrics(metrics)}`);
    io.out(`bm25     ${describeMetrics(bm25)}`);
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
