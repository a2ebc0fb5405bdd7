export { simcseLoss, simcseSupervisedLoss, consertLoss } from './text-losses.js';
export { TextMethod, lengthsOf } from './text-method.js';
export type { TextMethodOptions } from './text-method.js';
export { SimCSE } from './simcse.js';
export type { SimCSEOptions } from './simcse.js';
export { SupervisedSimCSE } from './simcse-supervised.js';
export type { SupervisedSimCSEOptions, TripletBatch } from './simcse-supervised.js';
export { ConSERT, parseConsertView, CONSERT_VIEW_TYPES } from './consert.js';
export type { ConSERTOptions, ConsertView } from './consert.js';
