// @contrastive/losses public API (browser-safe: no `node:` module is reachable from here). Each loss lives in its
// own folder with its method class; re-exports by name are in each folder's index.
export * from './jcl/index.js';
export * from './paco/index.js';
export * from './grcl/index.js';
export { findLossesRecipe, RECIPES, smallQueueSize } from './recipes.js';
export type { LossesRecipe, LossesRecipeOptions } from './recipes.js';
