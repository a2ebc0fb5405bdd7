import * as tf from '@tensorflow/tfjs';
import {
  applyGradientsTo,
  assertInt,
  type Method,
  modelState,
  type Rng,
  type StepInfo,
  type StepOutput,
  trainableVariables,
} from '@contrastive/core';
import { nonSaturatingDLoss, nonSaturatingGLoss } from '../losses/gan-losses.js';
import { sampleLatent } from '../models/options.js';

/** A D loss on the logits of real and fake images → scalar (e.g. non-saturating: softplus(−d_r) + softplus(d_f)). */
export type DiscriminatorLoss = (dReal: tf.Tensor, dFake: tf.Tensor) => tf.Scalar;
/** A G loss on the logits of fake images → scalar (e.g. non-saturating: softplus(−d_f)). */
export type GeneratorLoss = (dFake: tf.Tensor) => tf.Scalar;
/** A penalty on D at real images (e.g. R1): `score(x)` is D's logit of `x`; must be differentiable w.r.t. D's weights. */
export type DiscriminatorPenalty = (score: (x: tf.Tensor4D) => tf.Tensor, real: tf.Tensor4D) => tf.Scalar;
/** A differentiable augmentation applied to real and fake images before D (DiffAugment); randomness from `rng`. */
export type GanAugment = (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/** Options of {@link GAN}. */
export interface GANOptions {
  /** z `[N, zDim]` → images `[N, H, W, C]` in the data's range. Owned and trained by the method. */
  generator: tf.LayersModel;
  /** Images → features `[N, d]` (the discriminator's body). Owned and trained. */
  discriminator: tf.LayersModel;
  /** Features → one logit `[N, 1]` (the discriminator's last layer). Owned and trained. */
  head: tf.LayersModel;
  /** Width of z, read from the generator's input when omitted. */
  zDim?: number;
  /** Losses. Default the non-saturating pair (`nonSaturatingDLoss`, `nonSaturatingGLoss`). */
  dLoss?: DiscriminatorLoss;
  gLoss?: GeneratorLoss;
  /** Added to D's loss (e.g. an R1 penalty). Default none. */
  penalty?: DiscriminatorPenalty;
  /** DiffAugment-style augmentation of both real and fake images before D (also in G's step). Default none. */
  augment?: GanAugment;
  /** D updates per G update (n_critic). Default 1 (SNDCGAN, ContraD). */
  dSteps?: number;
  /** Optimizers. Default Adam(2e-4, β 0.5, 0.999) each (SNDCGAN, ContraD). Owned. */
  dOptimizer?: tf.Optimizer;
  gOptimizer?: tf.Optimizer;
  /** Method name in logs and checkpoints. Default `'gan'`. */
  name?: string;
}

/**
 * A plain GAN on core's method contract — the baseline ContraD is measured against (the same generator,
 * discriminator, optimizers and steps; with `augment`, the DiffAugment-only baseline). One `step(real, info)`:
 *
 * 1. `dSteps` times: z ~ N(0, I) from `info.rng`; L_D = dLoss(D(aug(x)), D(aug(sg(G(z))))) (+ penalty on the real
 *    images); Adam step on D's body and head;
 * 2. a fresh z; L_G = gLoss(D(aug(G(z)))); Adam step on G only.
 *
 * Returns `{ loss: L_D + L_G, logs: { dLoss, gLoss, dReal, dFake } }` (dReal / dFake: mean logits).
 */
export class GAN implements Method<tf.Tensor4D> {
  readonly name: string;
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly head: tf.LayersModel;
  readonly zDim: number;
  readonly dSteps: number;
  readonly dOptimizer: tf.Optimizer;
  readonly gOptimizer: tf.Optimizer;
  private readonly dLoss: DiscriminatorLoss;
  private readonly gLoss: GeneratorLoss;
  private readonly penalty: DiscriminatorPenalty | undefined;
  private readonly augment: GanAugment | undefined;
  private disposed = false;

  constructor(o: GANOptions) {
    for (const k of ['generator', 'discriminator', 'head'] as const) {
      if (!(o?.[k] instanceof tf.LayersModel)) throw new TypeError(`GAN: options.${k} must be a tf.LayersModel`);
    }
    this.name = o.name ?? 'gan';
    this.generator = o.generator;
    this.discriminator = o.discriminator;
    this.head = o.head;
    this.zDim = o.zDim ?? (o.generator.inputs[0]!.shape[1] as number);
    assertInt(this.zDim, 'GAN options.zDim', 1);
    this.dSteps = o.dSteps ?? 1;
    assertInt(this.dSteps, 'GAN options.dSteps', 1);
    this.dLoss = o.dLoss ?? ((r, f) => nonSaturatingDLoss(r, f) as tf.Scalar);
    this.gLoss = o.gLoss ?? ((f) => nonSaturatingGLoss(f) as tf.Scalar);
    this.penalty = o.penalty;
    this.augment = o.augment;
    this.dOptimizer = o.dOptimizer ?? tf.train.adam(2e-4, 0.5, 0.999);
    this.gOptimizer = o.gOptimizer ?? tf.train.adam(2e-4, 0.5, 0.999);
  }

  /** D's logit of images `x` `[N, 1]` (training mode: BN batch statistics, spectral-norm power iteration). */
  score(x: tf.Tensor4D, training = true): tf.Tensor {
    return this.head.apply(this.discriminator.apply(x, { training }), { training }) as tf.Tensor;
  }

  /** `n` samples from `rng` (seeded normal z), generated in inference mode. The caller disposes them. */
  sample(n: number, rng: Rng): tf.Tensor4D {
    assertInt(n, 'GAN.sample n', 1);
    return tf.tidy(() => this.generator.apply(this.latent(n, rng), { training: false }) as tf.Tensor4D);
  }

  /** z `[n, zDim]` uniform in [−1, 1] (as ContraD's SNDCGAN, `sampleLatent`), seeded by `rng`. */
  latent(n: number, rng: Rng): tf.Tensor2D {
    return sampleLatent(n, this.zDim, rng.seed());
  }

  private aug(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    return this.augment ? this.augment(x, rng) : x;
  }

  step(real: tf.Tensor4D, info: StepInfo): StepOutput {
    this.assertAlive();
    if (!(real instanceof tf.Tensor) || real.rank !== 4) throw new TypeError('GAN.step: the batch must be images [N, H, W, C]');
    const n = real.shape[0];
    const dVars = trainableVariables(this.discriminator, this.head);
    const gVars = trainableVariables(this.generator);
    let dLoss: tf.Scalar | null = null;
    const means: { dReal?: tf.Scalar; dFake?: tf.Scalar } = {};
    for (let k = 0; k < this.dSteps; k++) {
      tf.dispose([dLoss, means.dReal, means.dFake].filter((t): t is tf.Scalar => t != null));
      const fake = tf.tidy(() => this.generator.apply(this.latent(n, info.rng), { training: true }) as tf.Tensor4D);
      const xr = this.aug(real, info.rng);
      const xf = this.aug(fake, info.rng);
      const { value, grads } = tf.variableGrads(() => {
        const dReal = this.score(xr);
        const dFake = this.score(xf);
        means.dReal = tf.keep(tf.mean(dReal) as tf.Scalar);
        means.dFake = tf.keep(tf.mean(dFake) as tf.Scalar);
        let loss = this.dLoss(dReal, dFake);
        if (this.penalty)
          loss = tf.add(
            loss,
            this.penalty((x) => this.score(x), real),
          ) as tf.Scalar;
        return loss;
      }, dVars);
      applyGradientsTo(this.dOptimizer, grads, dVars);
      tf.dispose([...Object.values(grads), fake, ...(xr === real ? [] : [xr]), ...(xf === fake ? [] : [xf])]);
      dLoss = value;
    }
    const z = this.latent(n, info.rng);
    const gRng = info.rng;
    const { value: gLoss, grads } = tf.variableGrads(() => {
      const fake = this.generator.apply(z, { training: true }) as tf.Tensor4D;
      return this.gLoss(this.score(this.aug(fake, gRng)));
    }, gVars);
    applyGradientsTo(this.gOptimizer, grads, gVars);
    tf.dispose([...Object.values(grads), z]);
    const total = tf.add(dLoss!, gLoss) as tf.Scalar;
    return { loss: total, logs: { dLoss: dLoss!, gLoss, dReal: means.dReal!, dFake: means.dFake! } };
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    return {
      ...modelState('generator', this.generator),
      ...modelState('discriminator', this.discriminator),
      ...modelState('head', this.head),
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { discriminator: this.dOptimizer, generator: this.gOptimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generator.dispose();
    this.discriminator.dispose();
    this.head.dispose();
    this.dOptimizer.dispose();
    this.gOptimizer.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('GAN was disposed');
  }
}
