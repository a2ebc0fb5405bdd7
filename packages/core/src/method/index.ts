export { isLossWithLogs, stepLoss } from './method.js';
export type { Method, StepInfo, StepLogValues, StepOutput } from './method.js';
export { stepInfo } from './step-info.js';
export type { StepInfoOptions } from './step-info.js';
export { cloneModel, frozenEncoder, layersEncoder, loadLayersEncoder, modelState, trainableVariables } from './encoder.js';
export type { Encoder, LayersEncoder } from './encoder.js';
export { createRegistry, findRecipe } from './registry.js';
export type { Recipe, Registry } from './registry.js';
export { getLearningRate, setLearningRate, applyGradientsTo } from './optimizers.js';
