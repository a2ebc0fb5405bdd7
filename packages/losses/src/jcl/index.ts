export { jclLoss, jclLossTerms } from './jcl-loss.js';
export type { JCLLossOptions } from './jcl-loss.js';
export { JCL } from './jcl-method.js';
export type { JCLOptions, JCLView } from './jcl-method.js';
