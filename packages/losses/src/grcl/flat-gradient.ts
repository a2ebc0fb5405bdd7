import * as tf from '@tensorflow/tfjs';

/**
 * The value of `f` and its gradient w.r.t. `variables`, flattened into one vector `[P]` in the order of
 * `variables` (each variable's gradient reshaped to `[size]`; a variable `f` does not use contributes
 * zeros). The caller disposes both tensors. This is how GRCL (and GEM) turn per-variable gradients into
 * the rows of the constraint matrix G.
 */
export function flatGradient(f: () => tf.Scalar, variables: readonly tf.Variable[]): { value: tf.Scalar; gradient: tf.Tensor1D } {
  if (variables.length === 0) throw new RangeError('flatGradient: variables must hold at least one tf.Variable');
  const { value, grads } = tf.variableGrads(f, variables as tf.Variable[]);
  const gradient = tf.tidy(() =>
    tf.concat(variables.map((v) => (grads[v.name] === undefined ? tf.zeros([v.size]) : tf.reshape(grads[v.name]!, [v.size])))),
  ) as tf.Tensor1D;
  tf.dispose(Object.values(grads));
  return { value, gradient };
}

/** Splits a flat `[P]` gradient back into a `{ [variable.name]: tensor }` map of the variables' shapes (for `optimizer.applyGradients`). */
export function unflattenGradient(flat: tf.Tensor1D, variables: readonly tf.Variable[]): tf.NamedTensorMap {
  const total = variables.reduce((s, v) => s + v.size, 0);
  if (flat.rank !== 1 || flat.shape[0] !== total) {
    throw new RangeError(`unflattenGradient: flat must have shape [${total}] (the variables' total size), got [${flat.shape.join(', ')}]`);
  }
  const parts = tf.split(
    flat,
    variables.map((v) => v.size),
  );
  const out: tf.NamedTensorMap = {};
  variables.forEach((v, i) => {
    out[v.name] = tf.reshape(parts[i]!, v.shape);
    parts[i]!.dispose();
  });
  return out;
}
