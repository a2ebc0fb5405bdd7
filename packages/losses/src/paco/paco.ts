import * as tf from '@tensorflow/tfjs';
import { mlpHead } from '../heads/mlp-head.js';
import {
  assertInt,
  createRng,
  type Encoder,
  l2Normalize,
  layersEncoder,
  type Method,
  MoCoQueue,
  modelState,
  parallelRows,
  type Rng,
  type StepInfo,
  type StepOutput,
  stopGradient,
  trainableVariables,
  updateMomentum,
  cloneModel,
} from '@contrastive/core';
import { logClassPrior, pacoLoss } from './paco-loss.js';

/** One PaCo batch: the images (or any encoder input) and their class labels. */
export interface PaCoBatch<X = tf.Tensor> {
  /** The batch, as the encoder reads it (`views` turns it into the query and key views). */
  x: X;
  /** Class labels `[N]`, integers in [0, numClasses). */
  labels: tf.Tensor1D | ArrayLike<number>;
}

/** Options of {@link PaCo}. */
export interface PaCoOptions<X = tf.Tensor> {
  /**
   * The backbone f: x → h `[N, F]` (the pooled feature the classifier reads; the official code hooks the
   * avg-pool output). A `tf.LayersModel` or core's `Encoder`. Owned by the method.
   */
  encoder: Encoder<X> | tf.LayersModel;
  /**
   * The momentum key backbone, same architecture (its weights are overwritten by a copy of `encoder`'s).
   * Default: a clone of `encoder` — required when `encoder` is not a `tf.LayersModel`. Owned by the method.
   */
  keyEncoder?: Encoder<X> | tf.LayersModel;
  /** F, the width of h. Default: read from a `tf.LayersModel` encoder's output shape (required otherwise). */
  featureDim?: number;
  /**
   * The projection head h → z `[N, dim]` (its key copy is cloned from it). Default, the code's `--mlp`
   * head without its BatchNorm: `Dense(F→F, relu) → Dense(F→projectionDim)`. Owned by the method.
   */
  projector?: tf.LayersModel;
  /** Output width of the default projector (`--moco-dim`: 128 ImageNet-LT, 32 CIFAR-100-LT). Default `128`. */
  projectionDim?: number;
  /** C, the number of classes: the classifier W `[F, C]`, b `[C]` are the learnable class centres. */
  numClasses: number;
  /**
   * Per-class training counts `[C]` for the logit adjustment log π added to the centre logits during
   * training (the long-tail code's `cal_weight_for_classes`). Omitted: no adjustment (the full-ImageNet code).
   */
  classCounts?: ArrayLike<number>;
  /**
   * Makes the query and key views of a batch from the step's `rng` (the code: RandAugment for the query,
   * SimCLR augmentation for the key). Default: the batch itself for both.
   */
  views?: (x: X, rng: Rng) => [X, X];
  /** Queue size K (`--moco-k`: 8192 ImageNet-LT, 1024 CIFAR-100-LT). Default `8192`. */
  queueSize?: number;
  /** Key-encoder momentum m (`--moco-m`). Default `0.999`. */
  momentum?: number;
  /** α, the sample-positive weight (0.05 ImageNet-LT, 0.01 CIFAR-100-LT). Default `0.05`. */
  alpha?: number;
  /** β, the centre-positive weight. Default `1`. */
  beta?: number;
  /** γ, the sample weight in the denominator. Default `1`. */
  gamma?: number;
  /** τ (`--moco-t`: 0.2 ImageNet-LT, 0.05 CIFAR-100-LT). Default `0.2`. */
  temperature?: number;
  /**
   * Labels of the initial (random-key) queue rows: `'random'` as the code (`torch.randint(0, C, (K,))`,
   * so the first K/N steps see random keys as positives), or `'empty'` (−1: those rows are only
   * negatives until overwritten). Default `'random'`.
   */
  initialQueueLabels?: 'random' | 'empty';
  /**
   * The optimizer of encoder, projector and centres. Default SGD with momentum 0.9, learning rate 0.02
   * (the ImageNet-LT script; its weight decay 5e-4 and warm-up/cosine schedule are the caller's). Owned.
   */
  optimizer?: tf.Optimizer;
  /** Seed of the centres, the default projector and the initial queue. Default `0`. */
  seed?: number;
}

