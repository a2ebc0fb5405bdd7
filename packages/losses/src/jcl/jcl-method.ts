import * as tf from '@tensorflow/tfjs';
import { mlpHead } from '../heads/mlp-head.js';
import {
  applyGradientsTo,
  assertInt,
  assertNonNegative,
  assertPositive,
  createRng,
  type Encoder,
  l2Normalize,
  layersEncoder,
  MoCoQueue,
  type Method,
  modelState,
  type Rng,
  type StepInfo,
  type StepOutput,
  updateMomentum,
  cloneModel,
  cosineSchedule,
  dataParallelContext,
  parallelParts,
  parallelRows,
  withDataParallel,
  getLearningRate,
  setLearningRate,
} from '@contrastive/core';
import { jclLossTerms } from './jcl-loss.js';

/** One random view of a batch, drawn from `rng` only (the caller's augmentation: crop, jitter, noise …). */
export type JCLView<B> = (batch: B, rng: Rng) => tf.Tensor;

/** Options of {@link JCL}. */
export interface JCLOptions<B> {
  /**
   * The query encoder f_q (the method owns it). A `tf.LayersModel` is cloned for the key encoder; a core
   * `Encoder` needs `keyEncoder` (same architecture: there is no generic clone).
   */
  encoder: Encoder | tf.LayersModel;
  /** The key encoder f_k, same weights layout as `encoder`; its weights are overwritten by θ_q at construction. Owned. */
  keyEncoder?: Encoder | tf.LayersModel;
  /**
   * Projection head g_q on the encoder output (cloned for the key branch), or `null` for none. Default: the
   * MoCo v2 head `Linear(D→D) → ReLU → Linear(D→projectionDim)` (`--mlp`, as JCL's script).
   */
  projector?: tf.LayersModel | null;
  /** Output size D of the encoder; needed only for the default head when `encoder` is not a `tf.LayersModel`. */
  featureDim?: number;
  /** Output size of the default head. Default `128` (MoCo, JCL). */
  projectionDim?: number;
  /** One random view of a batch; called 1 + M times per step (the query view first, then the M key views). */
  views: JCLView<B>;
  /** M, key views per image (`k_crops − 1`). Default `4` (`--k_crops 5`, `scripts/main_pretrain.sh`). */
  keyViews?: number;
  /** Queue size K. Default `4096` (the paper: 65,536; keep K ≤ the dataset size). */
  queueSize?: number;
  /** Key-encoder momentum m. Default `0.999` (MoCo, JCL). */
  momentum?: number;
  /** Temperature τ. Default `0.2` (`--moco-t 0.2`, MoCo v2). */
  temperature?: number;
  /** λ, reached at the last epoch by the warm-up λ·(epoch+1)/E. Default `2.0` (`--jcl_lambda 2.0`; argparse default 0.25). */
  lambda?: number;
  /** E, the total epochs of the run, for the λ warm-up (`--epochs`, 200 in the script). Required. */
  epochs: number;
  /** Optimizer of θ_q (owned). Default `tf.train.momentum(0.03, 0.9)` (MoCo: SGD, lr 0.03, momentum 0.9). */
  optimizer?: tf.Optimizer;
  /** Seed of the head initialisers and the initial queue (a step draws only from `info.rng`). Default `0`. */
  seed?: number;
  /**
   * Cosine decay of the optimizer's learning rate from its value at construction to 0 over
   * `info.totalSteps` (`main_moco.py --cos`, on in JCL's script). Default `false`.
   */
  cosineLr?: boolean;
  /**
   * BatchNorm sub-batches emulating per-GPU BN (MoCo's shuffle BN): queries go through the encoder in
   * `bnGroups` sub-batches in order; the M·N key views are shuffled (from `info.rng`), split into `bnGroups`
   * sub-batches, encoded and un-shuffled, so a key's BN statistics never come from its own query's
   * sub-batch. `1` = one batch, no shuffle. Default `1`.
   */
  bnGroups?: number;
}

