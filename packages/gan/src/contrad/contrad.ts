import * as tf from '@tensorflow/tfjs';
import {
  applyGradientsTo,
  assertInt,
  assertPositive,
  createRng,
  type Method,
  modelState,
  parallelRows,
  type Rng,
  type StepInfo,
  type StepOutput,
  stopGradient,
  trainableVariables,
  type ViewMaker,
} from '@contrastive/core';
import { contradAugment } from '../augment/contrad-augment.js';
import { sampleLatent } from '../models/options.js';
import { contradFakeLoss, contradRealLoss } from './contrad-losses.js';

/** Options of {@link ContraD}. */
export interface ContraDOptions {
  /** G: z `[N, zDim]` → images `[N, H, W, C]` in [0, 1]. Owned and trained by the method. */
  generator: tf.LayersModel;
  /**
   * The discriminator's encoder (the code's `penultimate`): images `[N, H, W, C]` → features `[N, d]`. Both
   * projection heads and the discriminator head read these features. Owned and trained by the method.
   */
  discriminator: tf.LayersModel;
  /** d, the width of the features. Default: read from the discriminator's output shape. */
  featureDim?: number;
  /** Width of z. Default: read from the generator's input shape. */
  zDim?: number;
  /** Hidden width of the projection heads (`d_hidden`). Default `128`. */
  hiddenDim?: number;
  /** Output width of the projection heads (`d_project`). Default `128`. */
  projectionDim?: number;
  /**
   * Projection head 1 (L_con⁺), features → `[N, p]`. Default: `Linear(d, 128) → LeakyReLU(0.1) → Linear(128, 128)`
   * (`models/gan/base.py::BaseDiscriminator.projection`; the SNDCGAN code also spectrally normalises it — pass a
   * spectrally normalised head here to match). Owned.
   */
  projection?: tf.LayersModel;
  /** Projection head 2 (L_con⁻), a separate copy of the same architecture (`projection2`). Owned. */
  projection2?: tf.LayersModel;
  /** The discriminator head, features → `[N, 1]` logits. Default: `Linear(d, 1)` (`LinearDiscriminator`). Owned. */
  disHead?: tf.LayersModel;
  /** λ_con, the weight of L_con⁻ (the code's `P.lbd_a`). Default `1`. */
  lambdaCon?: number;
  /** τ of both contrastive losses (`P.temp`). Default `0.1`. */
  temperature?: number;
  /**
   * The augmentation applied to `[real, real, fake]` in the D step and to G(z) in the G step. It must be
   * differentiable w.r.t. the images (G's gradient goes through it). Default {@link contradAugment} (the code's
   * "simclr": crop 0.2–1, flip, colour jitter 0.8, grayscale 0.2).
   */
  augment?: ViewMaker<tf.Tensor4D>;
  /** Optimizer of the discriminator (encoder, both projection heads, dis head). Default Adam(2e-4, 0.5, 0.999). Owned. */
  dOptimizer?: tf.Optimizer;
  /** Optimizer of the generator. Default Adam(2e-4, 0.5, 0.999). Owned. */
  gOptimizer?: tf.Optimizer;
  /** Seed of the default heads' initialisation. Default `0`. */
  seed?: number;
}

/** The terms of the discriminator's loss for one batch (scalars). */
export interface ContraDLossTerms {
  /** L_D = L_con⁺ + λ_con·L_con⁻ + L_dis. */
  loss: tf.Scalar;
  /** L_con⁺, NT-Xent of the two real views through head 1. */
  conReal: tf.Scalar;
  /** L_con⁻, the "fake"-class supervised contrastive loss through head 2. */
  conFake: tf.Scalar;
  /** L_dis, the non-saturating loss of the dis head on stop-gradient features. */
  dis: tf.Scalar;
  /** Mean logit of the real images (first view) and of the fakes. */
  dReal: tf.Scalar;
  dFake: tf.Scalar;
}

