import { createRng } from '../random/rng.js';

/**
 * A 31-bit seed derived from `seed` and integer `parts` (e.g. epoch, step): distinct tuples give
 * unrelated streams, and the same tuple always gives the same seed. `train()` uses
 * `deriveSeed(seed, epoch)` for `batches` and `deriveSeed(seed, epoch, step)` for each step, so a run
 * resumed at epoch e draws exactly what the uninterrupted run drew.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = createRng(seed).seed();
  for (const p of parts) {
    if (!Number.isFinite(p)) throw new RangeError(`deriveSeed: parts must be finite numbers, got ${String(p)}`);
    h = createRng(h ^ Math.imul(Math.floor(p) + 1, 0x9e3779b1)).seed();
  }
  return h;
}
