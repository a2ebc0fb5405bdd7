export { simcseLoss, simcseSupervisedLoss, consertLoss } from './text-losses.js';
export { TextMethod, lengthsOf, createTextOptimizer, BERT_NO_WEIGHT_DECAY } from './text-method.js';
export type { TextMethodOptions, TextMethodDefaults } from './text-method.js';
export { SimCSE, SIMCSE_OPTIMIZER } from './simcse.js';
export type { SimCSEOptions } from './simcse.js';
export { SupervisedSimCSE } from './simcse-supervised.js';
export type { SupervisedSimCSEOptions, TripletBatch } from './simcse-supervised.js';
export { ConSERT, parseConsertView, CONSERT_VIEW_TYPES, CONSERT_OPTIMIZER } from './consert.js';
export type { ConSERTOptions, ConsertView } from './consert.js';
