import type * as tf from '@tensorflow/tfjs';

/**
 * Sets an optimizer's learning rate (for schedules). tfjs optimizers keep it in a `learningRate` field
 * (SGD also caches it, hence its `setLearningRate`).
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (v: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The current base learning rate of an optimizer. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * Applies the gradients of `variables` only (from a `tf.variableGrads` map over more variables) with
 * `optimizer`: how a step with several optimizers (parameter groups with their own rates, a discriminator
 * and a generator, a learnable temperature) updates each group from one backward pass.
 */
export function applyGradientsTo(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, variables: readonly tf.Variable[]): void {
  const mine: tf.NamedTensorMap = {};
  for (const v of variables) {
    const g = grads[v.name];
    if (g !== undefined) mine[v.name] = g;
  }
  if (Object.keys(mine).length > 0) optimizer.applyGradients(mine);
}
