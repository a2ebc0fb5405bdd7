export { GRCL } from './grcl.js';
export type { GRCLBatch, GRCLGradients, GRCLOptions } from './grcl.js';
export { projectGradient, solveNonNegativeQP } from './project-gradient.js';
export type { NonNegativeQPResult, ProjectGradientOptions, ProjectionResult } from './project-gradient.js';
export { flatGradient, unflattenGradient } from './flat-gradient.js';