/**
 * ContraD, the Contrastive Discriminator (Jeong & Shin, "Training GANs with Stronger Augmentations via
 * Contrastive Discriminator", ICLR 2021; `jh-jeong/ContraD`, `training/gan/contrad.py` driven by
 * `train_gan.py`). One `step(real, info)`, as the code's training loop with `n_critic = 1`:
 *
 * 1. **D step.** z ~ N(0, I) from `info.rng`; fakes G(z) with no gradient (`gen_images.detach()`);
 *    one augmented batch `aug([x, x, G(z)])` through the encoder; then
 *    - L_con⁺ = {@link contradRealLoss}(head1(v₁), head1(v₂)) (NT-Xent, τ);
 *    - L_con⁻ = {@link contradFakeLoss}([head2(v₁); head2(v₂)], head2(fakes)) (fakes as one class);
 *    - L_dis = mean softplus(d_fake) + mean softplus(−d_real), d = disHead(**sg**(features)) (`sg_linear=True`:
 *      the encoder learns only from the contrastive losses), d_real from the first real view;
 *    - L_D = L_con⁺ + λ_con·L_con⁻ + L_dis; one Adam step on encoder, both heads and the dis head.
 * 2. **G step.** A fresh z; L_G = mean softplus(−disHead(encoder(aug(G(z))))) — through the **full** D (no
 *    stop-gradient); one Adam step on G only.
 *
 * Returns `{ loss: L_D + L_G, logs: { dLoss, gLoss, conReal, conFake, dis, dReal, dFake } }`.
 *
 * State ({@link stateTensors}): `generator/…`, `discriminator/…`, `projection/…`, `projection2/…`, `dis_head/…`
 * (every weight of each model, non-trainable ones such as batch-norm statistics or spectral-norm vectors
 * included). Not reproduced: multi-GPU gathering; the code's learning-rate warm-up (a caller's schedule);
 * spectral norm on the default heads (inject spectrally normalised heads to match SNDCGAN); the MLP dis head
 * option (`mlp_linear`, injectable as `disHead`).
 */
export class ContraD implements Method<tf.Tensor4D> {
  readonly name = 'contrad';
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly projection: tf.LayersModel;
  readonly projection2: tf.LayersModel;
  readonly disHead: tf.LayersModel;
  readonly zDim: number;
  readonly lambdaCon: number;
  readonly temperature: number;
  readonly dOptimizer: tf.Optimizer;
  readonly gOptimizer: tf.Optimizer;
  private readonly augment: ViewMaker<tf.Tensor4D>;
  private disposed = false;

  constructor(options: ContraDOptions) {
    const o = options ?? ({} as ContraDOptions);
    for (const k of ['generator', 'discriminator'] as const) {
      if (!(o[k] instanceof tf.LayersModel)) throw new TypeError(`ContraD options.${k} must be a tf.LayersModel`);
    }
    for (const k of ['projection', 'projection2', 'disHead'] as const) {
      if (o[k] !== undefined && !(o[k] instanceof tf.LayersModel)) throw new TypeError(`ContraD options.${k} must be a tf.LayersModel`);
    }
    const { hiddenDim = 128, projectionDim = 128, lambdaCon = 1, temperature = 0.1, seed = 0 } = o;
    const featureDim = o.featureDim ?? (o.discriminator.outputs[0]!.shape[1] as number);
    const zDim = o.zDim ?? (o.generator.inputs[0]!.shape[1] as number);
    if (o.discriminator.outputs[0]!.shape.length !== 2) {
      throw new RangeError(
        `ContraD options.discriminator must output features [N, d], got output shape [${o.discriminator.outputs[0]!.shape.join(', ')}]`,
      );
    }
    assertInt(featureDim, 'ContraD options.featureDim', 1);
    assertInt(zDim, 'ContraD options.zDim', 1);
    assertInt(hiddenDim, 'ContraD options.hiddenDim', 1);
    assertInt(projectionDim, 'ContraD options.projectionDim', 1);
    if (!(typeof lambdaCon === 'number' && lambdaCon >= 0 && Number.isFinite(lambdaCon))) {
      throw new RangeError(`ContraD options.lambdaCon must be a finite number >= 0, got ${String(lambdaCon)}`);
    }
    assertPositive(temperature, 'ContraD options.temperature');
    const rng = createRng(seed);
    this.generator = o.generator;
    this.discriminator = o.discriminator;
    this.zDim = zDim;
    this.lambdaCon = lambdaCon;
    this.temperature = temperature;
    this.projection = o.projection ?? projectionHead('contrad_projection', featureDim, hiddenDim, projectionDim, rng);
    this.projection2 = o.projection2 ?? projectionHead('contrad_projection2', featureDim, hiddenDim, projectionDim, rng);
    this.disHead = o.disHead ?? linearHead('contrad_dis_head', featureDim, rng);
    this.augment = o.augment ?? contradAugment();
    this.dOptimizer = o.dOptimizer ?? tf.train.adam(2e-4, 0.5, 0.999);
    this.gOptimizer = o.gOptimizer ?? tf.train.adam(2e-4, 0.5, 0.999);
  }

