import * as tf from '@tensorflow/tfjs';
import type { ganLeakyReLU } from '../layers/leaky-relu.js';

/**
 * GAN losses on discriminator logits (pure functions) and the R1 gradient penalty.
 *
 * - Non-saturating (Goodfellow et al., NeurIPS 2014, §3; ContraD's default, `training/gan/*.py`
 *   `loss_D_fn` / `loss_G_fn`): `L_D = mean softplus(−d_real) + mean softplus(d_fake)`,
 *   `L_G = mean softplus(−d_fake)`.
 * - Hinge (Lim & Ye 2017; Miyato et al., ICLR 2018): `L_D = mean relu(1 − d_real) + mean relu(1 + d_fake)`,
 *   `L_G = −mean d_fake`.
 *
 * Logits are `[N]` or `[N, 1]`. `reduction`: `'mean'` (default) sums the mean over the reals and the mean over
 * the fakes, as ContraD's code does (not the mean over the concatenation, which differs when the counts
 * differ); `'sum'` sums every term; `'none'` returns the per-sample terms, `[N_real + N_fake]` for L_D (reals
 * first) and `[N_fake]` for L_G. Golden values and gradients: tools/reference/gan_losses.py.
 */
export type GanReduction = 'mean' | 'sum' | 'none';

/** Options of the GAN losses. */
export interface GanLossOptions {
  /** How per-sample terms are combined. Default `'mean'`. */
  reduction?: GanReduction;
}

const REDUCTIONS: readonly GanReduction[] = ['mean', 'sum', 'none'];

function logits(x: tf.Tensor, fn: string, arg: string): tf.Tensor1D {
  if (!(x instanceof tf.Tensor)) throw new TypeError(`${fn}: ${arg} must be a tf.Tensor of logits`);
  const ok = x.rank === 1 || (x.rank === 2 && x.shape[1] === 1);
  if (!ok) throw new RangeError(`${fn}: ${arg} must have shape [N] or [N, 1], got [${x.shape}]`);
  if (x.shape[0] === 0) throw new RangeError(`${fn}: ${arg} is empty`);
  if (x.dtype !== 'float32') throw new TypeError(`${fn}: ${arg} must be float32, got ${x.dtype}`);
  return x.reshape([-1]) as tf.Tensor1D;
}

function reductionOf(fn: string, reduction: GanReduction | undefined): GanReduction {
  const r = reduction ?? 'mean';
  if (!REDUCTIONS.includes(r)) throw new RangeError(`${fn}: reduction must be one of ${REDUCTIONS.join(', ')}, got ${String(reduction)}`);
  return r;
}

function combine(real: tf.Tensor1D | null, fake: tf.Tensor1D, reduction: GanReduction): tf.Tensor {
  if (reduction === 'none') return real ? tf.concat([real, fake]) : fake;
  const agg = (t: tf.Tensor1D) => (reduction === 'mean' ? tf.mean(t) : tf.sum(t));
  return real ? tf.add(agg(real), agg(fake)) : agg(fake);
}

/** Non-saturating discriminator loss `mean softplus(−d_real) + mean softplus(d_fake)`. */
export function nonSaturatingDLoss(dReal: tf.Tensor, dFake: tf.Tensor, { reduction }: GanLossOptions = {}): tf.Tensor {
  const fn = 'nonSaturatingDLoss';
  const r = reductionOf(fn, reduction);
  return tf.tidy(() => combine(tf.softplus(tf.neg(logits(dReal, fn, 'dReal'))), tf.softplus(logits(dFake, fn, 'dFake')), r));
}

/** Non-saturating generator loss `mean softplus(−d_fake)` (= −log sigmoid(d_fake)). */
export function nonSaturatingGLoss(dFake: tf.Tensor, { reduction }: GanLossOptions = {}): tf.Tensor {
  const fn = 'nonSaturatingGLoss';
  const r = reductionOf(fn, reduction);
  return tf.tidy(() => combine(null, tf.softplus(tf.neg(logits(dFake, fn, 'dFake'))), r));
}

/** Hinge discriminator loss `mean relu(1 − d_real) + mean relu(1 + d_fake)`. */
export function hingeDLoss(dReal: tf.Tensor, dFake: tf.Tensor, { reduction }: GanLossOptions = {}): tf.Tensor {
  const fn = 'hingeDLoss';
  const r = reductionOf(fn, reduction);
  return tf.tidy(() => {
    const real = tf.relu(tf.sub(1, logits(dReal, fn, 'dReal'))) as tf.Tensor1D;
    const fake = tf.relu(tf.add(1, logits(dFake, fn, 'dFake'))) as tf.Tensor1D;
    return combine(real, fake, r);
  });
}

