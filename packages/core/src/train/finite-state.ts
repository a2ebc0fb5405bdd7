import * as tf from '@tensorflow/tfjs';
import { NonFiniteStateError, type NonFiniteVariable } from '../errors.js';
import type { Checkpointable } from '../types.js';

/** Counts the NaN and ±Infinity values of a float array. */
export function countNonFinite(values: ArrayLike<number>): { nan: number; inf: number } {
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
  }
  return { nan, inf };
}

/**
 * Whether a state variable's non-finite value is the one allowed exception: a **non-trainable scalar holding
 * NaN**, the "not set yet" sentinel of state a method estimates on its first step (e.g. InstDisc's log Z). It
 * cannot be the product of a diverged gradient step (nothing trains it), and ±Infinity never qualifies, nor
 * does NaN in a trainable variable, in a tensor of more than one value, or in an optimizer slot.
 */
export function isUnsetSentinel(v: tf.Tensor, counts: { nan: number; inf: number }): boolean {
  return v instanceof tf.Variable && !v.trainable && v.size === 1 && counts.nan === 1 && counts.inf === 0;
}

/** The entry for `t` if it is a float tensor holding non-finite values (read with `await data()`), else null. */
async function check(t: tf.Tensor, name: string, owner: string): Promise<NonFiniteVariable | null> {
  if (t.dtype !== 'float32' && t.dtype !== 'complex64') return null;
  const counts = countNonFinite(await t.data<'float32'>());
  if (owner === 'variable' && isUnsetSentinel(t, counts)) return null;
  return counts.nan + counts.inf === 0 ? null : { name, owner, ...counts, size: t.size };
}

/**
 * Every float variable of `state.stateTensors()` and every optimizer slot of `state.optimizers()` that holds
 * NaN or ±Infinity values, with counts (read with `await data()`, never `dataSync()`); `[]` when the whole
 * state is finite. A non-trainable scalar variable holding NaN is a "not set yet" sentinel, not a divergence,
 * and is not listed (see {@link isUnsetSentinel}). Browser-safe.
 *
 * @example
 * const bad = await nonFiniteVariables(method);
 * if (bad.length > 0) console.error(`not finite: ${bad.map((v) => v.name).join(', ')}`);
 */
export async function nonFiniteVariables(state: Checkpointable): Promise<NonFiniteVariable[]> {
  const found: NonFiniteVariable[] = [];
  for (const [name, v] of Object.entries(state.stateTensors())) {
    const bad = await check(v, name, 'variable');
    if (bad) found.push(bad);
  }
  for (const [key, opt] of Object.entries(state.optimizers())) {
    const named = await opt.getWeights();
    try {
      for (const w of named) {
        const bad = await check(w.tensor, w.name, `optimizer '${key}'`);
        if (bad) found.push(bad);
      }
    } finally {
      // getWeights() returns the slot variables themselves plus a fresh iteration scalar: free only the latter.
      for (const w of named) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    }
  }
  return found;
}

/**
 * Throws a {@link NonFiniteStateError} (naming each non-finite variable or slot and how many of its values are
 * NaN / Inf) when `state` is not finite. Call it before saving or scoring a final model: a diverged model must
 * never be written or reported as a result. `what` names the state in the message (default `'the model'`).
 *
 * @example
 * await assertFiniteState(method, 'the trained encoder');
 * await encoder.save(fileSystemHandler(paths.model));
 */
export async function assertFiniteState(state: Checkpointable, what = 'the model'): Promise<void> {
  const bad = await nonFiniteVariables(state);
  if (bad.length > 0) throw new NonFiniteStateError(bad, what);
}
