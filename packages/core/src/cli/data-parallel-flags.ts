import { physicalCores } from '../node/parallel/physical-cores.js';
import type { ReplicaSpec } from '../node/parallel/replica.js';
import { shardBounds } from '../parallel/context.js';
import { UsageError } from './args.js';
import type { CommonFlags } from './common-flags.js';

/** What `train` from `@contrastive/core/node` takes for data-parallel training (spread it into its options). */
export interface DataParallelTrainOptions {
  workers: number;
  replica?: ReplicaSpec;
  syncBatchNorm?: boolean;
}

/** Examples of a batch per worker below which `--workers auto` uses fewer workers. */
export const MIN_ROWS_PER_WORKER = 16;

/**
 * Resolves `--workers` / `--sync-bn` for a training command: `auto` is the physical cores, at most one per
 * {@link MIN_ROWS_PER_WORKER} examples of a batch (1 for a method that does not split its batch); an explicit
 * N is taken as given. A command that cannot
 * build replicas yet passes no `replica`: `auto` then means 1, and an explicit N > 1 is a usage error
 * naming the command.
 */
export function dataParallelFlags(
  common: Pick<CommonFlags, 'workers' | 'syncBatchNorm'>,
  {
    batchSize,
    replica,
    command,
    splitsBatch = true,
  }: {
    batchSize: number;
    replica?: ReplicaSpec;
    command: string;
    /**
     * Whether the method computes its rows with `parallelRows` / `parallelParts` (so workers share a step's
     * work). Default `true`. When `false`, replicas would each compute the whole step: `auto` means 1 and
     * an explicit N still runs (same results, no speed-up).
     */
    splitsBatch?: boolean;
  },
): DataParallelTrainOptions {
  const { workers, syncBatchNorm } = common;
  if (replica === undefined) {
    if (workers !== 'auto' && workers > 1)
      throw new UsageError(`--workers ${workers}: ${command} trains in one thread only (no data-parallel replica yet)`);
    return { workers: 1 };
  }
  if (workers === 'auto' && !splitsBatch) return { workers: 1 };
  const n = workers === 'auto' ? Math.max(1, Math.min(physicalCores(), Math.floor(batchSize / MIN_ROWS_PER_WORKER))) : workers;
  return n === 1 ? { workers: 1 } : { workers: n, replica, syncBatchNorm };
}

/**
 * The log line of a data-parallel run, e.g. `data-parallel: 2 workers (each step's 256 examples split 128 + 128;
 * batch norm per worker)`; `null` for one thread. `unit` names the examples (`'graphs'`); `batchNorm: false`
 * leaves out the batch-norm clause for models without batch norm.
 */
export function describeDataParallel(
  options: DataParallelTrainOptions,
  batchSize: number,
  { unit = 'examples', batchNorm = true }: { unit?: string; batchNorm?: boolean } = {},
): string | null {
  if (options.workers <= 1) return null;
  const split = shardBounds(batchSize, options.workers)
    .map((b) => b.count)
    .join(' + ');
  const bn = !batchNorm ? '' : options.syncBatchNorm ? '; batch norm synchronised over all workers' : '; batch norm per worker';
  return `data-parallel: ${options.workers} workers (each step's ${batchSize} ${unit} split ${split}${bn})`;
}