  /** The variables of the D step: encoder, both projection heads, dis head. */
  discriminatorVariables(): tf.Variable[] {
    return trainableVariables(this.discriminator, this.projection, this.projection2, this.disHead);
  }

  /** The variables of the G step: the generator's. */
  generatorVariables(): tf.Variable[] {
    return trainableVariables(this.generator);
  }

  /** z `[n, zDim]` uniform in [−1, 1] (ContraD's `sample_latent`, models' `sampleLatent`), seeded by `rng`. */
  latent(n: number, rng: Rng): tf.Tensor2D {
    return sampleLatent(n, this.zDim, rng.seed());
  }

  /** `n` samples G(z), z from `rng`, in inference mode. The caller disposes them. */
  sample(n: number, rng: Rng): tf.Tensor4D {
    this.assertAlive();
    assertInt(n, 'ContraD.sample n', 1);
    return tf.tidy(() => this.generator.apply(this.latent(n, rng), { training: false }) as tf.Tensor4D);
  }

  /** D's logit of (un-augmented) images through the full discriminator, `[N, 1]`. The caller disposes it. */
  score(x: tf.Tensor4D, training = false): tf.Tensor2D {
    this.assertAlive();
    return tf.tidy(() => this.disHead.apply(this.discriminator.apply(x, { training }), { training }) as tf.Tensor2D);
  }

  /**
   * The discriminator's loss terms on already augmented views `[v₁; v₂; fakes]` `[3N, H, W, C]` (the code's
   * `loss_D_fn` after `P.augment_fn`). Differentiable w.r.t. the D variables; the dis head reads stop-gradient
   * features. Call inside `tf.tidy` / `tf.variableGrads`.
   */
  discriminatorLoss(views: tf.Tensor4D): ContraDLossTerms {
    const n = views.shape[0] / 3;
    if (!Number.isInteger(n) || n < 2) {
      throw new RangeError(`ContraD.discriminatorLoss: views must be [v1; v2; fakes] with N >= 2 each, got ${views.shape[0]} rows`);
    }
    const features = this.features(views);
    const p1 = this.projection.apply(features, { training: true }) as tf.Tensor2D;
    const p2 = this.projection2.apply(features, { training: true }) as tf.Tensor2D;
    const conReal = contradRealLoss(tf.slice(p1, [0, 0], [n, -1]), tf.slice(p1, [n, 0], [n, -1]), { temperature: this.temperature });
    const conFake = contradFakeLoss(tf.slice(p2, [0, 0], [2 * n, -1]), tf.slice(p2, [2 * n, 0], [n, -1]), {
      temperature: this.temperature,
    });
    // sg_linear=True: the dis head trains on detached features, so L_dis never reaches the encoder.
    const d = this.disHead.apply(stopGradient(features), { training: true }) as tf.Tensor2D;
    const dReal = tf.slice(d, [0, 0], [n, -1]);
    const dFake = tf.slice(d, [2 * n, 0], [n, -1]);
    const dis = tf.add(tf.mean(tf.softplus(dFake)), tf.mean(tf.softplus(tf.neg(dReal)))) as tf.Scalar;
    const loss = tf.add(tf.add(conReal, tf.mul(conFake, this.lambdaCon)), dis) as tf.Scalar;
    return { loss, conReal, conFake, dis, dReal: tf.mean(dReal) as tf.Scalar, dFake: tf.mean(dFake) as tf.Scalar };
  }

  /**
   * The encoder's training-mode features `[N, d]` of augmented images, the rows split over data-parallel workers
   * (core's `parallelRows`; D has no batch norm, and its spectral-norm power iteration reads only the weights, so
   * every row is the one a single process computes). Everything that mixes rows — the contrastive losses, the
   * heads, the generator and the augmentation (drawn over the whole batch) — runs replicated on every worker.
   */
  private features(images: tf.Tensor4D): tf.Tensor2D {
    const n = images.shape[0];
    return parallelRows(
      n,
      (start, count) => this.discriminator.apply(count === n ? images : tf.slice(images, start, count), { training: true }) as tf.Tensor2D,
    );
  }

