export { logClassPrior, pacoLoss } from './paco-loss.js';
export type { PaCoInputs, PaCoLossOptions } from './paco-loss.js';
