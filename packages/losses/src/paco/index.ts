export { logClassPrior, pacoLoss } from './paco-loss.js';
export type { PaCoInputs, PaCoLossOptions } from './paco-loss.js';
export { PaCo } from './paco.js';
export type { PaCoBatch, PaCoOptions } from './paco.js';
