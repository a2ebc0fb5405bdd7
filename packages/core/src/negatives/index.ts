export { InBatchNegatives } from './in-batch.js';
export { MoCoQueue } from './moco-queue.js';
export type { MoCoQueueOptions } from './moco-queue.js';
export { MemoryBank } from './memory-bank.js';
export type { MemoryBankContext, MemoryBankOptions, MemoryBankSampleOptions } from './memory-bank.js';
export { HardNegativeMiner, mineHardNegatives } from './hard-negative-miner.js';
export type { HardNegativeMinerOptions, MineHardNegativesOptions, PositiveExclusion } from './hard-negative-miner.js';
