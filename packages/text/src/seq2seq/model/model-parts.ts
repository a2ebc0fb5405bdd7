import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';

/**
 * The weights of a seq2seq model by stable name (`encoder.layer.0.self_attn.q.weight`), shared by the Transformer
 * and the GRU: created seeded in order, listed for checkpoints and optimizers, looked up by name, freed once.
 */
export class NamedVariables {
  private readonly vars = new Map<string, tf.Variable>();
  // tfjs treats seed 0 as unseeded, so offsets start at 1.
  private nextSeed: number;

  /** `prefix` keeps tfjs variable names unique across instances; `seed` seeds the initialisers in creation order. */
  constructor(
    private readonly owner: string,
    private readonly prefix: string,
    seed: number,
  ) {
    this.nextSeed = seed * 1000 + 1;
  }

  /**
   * A trainable variable `name` from `make(nextSeed)`; each call of `nextSeed()` takes the next seed of the sequence
   * (an initialiser that needs none, e.g. zeros, may take none).
   */
  add(name: string, make: (nextSeed: () => number) => tf.Tensor): void {
    const init = tf.tidy(() => make(() => this.nextSeed++));
    this.vars.set(name, tf.variable(init, true, `${this.prefix}/${name}`));
    init.dispose();
  }

  /** Every weight by name. */
  record(): Record<string, tf.Variable> {
    return Object.fromEntries(this.vars);
  }

  /** Every weight, in creation order. */
  all(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** One weight by name; throws naming it when absent (e.g. after {@link dispose}). */
  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new RangeError(`${this.owner} has no weight '${name}'`);
    return v;
  }

  /** One weight by name, or `undefined` (an optional bias). */
  find(name: string): tf.Variable | undefined {
    return this.vars.get(name);
  }

  /** Frees every weight (idempotent). */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** Dropout at `rate` when `training` (masks seeded from `rng` when given), identity otherwise. */
export function dropper(rate: number, training: boolean, rng?: Rng): (x: tf.Tensor) => tf.Tensor {
  return (x) => (training && rate > 0 ? tf.dropout(x, rate, undefined, rng?.seed()) : x);
}

/** Ids and mask of a batch: rank 2, equal shapes, at most `maxLength` columns; throws a RangeError naming `name`. */
export function checkIds(name: string, ids: tf.Tensor2D, mask: tf.Tensor2D, maxLength: number): void {
  if (ids.rank !== 2) throw new RangeError(`${name} must be [B, L], got rank ${ids.rank}`);
  if (mask.shape.join() !== ids.shape.join())
    throw new RangeError(`${name} mask shape [${mask.shape}] must equal ids shape [${ids.shape}]`);
  if (ids.shape[1] > maxLength) throw new RangeError(`${name} length ${ids.shape[1]} exceeds maxLength ${maxLength}`);
}