/**
 * JCL (Cai et al., NeurIPS 2020; `caiqi/Joint-Contrastive-Learning`, `main_moco.py` + `moco/moco_unlimit_key_default.py`)
 * as a MoCo-v2-style method. Per step, as the official `train()` / `forward()`:
 * 1. views: x_q, then M key views x_k¹…x_kᴹ, all from `info.rng`;
 * 2. λ_t = λ·(epoch+1)/E (the code's `ratio`; clamped at λ past the last epoch);
 * 3. **momentum update first**: θ_k ← m·θ_k + (1−m)·θ_q (core `updateMomentum`, trainable weights);
 * 4. keys k = normalize(g_k(f_k(x_k))) for the M views in one forward (the code concatenates the crops), no gradient;
 * 5. q = g_q(f_q(x_q)); loss = CE + jcl_loss = {@link jclLoss}(q, keys, queue; τ, λ_t), optimizer step on θ_q;
 * 6. enqueue μ = mean of the M normalised keys (not re-normalised) into the core `MoCoQueue`.
 *
 * Shuffle BN is emulated on one device with `bnGroups` (as vision's MoCo), the cosine LR with `cosineLr`;
 * weight decay is the optimizer's business.
 * `step` returns `{ loss, logs: { crossEntropy, covariance, lambda } }`.
 */
export class JCL<B = tf.Tensor> implements Method<B> {
  readonly name = 'jcl';
  readonly encoder: Encoder;
  readonly keyEncoder: Encoder;
  readonly projector: tf.LayersModel | null;
  readonly keyProjector: tf.LayersModel | null;
  readonly queue: MoCoQueue;
  readonly keyViews: number;
  readonly momentum: number;
  readonly temperature: number;
  readonly lambda: number;
  readonly epochs: number;
  readonly optimizer: tf.Optimizer;
  readonly cosineLr: boolean;
  readonly bnGroups: number;
  private readonly baseLr: number;
  private readonly views: JCLView<B>;
  private disposed = false;

