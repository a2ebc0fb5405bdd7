export { GanLeakyReLU, ganLeakyReLU, leakyReluOp } from './leaky-relu.js';
export type { GanLeakyReLUArgs } from './leaky-relu.js';
export { powerIteration, SNConv2d, SNDense, snConv2d, snDense } from './spectral-norm.js';
export type { PowerIterationOptions, SNConv2dArgs, SNDenseArgs, SpectralNormLayerArgs } from './spectral-norm.js';