/** Hinge generator loss `−mean d_fake`. */
export function hingeGLoss(dFake: tf.Tensor, { reduction }: GanLossOptions = {}): tf.Tensor {
  const fn = 'hingeGLoss';
  const r = reductionOf(fn, reduction);
  return tf.tidy(() => combine(null, tf.neg(logits(dFake, fn, 'dFake')), r));
}

/** A discriminator loss and its generator loss, by name. */
export interface GanLoss {
  d: (dReal: tf.Tensor, dFake: tf.Tensor, options?: GanLossOptions) => tf.Tensor;
  g: (dFake: tf.Tensor, options?: GanLossOptions) => tf.Tensor;
}

/** The GAN losses by name: `'non-saturating'` (ContraD's default) and `'hinge'`. */
export const GAN_LOSSES = {
  'non-saturating': { d: nonSaturatingDLoss, g: nonSaturatingGLoss },
  hinge: { d: hingeDLoss, g: hingeGLoss },
} as const satisfies Record<string, GanLoss>;

/** A name of {@link GAN_LOSSES}. */
export type GanLossName = keyof typeof GAN_LOSSES;

/** Options of {@link r1Penalty}. */
export interface R1Options {
  /** Weight γ of the penalty. Default 10 (Mescheder et al. 2018's value for most of their experiments). */
  gamma?: number;
}

/**
 * R1 gradient penalty (Mescheder et al., "Which Training Methods for GANs do actually Converge?", ICML 2018,
 * eq. 9): `γ/2 · mean_i ‖∇_x D(x)_i‖²` on real samples, with `∇_x` the gradient of `Σ_i D(x)_i`. `d` maps a
 * batch `[N, ...]` to logits `[N]` or `[N, 1]` (call the discriminator in training mode inside it if its
 * state should advance, e.g. a spectral-norm power iteration).
 *
 * The inner gradient is taken with `tf.grad`, which records its backward ops on the outer tape, so inside
 * `tf.variableGrads` / `optimizer.minimize` the penalty's gradient w.r.t. D's weights flows (a gradient of
 * a gradient, as PyTorch's `autograd.grad(..., create_graph=True)`). Tested on cpu and wasm against PyTorch
 * (dense softplus D; spectral-norm conv D with LeakyReLU and flatten) and on the full SNDCGAN D (wasm = cpu).
 *
 * What D may contain — limits of tfjs-core 4.22's higher-order gradients, on every backend (engine-level):
 * - ops whose gradient reads the kernel's saved OUTPUT lose that path silently in a second-order gradient
 *   (the engine clones the output for the backward pass inside the kernel run, before the kernel's tape node
 *   exists, so the tape filter prunes the clone): Tanh, Sigmoid, Exp, Elu, Softmax, LogSoftmax, Pow, LRN
 *   (and Max, Min, MaxPool, whose lost terms are zero almost everywhere). A tanh D gets a wrong R1 gradient
 *   (asserted in gan-losses.test.ts); softplus, relu, conv, matMul, add/mul are exact.
 * - ops whose gradient builds a `Greater` mask throw "gradient function not found for Greater" (no gradient
 *   is registered for Greater): LeakyRelu, Prelu, Selu, Minimum, Pow (w.r.t. its exponent). Use {@link ganLeakyReLU} (`αx + (1−α)·relu(x)`).
 * On wasm every kernel these gradients need is present (core registers Conv2DBackpropInput/Filter); nothing
 * further is missing there for SNDCGAN / DCGAN discriminators.
 */
export function r1Penalty(d: (x: tf.Tensor) => tf.Tensor, xReal: tf.Tensor, { gamma = 10 }: R1Options = {}): tf.Scalar {
  if (typeof d !== 'function') throw new TypeError('r1Penalty: d must be a function x → logits');
  if (!(xReal instanceof tf.Tensor) || xReal.rank < 2) {
    throw new RangeError(
      `r1Penalty: xReal must be a batch tensor of rank ≥ 2, got ${xReal instanceof tf.Tensor ? `[${xReal.shape}]` : typeof xReal}`,
    );
  }
  if (!(Number.isFinite(gamma) && gamma >= 0)) throw new RangeError(`r1Penalty: gamma must be a finite number ≥ 0, got ${gamma}`);
  const n = xReal.shape[0]!;
  return tf.tidy(() => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(logits(d(x), 'r1Penalty', 'd(xReal)')))(xReal);
    const perSample = tf.sum(tf.square(g).reshape([n, -1]), 1);
    return tf.mul(gamma / 2, tf.mean(perSample)) as tf.Scalar;
  });
}
