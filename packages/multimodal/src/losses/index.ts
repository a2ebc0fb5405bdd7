export { CLIP_INIT_LOG_SCALE, CLIP_MAX_LOG_SCALE, clampLogScale, clipLoss } from './clip-loss.js';
export type { ClipLossOptions } from './clip-loss.js';
export { cmclLoss } from './cmcl-loss.js';
export type { CmclLossOptions, CmclMask } from './cmcl-loss.js';
