export { GAN_LOSSES, hingeDLoss, hingeGLoss, nonSaturatingDLoss, nonSaturatingGLoss, r1Penalty } from './gan-losses.js';
export type { GanLoss, GanLossName, GanLossOptions, GanReduction, R1Options } from './gan-losses.js';
