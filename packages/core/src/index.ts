// @contrastive/core public API: re-exports by name live in each folder's index.
export * from './losses/index.js';
export * from './negatives/index.js';
export * from './train/index.js';
export * from './eval/index.js';
export * from './plot/index.js';
export * from './io/index.js';
export * from './backend/index.js';
export { createRng } from './random/rng.js';
export type { Rng } from './random/rng.js';
export type { ViewMaker, NegativeSource, NegativeContext, Checkpointable } from './types.js';
export {
  assertEmbeddings,
  assertInRange,
  assertInt,
  assertNoNaN,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  assertRank,
  assertSameShape,
  shapeStr,
} from './validate.js';
