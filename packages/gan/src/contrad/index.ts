export { ContraD } from './contrad.js';
export type { ContraDLossTerms, ContraDOptions } from './contrad.js';
export { contradFakeLoss, contradRealLoss } from './contrad-losses.js';
export type { ContraDLossOptions } from './contrad-losses.js';
