import * as tf from '@tensorflow/tfjs';

/**
 * Leaky ReLU whose gradient can be differentiated again (for gradient penalties such as R1).
 *
 * Same values as `tf.layers.leakyReLU` / torch's `LeakyReLU(α)` for 0 ≤ α ≤ 1, computed as
 * `α·x + (1 − α)·relu(x)`. Why not `tf.leakyRelu`: its gradient builds a `Greater` mask, and tfjs-core 4.22
 * registers no gradient for `Greater`, so a gradient of a gradient through it throws "gradient function not
 * found for Greater" (measured on cpu and wasm). `relu`'s gradient uses `step`, whose gradient (zero) is
 * registered, so this form is exact to second order. Default α = 0.1 (ContraD's SNDCGAN discriminator).
 */
export function leakyReluOp(x: tf.Tensor, alpha = 0.1): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(alpha, x), tf.mul(1 - alpha, tf.relu(x))));
}

/** Arguments of {@link GanLeakyReLU}. */
export interface GanLeakyReLUArgs {
  /** Negative slope α in [0, 1]. Default 0.1. */
  alpha?: number;
  name?: string;
  inputShape?: tf.Shape;
}

/** A serialisable layer of {@link leakyReluOp} (drop-in for `tf.layers.leakyReLU` in discriminators). */
export class GanLeakyReLU extends tf.layers.Layer {
  static readonly className = 'GanLeakyReLU';
  private readonly alpha: number;

  constructor(args: GanLeakyReLUArgs = {}) {
    super(args);
    this.alpha = args.alpha ?? 0.1;
    if (!(this.alpha >= 0 && this.alpha <= 1)) throw new RangeError(`GanLeakyReLU: alpha must be in [0, 1], got ${args.alpha}`);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return leakyReluOp(Array.isArray(inputs) ? inputs[0]! : inputs, this.alpha);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(GanLeakyReLU);

/** Factory of {@link GanLeakyReLU}. */
export function ganLeakyReLU(args: GanLeakyReLUArgs = {}): GanLeakyReLU {
  return new GanLeakyReLU(args);
}
