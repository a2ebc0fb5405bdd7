import type { Collective } from './collective.js';

/**
 * The data-parallel step being run by this thread: its rank in a group of `size` replicas that run the same
 * method on the same batch, and the collectives they share. Set by the data-parallel runner for the duration
 * of one step (`withDataParallel`); `undefined` in an ordinary single-process step.
 */
export interface DataParallelContext {
  readonly rank: number;
  readonly size: number;
  readonly collective: Collective;
  /** Batch-norm statistics over the whole batch (all ranks) instead of each rank's shard. */
  readonly syncBatchNorm: boolean;
}

// Kept on globalThis under a registered symbol, so that two copies of this module in one thread (a test
// running core's sources beside a package built against core's dist, or two installed versions) share it.
const KEY = Symbol.for('@contrastive/core.dataParallelContext');
const slot = globalThis as unknown as { [KEY]?: DataParallelContext };

/** The data-parallel step in progress on this thread, or `undefined`. */
export function dataParallelContext(): DataParallelContext | undefined {
  return slot[KEY];
}

/** Runs `fn` with `ctx` as the current data-parallel step (restored afterwards, also on a throw). */
export function withDataParallel<T>(ctx: DataParallelContext | undefined, fn: () => T): T {
  const previous = slot[KEY];
  slot[KEY] = ctx;
  try {
    return fn();
  } finally {
    slot[KEY] = previous;
  }
}

/**
 * `[start, count]` of each of `size` contiguous shards of `n` items (the first `n % size` get one more),
 * the split every rank uses for the rows of a batch.
 */
export function shardBounds(n: number, size: number): { start: number; count: number }[] {
  const base = Math.floor(n / size);
  const extra = n % size;
  const out: { start: number; count: number }[] = [];
  let start = 0;
  for (let r = 0; r < size; r++) {
    const count = base + (r < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}