  /** The D step on a real batch (fakes and views from `rng`); returns the loss terms (the caller disposes them). */
  discriminatorStep(real: tf.Tensor4D, rng: Rng): ContraDLossTerms {
    this.assertAlive();
    assertBatch(real);
    const terms = tf.tidy(() => {
      const n = real.shape[0];
      // gen_images = G(z) under no_grad (the code's `_sample_generator(..., enable_grad=False)`), G in train mode.
      const fake = stopGradient(this.generator.apply(this.latent(n, rng), { training: true }) as tf.Tensor4D);
      const views = this.augment(tf.concat([real, real, fake], 0) as tf.Tensor4D, rng);
      const vars = this.discriminatorVariables();
      const kept: Partial<ContraDLossTerms> = {};
      const { value, grads } = tf.variableGrads(() => {
        const t = this.discriminatorLoss(views);
        // The logged terms survive the gradient tape's tidy; the loss is its return value.
        for (const k of ['conReal', 'conFake', 'dis', 'dReal', 'dFake'] as const) kept[k] = tf.keep(t[k]);
        return t.loss;
      }, vars);
      applyGradientsTo(this.dOptimizer, grads, vars);
      return { ...kept, loss: value } as unknown as tf.TensorContainer;
    });
    return terms as unknown as ContraDLossTerms;
  }

  /** The G step: L_G = mean softplus(−D(aug(G(z)))) through the full D, z from `rng`; returns L_G (the caller disposes it). */
  generatorStep(n: number, rng: Rng): tf.Scalar {
    this.assertAlive();
    assertInt(n, 'ContraD.generatorStep n', 1);
    return tf.tidy(() => {
      const z = this.latent(n, rng);
      const vars = this.generatorVariables();
      const { value, grads } = tf.variableGrads(() => {
        const fake = this.generator.apply(z, { training: true }) as tf.Tensor4D;
        const d = this.disHead.apply(this.features(this.augment(fake, rng)), { training: true }) as tf.Tensor;
        return tf.mean(tf.softplus(tf.neg(d))) as tf.Scalar;
      }, vars);
      applyGradientsTo(this.gOptimizer, grads, vars);
      return value;
    });
  }

  step(real: tf.Tensor4D, info: StepInfo): StepOutput {
    this.assertAlive();
    assertBatch(real);
    return tf.tidy(() => {
      const d = this.discriminatorStep(real, info.rng);
      const gLoss = this.generatorStep(real.shape[0], info.rng);
      return {
        loss: tf.add(d.loss, gLoss) as tf.Scalar,
        logs: { dLoss: d.loss, gLoss, conReal: d.conReal, conFake: d.conFake, dis: d.dis, dReal: d.dReal, dFake: d.dFake },
      };
    });
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    return {
      ...modelState('generator', this.generator),
      ...modelState('discriminator', this.discriminator),
      ...modelState('projection', this.projection),
      ...modelState('projection2', this.projection2),
      ...modelState('dis_head', this.disHead),
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { discriminator: this.dOptimizer, generator: this.gOptimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of [this.generator, this.discriminator, this.projection, this.projection2, this.disHead]) m.dispose();
    this.dOptimizer.dispose();
    this.gOptimizer.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('ContraD was disposed');
  }
}

function assertBatch(real: unknown): asserts real is tf.Tensor4D {
  if (!(real instanceof tf.Tensor) || real.rank !== 4) {
    throw new TypeError('ContraD.step: the batch must be images [N, H, W, C] (a rank-4 tf.Tensor)');
  }
  if (real.shape[0] < 2)
    throw new RangeError(`ContraD.step: the batch needs N >= 2 images (each fake needs another fake), got ${real.shape[0]}`);
}

/** nn.Linear's default initialisation: weight and bias ~ U(−1/√fan_in, 1/√fan_in). */
function torchLinear(
  fanIn: number,
  rng: Rng,
): Record<'kernelInitializer' | 'biasInitializer', ReturnType<typeof tf.initializers.randomUniform>> {
  const b = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.randomUniform({ minval: -b, maxval: b, seed: rng.seed() }),
    biasInitializer: tf.initializers.randomUniform({ minval: -b, maxval: b, seed: rng.seed() }),
  };
}

/** `Linear(d, hidden) → LeakyReLU(0.1) → Linear(hidden, p)` (`BaseDiscriminator.projection`). */
function projectionHead(name: string, d: number, hidden: number, p: number, rng: Rng): tf.Sequential {
  return tf.sequential({
    name,
    layers: [
      tf.layers.dense({ inputShape: [d], units: hidden, ...torchLinear(d, rng) }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.dense({ units: p, ...torchLinear(hidden, rng) }),
    ],
  });
}

/** `Linear(d, 1)` (`LinearDiscriminator`). */
function linearHead(name: string, d: number, rng: Rng): tf.Sequential {
  return tf.sequential({ name, layers: [tf.layers.dense({ inputShape: [d], units: 1, ...torchLinear(d, rng) })] });
}
