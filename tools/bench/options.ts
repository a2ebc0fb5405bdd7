/**
 * Flags of `pnpm bench` (cli.ts), parsed and checked in one place so a typo (`--repeat 5`) fails loudly
 * instead of silently running the defaults. `--soak` is handled before this (its flags go to soak.ts).
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** --workload a,b: workloads to run (default: all). */
  workloads?: string[];
  json: boolean;
  compare: boolean;
  profile: boolean;
  list: boolean;
  /** --backend: passed to run-one.ts (initBackend checks the name). */
  backend?: string;
  /** --steps N: timed steps, ours and PyTorch alike. */
  steps?: number;
  /** --batch N: batch size for workloads that accept one (exported as BENCH_BATCH). */
  batch?: number;
  /** --repeats K: rounds per workload (default 3 with --compare, else 1). */
  repeats: number;
  /** --max-load L: the machine counts as busy above L × cores of 1-minute load (default 0.5). */
  maxLoadPerCore: number;
  /** --wait-idle S: before each measurement wait up to S seconds for the load to fall below the threshold. */
  waitIdleS?: number;
  /** --workers N: passed to run-one.ts (`--workers N`) and exported as BENCH_WORKERS; workloads may ignore it. */
  workers?: number;
}

const spec = {
  workload: { type: 'string' },
  json: { type: 'boolean' },
  compare: { type: 'boolean' },
  profile: { type: 'boolean' },
  list: { type: 'boolean' },
  backend: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  repeats: { type: 'string' },
  'max-load': { type: 'string' },
  'wait-idle': { type: 'string' },
  workers: { type: 'string' },
} as const;

export const FLAGS = Object.keys(spec).map((k) => `--${k}`);

function number(flag: string, raw: string | undefined, kind: 'positive-int' | 'positive' | 'non-negative'): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(v) &&
    (kind === 'positive-int' ? Number.isInteger(v) && v > 0 : kind === 'positive' ? v > 0 : v >= 0);
  if (!ok) {
    const want = kind === 'positive-int' ? 'a positive integer' : kind === 'positive' ? 'a positive number' : 'a number ≥ 0';
    throw new Error(`--${flag}: expected ${want}, got '${raw}'`);
  }
  return v;
}

/** Parses the harness's argv (without node and script); throws an Error naming the flag on anything invalid. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }));
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const what = /'([^']+)'/.exec(err.message)?.[1] ?? err.message;
      throw new Error(`unknown argument '${what}'; valid flags: ${FLAGS.join(' ')} (or --soak [soak.ts flags])`);
    }
    throw new Error(err.message.split('\n')[0]);
  }
  const s = (k: string) => values[k] as string | undefined;
  const compare = values['compare'] === true;
  const opts: BenchOptions = {
    json: values['json'] === true,
    compare,
    profile: values['profile'] === true,
    list: values['list'] === true,
    repeats: number('repeats', s('repeats'), 'positive-int') ?? (compare ? 3 : 1),
    maxLoadPerCore: number('max-load', s('max-load'), 'positive') ?? 0.5,
  };
  if (s('workload') !== undefined) opts.workloads = s('workload')!.split(',');
  if (s('backend') !== undefined) opts.backend = s('backend');
  const steps = number('steps', s('steps'), 'positive-int');
  if (steps !== undefined) opts.steps = steps;
  const batch = number('batch', s('batch'), 'positive-int');
  if (batch !== undefined) opts.batch = batch;
  const waitIdleS = number('wait-idle', s('wait-idle'), 'non-negative');
  if (waitIdleS !== undefined) opts.waitIdleS = waitIdleS;
  const workers = number('workers', s('workers'), 'positive-int');
  if (workers !== undefined) opts.workers = workers;
  return opts;
}