/**
 * PaCo, Parametric Contrastive Learning (Cui et al., ICCV 2021; `PaCo/LT/moco/builder.py` and
 * `PaCo/LT/paco_lt.py`). Per step, as `MoCo._train`:
 * 1. views (x_q, x_k) from `info.rng`;
 * 2. momentum update θ_k ← m·θ_k + (1−m)·θ_q of backbone and projector (before the keys);
 *    k = normalize(g_k(f_k(x_k))) with no gradient;
 * 3. h = f(x_q), q = g(h); centre logits Wᵀh + b (the classifier = the learnable centres);
 * 4. {@link pacoLoss} over [q; k; queue] with labels [y; y; queue labels] and log π from `classCounts`;
 * 5. one optimizer step on backbone, projector and centres; then enqueue k **with its labels**.
 *
 * All state is named in {@link stateTensors}: `encoder/…`, `key_encoder/…`, `projector/…`,
 * `key_projector/…`, `centres/kernel`, `centres/bias`, `queue/keys`, `queue/ptr`, `queue/labels`.
 * Inference ({@link predict}) is the classifier without the prior, as the code's `_inference`.
 * Not reproduced: shuffle BN and multi-GPU gathering; the unused momentum copy of the classifier.
 */
export class PaCo<X = tf.Tensor> implements Method<PaCoBatch<X>> {
  readonly name = 'paco';
  readonly encoder: Encoder<X>;
  readonly keyEncoder: Encoder<X>;
  readonly projector: tf.LayersModel;
  readonly keyProjector: tf.LayersModel;
  /** The class centres: classifier kernel W `[F, C]` and bias b `[C]`. */
  readonly centres: { kernel: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };
  readonly queue: MoCoQueue;
  /** Labels of the queue rows `[K]` (int32), written in the same slots as the keys. */
  readonly queueLabels: tf.Variable<tf.Rank.R1>;
  readonly logPrior: tf.Tensor1D | null;
  readonly optimizer: tf.Optimizer;
  readonly numClasses: number;
  readonly momentum: number;
  private readonly lossOptions: { alpha: number; beta: number; gamma: number; temperature: number };
  private readonly views: (x: X, rng: Rng) => [X, X];
  private disposed = false;

