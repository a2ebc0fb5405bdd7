export { Collective, createCollectiveBuffer, DataParallelError } from './collective.js';
export type { CollectiveOptions } from './collective.js';
export { dataParallelContext, withDataParallel, shardBounds } from './context.js';
export type { DataParallelContext } from './context.js';
export { parallelRows, parallelParts, allReduceSum } from './shard.js';
export { installSyncBatchNorm } from './sync-batch-norm.js';
export { syncOptimizerGradients, stateFingerprint } from './grad-sync.js';
export { packBatch, unpackBatch } from './batch-transfer.js';
export type { DataParallelRunner } from './runner.js';
