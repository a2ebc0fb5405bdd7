import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertOneOf, shapeStr } from '../validate.js';

/** A set of weights: plain variables, or a layers model whose weights are used. */
export type WeightSet = readonly tf.Variable[] | tf.LayersModel;

/** Options of {@link updateMomentum}. */
export interface UpdateMomentumOptions {
  /**
   * Which weights of a `tf.LayersModel` take part: `'trainable'` (default; the parameters, as
   * `model.parameters()` in the MoCo/BYOL official code) or `'all'` (also BatchNorm moving statistics).
   * Ignored for variable arrays.
   */
  weights?: 'trainable' | 'all';
}

interface Slot {
  name: string;
  shape: readonly number[];
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

function slots(set: WeightSet, which: 'trainable' | 'all', argName: string): Slot[] {
  if (Array.isArray(set)) {
    return (set as readonly tf.Variable[]).map((v, i) => {
      if (!(v instanceof tf.Variable)) throw new TypeError(`${argName}[${i}] must be a tf.Variable`);
      return { name: v.name, shape: v.shape, read: () => v, write: (t) => v.assign(t) };
    });
  }
  if (set instanceof tf.LayersModel) {
    const weights = which === 'all' ? set.weights : set.trainableWeights;
    return weights.map((w) => ({
      name: w.originalName,
      shape: w.shape as number[],
      read: () => w.read(),
      write: (t) => {
        w.write(t);
      },
    }));
  }
  throw new TypeError(`${argName} must be an array of tf.Variable or a tf.LayersModel`);
}

/**
 * Exponential moving average of weights (momentum / target encoders: MoCo's key encoder, He et al.
 * 2020; BYOL's target network, Grill et al. 2020; MoCo v3, DINO):
 * `target ← m·target + (1 − m)·online`, element-wise, pair by pair in order.
 *
 * Call it before computing the keys of a step (MoCo). With m = 0 the target becomes a copy of the
 * online weights (the initialisation θ_k ← θ_q). Throws, naming the pair, when the two sets differ in
 * length or shape.
 *
 * @param online the weights being trained (a `tf.Variable[]` or a `tf.LayersModel`).
 * @param target the EMA copy (same structure), updated in place.
 * @param m momentum in [0, 1] (MoCo 0.999, BYOL τ from {@link cosineSchedule}).
 */
export function updateMomentum(online: WeightSet, target: WeightSet, m: number, options: UpdateMomentumOptions = {}): void {
  assertInRange(m, 0, 1, 'm');
  const which = options.weights ?? 'trainable';
  assertOneOf(which, ['trainable', 'all'] as const, 'weights');
  const src = slots(online, which, 'online');
  const dst = slots(target, which, 'target');
  if (src.length !== dst.length) {
    throw new RangeError(`online and target must have the same number of weights, got ${src.length} and ${dst.length}`);
  }
  src.forEach((s, i) => {
    const d = dst[i]!;
    if (s.shape.length !== d.shape.length || s.shape.some((v, j) => v !== d.shape[j])) {
      throw new RangeError(
        `weight ${i}: online '${s.name}' has shape ${shapeStr(s.shape)} but target '${d.name}' has shape ${shapeStr(d.shape)}`,
      );
    }
  });
  tf.tidy(() => {
    src.forEach((s, i) => {
      const d = dst[i]!;
      d.write(m === 0 ? tf.clone(s.read()) : tf.add(tf.mul(d.read(), m), tf.mul(s.read(), 1 - m)));
    });
  });
}

/** Copies `online` into `target` (θ_target ← θ_online), i.e. {@link updateMomentum} with m = 0. */
export function copyWeights(online: WeightSet, target: WeightSet, options: UpdateMomentumOptions = {}): void {
  updateMomentum(online, target, 0, options);
}
