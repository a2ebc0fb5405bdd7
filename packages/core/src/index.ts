// @contrastive/core public API (browser-safe: no `node:` module and no pngjs is reachable from here; file
// I/O, PNG writers and the Node `train` with checkpointDir live in '@contrastive/core/node', the CLI toolkit
// in '@contrastive/core/cli'). Re-exports by name live in each folder's index.
export * from './method/index.js';
export * from './losses/index.js';
export * from './negatives/index.js';
export * from './train/index.js';
export * from './eval/index.js';
export * from './backend/index.js';
export * from './parallel/index.js';
export {
  TrainingDivergedError,
  NonFiniteStateError,
  CheckpointCorruptError,
  CheckpointMismatchError,
  describeNonFinite,
} from './errors.js';
export type { NonFiniteVariable, DivergedAt } from './errors.js';
export { nonFiniteVariables, assertFiniteState, countNonFinite, isUnsetSentinel } from './train/finite-state.js';
export { createRng } from './random/rng.js';
export { tfSeed } from './random/tf-seed.js';
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
