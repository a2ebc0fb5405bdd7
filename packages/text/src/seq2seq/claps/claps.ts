import * as tf from '@tensorflow/tfjs';
import { AdamW } from '@contrastive/core';
import type { Method, StepInfo, StepOutput } from '@contrastive/core';
import { linearWarmupDecaySchedule } from '../../methods/text-method.js';
import type { Seq2SeqModel } from '../model/seq2seq-model.js';
import type { Seq2SeqBatch } from '../model/transformer.js';
import { CLAPS_VARIANTS, clapsLossTerms } from './claps-terms.js';
import type { ClapsTermsOptions, ClapsVariant } from './claps-terms.js';
import { lmHeadWithoutRescale } from './perturbations.js';
import { createProjection } from './projection.js';

/** Names under which {@link Claps.stateTensors} stores the projection (the model's own names are kept as they are). */
export const CLAPS_PROJECTION_NAMES = { weight: 'claps.projection.weight', bias: 'claps.projection.bias' } as const;

/** Options of {@link Claps}; every field has a default. */
export interface ClapsOptions {
  /**
   * Row of the results table: `'claps'` (default, `NLL + ½(L1 + L2)`), `'mle'` (NLL only — same model, same
   * optimizer, the projection is not trained), `'no-imposter'` / `'no-distant'` (the paper's "w/o negative" /
   * "w/o positive" ablations, see {@link clapsContrastiveLoss}).
   */
  variant?: ClapsVariant;
  /** τ of both contrastive terms and of the distant target's InfoNCE. Default 0.1 (official `--tau`). */
  temperature?: number;
  /** ε of the imposter step. Default 1.0 (official summarization / QG `--neg_eps`; NMT's `main.py` uses 3.0). */
  epsNeg?: number;
  /**
   * ε of both distant-target steps. Default 3.0 (official `--pos_eps`, all tasks).
   *
   * Both ε are absolute lengths per token in the rescaled space (`H·headScale`), as in the code. With this
   * package's LayerNorm'd Transformer a token there has norm ≈ 1 at initialisation (√d · d^−0.5), so ε_pos = 3 is a
   * step three times the state itself: measured on the tiny reverse-task model of the tests, the KL step then lowers
   * the KL only before training (2.54 → 2.19 nats/token); after training it overshoots (0.51 → 1.17) and Ĥ's NLL
   * (1.15) exceeds the imposter's at ε_neg = 1 (0.56). At ε_pos = 0.5 the untrained model behaves as intended
   * (KL 0.112 → 0.084, NLL 2.83 vs the imposter's 7.04), but the trained one still overshoots a KL that is already
   * tiny (0.0018 → 0.0091): a normalised, fixed-length step cannot land on a minimum. Tune ε to the model's scale.
   */
  epsPos?: number;
  /** Reproduce the official L2 without /τ (see {@link ClapsContrastiveLossOptions.officialL2}). Default `false`. */
  officialL2?: boolean;
  /**
   * Peak AdamW rate. Default 5e-4. The official trainer uses Adafactor with its relative-step default (the
   * `--lr` flag is parsed but not passed), fine-tuning a pretrained T5; core has no Adafactor and this model
   * trains from scratch, so AdamW (PyTorch's update) with a from-scratch rate.
   */
  learningRate?: number;
  /** Decoupled weight decay (never on biases and LayerNorm weights). Default 0, as Adafactor's default in the official code. */
  weightDecay?: number;
  /** Linear warm-up share of the total steps, then linear decay to 0 (HF `get_linear_schedule_with_warmup`). Default 0 (constant rate without a total). */
  warmupRatio?: number;
  /** Total optimizer steps for the schedule. Default: core's `train()` `info.totalSteps`; with neither, a constant rate. */
  totalSteps?: number;
  /** Global gradient-norm clip (0 = off). Default 1. */
  maxGradNorm?: number;
  /** Seed of the projection's initial weights. Default: the model's `config.seed`. */
  seed?: number;
  /** Bring your own optimizer (owned by the method; the optimizer options above are then ignored). */
  optimizer?: tf.Optimizer;
}

let instances = 0;

