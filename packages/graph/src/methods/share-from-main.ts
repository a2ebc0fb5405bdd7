import { dataParallelContext } from '@contrastive/core';

/**
 * Rank 0's numbers on every replica of the current data-parallel step: what a step computes from state only
 * the main thread keeps up to date (JOAO's augmentation distribution, updated by an epoch-end callback that
 * runs on the main thread) or from the identity of its batch objects (MoCL's dataset indices: a worker
 * receives copies of the graphs). `onMain()` is called on rank 0 only (and outside a data-parallel step,
 * where this is just its values); the others receive its values through core's collective (a sum in which
 * they add zeros), as float32 — so every replica, rank 0 included, returns the same float32-exact numbers
 * (integers below 2²⁴ are exact).
 */
export function shareFromMain(length: number, onMain: () => ArrayLike<number>): number[] {
  const ctx = dataParallelContext();
  if (ctx === undefined || ctx.size === 1) return Array.from(onMain());
  const mine = new Float32Array(length);
  if (ctx.rank === 0) {
    const values = onMain();
    if (values.length !== length) throw new RangeError(`shareFromMain: expected ${length} values, got ${values.length}`);
    mine.set(values);
  }
  return Array.from(ctx.collective.allReduceSum(mine));
}
