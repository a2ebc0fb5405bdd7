// @contrastive/vision public API (browser-safe: no `node:` module and no sharp is reachable from here; the
// file loaders and loadTrainedEncoder live in '@contrastive/vision/node'). Re-exports by name live in each
// folder's index.
export * from './io/index.js';
export * from './augment/index.js';
export * from './encoders/index.js';
export * from './heads/index.js';
export * from './methods/index.js';
export {
  RECIPES,
  SIMCLR_HEADS,
  createMethodFromRecipe,
  findVisionRecipe,
  recipeBatchSize,
  recipeViews,
  smallDataBatchSize,
  smallDataNegatives,
  smallDataQueueSize,
  smallRecipe,
} from './recipes.js';
export type { RecipeBuildContext, SimclrHead, VisionRecipe, VisionRecipeOptions } from './recipes.js';
