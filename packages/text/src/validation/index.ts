export {
  halvesPair,
  holdOut,
  MIN_SPLIT_WORDS,
  splittable,
  tripletPair,
  VALIDATION_FRACTION,
  VALIDATION_MAX,
  VALIDATION_MIN,
  validationSize,
} from './split.js';
export type { Split } from './split.js';
export { participationRatio } from './participation-ratio.js';