/**
 * CLAPS (Lee, Lee & Hwang, "Contrastive Learning with Adversarial Perturbations for Conditional Text
 * Generation", ICLR 2021; official `seanie12/CLAPS`) on core's {@link Method} contract, for any
 * {@link Seq2SeqModel} (the Transformer or the GRU baseline). One step:
 *
 * 1. teacher-forced forward **with dropout** (masks from `info.rng`): `H_enc = encode(x)`,
 *    `H = decode(…)·headScale` — the rescaled states the official code projects and perturbs;
 * 2. `nll = CE(lm_head(H))` (the model's usual logits);
 * 3. imposter H̃ (ε_neg) and distant target Ĥ (τ, ε_pos), detached ({@link imposter}, {@link distantTarget});
 * 4. `z = avgPool(ReLU(Linear(·)))` of H_enc, H, H̃, Ĥ with one shared projection; `cont =` {@link clapsContrastiveLoss};
 * 5. one AdamW update of the model and the projection on `nll + cont`.
 *
 * Not reproduced: the official code's `generate_cont_adv` calls `backward()` on its InfoNCE and KL without
 * zeroing, so its update also carries the InfoNCE gradient of the projection at detached states and the KL
 * gradient of the tied embedding; here the perturbations are pure and only `nll + cont` is differentiated (as
 * the paper's objective). Step logs: `nll`, and when present `cont`, `impNll`, `distNll` (perturbed states' NLLs).
 *
 * Ownership: the method owns the model (and its projection and optimizer); `dispose()` frees them. If the
 * constructor throws, nothing was taken.
 */
export class Claps implements Method<Seq2SeqBatch> {
  readonly name = 'claps';
  readonly variant: ClapsVariant;
  /** The resolved loss hyper-parameters. */
  readonly lossOptions: Readonly<ClapsTermsOptions>;
  readonly projection: { weight: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };
  private readonly optimizer: tf.Optimizer;
  private runTotalSteps: number | undefined;
  private readonly fixedTotalSteps: number | undefined;
  private disposed = false;

  constructor(
    /** The trained encoder–decoder (owned: `dispose()` frees it). */
    readonly model: Seq2SeqModel,
    options: ClapsOptions = {},
  ) {
    const o = resolveClapsOptions(options);
    this.variant = o.variant;
    this.lossOptions = Object.freeze({
      variant: o.variant,
      temperature: o.temperature,
      epsNeg: o.epsNeg,
      epsPos: o.epsPos,
      officialL2: o.officialL2,
    });
    const taken = model.stateTensors();
    for (const n of Object.values(CLAPS_PROJECTION_NAMES)) {
      if (n in taken) throw new RangeError(`Claps: the model already has a weight named '${n}'`);
    }
    this.fixedTotalSteps = options.totalSteps;
    this.runTotalSteps = options.totalSteps;
    this.projection = createProjection(model.config.dModel, options.seed ?? model.config.seed, `claps${instances++}`);
    if (options.optimizer) this.optimizer = options.optimizer;
    else {
      const schedule = linearWarmupDecaySchedule(o.learningRate, o.warmupRatio);
      this.optimizer = new AdamW({
        learningRate: (k) => schedule(k, this.runTotalSteps),
        weightDecay: o.weightDecay,
        noWeightDecay: (name) => /\.bias$|(^|[./_])ln([._]|$)|norm/i.test(name),
        globalClipNorm: o.maxGradNorm > 0 ? o.maxGradNorm : undefined,
      });
    }
  }

  /** Variables the optimizer updates: the model's, plus the projection unless `'mle'`. */
  trainable(): tf.Variable[] {
    const vars = [...this.model.trainableWeights];
    if (this.variant !== 'mle') vars.push(this.projection.weight, this.projection.bias);
    return vars;
  }

  /** One update on `nll + cont` (see the class); returns `{ loss, logs }`, all scalars the caller's. */
  step(batch: Seq2SeqBatch, info: StepInfo): StepOutput {
    this.begin(info);
    checkBatch(batch);
    const rng = info.rng;
    const m = this.model;
    const logs: Record<string, tf.Scalar> = {};
    const vars = this.trainable();
    const { value, grads } = tf.variableGrads(() => {
      const hEnc = m.encode(batch.srcIds, batch.srcMask, true, { rng });
      const { inputIds, inputMask } = m.shiftRight(batch.tgtIds, batch.tgtMask);
      const hDec = m.decode(hEnc, batch.srcMask, inputIds, inputMask, true, { rng }).mul(m.headScale) as tf.Tensor3D;
      const terms = clapsLossTerms(
        {
          lmHead: lmHeadWithoutRescale(m),
          hEnc,
          encMask: batch.srcMask,
          hDec,
          decMask: inputMask,
          labels: batch.tgtIds,
          labelMask: batch.tgtMask,
          projection: this.projection,
        },
        this.lossOptions,
      );
      for (const k of ['nll', 'cont', 'impNll', 'distNll'] as const) {
        const t = terms[k];
        if (t) logs[k] = tf.keep(t.clone());
      }
      return terms.loss;
    }, vars);
    this.optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return { loss: value, logs };
  }

