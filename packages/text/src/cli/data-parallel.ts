import { type CommonFlags, dataParallelFlags, type DataParallelTrainOptions, describeDataParallel } from '@contrastive/core/cli';
import type { ReplicaSpec } from '@contrastive/core/node';

/**
 * `--workers` / `--sync-bn` of a text `train` command resolved by core's `dataParallelFlags` (spread the result into
 * `train`), with one stderr line when the run uses more than one thread. `splitsBatch`: the method encodes its
 * batch with `parallelRows` (the BERT methods); otherwise every worker computes the whole step.
 */
export function textDataParallel(
  common: Pick<CommonFlags, 'workers' | 'syncBatchNorm'>,
  options: { batchSize: number; replica: ReplicaSpec; command: string; splitsBatch: boolean; log: (line: string) => void },
): DataParallelTrainOptions {
  const { batchSize, replica, command, splitsBatch, log } = options;
  const parallel = dataParallelFlags(common, { batchSize, replica, command, splitsBatch });
  const line = describeDataParallel(parallel, batchSize);
  if (line !== null)
    log(
      splitsBatch
        ? line
        : `data-parallel: ${parallel.workers} workers (each computes the whole step of this method: the results of one thread, no speed-up)`,
    );
  return parallel;
}
