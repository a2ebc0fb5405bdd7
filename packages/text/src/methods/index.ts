export { simcseLoss, simcseSupervisedLoss, consertLoss } from './text-losses.js';
export {
  TextMethod,
  lengthsOf,
  createTextOptimizer,
  resolveOptimizerSettings,
  linearWarmupDecaySchedule,
  BERT_NO_WEIGHT_DECAY,
} from './text-method.js';
export type { TextMethodOptions, TextMethodDefaults, TextOptimizerSettings, TextSchedule } from './text-method.js';
export { SimCSE, SIMCSE_OPTIMIZER } from './simcse.js';
export type { SimCSEOptions } from './simcse.js';
export { SupervisedSimCSE } from './simcse-supervised.js';
export type { SupervisedSimCSEOptions, TripletBatch } from './simcse-supervised.js';
export { ConSERT, CONSERT_VIEW_TYPES, CONSERT_OPTIMIZER } from './consert.js';
export type { ConSERTOptions, ConsertView } from './consert.js';
export { consertAdversarialDelta } from './consert-adversarial.js';
export type { ConsertAttackOptions } from './consert-adversarial.js';
export { createMethod, textMethods, METHODS, TEXT_METHOD_INPUTS } from './registry.js';
export type { CreateTextMethodOptions, TextMethodConfig, TextMethodName, TextBatch } from './registry.js';
export { ANCE, ANCE_OPTIMIZER } from './ance.js';
export type { ANCEOptions, AnceBatch } from './ance.js';