  constructor(options: JCLOptions<B>) {
    const o = options ?? ({} as JCLOptions<B>);
    const {
      keyViews = 4,
      queueSize = 4096,
      momentum = 0.999,
      temperature = 0.2,
      lambda = 2.0,
      projectionDim = 128,
      seed = 0,
      cosineLr = false,
      bnGroups = 1,
    } = o;
    assertInt(keyViews, 'JCL options.keyViews', 1);
    assertInt(bnGroups, 'JCL options.bnGroups', 1);
    if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1))
      throw new RangeError(`JCL options.momentum must be in [0, 1], got ${String(momentum)}`);
    assertPositive(temperature, 'JCL options.temperature');
    assertNonNegative(lambda, 'JCL options.lambda');
    assertInt(o.epochs, 'JCL options.epochs (the total epochs E of the λ warm-up)', 1);
    assertInt(projectionDim, 'JCL options.projectionDim', 1);
    if (typeof o.views !== 'function')
      throw new TypeError(`JCL options.views must be a function (batch, rng) => view, got ${typeof o.views}`);
    const rng = createRng(seed);
    const encoderModel = o.encoder instanceof tf.LayersModel ? o.encoder : null;
    if (!encoderModel && !isEncoder(o.encoder)) throw new TypeError('JCL options.encoder must be a core Encoder or a tf.LayersModel');
    let keyEncoder: Encoder;
    if (o.keyEncoder !== undefined) keyEncoder = toEncoder(o.keyEncoder, 'JCL options.keyEncoder');
    else if (encoderModel) keyEncoder = layersEncoder(cloneModel(encoderModel), 'key_encoder');
    else throw new TypeError('JCL options.keyEncoder is required when options.encoder is an Encoder (a tf.LayersModel is cloned)');
    this.encoder = toEncoder(o.encoder, 'JCL options.encoder');
    this.keyEncoder = keyEncoder;
    // θ_k ← θ_q (the code's param_k.data.copy_(param_q.data)).
    updateMomentum(this.encoder.trainableWeights, this.keyEncoder.trainableWeights, 0);
    const featureDim = o.featureDim ?? (encoderModel ? (encoderModel.outputs[0]!.shape[1] as number) : undefined);
    if (o.projector === undefined) {
      if (featureDim === undefined)
        throw new TypeError('JCL options.featureDim is required for the default head when options.encoder is not a tf.LayersModel');
      assertInt(featureDim, 'JCL options.featureDim', 1);
      this.projector = mlpHead('jcl_projector', featureDim, projectionDim, [rng.seed(), rng.seed()]);
    } else this.projector = o.projector;
    this.keyProjector = this.projector ? cloneModel(this.projector) : null;
    const dim = this.projector ? (this.projector.outputs[0]!.shape[1] as number) : featureDim;
    if (dim === undefined)
      throw new TypeError('JCL options.featureDim is required (the queue dimension) with projector: null and an Encoder');
    this.queue = new MoCoQueue({ size: queueSize, dim, seed: rng.seed() });
    this.keyViews = keyViews;
    this.momentum = momentum;
    this.temperature = temperature;
    this.lambda = lambda;
    this.epochs = o.epochs;
    this.views = o.views;
    this.optimizer = o.optimizer ?? tf.train.momentum(0.03, 0.9);
    this.cosineLr = cosineLr === true;
    this.bnGroups = bnGroups;
    this.baseLr = getLearningRate(this.optimizer);
  }

  /** λ_t = λ·(epoch+1)/E (clamped to λ), the warm-up of `main_moco.py`. */
  lambdaAt(epoch: number): number {
    return (this.lambda * Math.min(epoch + 1, this.epochs)) / this.epochs;
  }

  private queryVariables(): tf.Variable[] {
    return [
      ...this.encoder.trainableWeights,
      ...(this.projector ? this.projector.trainableWeights.map((w) => w.read() as tf.Variable) : []),
    ];
  }

  private keyVariables(): tf.Variable[] {
    return [
      ...this.keyEncoder.trainableWeights,
      ...(this.keyProjector ? this.keyProjector.trainableWeights.map((w) => w.read() as tf.Variable) : []),
    ];
  }

  /** q = g_q(f_q(x)) `[N, P]` (not normalised: the loss normalises), over `bnGroups` sub-batches in order. */
  embedQuery(x: tf.Tensor): tf.Tensor2D {
    return groupedApply(this.encoder, this.projector, x, this.bnGroups);
  }

  /**
   * The M views' keys `[N, M, P]`, each normalize(g_k(f_k(x))), from one forward over the concatenated views
   * (in `bnGroups` sub-batches after the permutation `perm` of the M·N rows when given: shuffle BN).
   */
  encodeKeys(keyViews: tf.Tensor[], perm?: Int32Array): tf.Tensor3D {
    return tf.tidy(() => {
      const n = keyViews[0]!.shape[0]!;
      const k = l2Normalize(groupedApply(this.keyEncoder, this.keyProjector, tf.concat(keyViews, 0), this.bnGroups, perm));
      // [M·N, P] in view-major order (the code's k.view(k_crops, N, -1)) → [N, M, P].
      return tf.transpose(tf.reshape(k, [keyViews.length, n, -1]), [1, 0, 2]) as tf.Tensor3D;
    });
  }

  step(batch: B, info: StepInfo): StepOutput {
    this.assertAlive();
    if (info === null || typeof info !== 'object' || !Number.isInteger(info.epoch) || typeof info.rng?.seed !== 'function') {
      throw new TypeError("JCL.step(batch, info): info must be core's StepInfo (train() passes it; by hand use stepInfo(k, { epoch }))");
    }
    const lambda = this.lambdaAt(info.epoch);
    const total = info.totalSteps;
    if (this.cosineLr && total !== undefined && total > 0) {
      setLearningRate(this.optimizer, cosineSchedule({ from: this.baseLr, to: 0, totalSteps: total })(Math.min(info.globalStep, total)));
    }
    const xq = this.views(batch, info.rng);
    const xk: tf.Tensor[] = [];
    try {
      for (let m = 0; m < this.keyViews; m++) xk.push(this.views(batch, info.rng));
      updateMomentum(this.queryVariables(), this.keyVariables(), this.momentum);
      const rows = xk.length * xk[0]!.shape[0]!;
      const keys = this.encodeKeys(xk, this.bnGroups > 1 ? info.rng.permutation(rows) : undefined);
      const negatives = this.queue.negatives();
      let terms: { crossEntropy: tf.Scalar; covariance: tf.Scalar } | null = null;
      const vars = this.queryVariables();
      const { value, grads } = tf.variableGrads(() => {
        const t = jclLossTerms(this.embedQuery(xq), keys, negatives, { temperature: this.temperature, lambda });
        terms = { crossEntropy: tf.keep(t.crossEntropy), covariance: tf.keep(t.covariance) };
        return tf.add(t.crossEntropy, t.covariance) as tf.Scalar;
      }, vars);
      applyGradientsTo(this.optimizer, grads, vars);
      tf.dispose(Object.values(grads));
      // Enqueue μ, the mean of the normalised keys (not re-normalised), after the loss.
      const mu = tf.tidy(() => tf.mean(keys, 1) as tf.Tensor2D);
      this.queue.update(mu);
      tf.dispose([mu, keys, negatives]);
      const t = terms as unknown as { crossEntropy: tf.Scalar; covariance: tf.Scalar };
      return { loss: value, logs: { crossEntropy: t.crossEntropy, covariance: t.covariance, lambda } };
    } finally {
      tf.dispose([xq, ...xk]);
    }
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.encoder.stateTensors())) out[`query/${k}`] = v;
    for (const [k, v] of Object.entries(this.keyEncoder.stateTensors())) out[`key/${k}`] = v;
    if (this.projector) Object.assign(out, modelState('query/projector', this.projector));
    if (this.keyProjector) Object.assign(out, modelState('key/projector', this.keyProjector));
    return { ...out, ...this.queue.stateTensors('queue') };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    this.keyEncoder.dispose();
    this.projector?.dispose();
    this.keyProjector?.dispose();
    this.queue.dispose();
    this.optimizer.dispose();
    // tfjs 4.22: MomentumOptimizer.dispose() (and SGD's, when overridden) forgets the learning-rate scalar `c`.
    const c = (this.optimizer as unknown as { c?: tf.Tensor }).c;
    if (c && !c.isDisposed) c.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('JCL was disposed');
  }
}

