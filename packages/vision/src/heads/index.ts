export { buildHead } from './mlp.js';
export type { HeadBlock, BuildHeadOptions } from './mlp.js';
export {
  simclrProjector,
  mocoV1Projector,
  mocoV2Projector,
  mocoV3Projector,
  mocoV3Predictor,
  byolMlp,
  simsiamProjector,
  simsiamPredictor,
  instDiscProjector,
} from './presets.js';
export type { HeadDims } from './presets.js';