  constructor(options: PaCoOptions<X>) {
    const o = options ?? ({} as PaCoOptions<X>);
    const { numClasses, queueSize = 8192, momentum = 0.999, projectionDim = 128, seed = 0 } = o;
    const { alpha = 0.05, beta = 1, gamma = 1, temperature = 0.2, initialQueueLabels = 'random' } = o;
    assertInt(numClasses, 'PaCo options.numClasses', 2);
    assertInt(queueSize, 'PaCo options.queueSize', 1);
    assertInt(projectionDim, 'PaCo options.projectionDim', 1);
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`PaCo options.momentum must be in [0, 1], got ${String(momentum)}`);
    if (initialQueueLabels !== 'random' && initialQueueLabels !== 'empty') {
      throw new RangeError(`PaCo options.initialQueueLabels must be 'random' or 'empty', got ${String(initialQueueLabels)}`);
    }
    if (o.encoder === undefined) throw new TypeError('PaCo options.encoder is required (a tf.LayersModel or an Encoder)');
    if (o.classCounts !== undefined && o.classCounts.length !== numClasses) {
      throw new RangeError(`PaCo options.classCounts must have length ${numClasses} (numClasses), got length ${o.classCounts.length}`);
    }
    // Validate the loss options once, on a tiny input, so a bad α/β/γ/τ fails here and not at step 1.
    tf.tidy(() => {
      const z = tf.ones([1, 1]) as tf.Tensor2D;
      pacoLoss({ features: z, keys: z, labels: [0], centerLogits: tf.zeros([1, 2]) as tf.Tensor2D }, { alpha, beta, gamma, temperature });
    });
    const featureDim = o.featureDim ?? (o.encoder instanceof tf.LayersModel ? (o.encoder.outputs[0]!.shape[1] as number) : undefined);
    if (featureDim === undefined) throw new TypeError('PaCo options.featureDim is required when encoder is not a tf.LayersModel');
    assertInt(featureDim, 'PaCo options.featureDim', 1);
    if (o.keyEncoder === undefined && !(o.encoder instanceof tf.LayersModel)) {
      throw new TypeError('PaCo options.keyEncoder is required when encoder is not a tf.LayersModel (it cannot be cloned)');
    }
    const rng = createRng(seed);
    this.numClasses = numClasses;
    this.momentum = momentum;
    this.lossOptions = { alpha, beta, gamma, temperature };
    this.views = o.views ?? ((x: X) => [x, x]);
    this.encoder = asEncoder(o.encoder, 'encoder');
    this.keyEncoder = asEncoder(o.keyEncoder ?? cloneModel(o.encoder as tf.LayersModel), 'key_encoder');
    this.projector = o.projector ?? pacoProjector(featureDim, projectionDim, rng.seed());
    this.keyProjector = cloneModel(this.projector);
    const dim = this.projector.outputs[0]!.shape[1] as number;
    // nn.Linear's initialisation: U(−1/√F, 1/√F) for weight and bias.
    const bound = 1 / Math.sqrt(featureDim);
    const w = Float32Array.from({ length: featureDim * numClasses }, () => rng.range(-bound, bound));
    const b = Float32Array.from({ length: numClasses }, () => rng.range(-bound, bound));
    // tf.variable keeps its initial tensor alive unless it is made inside a tidy.
    this.centres = tf.tidy(() => ({
      kernel: tf.variable(tf.tensor2d(w, [featureDim, numClasses]), true),
      bias: tf.variable(tf.tensor1d(b), true),
    }));
    this.queue = new MoCoQueue({ size: queueSize, dim, seed: rng.seed() });
    const labels = Int32Array.from({ length: queueSize }, () => (initialQueueLabels === 'random' ? rng.int(numClasses) : -1));
    this.queueLabels = tf.tidy(() => tf.variable(tf.tensor1d(labels, 'int32'), false));
    this.logPrior = o.classCounts === undefined ? null : logClassPrior(o.classCounts);
    this.optimizer = o.optimizer ?? tf.train.momentum(0.02, 0.9);
    // θ_k ← θ_q (the code's param_k.data.copy_(param_q.data)).
    updateMomentum(this.onlineWeights(), this.keyWeights(), 0);
  }

  /** The weights the optimizer updates: backbone, projector, centres. */
  trainableWeights(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...trainableVariables(this.projector), this.centres.kernel, this.centres.bias];
  }

  step(batch: PaCoBatch<X>, info: StepInfo): StepOutput {
    this.assertAlive();
    if (batch === null || typeof batch !== 'object' || !('x' in batch) || !('labels' in batch)) {
      throw new TypeError('PaCo.step: batch must be { x, labels } (labels are required by PaCo)');
    }
    return tf.tidy(() => {
      const y = this.labelsOf(batch.labels);
      const [xq, xk] = this.views(batch.x, info.rng);
      updateMomentum(this.onlineWeights(), this.keyWeights(), this.momentum);
      // The backbone forwards are split over data-parallel workers (rows are independent apart from batch
      // norm); the loss, the centres and the queue then run on the gathered full batch.
      const keys = stopGradient(
        l2Normalize(rowsOf(xk, (x) => this.keyProjector.apply(this.keyEncoder.apply(x, true), { training: true }) as tf.Tensor2D)),
      );
      if (keys.shape[0] !== y.shape[0]) {
        throw new RangeError(`PaCo.step: labels must have length ${keys.shape[0]} (one per sample), got length ${y.shape[0]}`);
      }
      const queue = this.queue.negatives();
      const { value, grads } = tf.variableGrads(() => {
        const h = rowsOf(xq, (x) => this.encoder.apply(x, true) as tf.Tensor2D);
        const z = this.projector.apply(h, { training: true }) as tf.Tensor2D;
        const centerLogits = tf.add(tf.matMul(h, this.centres.kernel), this.centres.bias) as tf.Tensor2D;
        return pacoLoss(
          { features: z, keys, labels: y, queue, queueLabels: this.queueLabels, centerLogits, logPrior: this.logPrior },
          this.lossOptions,
        );
      }, this.trainableWeights());
      this.optimizer.applyGradients(grads);
      this.enqueue(keys, y);
      return value;
    });
  }

  /** Class logits Wᵀf(x) + b `[N, C]` (no prior, inference mode), as the code's `_inference`. The caller disposes them. */
  predict(x: X): tf.Tensor2D {
    this.assertAlive();
    return tf.tidy(
      () => tf.add(tf.matMul(this.encoder.apply(x, false) as tf.Tensor2D, this.centres.kernel), this.centres.bias) as tf.Tensor2D,
    );
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    const key = Object.fromEntries(Object.entries(this.keyEncoder.stateTensors()).map(([k, v]) => [`key_${k}`, v]));
    return {
      ...this.encoder.stateTensors(),
      ...key,
      ...modelState('projector', this.projector),
      ...modelState('key_projector', this.keyProjector),
      'centres/kernel': this.centres.kernel,
      'centres/bias': this.centres.bias,
      ...this.queue.stateTensors('queue'),
      'queue/labels': this.queueLabels,
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    this.keyEncoder.dispose();
    this.projector.dispose();
    this.keyProjector.dispose();
    tf.dispose([this.centres.kernel, this.centres.bias, this.queueLabels]);
    if (this.logPrior) this.logPrior.dispose();
    this.queue.dispose();
    this.optimizer.dispose();
    // tfjs 4.22 SGD/Momentum dispose() forgets the learning-rate scalar `c` (and momentum `m`).
    const opt = this.optimizer as unknown as { c?: tf.Tensor; m?: tf.Tensor };
    tf.dispose([opt.c, opt.m].filter((t): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed));
  }

  /** Writes keys and their labels into the same ring-buffer slots (labels first: they read the pointer before it moves). */
  private enqueue(keys: tf.Tensor2D, labels: tf.Tensor1D): void {
    const size = this.queue.size;
    const n = labels.shape[0];
    const kept = Math.min(n, size);
    tf.tidy(() => {
      const ptr = this.queue.stateTensors('queue')['queue/ptr']!;
      const fresh = kept < n ? tf.slice(labels, [n - kept], [kept]) : labels;
      const start = tf.add(ptr, tf.scalar(n - kept, 'int32'));
      const slots = tf.mod(tf.add(tf.range(0, kept, 1, 'int32'), start), tf.scalar(size, 'int32'));
      const hot = tf.oneHot(slots as tf.Tensor1D, size); // [kept, K] int32, distinct slots
      const written = tf.greater(tf.sum(hot, 0), 0);
      const values = tf.sum(tf.mul(hot, tf.expandDims(fresh, 1)), 0);
      this.queueLabels.assign(tf.where(written, values, this.queueLabels) as tf.Tensor1D);
    });
    this.queue.update(keys);
  }

  private labelsOf(labels: tf.Tensor1D | ArrayLike<number>): tf.Tensor1D {
    if (labels instanceof tf.Tensor) {
      if (labels.rank !== 1) throw new RangeError(`PaCo.step: labels must be a rank-1 tensor, got rank ${labels.rank}`);
      return (labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32')) as tf.Tensor1D;
    }
    const values = Array.from(labels, Number);
    values.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= this.numClasses) {
        throw new RangeError(`PaCo.step: labels[${i}] must be an integer in [0, ${this.numClasses}) (numClasses), got ${v}`);
      }
    });
    return tf.tensor1d(values, 'int32');
  }

  private onlineWeights(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...trainableVariables(this.projector)];
  }

  private keyWeights(): tf.Variable[] {
    return [...this.keyEncoder.trainableWeights, ...trainableVariables(this.keyProjector)];
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('PaCo was disposed');
  }
}

/**
 * `f(x)` for a batch `x`, computed with core's `parallelRows` when `x` is a tensor (each data-parallel worker
 * encodes its contiguous rows, gathered with their gradient); any other input is encoded whole.
 */
function rowsOf<X>(x: X, f: (x: X) => tf.Tensor2D): tf.Tensor2D {
  if (!(x instanceof tf.Tensor)) return f(x);
  const t = x as tf.Tensor;
  return parallelRows(t.shape[0]!, (start, count) =>
    f((start === 0 && count === t.shape[0] ? t : tf.slice(t, start, count)) as unknown as X),
  );
}

function asEncoder<X>(e: Encoder<X> | tf.LayersModel, name: string): Encoder<X> {
  // layersEncoder names the weights `encoder/<index>_<leaf>`; the key copy gets the `key_` prefix in stateTensors.
  return e instanceof tf.LayersModel ? (layersEncoder(e, name) as unknown as Encoder<X>) : e;
}

/** The code's `--mlp` head (Linear(F,F) → ReLU → Linear(F,dim)) without its BatchNorm. */
function pacoProjector(featureDim: number, dim: number, seed: number): tf.Sequential {
  return mlpHead('paco_projector', featureDim, dim, [seed, seed + 1]);
}