/**
 * `projector(encoder(x))` in training mode over `groups` sub-batches (at most ⌊n/2⌋), so each BatchNorm sees
 * only its sub-batch; with `perm`, the rows are permuted first and the output un-permuted (row i stays image
 * i). One sub-batch and no `perm` is the plain forward.
 *
 * Data-parallel: one group is split by rows (core's `parallelRows`; batch norm per worker, or over the whole
 * batch with `syncBatchNorm`); several groups are dealt out whole to the workers (`parallelParts`) with their
 * batch norm kept per group even under `syncBatchNorm` — a group is the unit of statistics, so the result is
 * the single-process one for any number of workers.
 */
function groupedApply(encoder: Encoder, projector: tf.LayersModel | null, x: tf.Tensor, groups: number, perm?: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const g = Math.max(1, Math.min(groups, Math.floor(n / 2)));
    const input = perm ? tf.gather(x, tf.tensor1d(perm, 'int32')) : x;
    const forward = (part: tf.Tensor): tf.Tensor2D => {
      const h = encoder.apply(part, true);
      return (projector ? projector.apply(h, { training: true }) : h) as tf.Tensor2D;
    };
    let out: tf.Tensor2D;
    if (g === 1) out = parallelRows(n, (start, count) => forward(count === n ? input : tf.slice(input, start, count)));
    else {
      const sizes = Array.from({ length: g }, (_, i) => Math.floor(n / g) + (i < n % g ? 1 : 0));
      const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
      const ctx = dataParallelContext();
      const perGroup = ctx?.syncBatchNorm ? { ...ctx, syncBatchNorm: false } : ctx;
      out = parallelParts(g, (p) => withDataParallel(perGroup, () => forward(tf.slice(input, starts[p]!, sizes[p]!))));
    }
    if (!perm) return out;
    const inverse = new Int32Array(n);
    perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return tf.gather(out, tf.tensor1d(inverse, 'int32')) as tf.Tensor2D;
  });
}

function isEncoder(x: unknown): x is Encoder {
  return (
    x !== null && typeof x === 'object' && typeof (x as Encoder).apply === 'function' && typeof (x as Encoder).stateTensors === 'function'
  );
}

function toEncoder(x: Encoder | tf.LayersModel, name: string): Encoder {
  if (x instanceof tf.LayersModel) return layersEncoder(x);
  if (!isEncoder(x)) throw new TypeError(`${name} must be a core Encoder or a tf.LayersModel`);
  return x;
}
