export { jclLoss, jclLossTerms } from './jcl-loss.js';
export type { JCLLossOptions } from './jcl-loss.js';
