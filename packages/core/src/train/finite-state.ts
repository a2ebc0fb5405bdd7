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

/** The entry for `t` if it is a float tensor holding non-finite values (read with `await data()`), else null. */
async function check(t: tf.Tensor, name: string, owner: string): Promise<NonFiniteVariable | null> {
  if (t.dtype !== 'float32' && t.dtype !== 'complex64') return null;
  const { nan, inf } = countNonFinite(await t.data<'float32'>());
  return nan + inf === 0 ? null : { name, owner, nan, inf, size: t.size };
}

/**
 * Every float variable of `state.stateTensors()` and every optimizer slot of `state.optimizers()` that holds
 * NaN or ±Infinity values, with counts (read with `await data()`, never `dataSync()`); `[]` when the whole
 * state is finite. Browser-safe.
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
