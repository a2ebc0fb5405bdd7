/**
 * The flags every `contrastive-*` training CLI shares, with the same names, meanings and checks
 * everywhere, so a user who learnt one tool knows the others. A command spreads {@link COMMON_FLAGS} (and
 * {@link EVAL_FLAGS} when it scores with kNN) into its own {@link FlagSpec} and reads them with
 * {@link readCommonFlags}.
 */
import { join } from 'node:path';
import type { BackendName } from '../backend/init-backend.js';
import { boolFlag, intFlag, numFlag, oneOfFlag, stringFlag, UsageError, type FlagSpec, type FlagValues } from './args.js';
import type { FlagHelp } from './help.js';

/**
 * The shared flags: `--epochs --batch-size --lr --seed --limit --out --resume --overwrite
 * --checkpoint-every --backend --json --no-progress --help/-h`.
 *
 * @example const SPEC = { ...COMMON_FLAGS, method: { type: 'string' }, data: { type: 'string' } } satisfies FlagSpec;
 */
export const COMMON_FLAGS = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  'checkpoint-every': { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  workers: { type: 'string' },
  'sync-bn': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpec;

/** The name (without dashes) of a flag in {@link COMMON_FLAGS}. */
export type CommonFlagName = keyof typeof COMMON_FLAGS;

/** `--knn-k`, for commands that score with a kNN classifier; read it with `resolveKnnK`. */
export const EVAL_FLAGS = {
  'knn-k': { type: 'string' },
} as const satisfies FlagSpec;

/**
 * Help lines of {@link COMMON_FLAGS}, in display order. Defaults that differ per command (epochs, batch
 * size, learning rate, the `--out` prefix) are stated generically; a command states its own with
 * `formatHelp({ commonDefaults: { epochs: '10' } })`.
 */
export const COMMON_FLAG_HELP: readonly FlagHelp[] = [
  { name: 'epochs', arg: 'N', help: 'passes over the training data', default: 'set by the command' },
  {
    name: 'batch-size',
    arg: 'N',
    help: 'examples per optimizer step (at least 2: contrastive losses need negatives)',
    default: 'set by the command',
  },
  { name: 'lr', arg: 'X', help: 'learning rate', default: 'set by the command' },
  { name: 'seed', arg: 'N', help: 'seed of initialisation, augmentations, batch order and data splits', default: '0' },
  { name: 'limit', arg: 'N', help: 'use only the first N training examples (recorded in run.json)', default: 'all' },
  {
    name: 'out',
    arg: 'DIR',
    help:
      'run folder: run.json, checkpoint/, model/, losses.csv, loss-curve.png, summary.json. A non-empty folder ' +
      'that is not a run is never written into without --overwrite',
    default: 'runs/<method>-seed<seed>',
  },
  { name: 'resume', help: 'continue the run in --out from its last checkpoint (flags that shape the run must match run.json)' },
  {
    name: 'overwrite',
    help: "replace the run in --out: only the run's own files (those listed under --out) are removed; other files in the folder are kept",
  },
  {
    name: 'checkpoint-every',
    arg: 'N',
    help: 'also save the checkpoint every N steps inside an epoch (0 = at epoch ends only)',
    default: 'set by the command',
  },
  { name: 'backend', arg: 'NAME', help: 'wasm | cpu | tensorflow', default: 'env CONTRASTIVE_BACKEND, else the fastest that loads' },
  { name: 'json', help: 'print only the final summary on stdout, as one JSON line (logs always go to stderr)' },
  { name: 'no-progress', help: 'no progress bar on stderr' },
  {
    name: 'workers',
    arg: 'N|auto',
    help:
      'train data-parallel on N threads (one replica and one tfjs backend each; every step splits its batch across them ' +
      "and averages the gradients: the loss equals one thread's except batch-norm statistics, per worker unless --sync-bn); " +
      'auto = the physical cores, at most one per 16 examples of a batch',
    default: 'env CONTRASTIVE_WORKERS, else auto',
  },
  { name: 'sync-bn', help: 'with --workers > 1: batch-norm statistics over the whole batch (as one thread computes them)' },
  { name: 'help', short: 'h', help: 'this text' },
];

/** Help line of {@link EVAL_FLAGS}: put it in a command's own `flags` list. */
export const EVAL_FLAG_HELP: readonly FlagHelp[] = [
  {
    name: 'knn-k',
    arg: 'K',
    help: 'neighbours of the kNN classifier; a k above the smallest class lets other classes outvote it',
    default: 'min(200, smallest training class, n - 1)',
  },
];

/** The backends `--backend` accepts (the same as core's `BACKENDS`, checked by the tests). */
const BACKEND_CHOICES: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow'];

/** A command's defaults for {@link readCommonFlags}. */
export interface CommonFlagDefaults {
  /** `--epochs` when absent. */
  epochs: number;
  /** `--batch-size` when absent. */
  batchSize: number;
  /** `--lr` when absent. */
  lr: number;
  /** `--seed` when absent. Default `0`. */
  seed?: number;
  /**
   * When set, `--out` defaults to `runs/<outPrefix>-seed<seed>` (e.g. `outPrefix: 'simclr-small-cnn'`), so
   * re-running with `--resume` and the same seed finds the run. When unset, `out` is `undefined` unless given
   * (commands that write no run folder).
   */
  outPrefix?: string;
  /** `--checkpoint-every` when absent. Default: `undefined` (checkpoint at epoch ends only). */
  checkpointEvery?: number;
}

/** The common flags, read and checked (see {@link readCommonFlags}). */
export interface CommonFlags {
  /** `--epochs`: an integer >= 1. */
  epochs: number;
  /** `--batch-size`: an integer >= 2. */
  batchSize: number;
  /** `--lr`: a number > 0. */
  learningRate: number;
  /** `--seed`: an integer >= 0. */
  seed: number;
  /** `--out`, else `runs/<outPrefix>-seed<seed>` when the command has an `outPrefix`, else `undefined`. */
  out?: string;
  /** `--overwrite`. */
  overwrite: boolean;
  /** `--resume`. */
  resume: boolean;
  /** `--checkpoint-every`: an integer >= 0; `0` = only at epoch ends. */
  checkpointEvery?: number;
  /** `--backend`, or `undefined` to let `initBackend` choose (env `CONTRASTIVE_BACKEND`, else the fastest). */
  backend?: BackendName;
  /** `--json`: stdout carries only the final summary line. */
  json: boolean;
  /** `false` with `--no-progress`. */
  progress: boolean;
  /** `--limit`: an integer >= 1, or `undefined` for all examples. */
  limit?: number;
  /** `--workers`: an integer >= 1, or `'auto'` (resolve it with `dataParallelFlags`). */
  workers: number | 'auto';
  /** `--sync-bn`. */
  syncBatchNorm: boolean;
  /**
   * The common flags given explicitly on the command line (the rest are defaults). With `--resume`, only
   * these are compared against run.json (see `checkResumeFlag`); the others come from run.json.
   */
  given: ReadonlySet<CommonFlagName>;
}

/**
 * Reads and checks the common flags, filling in `defaults`. Refuses (with a {@link UsageError} naming the
 * flag and value) epochs < 1, batch size < 2, lr <= 0, a negative or fractional seed, checkpoint-every < 0,
 * limit < 1, an unknown backend, and `--resume` together with `--overwrite` (one continues a run, the other
 * deletes it).
 */
export function readCommonFlags(values: FlagValues, defaults: CommonFlagDefaults): CommonFlags {
  const resume = boolFlag(values, 'resume');
  const overwrite = boolFlag(values, 'overwrite');
  if (resume && overwrite) {
    throw new UsageError('--resume and --overwrite contradict each other: --resume continues the run in --out, --overwrite replaces it');
  }
  const seed = intFlag(values, 'seed', 0) ?? defaults.seed ?? 0;
  const out =
    stringFlag(values, 'out') ?? (defaults.outPrefix === undefined ? undefined : join('runs', `${defaults.outPrefix}-seed${seed}`));
  const checkpointEvery = intFlag(values, 'checkpoint-every', 0) ?? defaults.checkpointEvery;
  const backend = oneOfFlag(values, 'backend', BACKEND_CHOICES);
  const limit = intFlag(values, 'limit', 1);
  const workers = readWorkers(values);
  const given = new Set((Object.keys(COMMON_FLAGS) as CommonFlagName[]).filter((k) => values[k] !== undefined && values[k] !== false));
  return {
    epochs: intFlag(values, 'epochs', 1) ?? defaults.epochs,
    batchSize: intFlag(values, 'batch-size', 2) ?? defaults.batchSize,
    learningRate: numFlag(values, 'lr') ?? defaults.lr,
    seed,
    ...(out === undefined ? {} : { out }),
    overwrite,
    resume,
    ...(checkpointEvery === undefined ? {} : { checkpointEvery }),
    ...(backend === undefined ? {} : { backend }),
    json: boolFlag(values, 'json'),
    progress: !boolFlag(values, 'no-progress'),
    ...(limit === undefined ? {} : { limit }),
    workers,
    syncBatchNorm: boolFlag(values, 'sync-bn'),
    given,
  };
}

/** `--workers N|auto`, else env `CONTRASTIVE_WORKERS`, else `'auto'`. */
function readWorkers(values: FlagValues): number | 'auto' {
  const flag = stringFlag(values, 'workers');
  const env = typeof process === 'undefined' ? undefined : process.env['CONTRASTIVE_WORKERS'];
  const raw = flag ?? (env === undefined || env === '' ? 'auto' : env);
  if (raw === 'auto') return 'auto';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    const from = flag === undefined ? 'env CONTRASTIVE_WORKERS' : '--workers';
    throw new UsageError(`${from} must be an integer >= 1 or 'auto', got '${raw}'`);
  }
  return n;
}
