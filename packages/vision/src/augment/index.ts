export { randomResizedCrop, sampleCropBox } from './random-resized-crop.js';
export type { RandomResizedCropOptions } from './random-resized-crop.js';
export { horizontalFlip } from './flip.js';
export type { HorizontalFlipOptions } from './flip.js';
export { randomRotation } from './rotation.js';
export type { RandomRotationOptions } from './rotation.js';
export { cutout } from './cutout.js';
export type { CutoutOptions } from './cutout.js';
export { colorJitter } from './color-jitter.js';
export type { ColorJitterOptions } from './color-jitter.js';
export { randomGrayscale, toLuma, LUMA } from './grayscale.js';
export type { RandomGrayscaleOptions } from './grayscale.js';
export { blurWithSigmas, gaussianBlur } from './gaussian-blur.js';
export type { GaussianBlurOptions } from './gaussian-blur.js';
export { gaussianNoise } from './gaussian-noise.js';
export type { GaussianNoiseOptions } from './gaussian-noise.js';
export { solarize } from './solarize.js';
export type { SolarizeOptions } from './solarize.js';
export { compose, multiView } from './compose.js';
export { ATOMIC_AUGMENTATIONS, applyColor, applyRotation, atomicViews, parseAtomicAugs } from './atomic.js';
export type { AtomicName, AtomicParams, AtomicViewOptions, AtomicViews, ColorParams } from './atomic.js';
export { loocViews } from './looc-views.js';
export type { LoocViewSet } from './looc-views.js';
export { simclrViews, mocoV1Views, mocoV2Views, byolViews, mocoV3Views } from './presets.js';
export type { ViewPair, PresetOptions, SimclrViewOptions } from './presets.js';
export { assertImages } from './apply.js';
export {
  applyDifferentiableColor,
  colorParamNames,
  colorParamRanges,
  differentiableColorJitter,
  drawTensors,
  sampleColorDraw,
  sampleColorParams,
} from './differentiable-color.js';
export type { ColorDraw, DifferentiableColorOptions } from './differentiable-color.js';
export { invclrViews, isSplitViewMaker } from './invclr-views.js';
export type { InvclrViewOptions, SplitViewMaker } from './invclr-views.js';