  /** The model's weights under their own names, and the projection under {@link CLAPS_PROJECTION_NAMES}. */
  stateTensors(): Record<string, tf.Variable> {
    return {
      ...this.model.stateTensors(),
      [CLAPS_PROJECTION_NAMES.weight]: this.projection.weight,
      [CLAPS_PROJECTION_NAMES.bias]: this.projection.bias,
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  /** Frees the optimizer, the projection and the model. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.projection.weight.dispose();
    this.projection.bias.dispose();
    this.model.dispose();
  }

  private begin(info: StepInfo): void {
    if (this.disposed) throw new Error('claps: step() after dispose()');
    if (info === undefined || info === null || typeof info.rng?.seed !== 'function') {
      throw new TypeError("claps.step(batch, info): info must be a StepInfo with an rng (core's train() passes one)");
    }
    const { totalSteps } = info;
    if (totalSteps !== undefined) {
      if (!(Number.isInteger(totalSteps) && totalSteps >= 1))
        throw new RangeError(`info.totalSteps must be an integer >= 1, got ${totalSteps}`);
      if (this.fixedTotalSteps !== undefined && totalSteps !== this.fixedTotalSteps) {
        throw new RangeError(`claps: options.totalSteps is ${this.fixedTotalSteps} but train() runs ${totalSteps} steps; drop one of them`);
      }
      this.runTotalSteps = totalSteps;
    }
  }
}

/** {@link ClapsOptions} with defaults, checked: each bad value is a RangeError naming the option. */
export function resolveClapsOptions(options: ClapsOptions): Required<Omit<ClapsOptions, 'totalSteps' | 'seed' | 'optimizer'>> {
  const r = {
    variant: options.variant ?? 'claps',
    temperature: options.temperature ?? 0.1,
    epsNeg: options.epsNeg ?? 1.0,
    epsPos: options.epsPos ?? 3.0,
    officialL2: options.officialL2 ?? false,
    learningRate: options.learningRate ?? 5e-4,
    weightDecay: options.weightDecay ?? 0,
    warmupRatio: options.warmupRatio ?? 0,
    maxGradNorm: options.maxGradNorm ?? 1,
  };
  if (!CLAPS_VARIANTS.includes(r.variant)) {
    throw new RangeError(`Claps: variant must be one of ${CLAPS_VARIANTS.join(', ')}, got '${String(r.variant)}'`);
  }
  const finite = (v: number): boolean => typeof v === 'number' && Number.isFinite(v);
  if (!finite(r.temperature) || r.temperature <= 0) throw new RangeError(`Claps: temperature must be > 0, got ${r.temperature}`);
  for (const k of ['epsNeg', 'epsPos', 'learningRate', 'weightDecay', 'maxGradNorm'] as const) {
    if (!finite(r[k]) || r[k] < 0) throw new RangeError(`Claps: ${k} must be a finite number >= 0, got ${String(r[k])}`);
  }
  if (!finite(r.warmupRatio) || r.warmupRatio < 0 || r.warmupRatio > 1)
    throw new RangeError(`Claps: warmupRatio must be in [0, 1], got ${r.warmupRatio}`);
  if (typeof r.officialL2 !== 'boolean') throw new RangeError(`Claps: officialL2 must be a boolean, got ${String(r.officialL2)}`);
  if (options.totalSteps !== undefined && !(Number.isInteger(options.totalSteps) && options.totalSteps >= 1)) {
    throw new RangeError(`Claps: totalSteps must be an integer >= 1, got ${options.totalSteps}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new RangeError(`Claps: seed must be an integer, got ${options.seed}`);
  return r;
}

function checkBatch(b: Seq2SeqBatch): void {
  const [n, s] = b.srcIds.shape;
  const [n2, t] = b.tgtIds.shape;
  if (n !== n2) throw new RangeError(`claps: srcIds has ${n} rows but tgtIds ${n2}`);
  if (b.srcMask.shape[0] !== n || b.srcMask.shape[1] !== s)
    throw new RangeError(`claps: srcMask is [${b.srcMask.shape}] but srcIds [${b.srcIds.shape}]`);
  if (b.tgtMask.shape[0] !== n || b.tgtMask.shape[1] !== t)
    throw new RangeError(`claps: tgtMask is [${b.tgtMask.shape}] but tgtIds [${b.tgtIds.shape}]`);
  if (n < 2) throw new RangeError(`claps: a contrastive batch needs at least 2 pairs, got ${n}`);
}
